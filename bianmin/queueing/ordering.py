"""THE calling order: which waiting ticket a window calls next, and why (the reason is shown on the clerk's screen).

1. Appointments due now: checked in on time and starting within APPOINTMENT_LEAD_MINUTES (by start time).
   A late check-in (after the start plus the no-show grace) or one not yet due joins the walk-in line.
2. Walk-ins waiting longer than HallSettings.wait_target_minutes (aging: nobody waits past the target because of
   the green lane), oldest first.
3. Green-lane tickets (elderly, disabled, pregnant, military), oldest first — but after
   HallSettings.green_lane_run green-lane calls in a row at this window the oldest walk-in goes next, so the green
   lane cannot starve the others (0 = no cap).
4. Everyone else by their place in line (queued_at: arrival, kept through transfers, parks and the linked
   tickets of a visit's later services).

A window calls: tickets transferred or sent back to it; tickets without a window whose item it serves
(Window.items; a comprehensive window serves every item of the site); tickets without an item when it is a
comprehensive or guide window. `rank` is pure (no database); `ranked_for` feeds it one window's candidates.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

APPOINTMENT_LEAD_MINUTES = 10  # an appointment is "due" this long before its start


@dataclass(frozen=True)
class Candidate:
    id: int
    queued_at: dt.datetime
    green: bool = False
    appointment_start: dt.datetime | None = None  # set only for an on-time, checked-in appointment
    continued: bool = False  # a linked ticket: the next service of a visit


# Reason codes; `reason_text` turns them into the words on the clerk's screen.
APPOINTMENT, AGED, GREEN, GREEN_CAP, CONTINUED, ORDINARY = (
    "appointment", "aged", "green", "green_cap", "continued", "ordinary")


def rank(candidates: list[Candidate], *, now: dt.datetime, green_run: int = 0, green_lane_run: int = 2,
         wait_target_minutes: int = 30) -> list[tuple[Candidate, str]]:
    """Every candidate in calling order with its reason code. `green_run`: green-lane calls in a row just made at
    this window."""
    lead = now + dt.timedelta(minutes=APPOINTMENT_LEAD_MINUTES)
    due = sorted((c for c in candidates if c.appointment_start is not None and c.appointment_start <= lead),
                 key=lambda c: (c.appointment_start, c.queued_at, c.id))
    due_ids = {c.id for c in due}
    rest = sorted((c for c in candidates if c.id not in due_ids), key=lambda c: (c.queued_at, c.id))
    green = [c for c in rest if c.green]
    ordinary = [c for c in rest if not c.green]
    target = dt.timedelta(minutes=wait_target_minutes)
    aged = [c for c in ordinary if now - c.queued_at > target]
    order: list[tuple[Candidate, str]] = [(c, APPOINTMENT) for c in due]
    if green and ordinary and not aged and green_lane_run and green_run >= green_lane_run:
        order.append((ordinary[0], GREEN_CAP))
    taken = {c.id for c, _reason in order}
    order += [(c, AGED) for c in aged if c.id not in taken]
    order += [(c, GREEN) for c in green]
    order += [(c, CONTINUED if c.continued else ORDINARY) for c in ordinary
              if c.id not in taken and c not in aged]
    return order


def reason_text(code: str, *, wait_target_minutes: int = 30, green_lane_run: int = 2) -> str:
    if code == APPOINTMENT:
        return _("预约到时")
    if code == AGED:
        return _("等候已超%(minutes)s分钟") % {"minutes": wait_target_minutes}
    if code == GREEN:
        return _("绿色通道")
    if code == GREEN_CAP:
        return _("绿色通道已连续叫号%(n)s次，轮到普通号") % {"n": green_lane_run}
    if code == CONTINUED:
        return _("同一次办理的下一项")
    return _("按取号顺序")


CODES = (APPOINTMENT, AGED, GREEN, GREEN_CAP, CONTINUED, ORDINARY)


def stored_text(code: str, **numbers) -> str:
    """The reason as the history keeps it: in Chinese, whatever the clerk's language."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return reason_text(code, **numbers)


