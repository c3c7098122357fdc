"""Queue read queries: the public figures of a hall, a ticket's live position, the calls to announce, and the
clerk's panel. Staff reads are scoped with `.for_user`; the public ones show numbers only, never who holds them."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from bianmin.core import timeutil
from bianmin.orgs.roles import Action as Perm

from . import groups, ordering
from .models import QueueEvent, QueueTicket, TicketStatus


def _today() -> dt.date:
    return timeutil.today()


def latest_of(ticket: QueueTicket) -> QueueTicket:
    """The ticket a citizen's token leads to now: the visit's latest linked ticket (states.py, "next")."""
    seen = {ticket.pk}
    while True:
        follow = ticket.follow_ups.select_related("window", "site").order_by("-pk").first()
        if follow is None or follow.pk in seen:
            return ticket
        seen.add(follow.pk)
        ticket = follow


def ticket_by_token(token: str) -> QueueTicket | None:
    if not isinstance(token, str) or not token or len(token) > 64:
        return None
    ticket = QueueTicket.objects.select_related("site", "window").filter(token=token).first()
    return latest_of(ticket) if ticket else None


def public_queue(site) -> dict:
    """{"waiting", "calling": [{"number", "window"}], "average_wait_minutes"} for the hall display and the API:
    today's waiting count, the tickets being called (latest first) and today's average wait so far."""
    today = _today()
    tickets = QueueTicket.objects.filter(site=site, day=today)
    waiting = tickets.filter(status=TicketStatus.WAITING).count()
    calling = [{"number": number, "window": window_number}
               for number, window_number in tickets.filter(status=TicketStatus.CALLED)
               .order_by("-last_called_at", "-pk").values_list("number", "window__number")[:20]]
    return {"waiting": waiting, "calling": calling, "average_wait_minutes": average_wait_minutes(site, today)}


def average_wait_minutes(site, day: dt.date) -> float | None:
    """Mean minutes from ticket to first call of `day`'s called tickets at `site` (a visit's later services
    count their own wait); None when nobody has been called yet."""
    rows = list(QueueTicket.objects.filter(site=site, day=day, called_at__isnull=False)
                .values_list("created_at", "called_at"))
    if not rows:
        return None
    return round(sum((c - t).total_seconds() for t, c in rows) / len(rows) / 60, 1)


def position(ticket: QueueTicket) -> dict:
    """{"number", "status", "ahead", "window", "estimate_low", "estimate_high"} of the visit's current ticket:
    the people ahead and a live wait range while it waits; the window number once it is sent to one."""
    from .services import ahead_of, estimate

    ticket = latest_of(ticket)
    ahead = ahead_of(ticket) if ticket.status == TicketStatus.WAITING else 0
    low = high = None
    if ticket.status == TicketStatus.WAITING:
        window_ids = [ticket.window_id] if ticket.window_id else None
        low, high = estimate(ticket.site, ahead, letter=ticket.number[:1], window_ids=window_ids)
    window = ticket.window.number if ticket.window_id and ticket.status in (
        TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.SERVING, TicketStatus.PARKED) else None
    return {"number": ticket.number, "status": ticket.status, "ahead": ahead, "window": window,
            "estimate_low": low, "estimate_high": high}


def recent_calls(site, after_id: int = 0, limit: int = 10) -> list[dict]:
    """Today's calls and recalls at `site` after event `after_id`, oldest first (the display announces them in
    this order, one at a time); with after_id 0, the latest `limit` ones."""
    try:
        after_id, limit = int(after_id or 0), max(1, min(int(limit), 50))
    except (TypeError, ValueError):
        after_id, limit = 0, 10
    rows = (QueueEvent.objects.filter(ticket__site=site, ticket__day=_today(), action__in=("call", "recall"),
                                      pk__gt=after_id, window__isnull=False)
            .order_by("-pk").values("pk", "action", "ticket__number", "window__number", "window__name", "at")[:limit])
    return [{"id": r["pk"], "number": r["ticket__number"], "window_number": r["window__number"],
             "window_name": r["window__name"], "at": timezone.localtime(r["at"]).isoformat(timespec="seconds"),
             "recall": r["action"] == "recall"} for r in reversed(list(rows))]


# ---------------------------------------------------------------- staff

def visible(user):
    return QueueTicket.objects.for_user(user, Perm.VIEW_SITE)


def get_ticket(user, ticket_id: int) -> QueueTicket | None:
    return visible(user).select_related("site", "window", "item", "appointment", "served_by", "case").filter(
        pk=ticket_id).first()


def waiting_for(window, *, now: dt.datetime | None = None, limit: int = 30) -> dict:
    """The clerk's panel: the window's callable tickets in calling order (with the reason of the first), and
    the counts by kind."""
    now = now or timeutil.now()
    order = ordering.ranked_for(window, now=now)
    kinds = {code: 0 for code in (ordering.APPOINTMENT, "green", "ordinary")}
    for ticket, code in order:
        if code == ordering.APPOINTMENT:
            kinds[ordering.APPOINTMENT] += 1
        elif ticket.green_lane:
            kinds["green"] += 1
        else:
            kinds["ordinary"] += 1
    return {"tickets": order[:limit], "total": len(order), "appointments": kinds[ordering.APPOINTMENT],
            "green": kinds["green"], "ordinary": kinds["ordinary"]}


def site_counts(site, day: dt.date | None = None) -> dict[str, int]:
    """Today's tickets of a site by status (the panel's footer)."""
    rows = (QueueTicket.objects.filter(site=site, day=day or _today()).values("status")
            .annotate(n=Count("pk")).values_list("status", "n"))
    return dict(rows)


def group_letters(site) -> dict[str, str]:
    return {g.letter: g.name for g in groups.kiosk_groups(site)}
