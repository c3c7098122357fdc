"""The worker's sweeps: generate the reports the calendar says are due (settings REPORT_*; calendar.py), and
back-fill the periods of the history the data holds that have no report (issue #15).

Each sweep looks at the periods that are complete and due at most REPORT_CATCH_UP_DAYS ago, and at the units
that should report on them and have no report yet (or one that may be retried). It builds at most
REPORT_BATCH reports, so one sweep stays short and the other jobs keep their rhythm; the rest follow in
the next sweeps. Safe with several workers: services.claim hands each report to one of them.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Min, Q, Sum

from bianmin.core import timeutil
from bianmin.orgs.models import Unit
from bianmin.stats.models import CaseDimension, DailyCaseRollup, DailyRollup, Dimension

from . import calendar, services
from .models import Kind, Report


def unit_levels(kind: str) -> list[str]:
    conf = settings.BIANMIN
    return list(conf["REPORT_QUARTERLY_UNIT_LEVELS"] if kind == Kind.QUARTERLY else conf["REPORT_UNIT_LEVELS"])


def units_without_report(period: calendar.ReportPeriod, now: dt.datetime):
    """Units that report on this kind of period and still lack a finished (or running) report of it."""
    settled = (Report.objects.filter(kind=period.kind, period_from=period.date_from, period_to=period.date_to)
               .exclude(services.retryable(now)).values("unit_id"))
    return (Unit.objects.filter(level__in=unit_levels(period.kind), kind__in=services.REPORT_UNIT_KINDS)
            .exclude(pk__in=settled).order_by("path"))


def generate_due(today: dt.date | None = None) -> int:
    """Generate due reports; returns how many were attempted in this sweep."""
    now = timeutil.now()
    today = today or timeutil.today()
    budget = settings.BIANMIN["REPORT_BATCH"]
    attempted = 0
    for period in calendar.to_generate(today, services.schedule(), settings.BIANMIN["REPORT_CATCH_UP_DAYS"]):
        for unit in units_without_report(period, now)[:budget - attempted]:
            report = services.claim(unit, period)
            if report is not None:
                services.generate(report)
                attempted += 1
        if attempted >= budget:
            break
    return attempted



# ---------------------------------------------------------------- back-fill

# Periods of each kind the back-fill looks at: the newest complete ones from the earliest day with data on,
# so a sweep stays short however long the history; older periods are listed as missing on the report page.
BACKFILL_PERIODS = 6


def first_data_day() -> dt.date | None:
    """The earliest day any unit has a rating or a completed case in the rollups (None: no data at all)."""
    days = [DailyRollup.objects.filter(dimension=Dimension.REGION).aggregate(d=Min("day"))["d"],
            DailyCaseRollup.objects.filter(dimension=CaseDimension.REGION).aggregate(d=Min("day"))["d"]]
    days = [d for d in days if d]
    return min(days) if days else None


def has_data(unit: Unit, period: calendar.ReportPeriod) -> bool:
    """Whether the unit (its subtree) has any rating (default ones included) or completed case in the period."""
    in_period = Q(key=str(unit.pk), day__gte=period.date_from, day__lte=period.date_to)
    ratings = DailyRollup.objects.filter(in_period, dimension=Dimension.REGION).aggregate(
        n=Sum("ratings"), d=Sum("default_good"))
    if (ratings["n"] or 0) + (ratings["d"] or 0) > 0:
        return True
    return (DailyCaseRollup.objects.filter(in_period, dimension=CaseDimension.REGION)
            .aggregate(n=Sum("completed"))["n"] or 0) > 0


def backfill_periods(today: dt.date) -> list[calendar.ReportPeriod]:
    """The complete periods of every kind that the back-fill generates, newest first: the reports people
    look for first are made first when a sweep's batch cannot hold them all."""
    first = first_data_day()
    if first is None:
        return []
    sched = services.schedule()
    found = [p for kind in calendar.KINDS
             for p in calendar.complete_since(kind, first, today, sched, BACKFILL_PERIODS)]
    return sorted(found, key=lambda p: (p.date_to, -calendar.KINDS.index(p.kind)), reverse=True)


def backfill(today: dt.date | None = None) -> int:
    """Generate, once, the reports of the history the data holds: for each period of backfill_periods and
    each unit that reports on it and has no report, the report — or, when the unit has no data in the
    period, a "no data" row that says so. At most REPORT_BATCH reports a sweep; the rest follow in the
    next sweeps. A second run finds every period settled and generates nothing. Returns reports attempted."""
    now = timeutil.now()
    today = today or timeutil.today()
    budget = settings.BIANMIN["REPORT_BATCH"]
    attempted = 0
    for period in backfill_periods(today):
        for unit in units_without_report(period, now):
            if attempted >= budget:
                return attempted
            if not has_data(unit, period):
                services.record_no_data(unit, period)
                continue
            report = services.claim(unit, period)
            if report is not None:
                services.generate(report)
                attempted += 1
    return attempted
