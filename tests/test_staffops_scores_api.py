"""The assessment API contract (issue 17): staff in scope, a person's and a window's monthly score with each line,
manual deductions, efficiency warnings and their acknowledgement — each persona sees what its scope allows, bad
input is a bilingual 4xx that changes nothing."""
import datetime as dt

import pytest

from bianmin.orgs.models import Window
from bianmin.staffops.models import Deduction, EfficiencyWarning

from .staffops_scores_helpers import NOW, TZ, deduction, warning

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(set_now):
    return set_now(NOW)


def bilingual(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["message"] and body["message_en"], body
    return body


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()}


# ---------------------------------------------------------------- GET /api/v1/staff

def test_staff_list_is_scoped_to_the_sites_a_person_assesses(world, api_for, clock):
    a, a2, ma, mb = (world.clerk_a.staff, world.clerk_a2.staff, world.manager_a.staff, world.manager_b.staff)
    assert ids(api_for(world.manager_a).get("/api/v1/staff")) == {a.pk, a2.pk, ma.pk}
    assert ids(api_for(world.manager_b).get("/api/v1/staff")) == {mb.pk}
    assert ids(api_for(world.supervisor).get("/api/v1/staff")) == {a.pk, a2.pk, ma.pk, mb.pk}
    assert ids(api_for(world.supervisor).get(f"/api/v1/staff?site={world.site_b.pk}")) == {mb.pk}
    row = next(r for r in api_for(world.manager_a).get("/api/v1/staff").json() if r["id"] == a.pk)
    assert row == {"id": a.pk, "name": "王小红", "work_id": a.work_id, "username": "clerk_a",
                   "windows": [str(world.window_a)], "window_ids": [world.window_a.pk]}


def test_staff_list_searches_name_and_work_id(world, api_for, clock):
    manager = api_for(world.manager_a)
    assert ids(manager.get("/api/v1/staff", {"q": "小红"})) == {world.clerk_a.staff.pk}
    assert ids(manager.get("/api/v1/staff", {"q": world.clerk_a2.staff.work_id})) == {world.clerk_a2.staff.pk}
    assert ids(manager.get("/api/v1/staff", {"q": "赵主任"})) == set()  # site B's manager is not in site A


def test_staff_list_refuses_those_without_the_assessment_grant(world, api_for, clock):
    for user in (world.clerk_a, world.outsider, world.handler):
        bilingual(api_for(user).get("/api/v1/staff"), 403)
    bilingual(api_for(None).get("/api/v1/staff"), 401)
    bilingual(api_for(world.manager_a).get(f"/api/v1/staff?site={world.site_b.pk}"), 404)
    bilingual(api_for(world.manager_a).get("/api/v1/staff?site=abc"), 422)
    bilingual(api_for(world.manager_a).get("/api/v1/staff", {"q": "x" * 41}), 422)


# ---------------------------------------------------------------- GET score

def test_score_is_100_minus_the_standing_deductions_with_every_line(world, api_for, clock):
    staff = world.clerk_a.staff
    deduction(world.site_a, staff=staff, window=world.window_a)  # late −1
    deduction(world.site_a, staff=staff, code="early", label="早退", points=2)
    deduction(world.site_a, staff=staff, code="complaint_verified", label="被群众投诉查证属实", points=10,
              source="ticket", reversed=True, reason="申诉成立")
    deduction(world.site_a, staff=staff, at=dt.datetime(2026, 10, 9, 9, tzinfo=TZ))  # October: not this month
    body = api_for(world.clerk_a).get(f"/api/v1/staff/{staff.pk}/score?month=2026-11").json()
    assert body["score"] == 97 and body["month"] == "2026-11"
    assert body["staff"] == {"id": staff.pk, "name": "王小红", "work_id": staff.work_id}
    lines = {d["rule"]: d for d in body["deductions"]}
    assert set(lines) == {"late", "early", "complaint_verified"}
    assert lines["late"]["points"] == 1 and lines["late"]["source"] == "attendance" and not lines["late"]["reversed"]
    assert lines["complaint_verified"]["reversed"] and lines["complaint_verified"]["reversed_reason"] == "申诉成立"
    assert {"rule", "points", "at", "source", "reversed"} <= set(lines["late"])
    october = api_for(world.clerk_a).get(f"/api/v1/staff/{staff.pk}/score?month=2026-10").json()
    assert october["score"] == 99
    default = api_for(world.clerk_a).get(f"/api/v1/staff/{staff.pk}/score").json()
    assert default["month"] == "2026-11" and default["score"] == 97


