"""League tables that are fair to small units (SPEC §9): rank by the Wilson lower bound of the good rate.

A window with 3 good ratings out of 3 has a raw rate of 100 % but tells us little; its 95 % lower bound is
about 44 %, so it ranks below a window with 2,900 good out of 3,000 (lower bound about 96 %).
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.models import Site, Staff, Unit, Window
from bianmin.ratings.models import GOOD_LEVELS, good_in

from . import months, stamps
from .metrics import LEVEL_FIELDS, Target, satisfaction_index
from .models import DailyRollup, Dimension

Z = 1.96  # 95 % two-sided
LEVELS = {"site": Dimension.SITE, "window": Dimension.WINDOW, "staff": Dimension.STAFF,
          "department": Dimension.DEPARTMENT}
LEVEL_LABELS = {"site": _("服务场所"), "window": _("窗口"), "staff": _("工作人员"), "department": _("部门")}


PAGE_DEFAULT = 100  # entries per page of the API's league tables
PAGE_MAX = 1000
MANY_IDS = 1000  # above this, reading the whole table beats sending the ids (a province has ~9,000 staff)


def _values(model, ids: list[int], *fields: str):
    rows = model.objects.order_by()
    return (rows if len(ids) > MANY_IDS else rows.filter(pk__in=ids)).values_list("pk", *fields)


def _plain_names(model):
    def names(ids: list[int]) -> dict[int, tuple[str, None]]:
        return {pk: (name, None) for pk, name in _values(model, ids, "name")}
    return names


def _staff_names(ids: list[int]) -> dict[int, tuple[str, None]]:
    return {pk: (Staff.label(name, work_id), None) for pk, name, work_id in _values(Staff, ids, "name", "work_id")}


def _window_names(ids: list[int]) -> dict[int, tuple[str, str]]:
    """"01号 综合窗口" exists in every centre: each window also says which centre."""
    return {pk: (Window.label(number, name), site)
            for pk, number, name, site in _values(Window, ids, "number", "name", "site__name")}


# Names of the entries (and for windows, their site), read as plain values: a province's staff league has
# ~9,000 entries, and model instances for each cost more than ranking them.
NAMES = {Dimension.SITE: _plain_names(Site), Dimension.WINDOW: _window_names, Dimension.STAFF: _staff_names,
         Dimension.DEPARTMENT: _plain_names(Unit)}
DEFINITION = _("排名依据：好评率的 95% 置信下限（Wilson 下限），评价数少的单位不会因偶然的全部好评而排在前面；"
               "同分时评价数多者在前。")
COUNTED = ["ratings", "bad", *LEVEL_FIELDS]
# The good ratings of a summed row in SQL: its columns of the good levels (ratings.models.GOOD_LEVELS).
GOOD_SQL = " + ".join(sorted(level.value for level in GOOD_LEVELS))


def wilson_lower(good: int, total: int, z: float = Z) -> float | None:
    if total <= 0:
        return None
    p = good / total
    centre = p + z * z / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return round((centre - margin) / (1 + z * z / total), 4)


def scope(target: Target) -> Q:
    """The rollup rows of the target: a site's own, or every row under the unit's path."""
    return Q(site_key=target.site.pk) if target.site else Q(unit_path__startswith=target.unit.path)


@dataclass
class League:
    entries: list[dict]  # the rows asked for, best first
    total: int  # entries in the whole table
    red_flag: dict | None = None  # when asked for: the 流动红旗 candidate, wherever it ranks


# The Wilson lower bound of `wilson_lower` in SQL, over p (good rate) and n (ratings) as doubles, with the
# same operations in the same order so that the database ranks by exactly the values Python shows.
WILSON_SQL = ("ROUND(CAST((p + CAST(%s AS DOUBLE PRECISION) / (2 * n)"
              " - CAST(%s AS DOUBLE PRECISION) * SQRT(p * (1 - p) / n + CAST(%s AS DOUBLE PRECISION) / (4 * n * n)))"
              " / (1 + CAST(%s AS DOUBLE PRECISION) / n) AS NUMERIC), 4)")
WILSON_PARAMS = [Z * Z, Z, Z * Z, Z * Z]


def _ranked_sql(sums_sql: str, where: str) -> str:
    """Every key with counted ratings ranked in the database, and the rows of it that `where` picks, with
    the size of the whole table on each row (and on a row of NULLs when `where` picks none)."""
    counted = ", ".join(COUNTED)
    return (f"WITH sums AS ({sums_sql}), "
            f"scored AS (SELECT {counted}, CAST(key AS BIGINT) AS id, {WILSON_SQL} AS wl FROM "
            f"(SELECT sums.*, CAST({GOOD_SQL} AS DOUBLE PRECISION) / ratings AS p, "
            f"CAST(ratings AS DOUBLE PRECISION) AS n FROM sums WHERE ratings > 0) counted), "
            f"ranked AS (SELECT scored.*, ROW_NUMBER() OVER (ORDER BY wl DESC, ratings DESC, id) AS rank "
            f"FROM scored) "
            f"SELECT whole.total, r.id, r.rank, {', '.join('r.' + c for c in COUNTED)} "
            f"FROM (SELECT COUNT(*) AS total FROM ranked) whole LEFT JOIN ranked r ON ({where}) ORDER BY r.rank")


def _entry(row: tuple) -> dict:
    pk, rank, *numbers = row
    s = dict(zip(COUNTED, numbers))
    good = good_in(s)
    return {"id": pk, "rank": rank, "ratings": s["ratings"], "good": good, "bad": s["bad"],
            "good_rate": round(good / s["ratings"], 4), "wilson_lower": wilson_lower(good, s["ratings"]),
            "satisfaction_index": satisfaction_index(s)}


def league_page(target: Target, level: str, date_from: dt.date, date_to: dt.date, *, limit: int | None = None,
                offset: int = 0, ids: list[int] | None = None, red_flag: bool = False) -> League:
    """The league table of the dimension over the period, ranked in the database: the `limit` entries after
    the first `offset` (all without a limit), or only the entries of `ids`, and with `red_flag` the 流动红旗
    candidate. Only the rows returned pass through Python, so a province's 9,000 staff cost no more than
    the ten on the dashboard. Cached until a day of the period changes in the rollup (stamps.py)."""
    parts = (level, str(scope(target)), limit, offset, tuple(ids) if ids is not None else None,
             settings.BIANMIN["RED_FLAG_MIN_RATINGS"] if red_flag else None)
    return stamps.cached("league", date_from, date_to, parts, lambda: _league_page(
        target, level, date_from, date_to, limit=limit, offset=offset, ids=ids, red_flag=red_flag))


def _league_page(target: Target, level: str, date_from: dt.date, date_to: dt.date, *, limit: int | None,
                 offset: int, ids: list[int] | None, red_flag: bool) -> League:
    dimension = LEVELS[level]
    sums = months.period_sums_sql(dimension, date_from, date_to, COUNTED, where=scope(target))
    if sums is None:
        return League([], 0)
    sums_sql, params = sums
    params = [*params, *WILSON_PARAMS]
    if ids is not None:
        where = f"r.id IN ({', '.join(['%s'] * len(ids))})" if ids else "1 = 0"
        params.extend(int(i) for i in ids)
    else:
        where = "r.rank > %s" + (" AND r.rank <= %s" if limit is not None else "")
        params.extend([offset] if limit is None else [offset, offset + limit])
    if red_flag:
        where = f"({where}) OR r.rank = (SELECT MIN(rank) FROM ranked WHERE ratings >= %s)"
        params.append(settings.BIANMIN["RED_FLAG_MIN_RATINGS"])
    with connections[DailyRollup.objects.db].cursor() as cursor:
        cursor.execute(_ranked_sql(sums_sql, where), params)
        rows = cursor.fetchall()
    total = rows[0][0] if rows else 0
    picked = [_entry(row[1:]) for row in rows if row[1] is not None]
    names = NAMES[dimension]([e["id"] for e in picked])
    for e in picked:
        e["name"], e["site_name"] = names.get(e["id"], ("", None))
    flag = None
    if red_flag:
        minimum = settings.BIANMIN["RED_FLAG_MIN_RATINGS"]
        flag = next((e for e in picked if e["ratings"] >= minimum), None)
        if ids is None:  # the candidate's row came along even if it is not on this page
            end = offset + limit if limit is not None else None
            picked = [e for e in picked if e["rank"] > offset and (end is None or e["rank"] <= end)]
    return League(picked, total, flag)


def league(target: Target, level: str, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """Every key of the dimension with counted ratings in the period, best first."""
    return league_page(target, level, date_from, date_to).entries


def previous_period(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before; a whole calendar month maps to the previous whole month,
    so that "this month against last month" (环比) compares months, not 30-day windows."""
    if date_from.day == 1 and (date_to + dt.timedelta(days=1)).day == 1 and date_from.month == date_to.month:
        prev_to = date_from - dt.timedelta(days=1)
        return prev_to.replace(day=1), prev_to
    length = date_to - date_from
    prev_to = date_from - dt.timedelta(days=1)
    return prev_to - length, prev_to


def league_with_change(target: Target, level: str, date_from: dt.date, date_to: dt.date, *,
                       limit: int | None = None, offset: int = 0) -> League:
    """league_page() with the 流动红旗 candidate and, for each entry shown, its rank and good rate in the
    previous period (month-over-month): the previous table is ranked whole but only these rows are read."""
    current = league_page(target, level, date_from, date_to, limit=limit, offset=offset, red_flag=True)
    shown = current.entries + ([current.red_flag] if current.red_flag else [])
    ids = sorted({e["id"] for e in shown})
    before = {e["id"]: e for e in league_page(target, level, *previous_period(date_from, date_to), ids=ids).entries}
    for e in shown:
        prev = before.get(e["id"])
        e["previous_rank"] = prev["rank"] if prev else None
        e["rank_change"] = prev["rank"] - e["rank"] if prev else None
        e["good_rate_change"] = round(e["good_rate"] - prev["good_rate"], 4) if prev else None
    return current
