"""Worker sweeps of the bad-review loop.

- open_tickets_for_new_bad_ratings: the safety net behind the inline hook; any bad rating without a
  ticket (say, the hook failed) gets one on the next sweep.
- escalate_overdue: a ticket whose verification or rectification is overdue goes to the centre
  manager; still overdue ESCALATE_AFTER_WORKDAYS later, to the county supervisor. The handler is told
  at the yellow warning. Each step is a TicketEvent and a notification.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from bianmin.core import timeutil
from bianmin.core.models import Clock
from bianmin.core.notify import notify
from bianmin.core.worktime.loader import get_calendar
from bianmin.ratings.models import Rating

from . import services
from .models import Escalation, Ticket, TicketEvent
from .states import Status

logger = logging.getLogger("bianmin.worker")
BATCH = 500
OPEN = [Status.ASSIGNED, Status.VERIFYING, Status.RECTIFYING, Status.AWAITING_APPROVAL, Status.RESOLVED]


def open_tickets_for_new_bad_ratings() -> int:
    opened = 0
    missing = (Rating.objects.filter(is_bad=True, excluded=False, is_default=False, ticket__isnull=True)
               .exclude(stage="followup").order_by("id").values_list("id", flat=True)[:BATCH])
    for rating in Rating.objects.filter(pk__in=list(missing)):
        if services.open_for_rating(rating) is not None:
            opened += 1
    return opened


def _overdue_clock(ticket: Ticket) -> Clock | None:
    for clock in (ticket.verify_clock, ticket.rectify_clock):
        if clock.status != Clock.Status.STOPPED and clock.warning == "red":
            return clock
    return None


def escalate_overdue() -> int:
    changed = 0
    tickets = (Ticket.objects.filter(status__in=OPEN, escalation__lt=Escalation.SUPERVISOR)
               .filter(Q(verify_clock__warning="red", verify_clock__status="running")
                       | Q(rectify_clock__warning="red", rectify_clock__status="running"))
               .select_related("verify_clock", "rectify_clock")[:BATCH])
    for ticket in tickets:
        clock = _overdue_clock(ticket)
        if clock is None:
            continue
        what = "回访核实超期" if clock.pk == ticket.verify_clock_id else "整改反馈超期"
        if ticket.escalation == Escalation.NONE:
            services.escalate(ticket.pk, what)
            changed += 1
        elif _workdays_since_last_escalation(ticket) >= settings.BIANMIN["ESCALATE_AFTER_WORKDAYS"]:
            services.escalate(ticket.pk, f"{what}，中心督办后仍未办结")
            changed += 1
    return changed + _warn_handlers()


def _workdays_since_last_escalation(ticket: Ticket) -> int:
    last = ticket.events.filter(action="escalate").order_by("-at").values_list("at", flat=True).first()
    if last is None:
        return 0
    return get_calendar().working_days_between(timezone.localtime(last).date(), timeutil.today())


def _warn_handlers() -> int:
    """Tell the assignee once when a ticket's clock turns yellow."""
    warned = 0
    tickets = (Ticket.objects.filter(status__in=OPEN)
               .filter(Q(verify_clock__warning="yellow", verify_clock__status="running")
                       | Q(rectify_clock__warning="yellow", rectify_clock__status="running"))
               .exclude(events__action="warn")[:BATCH])
    for ticket in tickets:
        TicketEvent.objects.create(ticket=ticket, action="warn", from_status=ticket.status, to_status=ticket.status,
                                   note="时限预警", at=timeutil.now())
        notify([ticket.assignee] if ticket.assignee else services._users_with("handler", ticket),
               f"预警：整改工单 {ticket.number} 即将到期。", services.ticket_link(ticket))
        warned += 1
    return warned
