"""Reading awards for people and screens: who may see which sites' awards, a month's awards as plain dicts (the API
and the pages), and the public 流动红旗 banners (hall display, portal, disclosure) through staffops.apps.

Who sees what (issue 17 §3): the 流动红旗 is public (it hangs in the hall and is shown on the portal). The API and
the awards page name the star staff, so they are for staff only: holders of VIEW_ASSESSMENT see the sites of their
scope (a manager their site, a supervisor the subtree); anybody else with a staff record (a clerk) sees the awards
of the site where they work; everybody else is refused (403)."""
from __future__ import annotations

import datetime as dt
import re

from django.db.models import QuerySet

from bianmin.core import timeutil
from bianmin.core.errors import InvalidInput, NotFound, PermissionDenied
from bianmin.orgs.models import Site, Staff, Unit
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can, sites_for

from . import awards, scoring
from .models import Award

MONTH = re.compile(r"(\d{4})-(\d{1,2})")
MAX_ID = 2**63 - 1
PUBLIC_FLAGS = 30  # flags listed on a public page of a unit (a province has thousands of sites)


def parse_month(raw: str | None, today: dt.date | None = None) -> dt.date:
    """The first day of "YYYY-MM"; default last month (the latest month that has been awarded). A month that has
    not ended cannot have awards yet: 422 as well."""
    today = today or timeutil.today()
    if raw is None or str(raw).strip() == "":
        return awards.previous_month(today)
    match = MONTH.fullmatch(str(raw).strip())
    if not match or not (2000 <= int(match[1]) <= 2100 and 1 <= int(match[2]) <= 12):
        raise InvalidInput("月份格式应为 YYYY-MM。", "month must be written YYYY-MM.", field="month")
    month = dt.date(int(match[1]), int(match[2]), 1)
    if month > scoring.month_start(today):
        raise InvalidInput("该月份尚未开始。", "That month has not started yet.", field="month")
    return month


def parse_id(raw, field: str) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_ID:
        raise InvalidInput(f"{field} 应为正整数编号。", f"{field} must be a whole number id.", field=field)
    return int(text)


def _staff_site(user) -> Site | None:
    from bianmin.hall.services import site_of

    staff = Staff.objects.filter(user=user).first() if getattr(user, "is_authenticated", False) else None
    return site_of(staff) if staff else None


def visible_sites(user) -> QuerySet:
    """The sites whose awards (stars included) `user` may see; 403 for somebody who may see none."""
    if can(user, Action.VIEW_ASSESSMENT):
        return sites_for(user, Action.VIEW_ASSESSMENT)
    own = _staff_site(user)
    if own is None:
        raise PermissionDenied("您无权查看评优结果。", "You may not see the awards.")
    return Site.objects.filter(pk=own.pk)


def scoped_sites(user, unit_id: int | None = None, site_id: int | None = None) -> QuerySet:
    """visible_sites narrowed to a unit's subtree and/or one site; a unit or site outside them is a 404."""
    sites = visible_sites(user)
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id).first()
        narrowed = sites.filter(unit__path__startswith=unit.path) if unit else sites.none()
        if unit is None or not narrowed.exists():
            raise NotFound("单位不存在或不在您的范围内。", "No such unit, or it is outside your scope.")
        sites = narrowed
    if site_id is not None:
        sites = sites.filter(pk=site_id)
        if not sites.exists():
            raise NotFound("服务场所不存在或不在您的范围内。", "No such site, or it is outside your scope.")
    return sites.select_related("unit").order_by("unit__path", "pk")


# ---------------------------------------------------------------- as dicts

def flag_dict(a: Award) -> dict:
    return {"window": str(a.window) if a.window else "", "window_id": a.window_id,
            "window_number": a.window.number if a.window else "", "points": float(a.points),
            "site": a.site.name, "site_id": a.site_id, "month": a.period.strftime("%Y-%m"),
            "held_in": scoring.next_month(a.period).strftime("%Y-%m"),
            "decided_by": (a.detail or {}).get("decided_by", ""), "bound": (a.detail or {}).get("bound"),
            "overdue": (a.detail or {}).get("overdue")}


def person_dict(a: Award) -> dict:
    return {"staff": a.staff.name if a.staff else "", "staff_id": a.staff_id,
            "work_id": a.staff.work_id if a.staff else "", "points": float(a.points), "rank": a.rank,
            "site": a.site.name, "site_id": a.site_id, "period": a.period.isoformat()}


def unit_dict(a: Award) -> dict:
    return {"window": str(a.window) if a.window else "", "window_id": a.window_id, "points": float(a.points),
            "site": a.site.name, "site_id": a.site_id, "year": a.period.year}


def month_awards(sites, month: dt.date) -> dict:
    """The month's 流动红旗 (one per site, best points first) and star staff of the sites."""
    rows = list(Award.objects.filter(site__in=sites, period=month, kind__in=awards.MONTHLY)
                .select_related("site", "window", "staff").order_by("site__unit__path", "site_id", "rank"))
    flags = sorted((flag_dict(a) for a in rows if a.kind == Award.Kind.RED_FLAG),
                   key=lambda f: (-f["points"], f["site_id"]))
    return {"month": month.strftime("%Y-%m"), "held_in": scoring.next_month(month).strftime("%Y-%m"),
            "red_flags": flags, "red_flag": flags[0] if flags else None,
            "stars": [person_dict(a) for a in rows if a.kind == Award.Kind.STAR]}


def year_awards(sites, year: int) -> dict:
    rows = list(Award.objects.filter(site__in=sites, period=dt.date(year, 1, 1), kind__in=awards.ANNUAL)
                .select_related("site", "window", "staff").order_by("site__unit__path", "site_id"))
    return {"year": year, "units": [unit_dict(a) for a in rows if a.kind == Award.Kind.ANNUAL_UNIT],
            "people": [person_dict(a) for a in rows if a.kind == Award.Kind.ANNUAL_PERSON]}


# ---------------------------------------------------------------- public banners

def banner(site, today: dt.date | None = None) -> dict | None:
    """The 流动红旗 the site holds now, for public screens (no staff named), or None."""
    flag = awards.current_red_flag(site, today)
    return flag_dict(flag) if flag else None


def banners_of_unit(unit, today: dt.date | None = None, limit: int = PUBLIC_FLAGS) -> list[dict]:
    """The 流动红旗 held now by sites of the unit's subtree (at most `limit`, in tree order); `unit` None: all."""
    today = today or timeutil.today()
    rows = Award.objects.filter(kind=Award.Kind.RED_FLAG, period=awards.previous_month(today),
                                site__status=Site.Status.ACTIVE)
    if unit is not None:
        rows = rows.filter(site__unit__path__startswith=unit.path)
    return [flag_dict(a) for a in rows.select_related("site", "window").order_by("site__unit__path", "site_id")[:limit]]