def localized(stored: str | None, **numbers) -> str | None:
    """A reason from the history (`stored_text`) in the reader's language; other texts as they are."""
    if not stored:
        return stored
    for code in CODES:
        if stored_text(code, **numbers) == stored:
            return reason_text(code, **numbers)
    return stored


# ---------------------------------------------------------------- the database side

def callable_q(window) -> Q:
    """The waiting tickets `window` may call (see the module docstring), as a filter on QueueTicket."""
    from bianmin.orgs.models import Window

    free = Q(window__isnull=True)
    if window.kind == Window.Kind.COMPREHENSIVE:
        mine = free
    else:
        mine = free & Q(item__in=window.items.all())
        if window.kind == Window.Kind.GUIDE:
            mine |= free & Q(item__isnull=True)
    return Q(window=window) | mine


def green_run_at(window, day: dt.date) -> int:
    """Green-lane calls in a row just made at `window` on `day`."""
    from .models import GREEN_LANE, QueueEvent

    run = 0
    priorities = (QueueEvent.objects.filter(window=window, action="call", ticket__day=day)
                  .order_by("-at", "-pk").values_list("ticket__priority", flat=True)[:50])
    for priority in priorities:
        if priority not in GREEN_LANE:
            break
        run += 1
    return run


def _appointment_start(ticket, grace_minutes: int) -> dt.datetime | None:
    appointment = ticket.appointment
    if appointment is None or appointment.date != ticket.day:
        return None
    start = timezone.make_aware(dt.datetime.combine(appointment.date, appointment.start))
    checked_in = appointment.checked_in_at or ticket.created_at
    if checked_in > start + dt.timedelta(minutes=grace_minutes):
        return None  # late: joins the walk-in line
    return start


def candidate(ticket, grace_minutes: int) -> Candidate:
    return Candidate(id=ticket.pk, queued_at=ticket.queued_at or ticket.created_at, green=ticket.green_lane,
                     appointment_start=_appointment_start(ticket, grace_minutes),
                     continued=ticket.previous_id is not None)


def waiting_at(site, day: dt.date, extra: Q | None = None):
    from .models import QueueTicket, TicketStatus

    qs = QueueTicket.objects.filter(site=site, day=day, status=TicketStatus.WAITING)
    if extra is not None:
        qs = qs.filter(extra)
    return qs.select_related("appointment", "item", "window")


def ranked(tickets, *, now: dt.datetime, settings, green_run: int = 0) -> list[tuple[object, str]]:
    by_id = {t.pk: t for t in tickets}
    order = rank([candidate(t, settings.no_show_grace_minutes) for t in by_id.values()], now=now,
                 green_run=green_run, green_lane_run=settings.green_lane_run,
                 wait_target_minutes=settings.wait_target_minutes)
    return [(by_id[c.id], code) for c, code in order]


def ranked_for(window, *, now: dt.datetime) -> list[tuple[object, str]]:
    """The tickets `window` may call now, in calling order, each with its reason code."""
    from bianmin.hall.hours import settings_for

    day = timezone.localtime(now).date()
    settings = settings_for(window.site)
    tickets = list(waiting_at(window.site, day, callable_q(window)))
    return ranked(tickets, now=now, settings=settings, green_run=green_run_at(window, day))


def next_for(window, *, now: dt.datetime) -> tuple[object, str] | None:
    """The ticket `window` would call now and the words saying why, without calling it (the clerk's preview)."""
    from bianmin.hall.hours import settings_for

    order = ranked_for(window, now=now)
    if not order:
        return None
    settings = settings_for(window.site)
    ticket, code = order[0]
    return ticket, reason_text(code, wait_target_minutes=settings.wait_target_minutes,
                               green_lane_run=settings.green_lane_run)
