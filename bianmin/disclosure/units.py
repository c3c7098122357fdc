"""Which units the portal publishes, and the unit tree of the index page.

The Unit model has no "public" flag: every region and every public-service enterprise is published.
Departments (kind=department) get no page of their own: their ratings are recorded by the department
dimension, not on a region path, so metrics.summary of a department would show a fraction of its
ratings and mislead. They appear, fully counted, in the department league table of each region.
Villages and grid cells have pages (linked from their township's page) but are left out of the index
tree, which would otherwise list tens of thousands of rows for a province.
"""
from __future__ import annotations

from bianmin.orgs.models import Site, Unit

PUBLISHED_KINDS = (Unit.Kind.REGION, Unit.Kind.ENTERPRISE)
INDEX_LEVELS = (Unit.Level.PROVINCE, Unit.Level.CITY, Unit.Level.COUNTY, Unit.Level.TOWNSHIP)
MAX_ID = 2**63 - 1  # ids beyond a 64-bit integer are not ids (and would overflow the database driver)


def published_units():
    return Unit.objects.filter(kind__in=PUBLISHED_KINDS)


def find(unit_id: int) -> Unit | None:
    if not 0 < unit_id <= MAX_ID:
        return None
    return published_units().filter(pk=unit_id).first()


def order_key(unit: Unit) -> tuple:
    """Administrative code order where known (how official lists are ordered), then name."""
    return (unit.division_code == "", unit.division_code, unit.name, unit.pk)


def ref(unit: Unit) -> dict:
    return {"id": unit.pk, "name": unit.name, "code": unit.division_code or None, "level": unit.level,
            "level_label": str(unit.get_level_display()), "kind": unit.kind}


def site_ref(site: Site) -> dict:
    """What is public about a site (SPEC §1): where it is, when it is open and the public service numbers."""
    return {"id": site.pk, "name": site.name, "kind": site.kind, "kind_label": str(site.get_kind_display()),
            "address": site.address, "opening_hours": site.opening_hours, "phone": site.phone,
            "complaint_phone": site.complaint_phone}


def parents(unit: Unit) -> list[dict]:
    return [{"id": u.pk, "name": u.name} for u in unit.ancestors().filter(kind__in=PUBLISHED_KINDS)
            if u.pk != unit.pk]


def children(unit: Unit) -> list[Unit]:
    return sorted(published_units().filter(parent=unit), key=order_key)


def index_units():
    return published_units().filter(level__in=INDEX_LEVELS)


def index_sites():
    return Site.objects.filter(unit__kind__in=PUBLISHED_KINDS, unit__level__in=INDEX_LEVELS).order_by(
        "unit_id", "name", "pk")


def top_level(units: list[Unit]) -> list[Unit]:
    """Units whose parent is not in the list (the roots of a possibly partial tree)."""
    ids = {u.pk for u in units}
    return [u for u in units if u.parent_id not in ids]
