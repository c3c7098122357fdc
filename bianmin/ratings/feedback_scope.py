"""Which units a person may act on for comments, assessments and surveys (DESIGN rule 3).

Ratings are scoped by site (a centre manager sees the ratings of the centre). Comments, assessment
results and surveys belong to a *unit*, not a site, so they are scoped by unit path:

- a membership on a unit covers that unit's whole subtree;
- a membership limited to one site covers only that site's own unit (a township centre's manager
  does not act for the whole township tree, and a county centre's manager not for the townships);
- a superuser covers everything.
"""
from __future__ import annotations

from django.db.models import Q

from bianmin.orgs.models import Unit
from bianmin.orgs.scoping import NOTHING, memberships_for


def _site_unit_path(m) -> str:
    return m.site.unit.path


def unit_path_q(user, action: str, field: str = "path") -> Q:
    """Rows whose unit path (in `field`) lies in the user's scope for `action`."""
    if getattr(user, "is_superuser", False):
        return Q()
    q = NOTHING
    for m in memberships_for(user, action):
        if m.site_id:
            q |= Q(**{field: _site_unit_path(m)})
        else:
            q |= Q(**{f"{field}__startswith": m.unit.path})
    return q


def path_in_scope(user, action: str, path: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    if not path:
        return False
    for m in memberships_for(user, action):
        if m.site_id:
            if path == _site_unit_path(m):
                return True
        elif path.startswith(m.unit.path):
            return True
    return False


def unit_in_scope(user, action: str, unit: Unit) -> bool:
    return path_in_scope(user, action, unit.path)


def units_in_scope(user, action: str):
    """Units the user may act on, in tree order."""
    return Unit.objects.filter(unit_path_q(user, action)).order_by("path")
