"""The published figures of the index and of one unit, as plain data (numbers, strings, lists, dicts).

Pages and API read the same cached report (public_cache); api.as_api() picks the fields the API
publishes. Nothing here reads a rater, a phone number, a name of a person or the text of a comment:
only rollups, ticket counts by status, unit/site/window names and guide titles.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.core import award_parts, timeutil
from bianmin.core.errors import NotFound
from bianmin.core.rates import Rate
from bianmin.orgs.models import Site, Unit
from bianmin.ratings.models import good_in
from bianmin.stats import metrics
from bianmin.stats.metrics import Target

from . import guides, leagues, overview, periods, rectification_status, units

NOT_FOUND = ("该单位不存在或未公开。", "No such unit, or its figures are not published.")
INDEX_PERIODS = (periods.DEFAULT_KEY, "last_12_months")
TREND_LABELS = {"ratings": _("评价数"), "good_rate": _("好评率"), "bad": _("差评数"),
                "satisfaction_index": _("满意度指数")}


def publishable(value) -> bool:
    """Only numbers are published as figures (a Rate, a count, an index, or None for "nothing to count"),
    so no text can ever pass through a figure, whatever metrics adds later."""
    return value is None or isinstance(value, Rate) or (
        isinstance(value, (int, float)) and not isinstance(value, bool))


def number(value) -> int | float | None:
    """A figure as a JSON number: rates as their share (0..1), None when there is nothing to count."""
    return value.value if isinstance(value, Rate) else value


def _stamp(today: dt.date) -> dict:
    """When the report was computed: pages are served from the cache for a few minutes, so say so."""
    moment = timezone.localtime(timeutil.now())
    return {"as_of": today.isoformat(), "generated_at": moment.isoformat(timespec="seconds"),
            "generated_time": moment.strftime("%H:%M")}


# ---------------------------------------------------------------- one unit

def headline_figures(target: Target, heads: list[periods.Period]) -> list[dict]:
    """One row per figure (metrics.rows order, so figures added to metrics appear here), one cell per period."""
    per_period = [metrics.rows(metrics.summary(target, p.date_from, p.date_to)) for p in heads]
    figures = []
    for row_index, row in enumerate(per_period[0]):
        if not all(publishable(rows[row_index].raw) for rows in per_period):
            continue
        cells = []
        for period, rows in zip(heads, per_period):
            cell = rows[row_index]
            raw = cell.raw
            cells.append({"period": period.key, "label": period.label, "value": number(raw), "display": cell.value,
                          "numerator": raw.numerator if isinstance(raw, Rate) else None,
                          "denominator": raw.denominator if isinstance(raw, Rate) else None})
        figures.append({"key": row.key, "label": row.label, "definition": row.definition, "cells": cells})
    return figures


def trend(target: Target, months: list[periods.Period]) -> list[dict]:
    """Rating figures month by month (rating rollups only: twelve small queries instead of twelve summaries)."""
    result = []
    for month in months:
        counts = metrics.rating_counts(target, month.date_from, month.date_to)
        good = good_in(counts)
        good_rate, bad_rate = Rate(good, counts["ratings"]), Rate(counts["bad"], counts["ratings"])
        index = metrics.satisfaction_index(counts)
        result.append({"month": month.key, "from": month.date_from.isoformat(), "to": month.date_to.isoformat(),
                       "ratings": counts["ratings"], "good": good, "bad": counts["bad"],
                       "good_rate": good_rate.value, "good_rate_display": good_rate.percent,
                       # Width of the bar drawn next to the rate, in percent (a string: no locale formatting).
                       "bar": "" if good_rate.value is None else f"{good_rate.value * 100:.1f}",
                       "bad_rate": bad_rate.value, "satisfaction_index": index,
                       "satisfaction_index_display": metrics.display(index)})
    return result


def rectification(target: Target, heads: list[periods.Period], figures: list[dict] | None = None) -> dict:
    per_period = {p.key: rectification_status.counts(target.tickets(), p.date_from, p.date_to) for p in heads}
    rows = [{"key": key, "label": str(label), "definition": str(rectification_status.DEFINITIONS[key]),
             "cells": [{"period": p.key, "label": p.label, "count": per_period[p.key][key]} for p in heads]}
            for key, label in rectification_status.LABELS.items()]
    bad = {c["period"]: c["value"] for f in figures or [] if f["key"] == "bad" for c in f["cells"]}
    notes = [{"period": p.key, "label": p.label,
              "text": rectification_status.reconcile(per_period[p.key], bad.get(p.key),
                                                     rectification_status.complaints(target.tickets(),
                                                                                     p.date_from, p.date_to))}
             for p in heads if p.key in bad]
    return {"by_period": per_period, "rows": rows, "notes": [n for n in notes if n["text"]]}


HIGHLIGHTS = ("satisfaction_index", "good_rate")


def highlights(figures: list[dict]) -> list[dict]:
    """The two figures a citizen looks for first, this month and over the twelve months."""
    by_key = {f["key"]: f for f in figures}
    return [{"label": f"{c['label']} · {by_key[key]['label']}", "display": c["display"]}
            for key in HIGHLIGHTS if key in by_key for c in by_key[key]["cells"] if c["period"] in INDEX_PERIODS]


def _listed(objects, refs, figures, listed) -> list[dict]:
    return [{**refs(o), "figures": overview.pick(figures, o.pk, listed)} for o in objects]


def unit_report(unit_id: int, today: dt.date | None = None) -> dict:
    unit = units.find(unit_id)
    if unit is None:
        raise NotFound(*NOT_FOUND)
    today = today or timeutil.today()
    heads = periods.headline(today)
    listed = [p for p in heads if p.key in INDEX_PERIODS]
    target = Target(unit=unit)
    kids = units.children(unit)
    sites = list(Site.objects.filter(unit=unit).order_by("name", "pk"))
    figures = headline_figures(target, heads)
    return {
        **_stamp(today),
        "unit": units.ref(unit),
        "parents": units.parents(unit),
        "periods": [p.as_dict() for p in heads],
        "figures": figures,
        "highlights": highlights(figures),
        "trend": trend(target, periods.trend_months(today)),
        "trend_labels": {k: str(v) for k, v in TREND_LABELS.items()},
        "rectification": rectification(target, heads, figures),
        "leagues": leagues.tables(target, periods.by_key(heads)["last_12_months"]),
        "children": _listed(kids, units.ref, overview.for_units(listed, [u.pk for u in kids]), listed),
        "sites": _listed(sites, units.site_ref, overview.for_sites(listed, [s.pk for s in sites]), listed),
        "guides": guides.of_unit(unit),
        # The 流动红旗 held now in the unit's subtree (staffops, through core.award_parts): window names only.
        "red_flags": award_parts.part(award_parts.red_flags_of_unit, unit, today) or [],
    }


# ---------------------------------------------------------------- the index

def _node(unit: Unit, depth: int, kids: dict, sites: dict, figs: tuple, listed: list) -> dict:
    unit_figs, site_figs = figs
    return {
        **units.ref(unit), "depth": depth, "figures": overview.pick(unit_figs, unit.pk, listed),
        # Below the county level the list gets long: the page folds a county's townships away.
        "fold": depth >= 2 or unit.level in (Unit.Level.COUNTY, Unit.Level.TOWNSHIP),
        "sites": [{**units.site_ref(s), "figures": overview.pick(site_figs, s.pk, listed)}
                  for s in sites.get(unit.pk, [])],
        "children": [_node(k, depth + 1, kids, sites, figs, listed) for k in kids.get(unit.pk, [])],
    }


def index_report(today: dt.date | None = None) -> dict:
    today = today or timeutil.today()
    listed = [p for p in periods.headline(today) if p.key in INDEX_PERIODS]
    all_units = sorted(units.index_units(), key=units.order_key)
    kids: dict[int, list[Unit]] = {}
    for u in all_units:
        kids.setdefault(u.parent_id, []).append(u)
    sites: dict[int, list[Site]] = {}
    for s in units.index_sites():
        sites.setdefault(s.unit_id, []).append(s)
    figs = (overview.for_units(listed, units.index_units()), overview.for_sites(listed, units.index_sites()))
    return {
        **_stamp(today),
        "periods": [p.as_dict() for p in listed],
        "definitions": [str(metrics.DEFINITIONS[k]) for k in ("satisfaction_index", "good_rate")],
        "tree": [_node(u, 0, kids, sites, figs, listed) for u in units.top_level(all_units)],
    }


def unit_list(today: dt.date | None = None) -> dict:
    """The top of the tree for API clients: top-level units with the ids of their children."""
    today = today or timeutil.today()
    tops = list(units.published_units().filter(Q(parent__isnull=True) | ~Q(parent__kind__in=units.PUBLISHED_KINDS)))
    child_ids: dict[int, list[Unit]] = {}
    for u in units.published_units().filter(parent__in=tops):
        child_ids.setdefault(u.parent_id, []).append(u)
    return {**_stamp(today), "units": [
        {**units.ref(u), "children": [c.pk for c in sorted(child_ids.get(u.pk, []), key=units.order_key)]}
        for u in sorted(tops, key=units.order_key)]}
