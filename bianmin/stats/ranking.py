"""League tables that are fair to small units (SPEC §9): rank by the Wilson lower bound of the good rate.

A window with 3 good ratings out of 3 has a raw rate of 100 % but tells us little; its 95 % lower bound is
about 44 %, so it ranks below a window with 2,900 good out of 3,000 (lower bound about 96 %).
"""
from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.models import Site, Staff, Unit, Window

from .metrics import Target, satisfaction_index
from .models import DailyRollup, Dimension

Z = 1.96  # 95 % two-sided
LEVELS = {"site": Dimension.SITE, "window": Dimension.WINDOW, "staff": Dimension.STAFF,
          "department": Dimension.DEPARTMENT}
LEVEL_LABELS = {"site": _("服务场所"), "window": _("窗口"), "staff": _("工作人员"), "department": _("部门")}
NAMES = {Dimension.SITE: Site, Dimension.WINDOW: Window, Dimension.STAFF: Staff, Dimension.DEPARTMENT: Unit}
DEFINITION = _("排名依据：好评率的 95% 置信下限（Wilson 下限），评价数少的单位不会因偶然的全部好评而排在前面；"
               "同分时评价数多者在前。")
COUNTED = ["ratings", "bad", "very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"]


def wilson_lower(good: int, total: int, z: float = Z) -> float | None:
    if total <= 0:
        return None
    p = good / total
    centre = p + z * z / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return round((centre - margin) / (1 + z * z / total), 4)


def rows_in(target: Target, dimension: str):
    rows = DailyRollup.objects.filter(dimension=dimension)
    if target.site:
        return rows.filter(site_key=target.site.pk)
    return rows.filter(unit_path__startswith=target.unit.path)


def league(target: Target, level: str, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """Every key of the dimension with counted ratings in the period, best first."""
    dimension = LEVELS[level]
    sums = (rows_in(target, dimension).filter(day__gte=date_from, day__lte=date_to).order_by()
            .values("key").annotate(**{f: Sum(f) for f in COUNTED}))
    entries = []
    for s in sums:
        if not s["ratings"]:
            continue  # only default good or excluded ratings: nothing to rank on
        good = s["very_satisfied"] + s["satisfied"]
        entries.append({"id": int(s["key"]), "ratings": s["ratings"], "good": good, "bad": s["bad"],
                        "good_rate": round(good / s["ratings"], 4), "wilson_lower": wilson_lower(good, s["ratings"]),
                        "satisfaction_index": satisfaction_index(s)})
    objects = NAMES[dimension].objects.filter(pk__in=[e["id"] for e in entries])
    if dimension == Dimension.WINDOW:  # "01号 综合窗口" exists in every centre: say which centre
        objects = objects.select_related("site")
    found = {obj.pk: obj for obj in objects}
    for e in entries:
        obj = found.get(e["id"])
        e["name"] = str(obj) if obj else ""
        e["site_name"] = obj.site.name if obj and dimension == Dimension.WINDOW else None
    entries.sort(key=lambda e: (-e["wilson_lower"], -e["ratings"], e["id"]))
    for rank, e in enumerate(entries, 1):
        e["rank"] = rank
    return entries


def previous_period(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before; a whole calendar month maps to the previous whole month,
    so that "this month against last month" (环比) compares months, not 30-day windows."""
    if date_from.day == 1 and (date_to + dt.timedelta(days=1)).day == 1 and date_from.month == date_to.month:
        prev_to = date_from - dt.timedelta(days=1)
        return prev_to.replace(day=1), prev_to
    length = date_to - date_from
    prev_to = date_from - dt.timedelta(days=1)
    return prev_to - length, prev_to


def league_with_change(target: Target, level: str, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """league() with each entry's rank and good rate in the previous period (month-over-month)."""
    entries = league(target, level, date_from, date_to)
    before = {e["id"]: e for e in league(target, level, *previous_period(date_from, date_to))}
    for e in entries:
        prev = before.get(e["id"])
        e["previous_rank"] = prev["rank"] if prev else None
        e["rank_change"] = prev["rank"] - e["rank"] if prev else None
        e["good_rate_change"] = round(e["good_rate"] - prev["good_rate"], 4) if prev else None
    return entries


def red_flag(entries: list[dict]) -> dict | None:
    """The 流动红旗 candidate: the best-ranked entry with enough ratings for the honour to mean something
    (the ranking already discounts small samples; the minimum keeps a window open two days from winning)."""
    minimum = settings.BIANMIN["RED_FLAG_MIN_RATINGS"]
    return next((e for e in entries if e["ratings"] >= minimum), None)
