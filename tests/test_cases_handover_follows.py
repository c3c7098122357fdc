"""The department's return-by date follows the case (issue 13, part 2; S002: one working day before the committed
date): an extension, a pause for 补正 and its resumption, or a recomputed calendar move it with the case's due date,
and a department that returns before the date in force is on time."""
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from bianmin.cases import handover
from bianmin.cases.models import Case
from bianmin.core import clocks
from bianmin.core.clocks import state_of
from bianmin.core.jobs import sweep_deadlines
from bianmin.core.models import Clock, ClockEvent
from bianmin.core.signals import clock_recomputed

from .case_helpers import act, register
from .notice_texts import NOTICE_2027

EXTEND_5 = {"amount": 5, "reason": "需现场勘察", "approver": "manager_a"}


@pytest.fixture
def clerk(world, api_for):
    return api_for(world.clerk_a)


@pytest.fixture
def handed(world, clerk, set_now):
    """A 5-working-day case accepted and handed to civil affairs on Mon 23 Nov: due 30 Nov, return by 27 Nov."""
    set_now(dt.datetime(2026, 11, 23, 10))
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    case = act(clerk, case["id"], "hand_over", {"department_id": world.civil_affairs.pk})
    assert (case["due_date"], case["handover_return_by"]) == ("2026-11-30", "2026-11-27")
    return case


def _return_by_on_page(client_for, user, case_id) -> str:
    html = client_for(user).get(f"/workbench/cases/{case_id}/").content.decode()
    match = re.search(r'data-test="return-by">(.*?)</span>\s*</dd>', html, re.DOTALL)
    assert match, "no return-by date on the page"
    return re.sub(r"<[^>]+>", " ", match.group(1))


def test_extension_moves_the_return_by_date_by_the_same_working_days(world, clerk, handed, client_for, set_now):
    set_now(dt.datetime(2026, 11, 25, 10))
    case = act(clerk, handed["id"], "extend", EXTEND_5)
    assert case["due_date"] == "2026-12-07"
    assert case["handover_return_by"] == "2026-12-04"  # 27 Nov + 5 working days
    assert case["history"][-1]["data"]["return_by"] == "2026-12-04"
    assert "2026-12-04" in _return_by_on_page(client_for, world.clerk_a, handed["id"])
    assert "2026-12-04" in _return_by_on_page(client_for, world.handler, handed["id"])  # the department sees it too


def test_department_returning_after_the_old_date_but_before_the_new_one_is_on_time(world, clerk, handed, api_for,
                                                                                     client_for, set_now):
    set_now(dt.datetime(2026, 11, 25, 10))
    act(clerk, handed["id"], "extend", EXTEND_5)
    set_now(dt.datetime(2026, 12, 2, 15))  # after 27 Nov, before 4 Dec
    case = act(api_for(world.handler), handed["id"], "return_result", {"result": "审核通过"})
    assert case["history"][-1]["data"] == {"late": False}
    assert case["handover_finished_late"] is False and case["handover_warning"] != "red"
    assert case["handover_return_by"] == "2026-12-04"
    set_now(dt.datetime(2026, 12, 20, 10))  # days later: still on time, the date frozen
    body = clerk.get(f"/api/v1/cases/{handed['id']}").json()
    assert (body["handover_return_by"], body["handover_finished_late"]) == ("2026-12-04", False)
    shown = _return_by_on_page(client_for, world.clerk_a, handed["id"])
    assert "按时交回" in shown and "超期" not in shown


def test_department_returning_after_the_new_date_is_late(world, clerk, handed, api_for, set_now):
    set_now(dt.datetime(2026, 11, 25, 10))
    act(clerk, handed["id"], "extend", EXTEND_5)
    set_now(dt.datetime(2026, 12, 8, 9))  # 2 working days after 4 Dec
    case = act(api_for(world.handler), handed["id"], "return_result", {"result": "审核通过"})
    assert case["history"][-1]["data"] == {"late": True}
    assert (case["handover_finished_late"], case["handover_overdue_days"], case["handover_warning"]) == (True, 2, "red")


def test_pause_for_supplement_and_resume_moves_the_return_by_date(world, clerk, handed, client_for, set_now):
    set_now(dt.datetime(2026, 11, 24, 10))
    case = act(clerk, handed["id"], "request_supplement", {"materials": ["收入证明"], "deadline": "2026-11-30"})
    assert case["paused"] and case["handover_return_by"] is None  # not known while the applicant is awaited
    hclock = Case.objects.get(pk=handed["id"]).handover_clock
    assert state_of(hclock).paused
    set_now(dt.datetime(2026, 11, 26, 10))
    case = act(clerk, handed["id"], "resume")
    assert case["status"] == "handed_over"
    assert case["due_date"] == "2026-12-02"  # Wed 25 and Thu 26 did not count
    assert case["handover_return_by"] == "2026-12-01"
    assert case["history"][-1]["data"]["return_by"] == "2026-12-01"
    assert "2026-12-01" in _return_by_on_page(client_for, world.clerk_a, handed["id"])


