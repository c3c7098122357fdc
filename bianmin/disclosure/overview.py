"""Satisfaction index and good rate of many units (or sites) at once, for the index tree and the lists of
child units and sites.

metrics.summary answers for one target with a dozen queries; the index shows every unit down to the
townships, so this module reads the same rollups with one GROUP BY per period and dimension and
applies the same formulas (metrics.satisfaction_index, Rate). tests/test_disclosure.py checks that the
two agree. It lives here because bianmin/stats is the lead engineer's module.
"""
from __future__ import annotations

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from bianmin.core.rates import Rate
from bianmin.ratings.models import good_in
from bianmin.stats import metrics, months
from bianmin.stats.models import Dimension

from .periods import Period

FIELDS = ["ratings", *metrics.LEVEL_FIELDS]


def figures_of(counts: dict) -> dict:
    good = good_in(counts)
    rate = Rate(good, counts["ratings"])
    index = metrics.satisfaction_index(counts)
    return {"ratings": counts["ratings"], "good_rate": rate.value, "good_rate_display": rate.percent,
            "satisfaction_index": index, "satisfaction_index_display": metrics.display(index)}


EMPTY = figures_of(dict.fromkeys(FIELDS, 0))


def _keys(keys: list[int] | QuerySet):
    """Rollup keys are text; a queryset of units or sites becomes a subquery of their ids as text, so the
    index reads only the rows of the units it lists (not every village's) without a long IN list."""
    if isinstance(keys, QuerySet):
        return keys.order_by().annotate(key_text=Cast("pk", CharField())).values("key_text")
    return [str(k) for k in keys]


def by_key(dimension: str, period: Period, keys: list[int] | QuerySet) -> dict[int, dict]:
    """Figures per key of a dimension (region: a unit id, its subtree included; site: a site id)."""
    sums = months.period_sums(dimension, period.date_from, period.date_to, FIELDS, where=Q(key__in=_keys(keys)))
    return {int(s["key"]): figures_of({f: s[f] or 0 for f in FIELDS}) for s in sums}


def for_units(periods: list[Period], units: list[int] | QuerySet) -> dict[str, dict[int, dict]]:
    return {p.key: by_key(Dimension.REGION, p, units) for p in periods}


def for_sites(periods: list[Period], sites: list[int] | QuerySet) -> dict[str, dict[int, dict]]:
    return {p.key: by_key(Dimension.SITE, p, sites) for p in periods}


def pick(figures: dict[str, dict[int, dict]], key: int, periods: list[Period]) -> list[dict]:
    """One unit's (or site's) figures, period by period; a key with no rollup rows has nothing to count."""
    return [{"period": p.key, "label": p.label, **figures[p.key].get(key, EMPTY)} for p in periods]
