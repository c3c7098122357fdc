"""Time limits per order type, from the working-time engine, across Mid-autumn, National Day and 调休 (2026).

2026: 25-27 Sept Mid-autumn; 1-7 Oct National Day; Sunday 20 Sept and Saturday 10 Oct are make-up working days.
"""
import datetime as dt

import pytest
from django.utils import timezone

from bianmin.hotline.models import Assignment, WorkOrder

from .hotline_helpers import act, intake

pytestmark = pytest.mark.django_db


def dispatched(client, moment, set_now, **extra):
    set_now(moment)
    return act(client, intake(client, **extra)["id"], "dispatch")


def due(order) -> dt.datetime:
    return timezone.localtime(dt.datetime.fromisoformat(order["due_at"]))


@pytest.mark.parametrize("moment, kind, expected", [
    # ordinary: 7 calendar days; a period ending in the National Day break ends on the next working day.
    (dt.datetime(2026, 9, 23, 10), "ordinary", dt.date(2026, 9, 30)),
    (dt.datetime(2026, 9, 24, 10), "ordinary", dt.date(2026, 10, 8)),
    # complex: 15 calendar days.
    (dt.datetime(2026, 9, 24, 10), "complex", dt.date(2026, 10, 9)),
    # escalated complaint: 3 working days, counted from the day after; holidays skipped, make-up days count.
    (dt.datetime(2026, 9, 24, 10), "escalated_complaint", dt.date(2026, 9, 30)),
    (dt.datetime(2026, 9, 30, 10), "escalated_complaint", dt.date(2026, 10, 10)),  # 8th, 9th, Sat 10th (调休)
    (dt.datetime(2026, 9, 18, 10), "escalated_complaint", dt.date(2026, 9, 22)),  # Sun 20th (调休), 21st, 22nd
    # simple service complaint: the next day, or the next working day after a holiday.
    (dt.datetime(2026, 11, 18, 10), "simple_complaint", dt.date(2026, 11, 19)),
    (dt.datetime(2026, 9, 30, 10), "simple_complaint", dt.date(2026, 10, 8)),
    # complex service complaint: within one week.
    (dt.datetime(2026, 11, 18, 10), "complex_complaint", dt.date(2026, 11, 25)),
])
def test_day_limits_per_type(hw, api_for, set_now, moment, kind, expected):
    order = dispatched(api_for(hw.agent), moment, set_now, type=kind)
    assert order["type"] == kind
    assert due(order).date() == expected
    assert due(order).time() == dt.time(23, 59, 59)


def test_urgent_is_two_hours_on_the_wall_clock_even_on_a_holiday(hw, api_for, set_now):
    order = dispatched(api_for(hw.agent), dt.datetime(2026, 10, 3, 10, 15), set_now, type="urgent")
    assert due(order) == timezone.make_aware(dt.datetime(2026, 10, 3, 12, 15))


def test_limit_counts_from_dispatch_not_from_the_call(hw, api_for, set_now):
    client = api_for(hw.agent)
    set_now(dt.datetime(2026, 9, 22, 10))
    order = intake(client, type="escalated_complaint")
    set_now(dt.datetime(2026, 9, 24, 10))
    order = act(client, order["id"], "dispatch")
    assert due(order).date() == dt.date(2026, 9, 30)


def test_a_category_limit_applies_to_its_default_type_only(hw, api_for, set_now):
    client = api_for(hw.agent)
    own = dispatched(client, dt.datetime(2026, 9, 24, 10), set_now, category="HJ")  # 5 working days
    assert due(own).date() == dt.date(2026, 10, 9)  # 28, 29, 30 Sept, 8, 9 Oct
    urgent = dispatched(client, dt.datetime(2026, 9, 24, 10), set_now, category="HJ", type="urgent")
    assert due(urgent) == timezone.make_aware(dt.datetime(2026, 9, 24, 12))


def test_a_new_clock_for_the_department_after_a_re_route(hw, api_for, set_now):
    agent, civil = api_for(hw.agent), api_for(hw.base.handler)
    order = dispatched(agent, dt.datetime(2026, 9, 21, 10), set_now)
    assert due(order).date() == dt.date(2026, 9, 28)
    set_now(dt.datetime(2026, 9, 22, 9))
    act(civil, order["id"], "return", {"reason": "非本部门职责"})
    set_now(dt.datetime(2026, 9, 23, 10))
    order = act(agent, order["id"], "dispatch", {"department": hw.land.pk})
    assert due(order).date() == dt.date(2026, 9, 30)


def test_working_day_extension_by_date_skips_the_holiday(hw, api_for, set_now):
    agent, civil = api_for(hw.agent), api_for(hw.base.handler)
    order = dispatched(agent, dt.datetime(2026, 9, 24, 10), set_now, type="escalated_complaint")
    act(civil, order["id"], "accept")
    r = act(civil, order["id"], "extend", {"reason": "需调取监控", "until": "2026-10-09"})
    assert r["extensions"][0]["amount"] == 2  # 8 and 9 Oct are the only working days after 30 Sept
    r = act(agent, order["id"], "extend", {"decision": "approve"})
    assert due(r).date() == dt.date(2026, 10, 9)


def test_response_and_dispatch_deadlines_use_the_same_engine(hw, api_for, set_now):
    client = api_for(hw.agent)
    set_now(dt.datetime(2026, 9, 30, 16, 0))
    order = intake(client)
    set_now(dt.datetime(2026, 9, 30, 16, 20))
    act(client, order["id"], "dispatch")
    a = Assignment.objects.get(order_id=order["id"])
    assert timezone.localtime(a.dispatch_due) == timezone.make_aware(dt.datetime(2026, 9, 30, 16, 30))
    assert timezone.localtime(a.respond_by).date() == dt.date(2026, 10, 8)  # one working day, after the break
    urgent = intake(client, type="urgent")
    act(client, urgent["id"], "dispatch")
    u = Assignment.objects.get(order_id=urgent["id"])
    assert timezone.localtime(u.respond_by) == timezone.make_aware(dt.datetime(2026, 9, 30, 16, 50))


def test_a_limit_past_the_calendar_is_a_clear_4xx_and_nothing_changes(hw, api_for, set_now):
    client = api_for(hw.agent)
    set_now(dt.datetime(2031, 3, 4, 10))
    order = intake(client)  # taking the call needs no calendar
    r = act(client, order["id"], "dispatch", expect=422)
    assert r["code"] == "calendar_not_covered" and "2031" in r["message"]
    row = WorkOrder.objects.get(pk=order["id"])
    assert row.status == "received" and row.clock is None and row.department is None
    assert not Assignment.objects.exists()
