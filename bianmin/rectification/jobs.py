"""Worker sweeps of the bad-review loop.

- open_tickets_for_new_bad_ratings: the safety net behind the inline hook; any bad rating without a
  ticket (say, the hook failed, or the calendar did not cover its due dates yet) gets one on the next sweep,
  with its clocks started at the rating's moment (services._open).
- escalate_overdue: a ticket with a step overdue now — verification, rectification (the first answer) or, for a
  ledger (台账), its deadline — goes to the centre manager; once that step is overdue by more than
  ESCALATE_AFTER_WORKDAYS working days, to the county supervisor. Both count from the step's due moment, not
  from when the sweep ran, so a sweep that ran late gives no overdue ticket extra days. The handler is told once
  per clock at the yellow warning. Each step is a TicketEvent and a notification.
"Overdue" and "yellow" are the clock's own state (core.clocks), never the stored warning flag, so the sweep does
not depend on the order the jobs run in, and a finished step is never chased.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy

from bianmin.core import timeutil
from bianmin.core.clocks import state_of
from bianmin.core.errors import CalendarNotCovered
from bianmin.core.models import Clock
from bianmin.core.notify import message, notify
from bianmin.core.worktime.clock import ClockState, Warning
from bianmin.orgs import scoping
from bianmin.orgs.roles import Role
from bianmin.ratings.models import Rating

from . import services
from .models import Escalation, Ticket, TicketEvent
from .overview import CLOCKS, overdue_q
from .states import Status

logger = logging.getLogger("bianmin.worker")
BATCH = 500
OPEN = [Status.ASSIGNED, Status.VERIFYING, Status.RECTIFYING, Status.AWAITING_APPROVAL, Status.RESOLVED]
WHAT = {"verify_clock": "回访核实超期", "rectify_clock": "整改反馈超期", "ledger_clock": "超过台账整改期限"}


def open_tickets_for_new_bad_ratings() -> int:
    opened = 0
    missing = (Rating.objects.bad().filter(ticket__isnull=True).order_by("id")
               .values_list("id", flat=True)[:BATCH])
    for rating in Rating.objects.filter(pk__in=list(missing)):
        try:
            ticket = services.open_for_rating(rating)
        except CalendarNotCovered:  # more than a year ahead of the official calendar: retried once it is entered;
            logger.warning("ticket for rating %s waits for the calendar", rating.pk)  # the others still open
            continue
        if ticket is not None:
            opened += 1
    return opened


def _running_clocks(ticket: Ticket) -> list[tuple[str, Clock]]:
    out = [(field, getattr(ticket, field)) for field in CLOCKS if getattr(ticket, f"{field}_id")]
    return [(field, clock) for field, clock in out if clock.status != Clock.Status.STOPPED]


def _overdue_clock(ticket: Ticket, now: dt.datetime) -> tuple[str, ClockState] | None:
    for field, clock in _running_clocks(ticket):
        state = state_of(clock, now)
        if not state.stopped and state.warning is Warning.RED:
            return field, state
    return None


def escalate_overdue() -> int:
    now = timeutil.now()
    changed = 0
    tickets = (Ticket.objects.filter(status__in=OPEN, escalation__lt=Escalation.SUPERVISOR)
               .filter(overdue_q(now)).select_related(*CLOCKS).order_by("pk")[:BATCH])
    for ticket in tickets:
        found = _overdue_clock(ticket, now)
        if found is None:
            continue
        field, state = found
        what = WHAT[field]
        if ticket.escalation == Escalation.NONE:
            services.escalate(ticket.pk, what)
            changed += 1
        elif state.overdue_days > settings.BIANMIN["ESCALATE_AFTER_WORKDAYS"]:
            # The manager's step was due on the first overdue working day; the supervisor's this many after it.
            services.escalate(ticket.pk, f"{what}，中心督办后仍未办结")
            changed += 1
    return changed + _warn_handlers(now)


def _not_warned(field: str):
    """No warning was written for the clock at `field` yet. The warn event names its clock as a string, compared as
    text: a JSON number and a column cannot be compared alike on SQLite and PostgreSQL."""
    warned = (TicketEvent.objects.annotate(clock_ref=KT("data__clock"))
              .filter(ticket=OuterRef("pk"), action="warn", clock_ref=Cast(OuterRef(f"{field}_id"), CharField())))
    return ~Exists(warned)


def _warn_handlers(now: dt.datetime) -> int:
    """Tell the assignee once per clock when a step's clock turns yellow (due soon, not yet overdue)."""
    warned = 0
    soon = Q()
    for field in CLOCKS:
        soon |= (Q(**{f"{field}__status": Clock.Status.RUNNING, f"{field}__yellow_at__lte": now,
                      f"{field}__due_at__gte": now}) & _not_warned(field))
    tickets = Ticket.objects.filter(status__in=OPEN).filter(soon).select_related(*CLOCKS).order_by("pk")[:BATCH]
    for ticket in tickets:
        for _field, clock in _running_clocks(ticket):
            if state_of(clock, now).warning is not Warning.YELLOW or ticket.events.filter(
                    action="warn", data__clock=str(clock.pk)).exists():
                continue
            TicketEvent.objects.create(ticket=ticket, action="warn", from_status=ticket.status,
                                       to_status=ticket.status, note="时限预警", data={"clock": str(clock.pk)}, at=now)
            notify([ticket.assignee] if ticket.assignee else scoping.people([Role.HANDLER], ticket),
                   message(gettext_lazy("预警：整改工单 %(number)s 即将到期。"), number=ticket.number),
                   services.ticket_link(ticket))
            warned += 1
    return warned