def test_paused_hand_over_is_not_flagged_overdue_by_the_sweep(world, clerk, handed, set_now):
    set_now(dt.datetime(2026, 11, 24, 10))
    act(clerk, handed["id"], "request_supplement", {"materials": ["收入证明"], "deadline": "2026-12-10"})
    set_now(dt.datetime(2026, 12, 8, 10))  # long past the old return-by date, still waiting for the applicant
    sweep_deadlines()
    hclock = Case.objects.get(pk=handed["id"]).handover_clock
    assert not ClockEvent.objects.filter(clock=hclock).exists()
    assert clerk.get(f"/api/v1/cases/{handed['id']}").json()["handover_warning"] == "none"


def test_extension_while_paused_counts_when_the_case_resumes(world, clerk, handed, set_now):
    set_now(dt.datetime(2026, 11, 24, 10))
    act(clerk, handed["id"], "request_supplement", {"materials": ["收入证明"], "deadline": "2026-11-30"})
    act(clerk, handed["id"], "extend", {**EXTEND_5, "amount": 2})
    set_now(dt.datetime(2026, 11, 26, 10))
    case = act(clerk, handed["id"], "resume")
    assert (case["due_date"], case["handover_return_by"]) == ("2026-12-04", "2026-12-03")


def test_a_returned_hand_over_keeps_its_date_when_the_case_is_extended_later(world, clerk, handed, api_for, set_now):
    set_now(dt.datetime(2026, 11, 26, 10))
    act(api_for(world.handler), handed["id"], "return_result", {"result": "审核通过"})
    case = act(clerk, handed["id"], "extend", EXTEND_5)
    assert case["due_date"] == "2026-12-07"
    assert (case["handover_return_by"], case["handover_finished_late"]) == ("2026-11-27", False)


def test_rejection_while_waiting_stops_the_hand_over_clock(world, clerk, handed, set_now):
    set_now(dt.datetime(2026, 11, 24, 10))
    act(clerk, handed["id"], "request_supplement", {"materials": ["收入证明"], "deadline": "2026-11-27"})
    set_now(dt.datetime(2026, 11, 30, 10))
    act(clerk, handed["id"], "reject", {"ground": "fails_conditions", "reason": "逾期未补正"})
    hclock = Case.objects.get(pk=handed["id"]).handover_clock
    assert hclock.status == "stopped"


def test_a_recomputed_case_clock_carries_the_return_by_date_along(world, clerk, handed, set_now):
    """What a confirmed calendar year does (core.signals.clock_recomputed): the case clock's due date moves without
    a case action; the receiver re-derives the hand-over clock from it."""
    case = Case.objects.select_related("clock").get(pk=handed["id"])
    case.clock.not_before = dt.datetime(2026, 12, 3, 23, 59, 59, tzinfo=ZoneInfo("Asia/Shanghai"))
    clocks.refresh(case.clock)
    assert state_of(case.clock).due_date == dt.date(2026, 12, 3)

    clock_recomputed.send(sender=Clock, clock=case.clock, at=None)
    assert clerk.get(f"/api/v1/cases/{handed['id']}").json()["handover_return_by"] == "2026-12-02"
    # The same signal for the hand-over clock itself is harmless: it is derived from the case again.
    handover.follow_clock(Case.objects.get(pk=handed["id"]).handover_clock)
    assert clerk.get(f"/api/v1/cases/{handed['id']}").json()["handover_return_by"] == "2026-12-02"





def test_confirming_the_official_year_carries_the_return_by_date_along(world, clerk, set_now, settings):
    """A 24-working-day case accepted 28 Dec 2026 is due Mon 1 Feb 2027 (provisional). The official calendar would
    bring it forward to Sat 30 Jan (a make-up working day), but the receipt's date stands; the department's
    return-by date is then the working day before the date in force, not one the hand-over clock works out alone."""
    from bianmin.core.worktime.official import apply_official_year

    settings.BIANMIN = {**settings.BIANMIN, "SMS_BACKEND": "memory"}
    world.item_committed.committed_limit = 24
    world.item_committed.save()
    set_now(dt.datetime(2026, 12, 28, 10))
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    case = act(clerk, case["id"], "hand_over", {"department_id": world.civil_affairs.pk})
    assert (case["due_date"], case["due_provisional"]) == ("2027-02-01", True)
    assert (case["handover_return_by"], case["handover_return_by_provisional"]) == ("2027-01-29", True)

    set_now(dt.datetime(2026, 12, 29, 10))
    apply_official_year(2027, NOTICE_2027)
    body = clerk.get(f"/api/v1/cases/{case['id']}").json()
    assert (body["due_date"], body["due_provisional"]) == ("2027-02-01", False)
    assert (body["handover_return_by"], body["handover_return_by_provisional"]) == ("2027-01-30", False)
