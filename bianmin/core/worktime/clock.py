"""Deadline clocks: pure arithmetic on top of WorkCalendar (SPEC §3).

A clock has a start, a limit (amount + unit), extensions, and pauses during which time does not
count. Everything is computed from those facts, so the same answer comes out of the API, the pages
and the worker. No Django imports.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum

from .calendar import WorkCalendar


class LimitUnit(StrEnum):
    WORKDAYS = "workdays"
    DAYS = "days"
    HOURS = "hours"
    MINUTES = "minutes"  # 即办件: finished on the spot within 30 minutes (S002:L549)


# Units measured on the wall clock rather than in days.
SECONDS_PER_UNIT = {LimitUnit.HOURS: 3600, LimitUnit.MINUTES: 60}


class Warning(StrEnum):
    NONE = "none"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class Pause:
    started: dt.datetime
    ended: dt.datetime | None = None


@dataclass(frozen=True)
class ClockFacts:
    """What is known about a clock; the computed view is `evaluate(...)`."""

    start: dt.datetime  # aware datetime of acceptance (local time)
    amount: int
    unit: LimitUnit
    extension: int = 0  # extra units granted by approved extensions
    pauses: tuple[Pause, ...] = field(default_factory=tuple)
    # When the clock stopped (the work was done): from then on its state is frozen at that moment.
    stopped_at: dt.datetime | None = None
    # A due date promised to the applicant that a recomputation may not bring forward (SPEC §3).
    not_before: dt.datetime | None = None
    # (due moment, yellow moment) as they stood when the clock stopped: a stopped clock keeps them even when the
    # calendar changes afterwards (a provisional year confirmed). None: computed from the facts.
    stopped_due: tuple[dt.datetime, dt.datetime] | None = None

    @property
    def total(self) -> int:
        return self.amount + self.extension


@dataclass(frozen=True)
class ClockState:
    due_date: dt.date | None  # None while paused: the due date is not known until it resumes
    due_at: dt.datetime | None
    yellow_at: dt.datetime | None
    used: float  # units used so far, pauses excluded
    total: int
    paused: bool
    warning: Warning
    overdue_days: int  # working days past the due date (0 when not overdue); for a stopped clock, days late at its stop
    stopped: bool = False
    finished_late: bool | None = None  # for a stopped clock: whether it stopped after its due moment; else None
    provisional: bool = False  # the due date depends on a provisional (暂定) calendar year

    @property
    def share_used(self) -> float:
        return self.used / self.total if self.total else 1.0


def _end_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)


def _start_of_day(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=tz)


def paused_units(cal: WorkCalendar, facts: ClockFacts, now: dt.datetime) -> float:
    """Units that passed while the clock was paused.

    For day units a pause from day P to day R removes the days d with P < d <= R: the day the
    notice was issued still counts, the day the materials came back does not.
    """
    total = 0.0
    for pause in facts.pauses:
        end = pause.ended or now
        if facts.unit in SECONDS_PER_UNIT:
            total += max((end - pause.started).total_seconds(), 0) / SECONDS_PER_UNIT[facts.unit]
        elif facts.unit is LimitUnit.WORKDAYS:
            total += cal.working_days_between(pause.started.date(), end.date())
        else:
            total += max((end.date() - pause.started.date()).days, 0)
    return total


def used_units(cal: WorkCalendar, facts: ClockFacts, now: dt.datetime) -> float:
    if facts.unit in SECONDS_PER_UNIT:
        gross = max((now - facts.start).total_seconds(), 0) / SECONDS_PER_UNIT[facts.unit]
    elif facts.unit is LimitUnit.WORKDAYS:
        gross = cal.working_days_between(facts.start.date(), now.date())
    else:
        gross = max((now.date() - facts.start.date()).days, 0)
    return max(gross - paused_units(cal, facts, now), 0.0)


def due(cal: WorkCalendar, facts: ClockFacts, units_ahead: float, now: dt.datetime) -> dt.datetime:
    """The moment `units_ahead` units after the start, shifted by the time spent paused."""
    tz = facts.start.tzinfo or dt.UTC
    shift = paused_units(cal, facts, now)
    if facts.unit in SECONDS_PER_UNIT:
        return facts.start + dt.timedelta(seconds=(units_ahead + shift) * SECONDS_PER_UNIT[facts.unit])
    days = math.ceil(units_ahead + shift)
    if facts.unit is LimitUnit.WORKDAYS:
        return _end_of_day(cal.add_working_days(facts.start.date(), days), tz)
    return _end_of_day(cal.add_calendar_days(facts.start.date(), days), tz)


def _due_and_yellow(cal: WorkCalendar, facts: ClockFacts, now: dt.datetime,
                    warning_share: float) -> tuple[dt.datetime, dt.datetime]:
    total = facts.total
    due_at = due(cal, facts, total, now)
    if facts.not_before is not None and due_at < facts.not_before:
        due_at = facts.not_before
    yellow_at = due(cal, facts, total * warning_share, now)
    if facts.unit not in SECONDS_PER_UNIT:
        # Day clocks turn yellow at the start of the day on which the share is reached.
        yellow_at = _start_of_day(yellow_at.date(), yellow_at.tzinfo or dt.UTC)
    return due_at, yellow_at


def evaluate(cal: WorkCalendar, facts: ClockFacts, now: dt.datetime, warning_share: float) -> ClockState:
    """The state of a clock at the moment `now`: due date, time used, warning level and overdue days.

    This is the one definition of "overdue" (SPEC §3). A clock that has stopped by `now` is evaluated at its
    stop, so finished work is on time or late, never overdue afterwards; a running one is evaluated at `now`.
    """
    stopped = facts.stopped_at is not None and now >= facts.stopped_at
    if stopped and facts.stopped_at is not None:
        now = facts.stopped_at
    paused = not stopped and any(p.ended is None for p in facts.pauses)
    used = used_units(cal, facts, now)
    total = facts.total
    if paused:
        return ClockState(None, None, None, used, total, True, Warning.NONE, 0)
    if stopped and facts.stopped_due is not None:
        due_at, yellow_at = facts.stopped_due
    else:
        due_at, yellow_at = _due_and_yellow(cal, facts, now, warning_share)
    if now > due_at:
        warning = Warning.RED
        overdue_days = cal.working_days_between(due_at.date(), now.date())
    elif now >= yellow_at:
        warning, overdue_days = Warning.YELLOW, 0
    else:
        warning, overdue_days = Warning.NONE, 0
    return ClockState(due_at.date(), due_at, yellow_at, used, total, False, warning, overdue_days,
                      stopped=stopped, finished_late=(now > due_at) if stopped else None,
                      provisional=cal.is_provisional(due_at.date()))
