"""Filling DailyQueueRollup from the queue tickets and appointments (issue 16 §7: waiting and service time, the
share called within the wait target, tickets by hour and window, no-shows, abandoned tickets, appointment use
and the wait estimate against the real wait).

Same rule as rollup.py: a day is recomputed whole from the raw rows and replaced in one transaction under the
StatsCursor lock, so anything run twice gives the same rows. Which days to recompute:
1. today, every sweep (the queue of the day moves all the time, and a day's tickets are few);
2. the days of tickets, queue events and appointments stored since the watermarks (a ticket finished or an
   appointment marked no-show on an older day, an appointment booked for a coming day);
3. a periodic recount, the safety net: per day, the raw counts of tickets by outcome and of appointments by
   status are compared with the rollup (late commits below a watermark, changes made behind the services' back).

A day's tickets are read as tuples and counted in Python rather than by INSERT … SELECT: each ticket's wait is
compared with its own site's target and its own estimate range, which portable SQL over SQLite and PostgreSQL
duration arithmetic would make hard to read; a busy county centre issues a few hundred tickets a day, a
province's halls together some 10^5, a fraction of a second. The rows are streamed, never held all at once.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from bianmin.appointments.models import Appointment
from bianmin.core import timeutil
from bianmin.hall.models import HallSettings
from bianmin.orgs.models import Site
from bianmin.queueing.models import GREEN_LANE, QueueEvent, QueueTicket, TicketStatus

from .models import DailyQueueRollup
from .rollup import _chunks, _locked_cursor

COUNT_FIELDS = ("tickets", "green_lane", "called", "waited", "wait_seconds", "waited_in_target", "served", "service_seconds",
                "no_show", "abandoned", "estimated", "estimate_hit", "appointments", "appointments_checked_in",
                "appointments_no_show")
DEFAULT_TARGET = HallSettings._meta.get_field("wait_target_minutes").default
# Appointments that no longer hold a place on their day.
GONE = (Appointment.Status.CANCELLED, Appointment.Status.MOVED)
CHECKED_IN = (Appointment.Status.CHECKED_IN, Appointment.Status.SERVED)


def wait_seconds(created_at: dt.datetime, called_at: dt.datetime) -> int:
    return max(0, int((called_at - created_at).total_seconds()))


def within(seconds: int, minutes: int) -> bool:
    """Waited at most `minutes` (30:00 is within 30 minutes, 30:01 is not)."""
    return seconds <= minutes * 60


def estimate_hit(seconds: int, low: int, high: int) -> bool:
    """The real wait, rounded to whole minutes as the ticket shows the estimate, inside [low, high]."""
    minutes = (seconds + 30) // 60
    return low <= minutes <= high


def _targets(site_ids: set[int]) -> dict[int, int]:
    found = dict(HallSettings.objects.filter(site_id__in=site_ids).values_list("site_id", "wait_target_minutes"))
    return {pk: found.get(pk, DEFAULT_TARGET) for pk in site_ids}


def _counts() -> dict[str, int]:
    return dict.fromkeys((*COUNT_FIELDS, "wait_max_seconds"), 0)


def write_days(days: list[dt.date]) -> int:
    """Compute and insert the rows of these local days (after their old rows were deleted)."""
    rows: dict[tuple, dict[str, int]] = defaultdict(_counts)
    ticket_rows = QueueTicket.objects.filter(day__in=days).order_by()
    appointment_rows = Appointment.objects.filter(date__in=days).exclude(status__in=GONE).order_by()
    # The sites first (two small DISTINCT queries), then the rows streamed: a province's month of tickets
    # need not sit in memory at once.
    site_ids = (set(ticket_rows.values_list("site_id", flat=True).distinct())
                | set(appointment_rows.values_list("site_id", flat=True).distinct()))
    tickets = ticket_rows.values_list("day", "site_id", "window_id", "created_at", "called_at", "finished_at",
                                      "status", "priority", "estimate_low", "estimate_high").iterator(chunk_size=5000)
    appointments = appointment_rows.values_list("date", "site_id", "start", "status", "checked_in_at").iterator(
        chunk_size=5000)
    targets = _targets(site_ids)
    paths = dict(Site.objects.filter(pk__in=site_ids).values_list("pk", "unit__path"))
    for day, site, window, created, called, finished, status, priority, low, high in tickets:
        c = rows[(day, site, window or 0, timezone.localtime(created).hour)]
        c["tickets"] += 1
        c["green_lane"] += priority in GREEN_LANE
        if called is not None or status == TicketStatus.NO_SHOW:
            c["called"] += 1
        if called is not None:
            wait = wait_seconds(created, called)
            c["waited"] += 1
            c["wait_seconds"] += wait
            c["wait_max_seconds"] = max(c["wait_max_seconds"], wait)
            c["waited_in_target"] += within(wait, targets[site])
            if low is not None and high is not None:
                c["estimated"] += 1
                c["estimate_hit"] += estimate_hit(wait, low, high)
            if status == TicketStatus.FINISHED and finished is not None:
                c["served"] += 1
                c["service_seconds"] += wait_seconds(called, finished)
        c["no_show"] += status == TicketStatus.NO_SHOW
        c["abandoned"] += status == TicketStatus.ABANDONED
    for day, site, start, status, checked_in_at in appointments:
        c = rows[(day, site, 0, start.hour)]
        c["appointments"] += 1
        c["appointments_checked_in"] += status in CHECKED_IN or checked_in_at is not None
        c["appointments_no_show"] += status == Appointment.Status.NO_SHOW
    DailyQueueRollup.objects.bulk_create(
        [DailyQueueRollup(day=day, site_key=site, window_key=window, hour=hour, unit_path=paths.get(site, ""),
                          target_minutes=targets[site], **counts)
         for (day, site, window, hour), counts in sorted(rows.items())], batch_size=1000)
    return len(rows)


def replace_days(days: Iterable[dt.date]) -> int:
    """Recompute and replace the rows of these days; call inside the cursor lock."""
    days = sorted(set(days))
    if not days:
        return 0
    DailyQueueRollup.objects.filter(day__in=days).delete()
    return write_days(days)


def _max_ids() -> tuple[int, int, int]:
    return (QueueTicket.objects.aggregate(m=Max("pk"))["m"] or 0, QueueEvent.objects.aggregate(m=Max("pk"))["m"] or 0,
            Appointment.objects.aggregate(m=Max("pk"))["m"] or 0)


def sweep_new() -> int:
    """Today, and the days of tickets, events and appointments stored since the watermarks."""
    with transaction.atomic():
        cursor = _locked_cursor()
        top_ticket, top_event, top_appointment = _max_ids()
        days = {timeutil.today()}
        days |= set(QueueTicket.objects.filter(pk__gt=cursor.last_ticket_id, pk__lte=top_ticket)
                    .order_by().values_list("day", flat=True).distinct())
        days |= set(QueueEvent.objects.filter(pk__gt=cursor.last_queue_event_id, pk__lte=top_event)
                    .order_by().values_list("ticket__day", flat=True).distinct())
        days |= set(Appointment.objects.filter(pk__gt=cursor.last_appointment_id, pk__lte=top_appointment)
                    .order_by().values_list("date", flat=True).distinct())
        for chunk in _chunks(sorted(days)):
            replace_days(chunk)
        cursor.last_ticket_id, cursor.last_queue_event_id, cursor.last_appointment_id = (
            top_ticket, top_event, top_appointment)
        cursor.save(update_fields=["last_ticket_id", "last_queue_event_id", "last_appointment_id"])
    return len(days)


def _outcomes() -> dict:
    """Counts of tickets by outcome, taken as write_days takes them."""
    called = Q(called_at__isnull=False)
    return {"n": Count("pk"),
            "called": Count("pk", filter=called | Q(status=TicketStatus.NO_SHOW)),
            "no_show": Count("pk", filter=Q(status=TicketStatus.NO_SHOW)),
            "abandoned": Count("pk", filter=Q(status=TicketStatus.ABANDONED)),
            "finished": Count("pk", filter=called & Q(status=TicketStatus.FINISHED, finished_at__isnull=False))}


def dirty_days(since: dt.date) -> list[dt.date]:
    """Days from `since` on whose raw counts differ from the rollup's (three GROUP BYs)."""
    raw: dict[dt.date, tuple] = defaultdict(lambda: (0, 0, 0, 0, 0, 0, 0, 0))
    for r in (QueueTicket.objects.filter(day__gte=since).order_by().values("day").annotate(**_outcomes())):
        raw[r["day"]] = (r["n"], r["called"], r["no_show"], r["abandoned"], r["finished"], 0, 0, 0)
    for r in (Appointment.objects.filter(date__gte=since).exclude(status__in=GONE).order_by().values("date")
              .annotate(n=Count("pk"), checked=Count("pk", filter=Q(status__in=CHECKED_IN) | Q(
                  checked_in_at__isnull=False)), no_show=Count("pk", filter=Q(status=Appointment.Status.NO_SHOW)))):
        raw[r["date"]] = raw[r["date"]][:5] + (r["n"], r["checked"], r["no_show"])
    rolled = {r["day"]: (r["n"], r["called"], r["no_show"], r["abandoned"], r["served"], r["a"], r["ac"], r["an"])
              for r in DailyQueueRollup.objects.filter(day__gte=since).order_by().values("day").annotate(
                  n=Sum("tickets"), called=Sum("called"), no_show=Sum("no_show"), abandoned=Sum("abandoned"),
                  served=Sum("served"), a=Sum("appointments"), ac=Sum("appointments_checked_in"),
                  an=Sum("appointments_no_show"))}
    return sorted(day for day in raw.keys() | rolled.keys() if raw.get(day) != rolled.get(day))


