"""Which unit or site a signed-in person may see figures for (DESIGN rule 3).

A membership on a unit covers the unit's subtree; a membership limited to a site covers that site only
(like ratings, which are scoped by site). Anything outside is reported as not found, so the API does not
reveal which units exist.
"""
from __future__ import annotations

from bianmin.core.errors import NotFound, PermissionDenied
from bianmin.orgs import scoping
from bianmin.orgs.models import Site, Unit
from bianmin.orgs.roles import Action

from .metrics import Target

ACTION = Action.VIEW_STATS

_NOT_FOUND = ("单位或服务场所不存在，或无权查看。", "No such unit or site, or you may not see it.")


def resolve(user, unit_id: int | None = None, site_id: int | None = None) -> Target:
    """Sites as orgs.scoping.SITES reaches them, units as UNITS does (a site-limited grant covers no unit)."""
    if site_id is not None:
        site = Site.objects.select_related("unit").filter(pk=site_id).first()
        if scoping.may(user, ACTION, site, scoping.SITES):
            return Target(site=site)
        raise NotFound(*_NOT_FOUND)
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id).first()
        if scoping.may(user, ACTION, unit, scoping.UNITS):
            return Target(unit=unit)
        raise NotFound(*_NOT_FOUND)
    return default_target(user)


def default_target(user) -> Target:
    """The broadest thing the caller may see: the top of the tree for a superuser, else the highest unit
    of their memberships, else their (first) site."""
    if getattr(user, "is_superuser", False):
        root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        if root:
            return Target(unit=root)
    unit = scoping.highest_unit(user, ACTION)
    if unit is not None:
        return Target(unit=unit)
    site = scoping.own_site(user, ACTION, or_reachable=False)
    if site is not None:
        return Target(site=site)
    raise PermissionDenied("您没有查看统计数据的权限。", "You may not see statistics.")
