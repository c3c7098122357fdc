"""The citizen rating page: no sign-in, no personal data in the URL, once per service, clear messages."""
import datetime as dt

import pytest

from bianmin.ratings.models import Rating

from .rating_helpers import accepted_case, finished_case, link_for

pytestmark = pytest.mark.django_db


def path_of(link):
    return "/r/" + link["token"] + "/"


def test_page_shows_five_levels_and_the_questionnaire_without_personal_data(world, api_for, client):
    case = finished_case(world, phone="13812345678", name="刘德华")
    page = client.get(path_of(link_for(api_for(world.clerk_a), case)))
    html = page.content.decode()
    assert page.status_code == 200
    for label in ["非常满意", "满意", "基本满意", "不满意", "非常不满意", "服务指引是否清晰", "有何改进意见"]:
        assert label in html
    assert "13812345678" not in html and "刘德华" not in html and case.item.name in html


def test_submitting_the_form_stores_the_rating_and_thanks(world, api_for, client):
    link = link_for(api_for(world.clerk_a), finished_case(world))
    r = client.post(path_of(link), {"level": "dissatisfied", "q_guide_clear": "no", "suggestion": "指引写清楚",
                                    "comment": "排队太久", "via": "qr", "submission": "form_abc"})
    assert r.status_code == 302 and r["Location"].endswith("/thanks/")
    thanks = client.get(r["Location"]).content.decode()
    assert "感谢您的评价" in thanks and "1 个工作日内" in thanks
    rating = Rating.objects.get()
    assert (rating.level, rating.channel, rating.comment) == ("dissatisfied", "qr", "排队太久")
    assert rating.answers == {"guide_clear": "no", "suggestion": "指引写清楚"}


def test_double_tap_stores_one_rating_and_a_later_visit_says_already_rated(world, api_for, client):
    link = link_for(api_for(world.clerk_a), finished_case(world))
    for _ in range(2):
        client.post(path_of(link), {"level": "satisfied", "submission": "form_same"})
    assert Rating.objects.count() == 1
    page = client.get(path_of(link)).content.decode()
    assert "您已评价过本次服务" in page


def test_no_level_chosen_shows_the_form_again_with_a_message(world, api_for, client):
    link = link_for(api_for(world.clerk_a), finished_case(world))
    r = client.post(path_of(link), {"comment": "忘了选", "submission": "form_x"})
    assert r.status_code == 422 and "请选择评价等级" in r.content.decode() and "忘了选" in r.content.decode()
    assert not Rating.objects.exists()


def test_invalid_link_is_a_friendly_404(world, client):
    r = client.get("/r/" + "A" * 35 + "/")
    assert r.status_code == 404 and "评价链接无效" in r.content.decode()


def test_case_still_in_progress_says_rate_after_completion(world, api_for, client):
    link = link_for(api_for(world.clerk_a), accepted_case(world))
    r = client.get(path_of(link))
    assert r.status_code == 200 and "办结后即可评价" in r.content.decode()


def test_expired_link_says_the_period_is_over(world, api_for, client, set_now):
    set_now(dt.datetime(2026, 11, 2, 10))
    link = link_for(api_for(world.clerk_a), finished_case(world))
    set_now(dt.datetime(2026, 11, 20, 10))
    r = client.get(path_of(link))
    assert r.status_code == 410 and "评价期限已过" in r.content.decode()
    assert client.post(path_of(link), {"level": "satisfied"}).status_code == 410
    assert not Rating.objects.exists()


def test_many_invalid_links_from_one_address_are_slowed_down(world, client, settings):
    settings.BIANMIN = {**settings.BIANMIN, "PUBLIC_RATE_PER_MINUTE": 3}
    from django.core.cache import cache
    cache.clear()
    codes = [client.get("/r/" + "B" * 35 + "/").status_code for _ in range(5)]
    cache.clear()
    assert codes[:3] == [404, 404, 404] and codes[-1] == 429