def test_score_lists_the_months_warnings(world, api_for, clock):
    staff = world.clerk_a.staff
    w = warning(world.site_a, staff)
    body = api_for(world.manager_a).get(f"/api/v1/staff/{staff.pk}/score?month=2026-11").json()
    assert [x["id"] for x in body["warnings"]] == [w.pk]
    assert body["warnings"][0]["kind"] == "personal" and body["warnings"][0]["acknowledged"] is False
    assert body["score"] == 100  # a warning deducts nothing by itself


def test_score_visibility_by_persona(world, api_for, clock):
    url = f"/api/v1/staff/{world.clerk_a.staff.pk}/score?month=2026-11"
    for user in (world.clerk_a, world.manager_a, world.supervisor):
        assert api_for(user).get(url).status_code == 200, user
    for user in (world.clerk_a2, world.manager_b, world.outsider, world.handler):
        bilingual(api_for(user).get(url), 404)
    bilingual(api_for(None).get(url), 401)
    bilingual(api_for(world.manager_a).get("/api/v1/staff/0/score"), 404)
    # site B's manager sees their own site's people, and site A's manager does not
    url_b = f"/api/v1/staff/{world.manager_b.staff.pk}/score"
    assert api_for(world.manager_b).get(url_b).status_code == 200
    bilingual(api_for(world.manager_a).get(url_b), 404)


@pytest.mark.parametrize("month", ["2026-13", "26-11", "abc", "2026-11-01", "x" * 200, "1999-01", "２０２６-11"])
def test_a_bad_month_is_a_bilingual_422(world, api_for, clock, month):
    bilingual(api_for(world.clerk_a).get(f"/api/v1/staff/{world.clerk_a.staff.pk}/score", {"month": month}), 422)
    bilingual(api_for(world.manager_a).get(f"/api/v1/windows/{world.window_a.pk}/score", {"month": month}), 422)


def test_window_score_counts_the_lines_that_hit_the_window(world, api_for, clock):
    deduction(world.site_a, staff=world.clerk_a.staff, window=world.window_a, code="duty_breach",
              label="违反窗口职责（当班人员）", points=5)
    deduction(world.site_a, window=world.window_a, code="prohibited", label="检查中发现禁止行为", points=2,
              source="inspection")
    deduction(world.site_a, staff=world.clerk_a.staff, code="late", points=1)  # the person's only
    url = f"/api/v1/windows/{world.window_a.pk}/score?month=2026-11"
    body = api_for(world.manager_a).get(url).json()
    assert body["score"] == 93 and body["window"] == world.window_a.pk
    assert sorted(d["rule"] for d in body["deductions"]) == ["duty_breach", "prohibited"]
    assert api_for(world.supervisor).get(url).json()["score"] == 93
    for user in (world.manager_b, world.clerk_a, world.outsider):
        bilingual(api_for(user).get(url), 404)
    bilingual(api_for(None).get(url), 401)
    window_b = Window.objects.create(site=world.site_b, number="1", name="综合窗口")
    bilingual(api_for(world.manager_a).get(f"/api/v1/windows/{window_b.pk}/score"), 404)
    assert api_for(world.manager_b).get(f"/api/v1/windows/{window_b.pk}/score").json()["score"] == 100


# ---------------------------------------------------------------- POST deductions

def post(client, staff_id, body):
    return client.post(f"/api/v1/staff/{staff_id}/deductions", body, content_type="application/json")