def recount(force: bool = False) -> int:
    """Repair days the watermarks cannot see, at most every STATS_RECOUNT_SECONDS."""
    now = timeutil.now()
    interval = dt.timedelta(seconds=settings.BIANMIN["STATS_RECOUNT_SECONDS"])
    with transaction.atomic():
        cursor = _locked_cursor()
        if not force and cursor.last_queue_recount_at and now - cursor.last_queue_recount_at < interval:
            return 0
        since = timezone.localdate(now) - dt.timedelta(days=settings.BIANMIN["STATS_RECOUNT_DAYS"])
        days = dirty_days(since)
        for chunk in _chunks(days):
            replace_days(chunk)
        cursor.last_queue_recount_at = now
        cursor.save(update_fields=["last_queue_recount_at"])
    return len(days)


def sweep() -> int:
    """The worker job (after stats_rollup): new and changed days first, then the periodic repair."""
    return sweep_new() + recount()


def span() -> tuple[dt.date | None, dt.date | None]:
    found = [QueueTicket.objects.aggregate(lo=Min("day"), hi=Max("day")),
             Appointment.objects.aggregate(lo=Min("date"), hi=Max("date")),
             DailyQueueRollup.objects.aggregate(lo=Min("day"), hi=Max("day"))]
    los, his = [f["lo"] for f in found if f["lo"]], [f["hi"] for f in found if f["hi"]]
    return (min(los) if los else None, max(his) if his else None)


def rebuild(date_from: dt.date | None = None, date_to: dt.date | None = None) -> int:
    """Recompute every day in [date_from, date_to] (default: all days with tickets, appointments or rows)."""
    full = date_from is None and date_to is None
    tops = _max_ids()
    if date_from is None or date_to is None:
        lo, hi = span()
        date_from, date_to = date_from or lo, date_to or hi
    if date_from is None or date_to is None or date_from > date_to:
        return 0
    days = [date_from + dt.timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    for chunk in _chunks(days):
        with transaction.atomic():
            _locked_cursor()
            replace_days(chunk)
    if full:
        with transaction.atomic():
            cursor = _locked_cursor()
            cursor.last_ticket_id = max(cursor.last_ticket_id, tops[0])
            cursor.last_queue_event_id = max(cursor.last_queue_event_id, tops[1])
            cursor.last_appointment_id = max(cursor.last_appointment_id, tops[2])
            cursor.save(update_fields=["last_ticket_id", "last_queue_event_id", "last_appointment_id"])
    return len(days)
