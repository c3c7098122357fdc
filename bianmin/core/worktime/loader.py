"""Build the WorkCalendar from the database, with a short per-process cache.

Several server and worker processes each keep a copy; a copy is rebuilt when the calendar tables
change (checked at most every few seconds), so an administrator's correction reaches every
process quickly without a query per deadline.
"""
from __future__ import annotations

import datetime as dt
import threading
import time

from django.db.models import Count, Max

from . import provisional
from .calendar import DayKind, WorkCalendar

_lock = threading.Lock()
_cached: tuple[object, WorkCalendar] | None = None
_checked_at = 0.0
CHECK_SECONDS = 5.0


def _fingerprint():
    from bianmin.core.models import CalendarDay, CalendarYear

    years = CalendarYear.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    days = CalendarDay.objects.aggregate(n=Count("id"), m=Max("id"))
    return (years["n"], years["m"], days["n"], days["m"])


def provisional_year_after(official_years) -> int | None:
    """The one year after the last official year, derived from the law until its notice is entered (SPEC §3);
    None when there is no official year or the law's derivation does not cover it. Any later year stays
    uncovered: nothing sensible can be promised that far ahead."""
    if not official_years:
        return None
    year = max(official_years) + 1
    return year if provisional.FIRST_YEAR <= year <= provisional.LAST_YEAR else None


def build() -> WorkCalendar:
    """A fresh calendar from the tables as this connection sees them (inside a transaction: its own writes),
    bypassing the cache; worktime/official.py compares the calendars before and after a year is replaced."""
    from bianmin.core.models import CalendarDay, CalendarYear

    official = frozenset(CalendarYear.objects.values_list("year", flat=True))
    exceptions: dict[dt.date, DayKind] = {}
    names: dict[dt.date, str] = {}
    for date, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
        exceptions[date] = DayKind(kind)
        if name:
            names[date] = name
    extra = provisional_year_after(official)
    if extra is None:
        return WorkCalendar(years=official, exceptions=exceptions, names=names)
    for date, (kind, name) in provisional.provisional_days(extra).items():
        exceptions[date], names[date] = kind, name
    return WorkCalendar(years=official | {extra}, exceptions=exceptions, names=names,
                        provisional_years=frozenset({extra}))


def get_calendar() -> WorkCalendar:
    global _cached, _checked_at
    now = time.monotonic()
    with _lock:
        if _cached is not None and now - _checked_at < CHECK_SECONDS:
            return _cached[1]
        fp = _fingerprint()
        if _cached is None or _cached[0] != fp:
            _cached = (fp, build())
        _checked_at = now
        return _cached[1]


def invalidate() -> None:
    global _cached
    with _lock:
        _cached = None
