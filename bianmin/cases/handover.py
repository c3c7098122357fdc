"""The hand-over clock: a department's return-by date follows the case (SPEC §4, S002:L1115).

A department returns its result to the window no later than HANDOVER_RETURN_DAYS_BEFORE_DUE working days before
the case's committed date. That date is not fixed at hand-over: it is re-derived from the case clock every time the
case clock's facts change (extension, pause for 补正 and resume, a recomputation when a calendar year is confirmed),
by `follow_case`, so a department that returns before the new date is on time.

The hand-over clock keeps its own facts (started at hand-over, in working days, with its own pauses) because the
deadline sweep and `state_of` read them like any other clock; `follow_case` sets them so that its due date is the
return-by date.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from bianmin.core import clocks, timeutil
from bianmin.core.errors import Conflict
from bianmin.core.models import Clock, ClockPause
from bianmin.core.worktime.clock import ClockState, LimitUnit, paused_units
from bianmin.core.worktime.loader import get_calendar

from .models import Case


def return_date(case_state: ClockState) -> dt.date:
    """The return-by date for a case clock in this state: working days before its due date."""
    if case_state.due_date is None:
        raise Conflict("办件时限已暂停，恢复后再移交。", "The case clock is paused; resume it before handing over.")
    return get_calendar().subtract_working_days(case_state.due_date,
                                                settings.BIANMIN["HANDOVER_RETURN_DAYS_BEFORE_DUE"])


def handover_return_date(case: Case, at: dt.datetime | None = None) -> dt.date:
    return return_date(clocks.state_of(case.clock, at))


def start(case: Case, at: dt.datetime) -> Clock:
    """The hand-over clock of a case handed over at `at`, due on the return-by date."""
    return_by = handover_return_date(case, at)  # refuses a paused case before anything is written
    hclock = clocks.start_clock(at, 0, LimitUnit.WORKDAYS.value, purpose="handover")
    _aim_at(hclock, return_by, at)
    return hclock


def follow_case(case: Case, at: dt.datetime | None = None) -> dt.date | None:
    """Re-derive the running hand-over clock from the case clock: paused while the case is paused, stopped when the
    case clock stops, otherwise due on the case's current return-by date, which it returns. Call it after every
    change of the case clock's facts. A hand-over clock already stopped (the department returned) stays frozen."""
    hclock = case.handover_clock
    if hclock is None or hclock.status == Clock.Status.STOPPED or case.clock is None:
        return None
    at = at or timeutil.now()
    if case.clock.status == Clock.Status.STOPPED:
        clocks.stop(hclock, at)
        return None
    state = clocks.state_of(case.clock, at)
    open_pause = hclock.pauses.filter(ended__isnull=True).exists()
    if state.paused:
        if not open_pause:
            reason = (case.clock.pauses.filter(ended__isnull=True).values_list("reason", flat=True).first()
                      or ClockPause.Reason.SUPPLEMENT)
            clocks.pause(hclock, reason, at)
        return None
    if open_pause:
        clocks.resume(hclock, at)
    return_by = return_date(state)
    _aim_at(hclock, return_by, at)
    return return_by


def follow_clock(clock: Clock, at: dt.datetime | None = None) -> None:
    """After `clock` was recomputed elsewhere (a calendar year confirmed): if it is a case clock or a hand-over
    clock, re-derive that case's hand-over clock from the case clock."""
    case = (Case.objects.select_related("clock", "handover_clock")
            .filter(Q(clock=clock) | Q(handover_clock=clock)).first())
    if case is not None:
        follow_case(case, at)


def _aim_at(hclock: Clock, return_by: dt.date, at: dt.datetime) -> None:
    """Set the clock's limit so that it falls due at the end of `return_by`: the working days from its start to that
    date, less the working days its pauses already push the due date on by."""
    cal = get_calendar()
    start_day = timezone.localtime(hclock.start).date()
    days = cal.working_days_between(start_day, return_by)
    shift = int(paused_units(cal, clocks.facts_of(hclock), timezone.localtime(at)))
    hclock.amount = max(days - shift, 0)
    clocks.refresh(hclock, at)


def on_clock_recomputed(sender, clock: Clock, at: dt.datetime | None = None, **kwargs) -> None:
    """Receiver of core.signals.clock_recomputed (a calendar year confirmed moved a clock's due date)."""
    follow_clock(clock, at)
