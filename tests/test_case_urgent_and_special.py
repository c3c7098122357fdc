"""急办件 (seed 002 §五: designated by the centre with a shorter limit, warned earlier) and 特别程序 (GB/T 39046 表7:
the clock pauses from start to end, with a planned length, a notice and a result)."""
import datetime as dt

import pytest

from bianmin.cases.models import Case, Notice, SpecialProcedure
from bianmin.core import clocks

from .case_helpers import act, post, register

MONDAY = dt.datetime(2026, 11, 23, 10, 0)


@pytest.fixture
def clerk(world, api_for):
    return api_for(world.clerk_a)


@pytest.fixture
def manager(world, api_for):
    return api_for(world.manager_a)


def accepted(clerk, world, set_now):
    set_now(MONDAY)
    return act(clerk, register(clerk, world.item_committed)["id"], "accept")  # 5 working days: due Mon 30 Nov


def test_a_clerk_cannot_designate_a_case_urgent(world, clerk, set_now):
    case = accepted(clerk, world, set_now)
    r = post(clerk, f"/api/v1/cases/{case['id']}/designate_urgent", {"limit_workdays": 2, "reason": "项目开工"})
    assert r.status_code == 403
    assert Case.objects.get(pk=case["id"]).urgent is False
    assert not Notice.objects.filter(kind=Notice.Kind.URGENT).exists()


def test_the_manager_designates_with_a_shorter_limit_and_an_urgent_notice(world, clerk, manager, set_now):
    case = accepted(clerk, world, set_now)
    out = act(manager, case["id"], "designate_urgent", {"limit_workdays": 2, "reason": "重点项目急需开工"})
    assert out["urgent"] is True and out["urgent_limit_workdays"] == 2
    assert out["due_date"] == "2026-11-25"  # 2 working days after Monday
    notice = Notice.objects.get(case_id=case["id"], kind=Notice.Kind.URGENT)
    assert notice.number.startswith("急字〔2026〕") and notice.content["limit_workdays"] == 2
    assert "designate_urgent" not in out["allowed_actions"]
    r = post(manager, f"/api/v1/cases/{case['id']}/designate_urgent", {"limit_workdays": 1, "reason": "再次"})
    assert r.status_code == 409


def test_an_urgent_case_turns_yellow_at_half_its_time(world, clerk, manager, set_now):
    case = accepted(clerk, world, set_now)
    act(manager, case["id"], "designate_urgent", {"limit_workdays": 4, "reason": "急需"})
    clock = Case.objects.get(pk=case["id"]).clock
    # 4 working days Tue–Fri; half of them are used on Wednesday, and a day clock turns yellow as that day starts.
    tuesday_noon, wednesday_noon = (dt.datetime(2026, 11, d, 12, 0).astimezone() for d in (24, 25))
    assert clocks.state_of(clock, tuesday_noon).warning.value == "none"
    assert clocks.state_of(clock, wednesday_noon).warning.value == "yellow"
    clock.warning_share = None  # the same clock at the ordinary share (80 %) is not yellow yet
    assert clocks.state_of(clock, wednesday_noon).warning.value == "none"


@pytest.mark.parametrize("body", [{"limit_workdays": 5, "reason": "不短于原时限"}, {"limit_workdays": 9, "reason": "x"},
                                  {"limit_workdays": -1, "reason": "x"}, {"limit_workdays": 2},
                                  {"limit_workdays": "two", "reason": "x"}])
def test_an_urgent_limit_that_is_not_shorter_or_malformed_is_refused(world, clerk, manager, set_now, body):
    case = accepted(clerk, world, set_now)
    r = post(manager, f"/api/v1/cases/{case['id']}/designate_urgent", body)
    assert r.status_code == 422 and r.json()["message"] and r.json()["message_en"]
    stored = Case.objects.get(pk=case["id"])
    assert stored.urgent is False and stored.clock.amount == 5
    assert not Notice.objects.filter(kind=Notice.Kind.URGENT).exists()


