"""Monthly rollup rows and sums over any period (SPEC §9 at provincial scale).

MonthlyRollup holds the daily rows of a calendar month added up, for the dimensions that are summed over
many keys at once (league tables, comparisons of sites and regions, the map). `period_sums` answers "the
counts per key over [date_from, date_to]" from whole months in MonthlyRollup and from the daily rows of the
partial first and last months only, so its cost follows the number of keys and months, not of days.

The one rule that keeps both tables consistent: whenever days of DailyRollup are replaced, `refresh`
recomputes their months from the daily rows (rollup.replace_days calls it in the same transaction).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import DateField, Q, Sum, Value

from .models import DailyRollup, Dimension, MonthlyRollup, RatingCounts
from .sources import insert_from

MONTHLY_DIMENSIONS = (Dimension.SITE, Dimension.WINDOW, Dimension.STAFF, Dimension.DEPARTMENT, Dimension.REGION)
COUNT_FIELDS = tuple(f.name for f in RatingCounts._meta.get_fields() if f.name != "dimension")
GROUP_FIELDS = ("dimension", "key", "unit_path", "site_key")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def refresh(days: Iterable[dt.date]) -> int:
    """Recompute the monthly rows of the months these days fall in, from the daily rows (one INSERT …
    SELECT … GROUP BY per month: the rows never pass through Python). Callers hold the StatsCursor lock."""
    written = 0
    for start in sorted({month_start(d) for d in days}):
        MonthlyRollup.objects.filter(day=start).delete()
        sums = (DailyRollup.objects.filter(dimension__in=MONTHLY_DIMENSIONS, day__gte=start,
                                           day__lte=month_end(start)).order_by()
                .annotate(month=Value(start, output_field=DateField()))
                .values("month", *GROUP_FIELDS).annotate(**{f"sum_{f}": Sum(f) for f in COUNT_FIELDS}))
        written += insert_from(MonthlyRollup, sums, rename={"month": "day", **{f"sum_{f}": f for f in COUNT_FIELDS}})
    return written


def split(date_from: dt.date, date_to: dt.date) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
    """The whole calendar months inside the period (the 1st of the first and of the last such month), and
    the ranges of days outside them (none when the period is whole months)."""
    first = date_from if date_from.day == 1 else month_end(date_from) + dt.timedelta(days=1)
    last = date_to if month_end(date_to) == date_to else month_start(date_to) - dt.timedelta(days=1)
    if first > last:  # no whole month inside: every day from the daily rows
        return None, [(date_from, date_to)]
    edges = []
    if date_from < first:
        edges.append((date_from, first - dt.timedelta(days=1)))
    if last < date_to:
        edges.append((last + dt.timedelta(days=1), date_to))
    return (first, month_start(last)), edges


def period_sums(dimension: str, date_from: dt.date, date_to: dt.date, fields: Iterable[str],
                group: tuple[str, ...] = ("key",), where: Q = Q()) -> list[dict]:
    """Like `DailyRollup.objects.filter(dimension=…, day in period).filter(where).values(*group)
    .annotate(Sum(f) for f in fields)`, but reading whole months from MonthlyRollup where it has them."""
    fields = list(fields)
    if dimension not in MONTHLY_DIMENSIONS:
        return list(_sums(DailyRollup, dimension, Q(day__gte=date_from, day__lte=date_to) & where, group, fields))
    months, edges = split(date_from, date_to)
    parts = [_sums(DailyRollup, dimension, Q(day__gte=lo, day__lte=hi) & where, group, fields) for lo, hi in edges]
    if months:
        parts.append(_sums(MonthlyRollup, dimension, Q(day__gte=months[0], day__lte=months[1]) & where, group,
                           fields))
    totals: dict[tuple, dict] = {}
    for part in parts:
        for row in part:
            ident = tuple(row[g] for g in group)
            if ident not in totals:
                totals[ident] = dict(row)
            else:
                for f in fields:
                    totals[ident][f] = (totals[ident][f] or 0) + (row[f] or 0)
    return list(totals.values())


def _sums(model, dimension: str, where: Q, group: tuple[str, ...], fields: list[str]):
    return (model.objects.filter(where, dimension=dimension).order_by().values(*group)
            .annotate(**{f: Sum(f) for f in fields}))
