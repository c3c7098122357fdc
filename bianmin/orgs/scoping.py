"""Org-scoped access: every query for a signed-in person is filtered here (DESIGN rule 3)."""
from __future__ import annotations

from django.db.models import Q

from .roles import DEPARTMENT_SCOPED_ROLES, role_allows

NOTHING = Q(pk__in=[])


def memberships_for(user, action: str):
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_bianmin_memberships", None)
    if cache is None:
        cache = list(user.memberships.select_related("unit", "site"))
        user._bianmin_memberships = cache
    return [m for m in cache if role_allows(m.role, action)]


def scope_q(user, action: str, *, site_field: str, unit_path_field: str, department_path_field: str | None = None) -> Q:
    """A Q object restricting rows to what `user` may do `action` on.

    `site_field` names the row's site foreign key, `unit_path_field` the path of the unit that site
    hangs off, `department_path_field` the path of the department a row was handed to (if any).
    """
    if getattr(user, "is_superuser", False):
        return Q()
    q = NOTHING
    for m in memberships_for(user, action):
        if m.role in DEPARTMENT_SCOPED_ROLES:
            if department_path_field:
                q |= Q(**{f"{department_path_field}__startswith": m.unit.path})
        elif m.site_id:
            q |= Q(**{site_field: m.site_id})
        else:
            q |= Q(**{f"{unit_path_field}__startswith": m.unit.path})
    return q


def can(user, action: str) -> bool:
    """Does the user hold any role that allows `action` anywhere?"""
    return bool(getattr(user, "is_superuser", False) or memberships_for(user, action))


def sites_for(user, action: str):
    from .models import Site

    return Site.objects.filter(scope_q(user, action, site_field="pk", unit_path_field="unit__path"))
