"""The worker's sweep: generate the reports the calendar says are due (settings REPORT_*; calendar.py).

Each sweep looks at the periods that are complete and due at most REPORT_CATCH_UP_DAYS ago, and at the units
that should report on them and have no report yet (or one that may be retried). It builds at most
REPORT_BATCH reports, so one sweep stays short and the other jobs keep their rhythm; the rest follow in
the next sweeps. Safe with several workers: services.claim hands each report to one of them.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings

from bianmin.core import timeutil
from bianmin.orgs.models import Unit

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