def test_a_clerks_urgent_flag_is_a_request_and_a_designation_before_acceptance_sets_the_limit(
        world, clerk, manager, set_now):
    set_now(MONDAY)
    case = register(clerk, world.item_committed, urgent=True)
    assert case["urgent"] is False and case["urgent_requested"] is True
    act(manager, case["id"], "designate_urgent", {"limit_workdays": 1, "reason": "急需"})
    out = act(clerk, case["id"], "accept")
    assert out["urgent"] is True and out["due_date"] == "2026-11-24"


def test_a_special_procedure_pauses_the_clock_and_moves_the_due_date_by_its_working_days(world, clerk, set_now):
    case = accepted(clerk, world, set_now)
    set_now(dt.datetime(2026, 11, 24, 10, 0))  # after one working day (Tue) of five
    out = act(clerk, case["id"], "start_special_procedure",
              {"kind": "expert_review", "planned_workdays": 3, "note": "组织专家论证"})
    assert out["paused"] is True and out["due_date"] is None
    sp = out["special_procedures"][0]
    assert sp["kind"] == "expert_review" and sp["planned_workdays"] == 3 and sp["ended_at"] is None
    assert sp["planned_end"] == "2026-11-27"
    assert Notice.objects.filter(case_id=case["id"], kind=Notice.Kind.SPECIAL).count() == 1
    assert "complete" not in out["allowed_actions"] and "end_special_procedure" in out["allowed_actions"]
    r = post(clerk, f"/api/v1/cases/{case['id']}/complete", {"result": "准予", "delivery": "window"})
    assert r.status_code == 409
    set_now(dt.datetime(2026, 11, 27, 10, 0))  # three working days later (Wed, Thu, Fri)
    out = act(clerk, case["id"], "end_special_procedure", {"result": "专家论证通过"})
    assert out["paused"] is False
    sp = out["special_procedures"][0]
    assert sp["ended_at"].startswith("2026-11-27") and sp["result"] == "专家论证通过" and sp["workdays_used"] == 3
    assert out["due_date"] == "2026-12-03"  # 30 Nov pushed on by the three working days paused


def test_only_one_special_procedure_runs_at_a_time_and_an_unknown_kind_is_refused(world, clerk, set_now):
    case = accepted(clerk, world, set_now)
    r = post(clerk, f"/api/v1/cases/{case['id']}/start_special_procedure", {"kind": "séance", "planned_workdays": 3})
    assert r.status_code == 422 and not SpecialProcedure.objects.exists()
    r = post(clerk, f"/api/v1/cases/{case['id']}/end_special_procedure", {"result": "x"})
    assert r.status_code == 409
    act(clerk, case["id"], "start_special_procedure", {"kind": "hearing", "planned_workdays": 5})
    r = post(clerk, f"/api/v1/cases/{case['id']}/start_special_procedure", {"kind": "site_survey", "planned_workdays": 2})
    assert r.status_code == 409 and SpecialProcedure.objects.count() == 1


def test_each_kind_pauses_with_its_own_reason(world, clerk, set_now):
    case = accepted(clerk, world, set_now)
    act(clerk, case["id"], "start_special_procedure", {"kind": "inspection", "planned_workdays": 10})
    pause = Case.objects.get(pk=case["id"]).clock.pauses.get()
    assert pause.reason == "inspection" and pause.ended is None


def test_the_special_procedure_notice_prints(world, clerk, client_for, set_now):
    case = accepted(clerk, world, set_now)
    act(clerk, case["id"], "start_special_procedure", {"kind": "public_notice", "planned_workdays": 5})
    notice = Notice.objects.get(case_id=case["id"], kind=Notice.Kind.SPECIAL)
    html = client_for(world.clerk_a).get(f"/workbench/notices/{notice.pk}/").content.decode()
    assert "特别程序告知书" in html and "公告（公示）" in html and "不计入办理时限" in html
