"""Due-date buckets of open tickets for the manager's overview and the list's "时限" filter.

The buckets compare the stored due and yellow moments with the current time, so they are exact even
before the worker's sweep has turned a clock yellow or red (the sweep uses the same moments).
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.core import timeutil

from .models import Escalation, Ticket
from .states import Status

BUCKETS = {
    "overdue": _("已超期"),
    "today": _("今日到期"),
    "soon": _("即将到期"),
    "escalated": _("已督办"),
}
CLOCKS = ("verify_clock", "rectify_clock")


def _running(clock: str, **conditions) -> Q:
    return Q(**{f"{clock}__status": "running", **{f"{clock}__{k}": v for k, v in conditions.items()}})


def _any_clock(**conditions) -> Q:
    return _running(CLOCKS[0], **conditions) | _running(CLOCKS[1], **conditions)


def bucket_q(name: str, now: dt.datetime | None = None) -> Q:
    """The condition for one bucket; an unknown name matches nothing (bad input never widens a list)."""
    now = now or timeutil.now()
    if name == "overdue":
        return _any_clock(due_at__lt=now)
    if name == "today":
        end_of_day = timezone.make_aware(dt.datetime.combine(timezone.localtime(now).date(), dt.time.max))
        return _any_clock(due_at__gte=now, due_at__lte=end_of_day)
    if name == "soon":  # inside the warning share of the limit, not yet overdue
        return _any_clock(yellow_at__lte=now, due_at__gte=now)
    if name == "escalated":
        return Q(escalation__gt=Escalation.NONE) & ~Q(status=Status.CLOSED)
    return Q(pk__in=[])


def counts(tickets: QuerySet[Ticket]) -> dict[str, int]:
    now = timeutil.now()
    return {name: tickets.filter(bucket_q(name, now)).count() for name in BUCKETS}


def is_overdue(ticket: Ticket, now: dt.datetime | None = None) -> bool:
    """Late now or finished late, on either step (the ledger's overdue flag)."""
    now = now or timeutil.now()
    for clock in (ticket.verify_clock, ticket.rectify_clock):
        if clock.due_at is None:
            continue
        end = clock.stopped_at if clock.status == "stopped" else now
        if end and end > clock.due_at:
            return True
    return False
