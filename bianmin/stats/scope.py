"""Which unit or site a signed-in person may see figures for (DESIGN rule 3).

A membership on a unit covers the unit's subtree; a membership limited to a site covers that site only
(like ratings, which are scoped by site). Anything outside is reported as not found, so the API does not
reveal which units exist.
"""
from __future__ import annotations

from bianmin.core.errors import NotFound, PermissionDenied
from bianmin.orgs.models import Site, Unit
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import memberships_for

from .metrics import Target

ACTION = Action.VIEW_STATS

_NOT_FOUND = ("单位或服务场所不存在，或无权查看。", "No such unit or site, or you may not see it.")


def _unit_memberships(user):
    return [m for m in memberships_for(user, ACTION) if not m.site_id]


def resolve(user, unit_id: int | None = None, site_id: int | None = None) -> Target:
    superuser = getattr(user, "is_superuser", False)
    if site_id is not None:
        site = Site.objects.select_related("unit").filter(pk=site_id).first()
        if site and (superuser or any(m.site_id == site.pk for m in memberships_for(user, ACTION))
                     or any(site.unit.path.startswith(m.unit.path) for m in _unit_memberships(user))):
            return Target(site=site)
        raise NotFound(*_NOT_FOUND)
    if unit_id is not None:
        unit = Unit.objects.filter(pk=unit_id).first()
        if unit and (superuser or any(unit.path.startswith(m.unit.path) for m in _unit_memberships(user))):
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
    units = sorted((m.unit for m in _unit_memberships(user)), key=lambda u: (u.path.count("/"), u.path))
    if units:
        return Target(unit=units[0])
    sites = [m.site for m in memberships_for(user, ACTION) if m.site_id]
    if sites:
        return Target(site=sites[0])
    raise PermissionDenied("您没有查看统计数据的权限。", "You may not see statistics.")
