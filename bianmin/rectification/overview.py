"""Due-date buckets of open tickets for the manager's overview and the list's "时限" filter, and the ledger's
overdue flag.

"Overdue" is the clock's own rule (core.clocks: `overdue_now` for querysets, `state_of` for one row), over the
clocks of the ticket's current round — verify, rectify and, once a ledger is set, the ledger deadline — so the
counts, the list filter, the API, the pages and the Excel ledger agree, and a finished step is never overdue.
The other buckets compare the stored due and yellow moments of running clocks with the current time, so they
are exact even before the worker's sweep has turned a clock yellow or red.
"""
from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.core import timeutil
from bianmin.core.clocks import overdue_now, state_of
from bianmin.core.models import Clock
from bianmin.core.worktime.clock import ClockState, Warning

from .models import Escalation, Ticket
from .states import Status

BUCKETS = {
    "overdue": _("已超期"),
    "today": _("今日到期"),
    "soon": _("即将到期"),
    "escalated": _("已督办"),
}
CLOCKS = ("verify_clock", "rectify_clock", "ledger_clock")


def _any_clock(condition) -> Q:
    """`condition(prefix)` for at least one of the ticket's clocks."""
    return reduce(or_, (condition(clock) for clock in CLOCKS))


def _running(clock: str, **conditions) -> Q:
    return Q(**{f"{clock}__status": Clock.Status.RUNNING, **{f"{clock}__{k}": v for k, v in conditions.items()}})


def overdue_q(now: dt.datetime | None = None) -> Q:
    """Tickets with a step overdue now (a running clock past its due moment)."""
    now = now or timeutil.now()
    return _any_clock(lambda clock: overdue_now(clock, now))


def bucket_q(name: str, now: dt.datetime | None = None) -> Q:
    """The condition for one bucket; an unknown name matches nothing (bad input never widens a list)."""
    now = now or timeutil.now()
    if name == "overdue":
        return overdue_q(now)
    if name == "today":
        end_of_day = timezone.make_aware(dt.datetime.combine(timezone.localtime(now).date(), dt.time.max))
        return _any_clock(lambda clock: _running(clock, due_at__gte=now, due_at__lte=end_of_day))
    if name == "soon":  # inside the warning share of the limit, not yet overdue
        return _any_clock(lambda clock: _running(clock, yellow_at__lte=now, due_at__gte=now))
    if name == "escalated":
        return Q(escalation__gt=Escalation.NONE) & ~Q(status=Status.CLOSED)
    return Q(pk__in=[])


def counts(tickets: QuerySet[Ticket]) -> dict[str, int]:
    now = timeutil.now()
    return {name: tickets.filter(bucket_q(name, now)).count() for name in BUCKETS}


def step_clocks(ticket: Ticket) -> dict[str, Clock]:
    """The clocks of the ticket's current round by step: verify, rectify and, once a ledger is set, ledger."""
    out = {"verify": ticket.verify_clock, "rectify": ticket.rectify_clock}
    if ticket.ledger_clock_id:
        out["ledger"] = ticket.ledger_clock
    return out


def states(ticket: Ticket, now: dt.datetime | None = None) -> dict[str, ClockState]:
    """The state of each step's clock at `now` (a finished step frozen at its end), by step name."""
    now = now or timeutil.now()
    return {step: state_of(clock, now) for step, clock in step_clocks(ticket).items()}


def live_warning(found: dict[str, ClockState]) -> str:
    """The row colour of a ticket: "red" when a step is overdue now, "yellow" when one is due soon, else ""."""
    running = [s.warning for s in found.values() if not s.stopped]
    return "red" if Warning.RED in running else "yellow" if Warning.YELLOW in running else ""


def lateness(found: dict[str, ClockState]) -> str:
    """"overdue" when a step is overdue now, "finished_late" when none is but a step was finished late, else ""
    (the ledger's 是否超期 column; the figures' on-time rate counts the same finished-late steps)."""
    found = found.values()
    if any(not s.stopped and s.warning is Warning.RED for s in found):
        return "overdue"
    if any(s.finished_late for s in found):
        return "finished_late"
    return ""
