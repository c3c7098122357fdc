"""Which units a person may act on for comments, assessments and surveys (DESIGN rule 3).

Ratings are scoped by site (a centre manager sees the ratings of the centre). Comments, assessment
results and surveys belong to a *unit*, not a site, so they are scoped by unit path:

- a membership on a unit covers that unit's whole subtree;
- a membership limited to one site covers only that site's own unit (a township centre's manager
  does not act for the whole township tree, and a county centre's manager not for the townships);
- a superuser covers everything.
"""
from __future__ import annotations

from bianmin.orgs import scoping
from bianmin.orgs.models import Unit


def unit_scope(field: str = "path") -> scoping.Scope:
    """Rows that belong to the unit whose path is in `field`, reached as this module's docstring says."""
    return scoping.Scope(unit_path=field, site_memberships=scoping.SITE_OWN_UNIT)


def unit_in_scope(user, action: str, unit: Unit | None) -> bool:
    return scoping.may(user, action, unit, unit_scope())


def path_in_scope(user, action: str, path: str) -> bool:
    """For imports that ask of many units: the reached paths are read once per person and action."""
    if getattr(user, "is_superuser", False):
        return True
    cache = user.__dict__.setdefault("_bianmin_reached_paths", {})
    if action not in cache:
        cache[action] = set(units_in_scope(user, action).values_list("path", flat=True))
    return path in cache[action]


def units_in_scope(user, action: str):
    """Units the user may act on, in tree order."""
    return scoping.units_for(user, action, unit_scope()).order_by("path")
