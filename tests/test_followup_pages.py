"""The rater's side of the bad-review loop: "what happened to my review" through the rating token, the
text message with the unit's answer, and the one follow-up rating (追评) page."""
import datetime as dt
import re

import pytest
from django.test import Client

from bianmin.core import sms
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Rating
from bianmin.rectification import followups

from .ticket_helpers import bad_rating, do, ticket_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _texts_kept_in_memory(memory_sms):
    """Text messages go to `sms.outbox` (tests/conftest.py)."""


@pytest.fixture
def citizen():
    return Client(HTTP_HOST="localhost")


def answered_ticket(world, api_for, django_capture_on_commit_callbacks, message="已为您补办并致歉"):
    rating = bad_rating(world)
    ticket = ticket_of(rating)
    clerk = api_for(world.clerk_a)
    do(clerk, ticket, "verify", {"channel": "phone", "reached": True})
    do(clerk, ticket, "resolve", {"outcome": "rectified_now", "note": "内部说明：窗口人员批评教育"})
    with django_capture_on_commit_callbacks(execute=True):
        do(clerk, ticket, "feedback", {"channel": "phone", "message": message})
    ticket.refresh_from_db()
    return rating, ticket


def test_rating_token_shows_the_rater_where_their_bad_review_stands(world, citizen, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))
    rating = bad_rating(world)
    page = citizen.get(rating_services.rating_link(rating.case).url.replace("http://testserver", ""))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-test="review-progress"' in html
    assert ticket_of(rating).number in html and "已收到您的评价" in html
    assert 'data-test="followup-link"' not in html  # nothing answered yet


def test_answer_is_texted_with_a_follow_up_link_and_shown_without_internal_notes(
        world, api_for, citizen, django_capture_on_commit_callbacks, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))
    rating, ticket = answered_ticket(world, api_for, django_capture_on_commit_callbacks)
    assert len(sms.outbox) == 1 and sms.outbox[0]["to"] == "13812345678"
    text = sms.outbox[0]["text"]
    assert "已为您补办并致歉" in text and ticket.number in text
    url = re.search(r"https?://\S+", text).group(0)
    assert "/followup/" in url and "13812345678" not in url
    page = citizen.get(rating_services.rating_link(rating.case).url.replace("http://testserver", ""))
    html = page.content.decode()
    assert "已为您补办并致歉" in html and 'data-test="followup-link"' in html
    assert "内部说明" not in html and world.clerk_a.username not in html


def test_anonymous_rater_gets_no_text(world, api_for, django_capture_on_commit_callbacks):
    rating = bad_rating(world, anonymous=True)
    ticket = ticket_of(rating)
    clerk = api_for(world.clerk_a)
    do(clerk, ticket, "verify", {"channel": "phone", "reached": False})
    do(clerk, ticket, "resolve", {"outcome": "explained", "note": "按规定需本人到场"})
    with django_capture_on_commit_callbacks(execute=True):
        do(clerk, ticket, "feedback", {"channel": "online", "message": "已在网上答复"})
    assert sms.outbox == []


def test_follow_up_page_rates_once_and_a_good_one_closes_the_ticket(
        world, api_for, citizen, django_capture_on_commit_callbacks, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))
    rating, ticket = answered_ticket(world, api_for, django_capture_on_commit_callbacks)
    url = f"/followup/{followups.token_for(ticket)}/"
    page = citizen.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "已为您补办并致歉" in html and 'name="anonymous"' not in html
    key = re.search(r'name="submission" value="([^"]+)"', html).group(1)
    r = citizen.post(url, {"level": "satisfied", "comment": "问题解决了", "submission": key, "via": "sms"})
    assert r.status_code == 302
    done = citizen.get(r["Location"]).content.decode()
    assert "感谢您的评价" in done and "满意" in done
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.followup_rating.comment == "问题解决了"
    assert ticket.followup_rating.channel == "sms" and ticket.followup_rating.followup_of == rating
    # Submitting the same form again (double tap) stores nothing new; coming back shows it was done.
    citizen.post(url, {"level": "satisfied", "submission": key})
    assert Rating.objects.filter(stage="followup").count() == 1
    assert "您已追评过" in citizen.get(url).content.decode()


def test_follow_up_page_refuses_a_missing_level_and_keeps_nothing(
        world, api_for, citizen, django_capture_on_commit_callbacks):
    _, ticket = answered_ticket(world, api_for, django_capture_on_commit_callbacks)
    url = f"/followup/{followups.token_for(ticket)}/"
    r = citizen.post(url, {"level": "wonderful", "comment": "x" * 5000})
    assert r.status_code in (400, 422) and 'data-test="error"' in r.content.decode()
    assert not Rating.objects.filter(stage="followup").exists()


def test_follow_up_page_before_the_answer_says_not_yet(world, citizen):
    ticket = ticket_of(bad_rating(world))
    page = citizen.get(f"/followup/{followups.token_for(ticket)}/")
    assert page.status_code == 200 and 'name="level"' not in page.content.decode()
    assert "rating-closed" in page.content.decode()


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "%3Cscript%3E"])
def test_follow_up_page_with_a_bad_token_is_404(world, citizen, token):
    assert citizen.get(f"/followup/{token}/").status_code == 404


def test_follow_up_after_the_period_is_closed(world, api_for, citizen, django_capture_on_commit_callbacks, set_now):
    set_now(dt.datetime(2026, 11, 2, 10))
    _, ticket = answered_ticket(world, api_for, django_capture_on_commit_callbacks)
    token = followups.token_for(ticket)
    set_now(dt.datetime(2026, 11, 20, 10))
    page = citizen.get(f"/followup/{token}/")
    assert page.status_code == 410 and 'name="level"' not in page.content.decode()


def test_a_case_rating_token_cannot_be_used_as_a_follow_up_token(world, citizen):
    rating = bad_rating(world)
    token = rating_services.rating_link(rating.case).token
    assert citizen.get(f"/followup/{token}/").status_code == 404
