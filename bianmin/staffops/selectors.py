"""Whose assessment a person may read or act on, and the reading of the query values the pages and the API share.

A person always sees their own score and warnings; VIEW_ASSESSMENT reaches the staff and windows of the sites in
its scope (a site manager: their site; a supervisor: the sites of their subtree); ASSESS the same for changes.
Out of scope is a 404 that says nothing about whether the person exists."""
from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q

from bianmin.core import timeutil
from bianmin.core.errors import InvalidInput, NotFound
from bianmin.core.inputs import object_id
from bianmin.hall import attendance
from bianmin.orgs.models import Site, Staff, Unit, Window
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can, sites_for, units_for

from .models import EfficiencyWarning

MAX_QUERY = 40
MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# Ids from query strings and forms: one rule (core.inputs).
_as_id = object_id


def staff_of_sites(sites):
    """Staff posted at a window of `sites` or holding a grant limited to one of them (hall.services.site_staff,
    for many sites at once)."""
    return Staff.objects.filter(Q(posts__window__site__in=sites) | Q(user__memberships__site__in=sites)).distinct()


def visible_staff(user, action: str = Action.VIEW_ASSESSMENT):
    """Staff whose assessment `user` may read (or, with action=ASSESS, change): the staff of the sites in scope,
    plus the person themselves when reading, never themselves when changing."""
    if not getattr(user, "is_authenticated", False):
        return Staff.objects.none()
    if getattr(user, "is_superuser", False):
        return Staff.objects.all()
    condition = Q(pk__in=staff_of_sites(sites_for(user, action)).values("pk")) if can(user, action) else Q(pk__in=[])
    if action == Action.VIEW_ASSESSMENT:
        condition |= Q(user=user)
    else:  # nobody assesses themselves (a site manager is also one of the site's staff)
        condition &= ~Q(user=user)
    return Staff.objects.filter(condition)


def staff_for(user, staff_id, action: str = Action.VIEW_ASSESSMENT) -> Staff:
    pk = _as_id(staff_id)
    found = visible_staff(user, action).filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound("工作人员不存在或不在您的考核范围内。", "No such staff member, or not within your assessment scope.")
    return found


def visible_windows(user, action: str = Action.VIEW_ASSESSMENT):
    if not getattr(user, "is_authenticated", False) or not can(user, action):
        return Window.objects.none()
    return Window.objects.filter(site__in=sites_for(user, action))


def window_for(user, window_id, action: str = Action.VIEW_ASSESSMENT) -> Window:
    pk = _as_id(window_id)
    found = visible_windows(user, action).select_related("site__unit").filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound("窗口不存在或不在您的考核范围内。", "No such window, or not within your assessment scope.")
    return found


def parse_month(raw: str | None, today: dt.date | None = None) -> dt.date:
    """The first day of the month written "YYYY-MM" (default this month), or a 422."""
    if raw is not None and (not isinstance(raw, str) or not MONTH.fullmatch(raw)):
        parsed = None  # ASCII digits only: int() would read full-width ones
    else:
        parsed = attendance.parse_month(raw, today or timeutil.today())
    if parsed is None:
        raise InvalidInput("月份格式应为 YYYY-MM。", "month must be written YYYY-MM.", field="month")
    return dt.date(parsed[0], parsed[1], 1)


def parse_day(raw, field: str) -> dt.date | None:
    if raw in (None, ""):
        return None
    try:
        if not isinstance(raw, str) or not DAY.fullmatch(raw):
            raise ValueError
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD。", f"{field} must be a date written YYYY-MM-DD.",
                           field=field) from None


def staff_site(staff: Staff) -> Site | None:
    from bianmin.hall.services import site_of

    return site_of(staff)


def sites_in_scope(user, action: str = Action.VIEW_ASSESSMENT):
    return sites_for(user, action).select_related("unit").order_by("unit__path", "pk")


def site_for(user, site_id, action: str = Action.VIEW_ASSESSMENT) -> Site:
    pk = _as_id(site_id)
    found = sites_in_scope(user, action).filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound("服务场所不存在或不在您的考核范围内。", "No such site, or not within your assessment scope.")
    return found


def search_staff(user, site_id=None, q: str | None = None):
    """The staff list of the API and the board: VIEW_ASSESSMENT holders only, scoped, by site and name/work id."""
    if getattr(user, "is_superuser", False):
        rows = Staff.objects.all()
    else:
        rows = Staff.objects.filter(pk__in=staff_of_sites(sites_for(user, Action.VIEW_ASSESSMENT)).values("pk"))
    if site_id not in (None, ""):
        rows = rows.filter(pk__in=staff_of_sites([site_for(user, site_id)]).values("pk"))
    if q:
        q = q.strip()[:MAX_QUERY]
        rows = rows.filter(Q(name__icontains=q) | Q(work_id__icontains=q))
    return rows.select_related("user").order_by("work_id")


# ---------------------------------------------------------------- warnings

def warnings_for(user, *, unit_id=None, start: dt.date | None = None, end: dt.date | None = None,
                 month: dt.date | None = None, kind: str | None = None, acknowledged: bool | None = None):
    """Warnings in scope: one's own for a clerk, the site's for a manager, the subtree's for a supervisor."""
    rows = EfficiencyWarning.objects.for_user(user, Action.VIEW_ASSESSMENT)
    if unit_id not in (None, ""):
        pk = _as_id(unit_id)
        if pk is None:
            raise InvalidInput("单位编号应为正整数。", "unit must be a positive whole number.", field="unit")
        unit = Unit.objects.filter(pk=pk).first()
        if unit is None:
            raise NotFound("单位不存在。", "No such unit.")
        rows = rows.filter(Q(unit__path__startswith=unit.path) | Q(site__unit__path__startswith=unit.path))
    if start and end and start > end:
        raise InvalidInput("开始日期不能晚于结束日期。", "from must not be after to.", field="from")
    if start:
        rows = rows.filter(at__date__gte=start)
    if end:
        rows = rows.filter(at__date__lte=end)
    if month:
        rows = rows.filter(period=month)
    if kind:
        if kind not in EfficiencyWarning.Kind.values:
            raise InvalidInput("告诫类型应为 personal 或 collective。", "kind must be personal or collective.",
                               field="kind")
        rows = rows.filter(kind=kind)
    if acknowledged is not None:
        rows = rows.filter(acknowledged_at__isnull=not acknowledged)
    return rows.select_related("staff", "unit", "site").order_by("-at", "-pk")


def warning_for(user, warning_id) -> EfficiencyWarning:
    pk = _as_id(warning_id)
    found = (EfficiencyWarning.objects.for_user(user, Action.VIEW_ASSESSMENT).select_related("staff", "unit", "site",
                                                                                             "issued_by")
             .filter(pk=pk).first() if pk else None)
    if found is None:
        raise NotFound("效能告诫不存在或您无权查看。", "No such efficiency warning, or you may not see it.")
    return found


def units_reachable(user, action: str = Action.ASSESS):
    """Units whose schedule `user` may edit: unit-wide grants their subtree, a site-limited grant its site's unit."""
    from bianmin.orgs.scoping import granted_units

    if getattr(user, "is_superuser", False):
        return Unit.objects.all().order_by("path")
    ids = set(units_for(user, action).values_list("pk", flat=True))
    ids |= {unit.pk for unit in granted_units(user, action)}
    return Unit.objects.filter(pk__in=ids).order_by("path")
