"""The staff ratings pages: each persona sees exactly its scope, raters stay masked, unmasking is
logged with a reason, flags are reviewed with a note, clerks see only their own ratings."""
import datetime as dt

import pytest

from bianmin.cases import services as case_services
from bianmin.core.models import AuditLog
from bianmin.orgs.models import Window
from bianmin.ratings import services
from bianmin.ratings.models import FlagKind, Rating, RatingFlag

from .rating_helpers import finished_case

pytestmark = pytest.mark.django_db

LIST = "/workbench/ratings/"


@pytest.fixture
def monday(set_now):
    return set_now(dt.datetime(2026, 11, 23, 10))


def rate(case, level="satisfied", **kwargs):
    rating, _ = services.submit_with_token(services.rating_link(case).token, level=level, **kwargs)
    return rating


@pytest.fixture
def ratings(world, monday):
    """Two ratings at site A (one bad), one at site B."""
    bad = rate(finished_case(world, phone="13812345678", name="刘德华"), "very_dissatisfied", comment="等了很久")
    good = rate(finished_case(world, phone="13900001111", name="张学友"), "very_satisfied")
    window_b = Window.objects.create(site=world.site_b, number="1", name="便民窗口")
    window_b.items.add(world.item_committed)
    case_b = case_services.register_case(world.manager_b, site=world.site_b, item=world.item_committed,
                                         applicant={"name": "郭富城", "phone": "13700002222"})
    case_services.transition(case_b.pk, "accept", world.manager_b, {})
    case_b = case_services.transition(case_b.pk, "complete", world.manager_b, {"result": "准予", "delivery": "window"})
    other = rate(case_b, "satisfied")
    return {"bad": bad, "good": good, "b": other}


def listed(client, query=""):
    r = client.get(LIST + query)
    assert r.status_code == 200, r.status_code
    html = r.content.decode()
    return {int(part.split('"')[0]) for part in html.split('data-rating="')[1:]}, html


def test_each_persona_sees_exactly_its_scope(world, client_for, ratings):
    a = {ratings["bad"].pk, ratings["good"].pk}
    assert listed(client_for(world.manager_a))[0] == a
    assert listed(client_for(world.manager_b))[0] == {ratings["b"].pk}
    assert listed(client_for(world.supervisor))[0] == a | {ratings["b"].pk}
    assert client_for(world.clerk_a).get(LIST).status_code == 403
    assert client_for(world.handler).get(LIST).status_code == 403
    assert client_for(None).get(LIST).status_code == 302  # to the sign-in page


def test_detail_pages_follow_the_same_scope(world, client_for, ratings):
    url = f"{LIST}{ratings['bad'].pk}/"
    assert client_for(world.manager_a).get(url).status_code == 200
    assert client_for(world.supervisor).get(url).status_code == 200
    assert client_for(world.manager_b).get(url).status_code == 404
    assert client_for(world.clerk_a).get(url).status_code == 403


def test_filters_level_bad_channel_dates_and_site(world, client_for, ratings):
    sup = client_for(world.supervisor)
    assert listed(sup, "?bad=on")[0] == {ratings["bad"].pk}
    assert listed(sup, "?level=very_satisfied")[0] == {ratings["good"].pk}
    assert listed(sup, f"?site={world.site_b.pk}")[0] == {ratings["b"].pk}
    assert listed(sup, "?channel=paper")[0] == set()
    assert listed(sup, "?date_from=2026-11-23&date_to=2026-11-23")[0] == {r.pk for r in ratings.values()}
    assert listed(sup, "?date_to=2026-11-22")[0] == set()
    # A site outside the manager's scope is no way round the scope.
    assert listed(client_for(world.manager_a), f"?site={world.site_b.pk}")[0] <= {ratings["bad"].pk, ratings["good"].pk}
    ids, html = listed(sup, "?date_from=not-a-date&level=nope")
    assert len(ids) == 3 and "部分筛选条件无效" in html


def test_list_marks_bad_ratings_and_masks_raters(world, client_for, ratings):
    _, html = listed(client_for(world.manager_a))
    assert "13812345678" not in html and "刘德华" not in html
    assert "138****5678" in html and "刘*华" in html
    assert 'class="bad-row"' in html and 'level-text bad' in html and "等了很久" in html


def test_list_is_paginated_by_50(world, client_for, monday):
    case = finished_case(world)
    rate(case)
    for _ in range(54):
        Rating.objects.create(level="satisfied", channel="pc", site=world.site_a, unit_path=world.site_a.unit.path,
                              item=world.item_committed, created_at=case.completed_at)
    ids, html = listed(client_for(world.manager_a))
    assert len(ids) == 50 and "第 1 / 2 页" in html and "?page=2" in html
    assert len(listed(client_for(world.manager_a), "?page=2")[0]) == 5


