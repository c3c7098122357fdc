"""Links to the service guides of a unit; the guides themselves are the portal's pages (bianmin/portal).

A unit's items are those its subtree accepts (the accepting unit is the unit or below it) and those
accepted at the windows of its sites (a county centre's comprehensive windows take items of many
departments). Only public items, as the portal defines them (catalog.selectors.public_items).
"""
from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from bianmin.catalog import selectors
from bianmin.orgs.models import Unit

LIMIT = 30  # links on the page; the rest are one search away on the portal


def of_unit(unit: Unit, limit: int = LIMIT) -> dict:
    items = selectors.public_items().filter(
        Q(accepting_unit__path__startswith=unit.path) | Q(windows__site__unit__path__startswith=unit.path)
    ).distinct()
    first = selectors.with_versions(items.order_by("-high_frequency", "search_pinyin", "code")[:limit])
    return {
        "total": items.count(),
        "items": [{"code": e.item.code, "name": e.guide.get("name") or e.item.name,
                   "url": reverse("portal:guide", args=[e.item.code])} for e in first],
        "more_url": reverse("portal:home"),
    }
