"""Helpers for the queue figures' tests: tickets and appointments written straight to their tables at known
moments (the queue services are not under test here), and a small known day of them."""
from __future__ import annotations

import datetime as dt
import itertools
import secrets
from zoneinfo import ZoneInfo

from bianmin.appointments.models import Appointment
from bianmin.queueing.models import QueueEvent, QueueTicket, TicketStatus

TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 18)  # a Wednesday
_numbers = itertools.count(1)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    h, m = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(h, m), tzinfo=TZ)


def ticket(site, issued: str, *, day: dt.date = DAY, wait: float | None = None, service: float | None = None,
           status: str | None = None, window=None, priority: str = "normal", estimate: tuple[int, int] | None = None,
           events: bool = False) -> QueueTicket:
    """A ticket issued at `issued` (HH:MM) on `day`, first called `wait` minutes later (None: never called),
    finished `service` minutes after the call."""
    created = at(day, issued)
    called = created + dt.timedelta(minutes=wait) if wait is not None else None
    finished = called + dt.timedelta(minutes=service) if service is not None else None
    if status is None:
        status = TicketStatus.FINISHED if finished else TicketStatus.CALLED if called else TicketStatus.WAITING
    t = QueueTicket.objects.create(
        site=site, day=day, number=f"A{next(_numbers):03d}", priority=priority, status=status, window=window,
        token=secrets.token_urlsafe(16), created_at=created, called_at=called, last_called_at=called,
        finished_at=finished, estimate_low=estimate[0] if estimate else None,
        estimate_high=estimate[1] if estimate else None)
    if events and called:
        QueueEvent.objects.create(ticket=t, action="call", from_status="waiting", to_status="called", window=window,
                                  at=called)
    return t


def appointment(site, item, status: str, *, day: dt.date = DAY, start: str = "09:00") -> Appointment:
    n = next(_numbers)
    h, m = map(int, start.split(":"))
    return Appointment.objects.create(
        site=site, item=item, date=day, start=dt.time(h, m), end=dt.time(h, m + 30 if m < 30 else 59), name="张三",
        phone="13800000000", code=f"Q{n:05d}", token=secrets.token_urlsafe(16), status=status,
        checked_in_at=at(day, start) if status in ("checked_in", "served") else None)


def known_day(w) -> None:
    """The worked example of tests/test_stats_queue_figures.py at site A's window."""
    win = w.window_a
    ticket(w.site_a, "09:00", wait=29, service=10, window=win, estimate=(20, 30))  # in target, estimate hit
    ticket(w.site_a, "09:10", wait=30, service=20, window=win, estimate=(10, 20))  # exactly 30: in; estimate miss
    ticket(w.site_a, "09:20", wait=31, service=6, window=win)  # out of target
    ticket(w.site_a, "10:05", wait=5, status=TicketStatus.NO_SHOW, window=win)
    ticket(w.site_a, "10:15", status=TicketStatus.ABANDONED)
    ticket(w.site_a, "10:30")  # still waiting
    ticket(w.site_a, "10:40", wait=0, status=TicketStatus.SERVING, window=win, priority="elderly")
    for status in ("checked_in", "served", "no_show", "booked", "cancelled"):
        appointment(w.site_a, w.item_committed, status)
