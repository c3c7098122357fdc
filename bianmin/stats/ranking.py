"""League tables that are fair to small units (SPEC §9): rank by the Wilson lower bound of the good rate.

A window with 3 good ratings out of 3 has a raw rate of 100 % but tells us little; its 95 % lower bound is
about 44 %, so it ranks below a window with 2,900 good out of 3,000 (lower bound about 96 %).
"""
from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.models import Site, Staff, Unit, Window

from . import months
from .metrics import Target, satisfaction_index
from .models import Dimension

Z = 1.96  # 95 % two-sided
LEVELS = {"site": Dimension.SITE, "window": Dimension.WINDOW, "staff": Dimension.STAFF,
          "department": Dimension.DEPARTMENT}
LEVEL_LABELS = {"site": _("服务场所"), "window": _("窗口"), "staff": _("工作人员"), "department": _("部门")}


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
COUNTED = ["ratings", "bad", "very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"]


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


def league(target: Target, level: str, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """Every key of the dimension with counted ratings in the period, best first."""
    dimension = LEVELS[level]
    entries = []
    for s in months.period_sums(dimension, date_from, date_to, COUNTED, where=scope(target)):
        if not s["ratings"]:
            continue  # only default good or excluded ratings: nothing to rank on
        good = s["very_satisfied"] + s["satisfied"]
        entries.append({"id": int(s["key"]), "ratings": s["ratings"], "good": good, "bad": s["bad"],
                        "good_rate": round(good / s["ratings"], 4), "wilson_lower": wilson_lower(good, s["ratings"]),
                        "satisfaction_index": satisfaction_index(s)})
    names = NAMES[dimension]([e["id"] for e in entries])
    for e in entries:
        e["name"], e["site_name"] = names.get(e["id"], ("", None))
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
