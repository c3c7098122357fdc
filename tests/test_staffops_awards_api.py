"""GET /api/v1/awards and the awards page (workbench/awards/): who sees which site's awards (stars name staff: staff
only; a clerk their own site's), bad input (bilingual 4xx, nothing changed) and "run now" for a past month."""
import datetime as dt

import pytest

from bianmin.staffops import awards
from bianmin.staffops.models import Award

from .staffops_awards_helpers import OCTOBER, ON_NOV_1, deduct, window

pytestmark = pytest.mark.django_db
API = "/api/v1/awards"
PAGE = "/workbench/awards/"


@pytest.fixture
def awarded(world, set_now):
    """October awarded at site A (window 2 holds the flag) and at site B (its window 1, ahead of window 2)."""
    set_now(ON_NOV_1)
    w2 = window(world.site_a, "2", "社保窗口", "陈二")
    b1 = window(world.site_b, "1", "综合窗口", "赵六")
    b2 = window(world.site_b, "2", "民政窗口", "钱七")
    deduct(world.site_a, window=world.window_a, points=1)
    deduct(world.site_b, window=b1, points=3)
    deduct(world.site_b, window=b2, points=5)
    awards.award_month(world.site_a, OCTOBER)
    awards.award_month(world.site_b, OCTOBER)
    return {"w2": w2, "b1": b1}


def _sites(body):
    return {f["site_id"] for f in body["red_flags"]}, {s["site_id"] for s in body["stars"]}


def test_the_contract_shape(world, awarded, api_for):
    body = api_for(world.manager_a).get(API, {"month": "2026-10"}).json()
    assert body["red_flag"]["window"] == str(awarded["w2"]) and body["red_flag"]["points"] == 100
    assert body["red_flag"]["held_in"] == "2026-11" and body["month"] == "2026-10"
    assert [s["staff"] for s in body["stars"]] == ["陈二", "王小红"]
    assert set(body["stars"][0]) >= {"staff", "work_id", "points", "rank", "site"}


def test_month_defaults_to_last_month(world, awarded, api_for):
    assert api_for(world.manager_a).get(API).json()["month"] == "2026-10"


@pytest.mark.parametrize("persona, flags", [
    ("manager_a", {"a"}), ("manager_b", {"b"}), ("supervisor", {"a", "b"}), ("clerk_a", {"a"}),
    ("clerk_a2", {"a"}),  # no post, but a grant limited to site A
])
def test_each_persona_sees_its_sites(world, awarded, api_for, persona, flags):
    body = api_for(getattr(world, persona)).get(API).json()
    expected = {{"a": world.site_a.pk, "b": world.site_b.pk}[k] for k in flags}
    assert _sites(body) == (expected, expected)


@pytest.mark.parametrize("persona, status", [(None, 401), ("outsider", 403), ("handler", 403)])
def test_others_are_refused(world, awarded, api_for, persona, status):
    response = api_for(getattr(world, persona) if persona else None).get(API)
    assert response.status_code == status


def test_unit_narrows_to_its_subtree_and_outside_is_404(world, awarded, api_for):
    supervisor = api_for(world.supervisor)
    assert _sites(supervisor.get(API, {"unit": world.township.pk}).json())[0] == {world.site_b.pk}
    assert supervisor.get(API, {"unit": world.other_county.pk}).status_code == 404
    assert api_for(world.manager_b).get(API, {"unit": world.county.pk}).status_code == 200  # reaches its site
    assert api_for(world.manager_b).get(API, {"site": world.site_a.pk}).status_code == 404
    assert api_for(world.manager_a).get(API, {"unit": 999999999}).status_code == 404


@pytest.mark.parametrize("params", [{"month": "2026-13"}, {"month": "October"}, {"month": "2026-12"},
                                    {"unit": "abc"}, {"unit": "-1"}, {"site": "99999999999999999999"}])
def test_bad_input_is_a_bilingual_422(world, awarded, api_for, params):
    response = api_for(world.supervisor).get(API, params)
    assert response.status_code == 422, response.content
    text = response.content.decode()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text) and any(ch.isascii() and ch.isalpha() for ch in text)


def test_a_month_without_awards_is_empty(world, awarded, api_for):
    body = api_for(world.supervisor).get(API, {"month": "2026-09"}).json()
    assert body["red_flag"] is None and body["red_flags"] == [] and body["stars"] == []


# ---------------------------------------------------------------- the page

def test_the_page_shows_current_flags_stars_and_history(world, awarded, client_for):
    response = client_for(world.supervisor).get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-test="current-flag"' in html and str(awarded["w2"]) in html and "陈二" in html
    assert "青山镇便民服务中心" in html


def test_the_clerk_sees_their_own_site_only(world, awarded, client_for):
    html = client_for(world.clerk_a).get(PAGE).content.decode()
    assert str(awarded["w2"]) in html and "赵六" not in html and "青山镇便民服务中心" not in html


@pytest.mark.parametrize("persona, status", [("outsider", 403), ("handler", 403)])
def test_the_page_refuses_people_without_a_site(world, awarded, client_for, persona, status):
    assert client_for(getattr(world, persona)).get(PAGE).status_code == status


def test_the_page_refuses_a_bad_month_with_a_bilingual_message(world, awarded, client_for):
    response = client_for(world.manager_a).get(PAGE, {"month": "2026-99"})
    assert response.status_code == 422
    assert "YYYY-MM" in response.content.decode()
    assert client_for(world.manager_a).get(PAGE, {"site": world.site_b.pk}).status_code == 404


def test_run_now_awards_a_past_month_not_yet_awarded(world, awarded, client_for):
    client = client_for(world.manager_a)
    html = client.get(PAGE, {"month": "2026-09"}).content.decode()
    assert 'data-test="run-now"' in html
    response = client.post(PAGE, {"month": "2026-09", "site": world.site_a.pk})
    assert response.status_code == 302
    assert Award.objects.filter(site=world.site_a, period=dt.date(2026, 9, 1), kind=Award.Kind.RED_FLAG).exists()
    assert 'data-test="run-now"' not in client.get(PAGE, {"month": "2026-09"}).content.decode()


def test_run_now_is_refused_for_clerks_other_sites_and_bad_months(world, awarded, client_for):
    before = Award.objects.count()
    assert client_for(world.clerk_a).post(PAGE, {"month": "2026-09", "site": world.site_a.pk}).status_code == 403
    assert client_for(world.manager_b).post(PAGE, {"month": "2026-09", "site": world.site_a.pk}).status_code == 404
    manager = client_for(world.manager_a)
    assert manager.post(PAGE, {"month": "2026-11", "site": world.site_a.pk}).status_code == 422  # not ended
    assert manager.post(PAGE, {"month": "2026-9x", "site": world.site_a.pk}).status_code == 422
    assert manager.post(PAGE, {"month": "2026-09"}).status_code == 422
    assert Award.objects.count() == before
