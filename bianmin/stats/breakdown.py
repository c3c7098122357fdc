"""The dashboard's series and breakdowns, all read from the rollups: trend over time, level distribution,
the next level down (child regions, then sites, then windows and staff) and sites on the map."""
from __future__ import annotations

import datetime as dt

from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth

from bianmin.orgs.models import Site, Unit
from bianmin.ratings.models import good_in

from . import months
from .metrics import LEVEL_FIELDS, Target, satisfaction_index
from .models import Dimension
from .ranking import wilson_lower

COUNTED = ["ratings", "bad", *LEVEL_FIELDS]
MONTHLY_AFTER_DAYS = 62  # longer periods are shown month by month


def _figures(counts: dict) -> dict:
    ratings = counts["ratings"] or 0
    good = good_in(counts)
    return {"ratings": ratings, "good": good, "bad": counts["bad"] or 0,
            "good_rate": round(good / ratings, 4) if ratings else None,
            "satisfaction_index": satisfaction_index({f: counts[f] or 0 for f in LEVEL_FIELDS}),
            "wilson_lower": wilson_lower(good, ratings)}


def trend(target: Target, date_from: dt.date, date_to: dt.date) -> dict:
    """Ratings, bad ratings, good rate and satisfaction per day (or per month for long periods); every
    step of the period is present, empty ones with no rates, so the chart's axis has no holes."""
    monthly = (date_to - date_from).days >= MONTHLY_AFTER_DAYS
    rows = target.rollups().filter(day__gte=date_from, day__lte=date_to).order_by()
    step = TruncMonth("day") if monthly else F("day")
    sums = {r["step"]: r for r in rows.values(step=step).annotate(**{f: Sum(f) for f in COUNTED})}
    empty = dict.fromkeys(COUNTED, 0)
    points = []
    for day in _steps(date_from, date_to, monthly):
        figures = _figures(sums.get(day, empty))
        points.append({"step": day.strftime("%Y-%m") if monthly else day.isoformat(), **figures})
    return {"monthly": monthly, "points": points}


def distribution(counts: dict) -> list[dict]:
    """Ratings per level, best first (for the level chart)."""
    return [{"level": level, "count": counts.get(level, 0)} for level in LEVEL_FIELDS]


def children(target: Target, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """The next level down, for comparison and drill-down: the child regions of a unit and the sites
    hanging directly off it; nothing for a site (its windows and staff are league tables)."""
    if target.site:
        return []
    units = {str(u.pk): u for u in Unit.objects.filter(parent=target.unit, kind=Unit.Kind.REGION)}
    sites = {str(s.pk): s for s in Site.objects.filter(unit=target.unit)}
    entries = []
    for dimension, objects, kind in ((Dimension.REGION, units, "unit"), (Dimension.SITE, sites, "site")):
        if not objects:
            continue
        sums = {r["key"]: r for r in months.period_sums(dimension, date_from, date_to, COUNTED,
                                                        where=Q(key__in=list(objects)))}
        for key, obj in objects.items():
            entries.append({"kind": kind, "id": obj.pk, "name": obj.name,
                            **_figures(sums.get(key, dict.fromkeys(COUNTED, 0)))})
    entries.sort(key=lambda e: (e["wilson_lower"] is None, -(e["wilson_lower"] or 0), -e["ratings"], e["name"]))
    return entries


def map_points(target: Target, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """Sites of the target that have coordinates, with their figures (the map shows nothing else)."""
    sites = Site.objects.filter(latitude__isnull=False, longitude__isnull=False)
    sites = sites.filter(pk=target.site.pk) if target.site else sites.filter(unit__path__startswith=target.unit.path)
    sites = {str(s.pk): s for s in sites}
    if not sites:
        return []
    sums = {r["key"]: r for r in months.period_sums(Dimension.SITE, date_from, date_to, COUNTED,
                                                    where=Q(key__in=list(sites)))}
    return [{"id": s.pk, "name": s.name, "lat": float(s.latitude), "lng": float(s.longitude),
             **_figures(sums.get(key, dict.fromkeys(COUNTED, 0)))} for key, s in sites.items()]


def _steps(date_from: dt.date, date_to: dt.date, monthly: bool) -> list[dt.date]:
    steps, day = [], date_from.replace(day=1) if monthly else date_from
    while day <= date_to:
        steps.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) if monthly else day + dt.timedelta(days=1)
    return steps