def test_unmask_needs_a_reason_and_is_logged(world, client_for, ratings):
    url = f"{LIST}{ratings['bad'].pk}/unmask/"
    mgr = client_for(world.manager_a)
    detail = mgr.get(f"{LIST}{ratings['bad'].pk}/").content.decode()
    assert 'data-test="unmask-form"' in detail and "13812345678" not in detail
    r = mgr.post(url, {"reason": ""})
    assert r.status_code == 422 and "须说明理由" in r.content.decode() and "13812345678" not in r.content.decode()
    assert not AuditLog.objects.filter(action="unmask").exists()
    r = mgr.post(url, {"reason": "差评回访核实"})
    assert r.status_code == 200 and "13812345678" in r.content.decode() and "刘德华" in r.content.decode()
    assert "no-store" in r["Cache-Control"]
    log = AuditLog.objects.get(action="unmask")
    assert log.actor == world.manager_a and log.reason == "差评回访核实" and log.object_id == str(ratings["bad"].pk)
    # Shown in that response only: the page stays masked afterwards.
    assert "13812345678" not in mgr.get(f"{LIST}{ratings['bad'].pk}/").content.decode()
    assert client_for(world.manager_b).post(url, {"reason": "看看"}).status_code == 404
    assert mgr.get(url).status_code == 405
    assert AuditLog.objects.filter(action="unmask").count() == 1


def test_flag_is_reviewed_once_with_a_note(world, client_for, ratings):
    flag = RatingFlag.objects.create(rating=ratings["bad"], kind=FlagKind.PHONE_BURST, detail="同一手机号 4 条评价")
    Rating.objects.filter(pk=ratings["bad"].pk).update(flagged=True)
    sup = client_for(world.supervisor)
    assert listed(sup, "?flagged=on")[0] == {ratings["bad"].pk}
    url = f"{LIST}{ratings['bad'].pk}/flags/{flag.pk}/review/"
    r = sup.post(url, {"note": ""})
    assert r.status_code == 422 and "请填写核查意见" in r.content.decode()
    assert client_for(world.manager_b).post(url, {"note": "越权"}).status_code == 404
    r = sup.post(url, {"note": "已回访，确为本人评价"})
    assert r.status_code == 302
    flag.refresh_from_db()
    assert flag.reviewed_by == world.supervisor and flag.reviewed_at and flag.review_note == "已回访，确为本人评价"
    assert sup.post(url, {"note": "再次核查"}).status_code == 409
    flag.refresh_from_db()
    assert flag.review_note == "已回访，确为本人评价"
    assert "已回访，确为本人评价" in sup.get(f"{LIST}{ratings['bad'].pk}/").content.decode()


def test_review_flag_service_checks_the_scope(world, ratings):
    from bianmin.core.errors import PermissionDenied

    flag = RatingFlag.objects.create(rating=ratings["bad"], kind=FlagKind.WINDOW_RAPID)
    with pytest.raises(PermissionDenied):
        services.review_flag(world.manager_b, flag, "越权核查")
    with pytest.raises(PermissionDenied):
        services.review_flag(world.clerk_a, flag, "越权核查")
    assert services.review_flag(world.supervisor, flag, "正常").reviewed_by == world.supervisor


def test_the_halls_own_manager_sees_a_flag_but_leaves_its_review_to_the_supervisor(world, client_for, ratings):
    """The flags look for ratings staged by the hall itself, so clearing one is not the hall manager's call."""
    from bianmin.core.errors import PermissionDenied

    flag = RatingFlag.objects.create(rating=ratings["bad"], kind=FlagKind.DEVICE_BURST, detail="同一评价器 6 条")
    with pytest.raises(PermissionDenied):
        services.review_flag(world.manager_a, flag, "本中心自查：正常")
    mgr = client_for(world.manager_a)
    page = mgr.get(f"{LIST}{ratings['bad'].pk}/").content.decode()
    assert "同一评价器 6 条" in page and 'data-test="review-form"' not in page and "待监督人员核查" in page
    r = mgr.post(f"{LIST}{ratings['bad'].pk}/flags/{flag.pk}/review/", {"note": "本中心自查：正常"})
    assert r.status_code == 403
    flag.refresh_from_db()
    assert flag.reviewed_at is None and flag.review_note == ""
    assert 'data-test="review-form"' in client_for(world.supervisor).get(f"{LIST}{ratings['bad'].pk}/").content.decode()


def test_clerk_sees_only_own_ratings_masked_and_read_only(world, client_for, ratings, monday):
    mine = rate(finished_case(world, clerk=world.clerk_a2, phone="13600003333", name="黎明"), "dissatisfied")
    r = client_for(world.clerk_a2).get(f"{LIST}mine/")
    assert r.status_code == 200
    html = r.content.decode()
    shown = {int(part.split('"')[0]) for part in html.split('data-rating="')[1:]}
    assert shown == {mine.pk}
    assert "13600003333" not in html and "黎明" not in html and "136****3333" in html
    assert "<form" not in html.split("<main")[1]  # nothing to change here
    clerk_a = client_for(world.clerk_a).get(f"{LIST}mine/").content.decode()
    assert {int(p.split('"')[0]) for p in clerk_a.split('data-rating="')[1:]} == {ratings["bad"].pk, ratings["good"].pk}
    assert client_for(world.supervisor).get(f"{LIST}mine/").status_code == 404  # no staff record


def test_navigation_links_follow_the_roles(world, client_for):
    clerk = client_for(world.clerk_a).get("/workbench/").content.decode()
    assert 'data-test="nav-my-ratings"' in clerk and 'data-test="nav-ratings"' not in clerk
    manager = client_for(world.manager_a).get("/workbench/").content.decode()
    assert 'data-test="nav-ratings"' in manager
    supervisor = client_for(world.supervisor).get("/workbench/").content.decode()
    assert 'data-test="nav-ratings"' in supervisor and 'data-test="nav-my-ratings"' not in supervisor
