"""The worker reminds departments before the due time and escalates overdue orders once (fake clock)."""
import datetime as dt

import pytest

from bianmin.core.jobs import run_once
from bianmin.core.models import Notification
from bianmin.hotline import jobs
from bianmin.hotline.models import WorkOrderEvent
from bianmin.orgs.roles import Role

from .hotline_helpers import act, intake
from .world import make_user

pytestmark = pytest.mark.django_db


def events(order_id, action):
    return WorkOrderEvent.objects.filter(order_id=order_id, action=action).count()


def told(user, start):
    return Notification.objects.filter(user=user, text__startswith=start).count()


@pytest.fixture
def order(hw, api_for, set_now):
    set_now(dt.datetime(2026, 11, 16, 10))  # Monday: 7 calendar days → due Monday 23rd 23:59:59
    agent = api_for(hw.agent)
    o = act(agent, intake(agent)["id"], "dispatch")
    act(api_for(hw.base.handler), o["id"], "accept")
    return o


def test_reminder_at_yellow_then_one_escalation_when_overdue(hw, order, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))  # Friday: 4 of 7 days used
    assert jobs.remind_due() == 0 and jobs.escalate_overdue() == 0
    # 80% of 7 days is reached on Sunday 22nd; like the due date, a warning day on a rest day moves to the
    # next working day (WorkCalendar.add_calendar_days), so the department hears on Monday morning.
    set_now(dt.datetime(2026, 11, 22, 9))
    assert jobs.remind_due() == 0
    set_now(dt.datetime(2026, 11, 23, 8, 30))
    assert jobs.remind_due() == 1
    assert jobs.remind_due() == 0  # once
    assert told(hw.base.handler, "预警") == 1 and events(order["id"], "remind") == 1
    assert told(hw.handler2, "预警") == 0 and told(hw.agent, "预警") == 0
    set_now(dt.datetime(2026, 11, 24, 0, 5))  # just past the due time
    assert jobs.escalate_overdue() == 1
    assert jobs.escalate_overdue() == 0  # once per time limit
    assert events(order["id"], "overdue") == 1
    for person in (hw.agent, hw.base.manager_a, hw.base.supervisor):  # dispatcher, centre manager, supervisor
        assert told(person, "督办") == 1, person
    assert told(hw.base.manager_b, "督办") == 0 and told(hw.base.handler, "督办") == 0


def test_the_worker_runs_the_hotline_jobs(hw, order, set_now):
    set_now(dt.datetime(2026, 11, 25, 9))
    results = run_once()
    assert results["hotline_escalation"] == 1 and results["hotline_reminders"] == 0
    assert run_once()["hotline_escalation"] == 0
    assert events(order["id"], "remind") == 0  # found overdue at once: no late "due soon" reminder


def test_a_replied_order_is_not_chased(hw, order, api_for, set_now):
    act(api_for(hw.base.handler), order["id"], "reply", {"text": "已答复"})
    set_now(dt.datetime(2026, 11, 30, 9))
    assert jobs.remind_due() == 0 and jobs.escalate_overdue() == 0


def test_an_approved_extension_earns_a_new_reminder_and_escalation(hw, order, api_for, set_now):
    set_now(dt.datetime(2026, 11, 24, 9))
    assert jobs.escalate_overdue() == 1
    act(api_for(hw.base.handler), order["id"], "extend", {"reason": "需协调住建部门", "amount": 7})
    act(api_for(hw.agent), order["id"], "extend", {"decision": "approve"})  # now due 30 Nov
    assert jobs.escalate_overdue() == 0
    set_now(dt.datetime(2026, 11, 30, 9))
    assert jobs.remind_due() == 1
    set_now(dt.datetime(2026, 12, 1, 9))
    assert jobs.escalate_overdue() == 1 and events(order["id"], "overdue") == 2


def test_urgent_orders_are_chased_in_hours(hw, api_for, set_now):
    set_now(dt.datetime(2026, 10, 3, 10))  # a holiday: urgent orders do not wait for working days
    agent = api_for(hw.agent)
    o = act(agent, intake(agent, type="urgent")["id"], "dispatch")
    set_now(dt.datetime(2026, 10, 3, 11, 40))
    assert jobs.remind_due() == 1
    set_now(dt.datetime(2026, 10, 3, 12, 1))
    assert jobs.escalate_overdue() == 1
    assert events(o["id"], "overdue") == 1


def test_only_the_departments_own_overseers_are_told(hw, order, set_now):
    other = make_user("supervisor_other", Role.SUPERVISOR, unit=hw.base.other_county)
    set_now(dt.datetime(2026, 11, 24, 9))
    jobs.escalate_overdue()
    assert told(other, "督办") == 0


def test_an_order_waiting_for_dispatch_is_chased_once_per_wait(hw, api_for, set_now):
    set_now(dt.datetime(2026, 11, 16, 10, 0))
    agent = api_for(hw.agent)
    taken = intake(agent)["id"]
    set_now(dt.datetime(2026, 11, 16, 10, 29))  # within the 30-minute dispatch limit
    assert jobs.chase_undispatched() == 0
    set_now(dt.datetime(2026, 11, 16, 10, 31))
    assert jobs.chase_undispatched() == 1 and events(taken, "dispatch_late") == 1
    assert told(hw.agent, "请尽快派单") == 1
    assert jobs.chase_undispatched() == 0  # once per wait
    # Dispatched, then sent back: the re-routing wait is chased again, 30 minutes after the return.
    act(agent, taken, "dispatch")
    handler = api_for(hw.base.handler)
    set_now(dt.datetime(2026, 11, 16, 11, 0))
    act(handler, taken, "return", {"reason": "不属于本单位职责，应由自然资源局办理"})
    set_now(dt.datetime(2026, 11, 16, 11, 20))
    assert jobs.chase_undispatched() == 0
    set_now(dt.datetime(2026, 11, 16, 11, 40))
    assert jobs.chase_undispatched() == 1 and events(taken, "dispatch_late") == 2
