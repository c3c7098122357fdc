"""Background jobs run by `manage.py worker` (DESIGN: rows in the database, no broker).

Each job is a function that does one bounded sweep and returns how many rows it changed. Jobs are
safe to run in several worker processes at once: rows are claimed with SELECT … FOR UPDATE SKIP
LOCKED on PostgreSQL, and every change is a conditional UPDATE, so two workers never record the
same warning twice. Later capabilities add their jobs to JOBS.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q

from . import timeutil
from .models import Clock, ClockEvent

logger = logging.getLogger("bianmin.worker")

BATCH = 500


def _raise_warnings(level: str, condition: Q, not_in: list[str], now) -> int:
    changed = 0
    while True:
        with transaction.atomic():
            ids = list(Clock.objects.filter(condition, status=Clock.Status.RUNNING)
                       .exclude(warning__in=not_in)
                       .select_for_update(skip_locked=True)
                       .values_list("id", flat=True)[:BATCH])
            if not ids:
                return changed
            for clock_id in ids:
                # Conditional update: only the worker that flips the level writes the event.
                if Clock.objects.filter(pk=clock_id).exclude(warning__in=not_in).update(warning=level):
                    ClockEvent.objects.create(clock_id=clock_id, warning=level)
                    changed += 1
        if len(ids) < BATCH:
            return changed


def sweep_deadlines() -> int:
    """Mark running clocks yellow once the warning share is used and red once overdue."""
    now = timeutil.now()
    red = _raise_warnings("red", Q(due_at__lt=now), ["red"], now)
    yellow = _raise_warnings("yellow", Q(yellow_at__lte=now, due_at__gte=now), ["yellow", "red"], now)
    return red + yellow


def remind_calendar() -> int:
    from .worktime.reminder import remind_next_year

    return remind_next_year()


# The order of one sweep, declared here rather than left to INSTALLED_APPS, because later jobs read what earlier
# ones wrote: deadlines are flagged before anyone is warned; honesty flags and default ratings are settled before
# bad reviews open tickets; tickets are opened before they can be escalated; every rating and case of the sweep is
# in before the statistics are rolled up; and the rollups are complete before reports are generated from them.
ORDER = (
    "deadlines",
    "first_contact_warnings",
    "calendar_reminder",
    "rating_honesty",
    "rating_invitations",
    "default_ratings",
    "rectification_tickets",
    "rectification_escalation",
    "hotline_dispatch_chase",
    "hotline_reminders",
    "hotline_escalation",
    "hall_unattended",
    "appointment_reminders",
    "appointment_no_shows",
    "proxy_batches",
    "queue_close_day",
    "staffops_sync",
    "stats_rollup",
    "alerts",
    "exchange_send",
    "exchange_reconcile",
    "stats_queue_rollup",
    "staffops_awards",
    "scheduled_reports",
    "report_backfill",
    "stats_warmup",
)

JOBS: list[tuple[str, Callable[[], int]]] = [
    ("deadlines", sweep_deadlines),
    ("calendar_reminder", remind_calendar),
]


def register(name: str, job: Callable[[], int]) -> None:
    """Apps add their sweeps here from AppConfig.ready(), so core never imports them; each takes its place in
    ORDER, whatever order the apps are loaded in. A job not in ORDER is refused: its place must be decided."""
    if name not in ORDER:
        raise ValueError(f"job {name!r} has no place in bianmin.core.jobs.ORDER")
    if name not in {n for n, _ in JOBS}:
        JOBS.append((name, job))
        JOBS.sort(key=lambda entry: ORDER.index(entry[0]))


def run_once() -> dict[str, int]:
    results = {}
    for name, job in JOBS:
        try:
            results[name] = job()
        except Exception:  # one failing job must not stop the others; it is retried next sweep
            logger.exception("job %s failed", name)
            results[name] = -1
    return results
