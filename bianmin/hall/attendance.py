"""Attendance derived from the presence rows and the hours (the fact base staff assessment scores next).

`assess` is pure: one staff member's day, from the day's working span (hall.hours), their sign-ins and sign-outs and
their approved leave. `month` loads those facts for a month and assesses every day.

- late: the first sign-in comes after the start of the first session;
- early: the day's last row is a sign-out before the end of the last session;
- absent: a day they were expected (a working day with the site open, or a duty day naming them) with no sign-in
  and no approved leave, once that day's hours are over;
- on_leave: an approved leave overlaps the day's working span.
Leave that covers the start (or the end) of the span excuses lateness (or early leave).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass

IN, OUT = "in", "out"


@dataclass(frozen=True)
class DayFacts:
    day: dt.date
    start: dt.datetime | None  # the working span (aware); None: not expected at work that day
    end: dt.datetime | None
    punches: tuple[tuple[dt.datetime, str], ...]  # (moment, "in" | "out") in time order
    leaves: tuple[tuple[dt.datetime, dt.datetime], ...]  # approved leave periods
    now: dt.datetime


@dataclass(frozen=True)
class DayRecord:
    date: dt.date
    working: bool
    first_in: dt.datetime | None
    last_out: dt.datetime | None
    late: bool
    early: bool
    absent: bool
    on_leave: bool

    def as_dict(self) -> dict:
        return asdict(self)


def _covered(moment: dt.datetime, leaves) -> bool:
    return any(start <= moment <= end for start, end in leaves)


def assess(facts: DayFacts) -> DayRecord:
    ins = [at for at, kind in facts.punches if kind == IN]
    outs = [at for at, kind in facts.punches if kind == OUT]
    first_in = ins[0] if ins else None
    last_out = outs[-1] if outs else None
    working = facts.start is not None and facts.end is not None
    if not working or facts.now < facts.start:
        return DayRecord(facts.day, working, first_in, last_out, False, False, False, False)
    on_leave = any(start < facts.end and end > facts.start for start, end in facts.leaves)
    late = first_in is not None and first_in > facts.start and not _covered(facts.start, facts.leaves)
    ended_out = bool(facts.punches) and facts.punches[-1][1] == OUT
    early = (ended_out and last_out < facts.end and facts.now >= facts.end
             and not _covered(facts.end, facts.leaves))
    absent = first_in is None and not on_leave and facts.now >= facts.end
    return DayRecord(facts.day, working, first_in, last_out, late, early, absent, on_leave)


def parse_month(raw: str | None, today: dt.date) -> tuple[int, int] | None:
    """(year, month) from "YYYY-MM" (default this month), or None when it cannot be read."""
    if not raw:
        return today.year, today.month
    try:
        year, month = (int(part) for part in str(raw).split("-"))
    except ValueError:
        return None
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return year, month


def month(staff, year: int, month_number: int, now: dt.datetime | None = None) -> list[DayRecord]:
    """Every day of the month for `staff`, assessed against the hours of their site."""
    from django.utils import timezone

    from bianmin.core import timeutil

    from . import hours
    from .models import DutyDay, LeaveRequest, Presence
    from .services import site_of

    now = now or timeutil.now()
    site = site_of(staff)
    first = dt.date(year, month_number, 1)
    last = dt.date(year, month_number, calendar.monthrange(year, month_number)[1])
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    punches: dict[dt.date, list] = {}
    for row in Presence.objects.filter(staff=staff, at__gte=lo, at__lt=hi).order_by("at", "pk"):
        punches.setdefault(timezone.localtime(row.at).date(), []).append((row.at, row.kind))
    leaves = tuple(LeaveRequest.objects.filter(staff=staff, status=LeaveRequest.Status.APPROVED, starts_at__lt=hi,
                                               ends_at__gt=lo).values_list("starts_at", "ends_at"))
    on_duty_days = set(DutyDay.objects.filter(staff=staff, date__range=(first, last)).values_list("date", flat=True))
    records = []
    day = first
    while day <= last:
        start = end = None
        if site is not None:
            sessions = hours.sessions_on(site, day)
            spans = [s for s in sessions if s.kind == "regular"] or \
                    [s for s in sessions if s.kind == "duty" and day in on_duty_days]
            if spans:
                start = dt.datetime.combine(day, min(s.start for s in spans), tzinfo=tz)
                end = dt.datetime.combine(day, max(s.end for s in spans), tzinfo=tz)
        records.append(assess(DayFacts(day, start, end, tuple(punches.get(day, ())), leaves, now)))
        day += dt.timedelta(days=1)
    return records


def totals(records: list[DayRecord]) -> dict[str, int]:
    return {name: sum(1 for r in records if getattr(r, name)) for name in ("working", "late", "early", "absent",
                                                                           "on_leave")}
