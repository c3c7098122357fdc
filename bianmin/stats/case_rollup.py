"""Filling DailyCaseRollup from the cases table (the case half of SPEC §9: coverage, 按时办结率, 即办件比率,
time compression, 一次办结率).

Same rule as rollup.py: a day is recomputed whole from the raw rows and replaced in one transaction, so
anything run twice gives the same rows. Callers hold the StatsCursor lock. Which days to recompute:
- the days of cases completed since the last sweep (less a margin for transactions that committed late);
- the completion days of cases whose ratings are new or changed (a rating makes a case "rated");
- a periodic recount comparing completed/rated counts per day with the raw tables.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from bianmin.cases.models import CaseEvent
from bianmin.cases.states import Action as CaseAction
from bianmin.catalog.models import HandlingType
from bianmin.core.worktime.calendar import CalendarNotCovered
from bianmin.core.worktime.clock import LimitUnit
from bianmin.core.worktime.loader import get_calendar

from .models import CaseDimension, DailyCaseRollup
from . import sources
from .sources import completed_cases, has_counted_rating, unit_prefixes

COUNT_FIELDS = ("completed", "late", "instant", "rated", "one_visit", "limit_cases", "used_workdays",
                "statutory_workdays")
KEY_FIELDS = {CaseDimension.SITE: "site_id", CaseDimension.WINDOW: "window_id", CaseDimension.ITEM: "item_id"}
# Calendar-day limits are converted at five working days a week; hour and minute limits (即办件) have no
# statutory limit in days and stay out of the compression figure.
WORKDAYS_PER_CALENDAR_DAY = 5 / 7


def statutory_workdays(limit: int, unit: str) -> int:
    if unit == LimitUnit.WORKDAYS:
        return limit
    if unit == LimitUnit.DAYS:
        return round(limit * WORKDAYS_PER_CALENDAR_DAY)
    return 0


class WorkdayCounter:
    """working_days_between for many cases: one ordinal per date, computed once per date (a year of
    history visits each date ~thousands of times)."""

    def __init__(self) -> None:
        self.calendar = get_calendar()
        self.ordinals: dict[dt.date, int] = {}

    def _ordinal(self, day: dt.date) -> int:
        if day not in self.ordinals:
            # Working days from 1 Jan of the first covered year up to and including `day`; each date is
            # computed from its predecessor when known, so filling a range costs one step per date.
            prev = day - dt.timedelta(days=1)
            base = self.ordinals.get(prev)
            if base is None:
                start = dt.date(min(self.calendar.years), 1, 1)
                base = self.calendar.working_days_between(start, prev) if prev > start else 0
            self.ordinals[day] = base + int(self.calendar.is_working(day))
        return self.ordinals[day]

    def between(self, after: dt.date, upto: dt.date) -> int:
        if upto <= after:
            return 0
        return self._ordinal(upto) - self._ordinal(after)


def compute_days(days: Iterable[dt.date]) -> list[DailyCaseRollup]:
    days = sorted(set(days))
    if not days:
        return []
    supplemented = Exists(CaseEvent.objects.filter(case=OuterRef("pk"), action=CaseAction.REQUEST_SUPPLEMENT))
    cases = (completed_cases().filter(sources.local_days("completed_at", days)).order_by()
             .annotate(rated=has_counted_rating(), supplemented=supplemented)
             .values_list("completed_at", "accepted_at", "site_id", "site__unit__path", "window_id", "item_id",
                          "handling_type", "clock__due_at", "rated", "supplemented", "item__statutory_limit",
                          "item__statutory_unit"))
    workdays = WorkdayCounter()
    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))
    for (completed_at, accepted_at, site_id, path, window_id, item_id, handling, due_at, rated, supplemented,
         limit, limit_unit) in cases.iterator(chunk_size=5000):
        day = timezone.localdate(completed_at)
        flags = {"completed": 1, "late": int(bool(due_at and completed_at > due_at)),
                 "instant": int(handling == HandlingType.INSTANT), "rated": int(rated),
                 "one_visit": int(not supplemented), "limit_cases": 0, "used_workdays": 0, "statutory_workdays": 0}
        statutory = statutory_workdays(limit or 0, limit_unit)
        if statutory and accepted_at:
            try:
                used = workdays.between(timezone.localdate(accepted_at), day)
            except CalendarNotCovered:
                used = None
            if used is not None:
                flags.update(limit_cases=1, used_workdays=used, statutory_workdays=statutory)
        keys = [(dim, str(key), path, site_id) for dim, key in
                ((CaseDimension.SITE, site_id), (CaseDimension.WINDOW, window_id), (CaseDimension.ITEM, item_id))
                if key is not None]
        keys += [(CaseDimension.REGION, unit_id, prefix, 0) for unit_id, prefix in unit_prefixes(path)]
        for dim, key, unit_path, site_key in keys:
            counts = rows[(day, dim, key, unit_path, site_key)]
            for f, n in flags.items():
                counts[f] += n
    return [DailyCaseRollup(day=day, dimension=dim, key=key, unit_path=path, site_key=site, **c)
            for (day, dim, key, path, site), c in rows.items()]


def write_days(days: list[dt.date]) -> int:
    rows = compute_days(days)
    DailyCaseRollup.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def replace_days(days: Iterable[dt.date]) -> int:
    return sources.replace_days(DailyCaseRollup, write_days, days)


def completion_days_of(case_ids: Iterable[int]) -> set[dt.date]:
    ids = list({i for i in case_ids if i})
    days: set[dt.date] = set()
    for i in range(0, len(ids), 1000):
        days |= {timezone.localdate(at) for at in completed_cases().filter(pk__in=ids[i:i + 1000])
                 .values_list("completed_at", flat=True)}
    return days


def completed_since(moment: dt.datetime) -> set[dt.date]:
    return {timezone.localdate(at) for at in completed_cases().filter(completed_at__gte=moment)
            .values_list("completed_at", flat=True).distinct()}


def dirty_days(since: dt.date) -> list[dt.date]:
    """Days from `since` on whose completed or rated counts differ between the raw tables and the rollup."""
    raw = {r["day"]: (r["n"], r["rated_n"]) for r in completed_cases().filter(completed_at__date__gte=since)
           .annotate(day=TruncDate("completed_at"), is_rated=has_counted_rating()).order_by().values("day")
           .annotate(n=Count("id"), rated_n=Count("id", filter=Q(is_rated=True)))}
    rolled = {r["day"]: (r["n"], r["rated_n"]) for r in DailyCaseRollup.objects.filter(
        dimension=CaseDimension.SITE, day__gte=since).order_by().values("day")
        .annotate(n=Sum("completed"), rated_n=Sum("rated"))}
    return sorted(day for day in raw.keys() | rolled.keys() if raw.get(day) != rolled.get(day))


def span() -> tuple[dt.date | None, dt.date | None]:
    raw = completed_cases().aggregate(lo=Min("completed_at"), hi=Max("completed_at"))
    rolled = DailyCaseRollup.objects.aggregate(lo=Min("day"), hi=Max("day"))
    los = [d for d in (raw["lo"] and timezone.localdate(raw["lo"]), rolled["lo"]) if d]
    his = [d for d in (raw["hi"] and timezone.localdate(raw["hi"]), rolled["hi"]) if d]
    return (min(los) if los else None, max(his) if his else None)