def test_a_manager_enters_a_manual_deduction(world, api_for, clock):
    staff = world.clerk_a.staff
    response = post(api_for(world.manager_a), staff.pk, {"rule": "criticised", "note": "被县政府通报批评",
                                                         "at": "2026-11-18T15:00:00+08:00"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rule"] == "criticised" and body["points"] == 20 and body["source"] == "manual"
    assert body["note"] == "被县政府通报批评" and body["month"] == "2026-11"
    score = api_for(world.clerk_a).get(f"/api/v1/staff/{staff.pk}/score?month=2026-11").json()
    assert score["score"] == 80 and [d["id"] for d in score["deductions"]] == [body["id"]]


def test_manual_deductions_are_refused_outside_scope_or_with_bad_input(world, api_for, clock):
    staff = world.clerk_a.staff
    manager = api_for(world.manager_a)
    bilingual(post(manager, staff.pk, {"rule": "no_such_rule", "note": "x"}), 422)
    bilingual(post(manager, staff.pk, {"rule": "'; DROP TABLE staffops_deduction; --", "note": "x"}), 422)
    bilingual(post(manager, staff.pk, {"rule": "late", "note": "长" * 501}), 422)
    bilingual(post(manager, staff.pk, {"rule": "late"}), 422)
    bilingual(post(manager, staff.pk, {"rule": "late", "note": "x", "at": "yesterday"}), 422)
    bilingual(post(manager, staff.pk, {"rule": "late", "note": "x", "window": 10**30}), 422)
    bilingual(post(api_for(world.manager_b), staff.pk, {"rule": "late", "note": "x"}), 404)
    bilingual(post(manager, world.manager_b.staff.pk, {"rule": "late", "note": "x"}), 404)
    bilingual(post(manager, 0, {"rule": "late", "note": "x"}), 404)
    bilingual(post(api_for(world.clerk_a), staff.pk, {"rule": "late", "note": "x"}), 403)
    bilingual(post(api_for(world.outsider), staff.pk, {"rule": "late", "note": "x"}), 403)
    bilingual(post(api_for(None), staff.pk, {"rule": "late", "note": "x"}), 401)
    assert Deduction.objects.count() == 0


def test_the_supervisor_deducts_across_the_subtree(world, api_for, clock):
    response = post(api_for(world.supervisor), world.manager_b.staff.pk, {"rule": "late", "note": "巡查发现迟到"})
    assert response.status_code == 201, response.content
    assert Deduction.objects.get().staff == world.manager_b.staff


# ---------------------------------------------------------------- warnings

def test_warning_list_is_scoped(world, api_for, clock):
    mine = warning(world.site_a, world.clerk_a.staff)
    colleague = warning(world.site_a, world.clerk_a2.staff)
    site_b = warning(world.site_b, world.manager_b.staff)
    collective = warning(None, unit=world.civil_affairs, kind="collective", reason_code="collective",
                         reason="民政局工作人员本年度累计被效能告诫3次")
    assert ids(api_for(world.clerk_a).get("/api/v1/warnings")) == {mine.pk}
    assert ids(api_for(world.manager_a).get("/api/v1/warnings")) == {mine.pk, colleague.pk}
    assert ids(api_for(world.manager_b).get("/api/v1/warnings")) == {site_b.pk}
    assert ids(api_for(world.supervisor).get("/api/v1/warnings")) == {mine.pk, colleague.pk, site_b.pk, collective.pk}
    assert ids(api_for(world.outsider).get("/api/v1/warnings")) == set()
    bilingual(api_for(None).get("/api/v1/warnings"), 401)
    rows = {r["id"]: r for r in api_for(world.supervisor).get("/api/v1/warnings").json()}
    assert rows[collective.pk]["kind"] == "collective" and rows[collective.pk]["staff"] is None
    assert rows[collective.pk]["unit"] == {"id": world.civil_affairs.pk, "name": "测试县民政局"}
    assert rows[mine.pk]["staff"]["id"] == world.clerk_a.staff.pk
    assert {"id", "kind", "reason", "at", "acknowledged"} <= set(rows[mine.pk])


def test_warning_list_filters_by_unit_and_dates(world, api_for, clock):
    november = warning(world.site_a, world.clerk_a.staff)
    october = warning(world.site_a, world.clerk_a.staff, at=dt.datetime(2026, 10, 12, 9, tzinfo=TZ))
    township = warning(world.site_b, world.manager_b.staff)
    supervisor = api_for(world.supervisor)
    assert ids(supervisor.get("/api/v1/warnings", {"from": "2026-11-01", "to": "2026-11-30"})) == {november.pk,
                                                                                                     township.pk}
    assert ids(supervisor.get("/api/v1/warnings", {"to": "2026-10-31"})) == {october.pk}
    assert ids(supervisor.get("/api/v1/warnings", {"unit": world.township.pk})) == {township.pk}
    for query in ({"from": "2026-13-01"}, {"to": "tomorrow"}, {"from": "2026-11-30", "to": "2026-11-01"},
                  {"unit": "abc"}, {"from": "x" * 50}):
        bilingual(supervisor.get("/api/v1/warnings", query), 422)
    bilingual(supervisor.get("/api/v1/warnings", {"unit": 10**9}), 404)


def test_the_person_acknowledges_their_warning(world, api_for, clock):
    w = warning(world.site_a, world.clerk_a.staff)
    url = f"/api/v1/warnings/{w.pk}/acknowledge"
    for user in (world.clerk_a2, world.manager_b, world.outsider):
        bilingual(api_for(user).post(url), 404)
    bilingual(api_for(None).post(url), 401)
    bilingual(api_for(world.clerk_a).post("/api/v1/warnings/0/acknowledge"), 404)
    w.refresh_from_db()
    assert w.acknowledged_at is None
    response = api_for(world.clerk_a).post(url)
    assert response.status_code == 200, response.content
    assert response.json()["acknowledged"] is True
    w.refresh_from_db()
    assert w.acknowledged_by == world.clerk_a


# ---------------------------------------------------------------- the contract: imported punches to a score

def test_four_late_arrivals_imported_give_96_and_one_personal_warning(world, api_for, set_now):
    """Issue 17: attendance imported with POST /api/v1/attendance/import produces the late facts: four late
    arrivals of one person in a month give a score of 96 and one personal warning (more than 3 → 效能告诫)."""
    set_now(dt.datetime(2026, 11, 30, 18, 0, tzinfo=TZ))
    staff = world.clerk_a.staff
    # The hall opens at 08:30 (hall.hours defaults); 2–5 November 2026 are Monday to Thursday, working days.
    punches = []
    for day in (2, 3, 4, 5):
        punches += [{"work_id": staff.work_id, "at": f"2026-11-{day:02d}T09:05"},
                    {"work_id": staff.work_id, "at": f"2026-11-{day:02d}T17:40"}]
    for day in range(6, 31):
        if dt.date(2026, 11, day).weekday() < 5:
            punches += [{"work_id": staff.work_id, "at": f"2026-11-{day:02d}T08:20"},
                        {"work_id": staff.work_id, "at": f"2026-11-{day:02d}T17:40"}]
    imported = api_for(world.manager_a).post("/api/v1/attendance/import", {"punches": punches},
                                             content_type="application/json")
    assert imported.status_code == 200, imported.content
    assert imported.json()["rejected"] == []
    body = api_for(world.clerk_a).get(f"/api/v1/staff/{staff.pk}/score?month=2026-11").json()
    assert body["score"] == 96, body
    assert sorted(d["rule"] for d in body["deductions"] if not d["reversed"]) == ["late"] * 4
    personal = [w for w in body["warnings"] if w["kind"] == "personal" and not w["withdrawn"]]
    assert len(personal) == 1 and personal[0]["reason_code"] == "late_early"
    assert EfficiencyWarning.objects.filter(staff=staff, withdrawn=False).count() == 1


def test_a_manager_does_not_assess_themselves(world, api_for, client_for, clock):
    own = world.manager_a.staff
    bilingual(post(api_for(world.manager_a), own.pk, {"rule": "late", "note": "x"}), 404)
    assert api_for(world.manager_a).get(f"/api/v1/staff/{own.pk}/score").status_code == 200  # reading is fine
    html = client_for(world.manager_a).get(f"/workbench/scores/staff/{own.pk}/").content.decode()
    assert 'data-test="deduct-form"' not in html
    assert post(api_for(world.supervisor), own.pk, {"rule": "late", "note": "巡查发现迟到"}).status_code == 201
