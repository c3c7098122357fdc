"""Monthly rollup rows and sums over any period (SPEC §9 at provincial scale).

MonthlyRollup holds the daily rows of a calendar month added up, for the dimensions that are summed over
many keys at once (league tables, comparisons of sites and regions, the map). `period_sums` answers "the
counts per key over [date_from, date_to]" from whole months in MonthlyRollup and from the daily rows of the
partial first and last months only, so its cost follows the number of keys and months, not of days.

The one rule that keeps both tables consistent: a month's row is the sum of its days' rows. Whenever days of
DailyRollup are replaced, `replace_keeping_months` keeps it so in the same transaction: a month with a few
days replaced (the worker's sweep: today, an excluded rating's day) has the old rows of those days taken
out and the new ones added; a month with many (a rebuild) is recomputed whole by `refresh`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import DateField, IntegerField, Q, Sum, Value
from django.db.models.functions import Cast

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


FEW_DAYS = 3  # a month with more of its days replaced at once is recomputed whole


def replace_keeping_months(days: list[dt.date], replace: Callable[[], int]) -> int:
    """Run `replace` (which replaces the DailyRollup rows of these days) and bring the months of these days
    up to date: incrementally for months with at most FEW_DAYS of them, else by `refresh`. Incremental
    costs the rows of the days replaced; a refresh, every row of the month (at a province's scale ~0.3 s
    against several seconds per sweep). Callers hold the StatsCursor lock. Returns what `replace` returns."""
    per_month: dict[dt.date, list[dt.date]] = {}
    for day in sorted(set(days)):
        per_month.setdefault(month_start(day), []).append(day)
    few = [d for month_days in per_month.values() if len(month_days) <= FEW_DAYS for d in month_days]
    whole = [d for month_days in per_month.values() if len(month_days) > FEW_DAYS for d in month_days]
    for day in few:
        _subtract_day(day)
    written = replace()
    for day in few:
        _add_day(day)
    if few:
        _drop_empty({month_start(d) for d in few})
    refresh(whole)
    return written


def _table_and_columns():
    connection = connections[MonthlyRollup.objects.db]
    quote = connection.ops.quote_name
    columns = {f: quote(MonthlyRollup._meta.get_field(f).column) for f in (*GROUP_FIELDS, *COUNT_FIELDS, "day")}
    return connection, quote, columns


def _subtract_day(day: dt.date) -> None:
    """Take the day's current daily rows out of its month's rows (before they are replaced)."""
    connection, quote, c = _table_and_columns()
    sets = ", ".join(f"{c[f]} = m.{c[f]} - d.{c[f]}" for f in COUNT_FIELDS)
    same = " AND ".join(f"m.{c[g]} = d.{c[g]}" for g in GROUP_FIELDS)
    dims = ", ".join(["%s"] * len(MONTHLY_DIMENSIONS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(MonthlyRollup._meta.db_table)} AS m SET {sets} "
            f"FROM {quote(DailyRollup._meta.db_table)} AS d "
            f"WHERE d.{c['day']} = %s AND d.{c['dimension']} IN ({dims}) AND m.{c['day']} = %s AND {same}",
            [day, *MONTHLY_DIMENSIONS, month_start(day)])


def _add_day(day: dt.date) -> None:
    """Add the day's new daily rows to its month's rows, creating the rows of keys new in the month."""
    connection, quote, c = _table_and_columns()
    table = quote(MonthlyRollup._meta.db_table)
    names = [*GROUP_FIELDS, *COUNT_FIELDS]
    dims = ", ".join(["%s"] * len(MONTHLY_DIMENSIONS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({c['day']}, {', '.join(c[n] for n in names)}) "
            f"SELECT %s, {', '.join(c[n] for n in names)} FROM {quote(DailyRollup._meta.db_table)} "
            f"WHERE {c['day']} = %s AND {c['dimension']} IN ({dims}) "
            f"ON CONFLICT ({c['day']}, {', '.join(c[g] for g in GROUP_FIELDS)}) DO UPDATE SET "
            + ", ".join(f"{c[f]} = {table}.{c[f]} + excluded.{c[f]}" for f in COUNT_FIELDS),
            [month_start(day), day, *MONTHLY_DIMENSIONS])


def _drop_empty(month_days: set[dt.date]) -> None:
    """Rows left at zero (a key whose only ratings of the month were on a replaced day) go, as a refresh
    would never have written them."""
    MonthlyRollup.objects.filter(day__in=month_days, **{f: 0 for f in COUNT_FIELDS}).delete()


def split(date_from: dt.date, date_to: dt.date) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
    """The whole calendar months inside the period (the 1st of the first and of the last such month), and
    the partial months at its ends as ranges of days, each within one month (none for whole months)."""
    first = date_from if date_from.day == 1 else month_end(date_from) + dt.timedelta(days=1)
    last = date_to if month_end(date_to) == date_to else month_start(date_to) - dt.timedelta(days=1)
    if first > last:  # no whole month inside: one or two partial months
        if month_start(date_from) == month_start(date_to):
            return None, [(date_from, date_to)]
        return None, [(date_from, month_end(date_from)), (month_start(date_to), date_to)]
    edges = []
    if date_from < first:
        edges.append((date_from, first - dt.timedelta(days=1)))
    if last < date_to:
        edges.append((last + dt.timedelta(days=1), date_to))
    return (first, month_start(last)), edges


def plan(date_from: dt.date, date_to: dt.date) -> list[tuple[int, str, dt.date, dt.date]]:
    """How to add up a period with the fewest rows: (sign, "month" or "day", first day, last day) parts.
    A partial month is its days, or — when it lacks fewer days than it has — the whole month minus the days
    it lacks (a period ending today lacks only the days still to come, which have no rows)."""
    months, partial = split(date_from, date_to)
    parts = [(1, "month", *months)] if months else []
    for lo, hi in partial:
        start, end = month_start(lo), month_end(lo)
        inside = (hi - lo).days + 1
        if inside > (end - start).days + 1 - inside:
            parts.append((1, "month", start, start))
            if lo > start:
                parts.append((-1, "day", start, lo - dt.timedelta(days=1)))
            if hi < end:
                parts.append((-1, "day", hi + dt.timedelta(days=1), end))
        else:
            parts.append((1, "day", lo, hi))
    return parts


def period_sums_sql(dimension: str, date_from: dt.date, date_to: dt.date, fields: Iterable[str],
                    group: tuple[str, ...] = ("key",), where: Q = Q()) -> tuple[str, list] | None:
    """One SELECT (and its parameters) of the group columns and the summed fields over the period, for
    callers that rank or page in the database; None when the filter can match nothing. The parts of
    `plan` are summed per key in the database, each multiplied by its sign (whole months less their
    missing days), so no row passes through Python."""
    fields = list(fields)
    parts = plan(date_from, date_to) if dimension in MONTHLY_DIMENSIONS else [(1, "day", date_from, date_to)]
    quote = connections[DailyRollup.objects.db].ops.quote_name
    selects, params = [], []
    for sign, table, lo, hi in parts:
        model = MonthlyRollup if table == "month" else DailyRollup
        try:
            sql, part_params = _sums(model, dimension, Q(day__gte=lo, day__lte=hi) & where, group,
                                     fields).query.sql_with_params()
        except EmptyResultSet:
            continue
        selects.append(f"SELECT {int(sign)} AS sign, part.* FROM ({sql}) part")
        params.extend(part_params)
    if not selects:
        return None
    columns = ", ".join(quote(g) for g in group)
    # CAST: the sum of integers is a bigint on PostgreSQL; the same type on every database.
    sums = ", ".join(f"CAST(COALESCE(SUM(sign * {quote(f)}), 0) AS BIGINT) AS {quote(f)}" for f in fields)
    return (f"SELECT {columns}, {sums} FROM ({' UNION ALL '.join(selects)}) parts GROUP BY {columns}",
            params)


def period_sums(dimension: str, date_from: dt.date, date_to: dt.date, fields: Iterable[str],
                group: tuple[str, ...] = ("key",), where: Q = Q()) -> list[dict]:
    """Like `DailyRollup.objects.filter(dimension=…, day in period).filter(where).values(*group)
    .annotate(Sum(f) for f in fields)`, but reading whole months from MonthlyRollup where it has them.
    Keys whose every count adds up to zero may be left out or returned with zeros."""
    fields = list(fields)
    query = period_sums_sql(dimension, date_from, date_to, fields, group, where)
    if query is None:
        return []
    with connections[DailyRollup.objects.db].cursor() as cursor:
        cursor.execute(*query)
        names = [*group, *fields]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def _sums(model, dimension: str, where: Q, group: tuple[str, ...], fields: list[str]):
    # Each part's sums as integers (a key's month of counts is far below 2**31): PostgreSQL sums bigints
    # as numeric, and adding up the parts in numeric cost a province's staff league a third of its time.
    return (model.objects.filter(where, dimension=dimension).order_by().values(*group)
            .annotate(**{f: Cast(Sum(f), IntegerField()) for f in fields}))
