"""Appointment slots: a site's opening sessions on a day (hall.hours, the one rule of when a site is open) cut
into slots of the SlotRule's length, each with its capacity and the places left.

- An item is bookable at a site when it is marked bookable and one of the site's windows lists it.
- A session counts for an item when it serves one of those windows: lunch-time sessions and duty days that open
  only some windows give slots only to the items those windows take.
- A stretch closed in an emergency (SlotClosure) has no slots; neither has anything already begun.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from bianmin.core import timeutil
from bianmin.core.errors import InvalidInput
from bianmin.hall import hours

from .models import Appointment, SlotClosure, SlotRule

DEFAULT_SLOT_MINUTES = 30
DEFAULT_CAPACITY = 2
BOOKING_DAYS = 14  # a citizen books today or within the next 14 days


@dataclass(frozen=True)
class Slot:
    start: dt.time
    end: dt.time
    capacity: int
    left: int

    def as_dict(self) -> dict:
        return {"start": f"{self.start:%H:%M}", "end": f"{self.end:%H:%M}", "capacity": self.capacity,
                "left": self.left}


@dataclass(frozen=True)
class Rule:
    slot_minutes: int
    capacity: int


def rule_for(site, item) -> Rule:
    """The item's own rule at the site, else the site's rule for every item, else the defaults."""
    rules = {r.item_id: r for r in SlotRule.objects.filter(Q(item=item) | Q(item__isnull=True), site=site)}
    found = rules.get(item.pk) or rules.get(None)
    if found is None:
        return Rule(DEFAULT_SLOT_MINUTES, DEFAULT_CAPACITY)
    return Rule(max(found.slot_minutes, 5), found.capacity)


def serving_windows(site, item) -> set[int]:
    """The ids of the site's windows that take the item (empty: the site does not serve it)."""
    return set(site.windows.filter(items=item).values_list("pk", flat=True))


def check_bookable(site, item) -> set[int]:
    """The serving windows, or a 422 when the item cannot be booked at the site."""
    windows = serving_windows(site, item)
    if not windows:
        raise InvalidInput("该服务场所不办理此事项，请选择其他场所。",
                           "This site does not serve the item; choose another site.", field="item")
    if not item.bookable:
        raise InvalidInput("该事项暂不提供预约，请现场取号办理。",
                           "This item cannot be booked; take a number at the hall.", field="item")
    return windows


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def cut(sessions, windows: set[int], slot_minutes: int) -> list[tuple[dt.time, dt.time]]:
    """The (start, end) of every whole slot inside the sessions that serve one of `windows`, in time order."""
    out: dict[dt.time, dt.time] = {}
    for session in sessions:
        if session.window_ids and not (session.window_ids & windows):
            continue
        t, end = _minutes(session.start), _minutes(session.end)
        while t + slot_minutes <= end:
            out.setdefault(_time(t), _time(t + slot_minutes))
            t += slot_minutes
    return sorted(out.items())


def taken(site, item, day: dt.date) -> dict[dt.time, int]:
    """Places held per slot start (bookings still holding a seat)."""
    rows = (Appointment.objects.filter(site=site, item=item, date=day, seat__isnull=False)
            .values("start").annotate(n=Count("pk")))
    return {r["start"]: r["n"] for r in rows}


def local_start(day: dt.date, start: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, start))


def day_slots(site, item, day: dt.date, *, now: dt.datetime | None = None, windows: set[int] | None = None,
              include_past: bool = False) -> list[Slot]:
    """The slots of `day` for `item` at `site` (422 when the site does not serve the item; [] when closed)."""
    if windows is None:
        windows = check_bookable(site, item)
    now = now or timeutil.now()
    rule = rule_for(site, item)
    closures = list(SlotClosure.objects.filter(site=site, date=day))
    held = taken(site, item, day)
    out = []
    for start, end in cut(hours.sessions_on(site, day), windows, rule.slot_minutes):
        if any(c.covers(start, end) for c in closures):
            continue
        if not include_past and local_start(day, start) <= now:
            continue
        out.append(Slot(start, end, rule.capacity, max(0, rule.capacity - held.get(start, 0))))
    return out


def offered(site, item, day: dt.date, *, now: dt.datetime | None = None) -> list[Slot]:
    """The slots a citizen may book on `day`: none before today or beyond the booking horizon."""
    windows = check_bookable(site, item)
    now = now or timeutil.now()
    today = timezone.localtime(now).date()
    if not today <= day <= today + dt.timedelta(days=BOOKING_DAYS):
        return []
    return day_slots(site, item, day, now=now, windows=windows)


def bookable_days(site, item, *, now: dt.datetime | None = None, days: int = BOOKING_DAYS) -> list[tuple[dt.date, int]]:
    """(day, places left) for today and the next `days` days that have a free place."""
    now = now or timeutil.now()
    windows = check_bookable(site, item)
    today = timezone.localtime(now).date()
    out = []
    for offset in range(days + 1):
        day = today + dt.timedelta(days=offset)
        left = sum(s.left for s in day_slots(site, item, day, now=now, windows=windows))
        if left:
            out.append((day, left))
    return out
