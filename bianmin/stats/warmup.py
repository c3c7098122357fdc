"""Warm the default views after each statistics sweep (issue #15: the first hot-spot page took 6.6 s at demo
size — jieba's dictionary and the segmentation of every text — and the first portal page a dozen queries).

The worker computes, for the default scopes people open first — the top-level units (a superuser's and the
portal's) and the units and sites of the grants that may see statistics (a supervisor's county, a
manager's centre), broadest first and at most MAX_TARGETS — and the default period (periods.default_period), the hot spots of all sources and the dashboard's league tables
(with their previous period), and the portal's index report in every interface language, into the shared
cache. What is already cached is not recomputed, so a sweep
costs a few cache reads when nothing expired. It helps the web processes only when they share the cache
with the worker (CACHE_URL=db or redis://…, core/cache_config.py); under a per-process cache it still
loads jieba and fills the worker's own cache, harmlessly.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.utils import translation

from bianmin.orgs import scoping
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action

from . import periods
from .hotspot_sources import KINDS
from .metrics import Target

logger = logging.getLogger(__name__)
MAX_TARGETS = 10  # scopes warmed per sweep: the broadest (a province's, its cities') come first


def default_targets() -> list[Target]:
    """Where the dashboard and the hot spots open for the people who may see them (stats.scope.default_target
    of each), broadest first."""
    grants = scoping.grants_allowing(Action.VIEW_STATS)
    units = {u.pk: u for u in Unit.objects.filter(parent__isnull=True)}
    sites = {}
    for m in grants:
        if m.site_id:
            sites[m.site_id] = m.site
        elif m.unit_id:
            units[m.unit_id] = m.unit
    found = [(u.path.count("/"), u.path, Target(unit=u)) for u in units.values()]
    found += [(s.unit.path.count("/") + 1, f"{s.unit.path}~{s.pk}", Target(site=s)) for s in sites.values()]
    return [target for _depth, _path, target in sorted(found, key=lambda t: (t[0], t[1]))[:MAX_TARGETS]]


def warm() -> int:
    """Compute the default hot spots and portal index into the cache; returns how many views were warmed."""
    from bianmin.disclosure import public_cache, report

    from . import hotspots, ranking
    from .models import Dimension
    from .views_dashboard import LEAGUE_ROWS

    date_from, date_to = periods.default_period()
    warmed = 0
    for target in default_targets():
        hotspots.analyse(target, date_from, date_to, KINDS)
        for level in (Dimension.SITE, Dimension.WINDOW, Dimension.STAFF):  # the dashboard's three tables
            ranking.league_with_change(target, level, date_from, date_to, limit=LEAGUE_ROWS)
        warmed += 1
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            public_cache.warm(("index",), report.index_report)
        warmed += 1
    return warmed
