"""Public disclosure API (no sign-in): the published figures of a unit, as on its /public/ page.

Both endpoints read the same cached report as the pages (public_cache), answer unknown units with a
404 in Chinese and English and malformed ids with a 422, and carry Cache-Control for proxies.
"""
from __future__ import annotations

from django.http import HttpResponse
from ninja import Path, Router

from . import public_cache, report, units
from .schemas import UnitListOut, UnitOut

router = Router(tags=["public"], auth=None)

LISTED = ("ratings", "good_rate", "satisfaction_index")
UNIT_FIELDS = ("id", "name", "code", "level", "level_label", "kind")
SITE_FIELDS = ("id", "name", "kind", "kind_label", "address", "opening_hours", "phone", "complaint_phone")
TREND_FIELDS = ("month", "from", "to", "ratings", "good", "bad", "good_rate", "bad_rate", "satisfaction_index")
LEAGUE_FIELDS = ("rank", "id", "name", "site", "ratings", "good_rate", "satisfaction_index", "wilson_lower")


def _only(d: dict, fields: tuple) -> dict:
    return {f: d[f] for f in fields}


def _listed(figures: list[dict]) -> list[dict]:
    return [{"period": f["period"], **_only(f, LISTED)} for f in figures]


def as_api(r: dict) -> dict:
    """The published fields of a unit report, picked one by one."""
    period_keys = [p["key"] for p in r["periods"]]
    return {
        **_only(r["unit"], UNIT_FIELDS),
        "as_of": r["as_of"], "generated_at": r["generated_at"],
        "parents": [_only(p, ("id", "name")) for p in r["parents"]],
        "periods": [_only(p, ("key", "label", "from", "to", "range")) for p in r["periods"]],
        "figures": {key: {f["key"]: f["cells"][i]["value"] for f in r["figures"]} for i, key in enumerate(period_keys)},
        "labels": {f["key"]: f["label"] for f in r["figures"]},
        "definitions": {f["key"]: f["definition"] for f in r["figures"]},
        "rectification": r["rectification"]["by_period"],
        "rectification_definitions": {row["key"]: row["definition"] for row in r["rectification"]["rows"]},
        "trend": [_only(m, TREND_FIELDS) for m in r["trend"]],
        "leagues": {"from": r["leagues"]["from"], "to": r["leagues"]["to"], "definition": r["leagues"]["definition"],
                    **{t["key"]: {"total": t["total"], "entries": [_only(e, LEAGUE_FIELDS) for e in t["entries"]]}
                       for t in r["leagues"]["tables"]}},
        "children": [{**_only(c, UNIT_FIELDS), "figures": _listed(c["figures"])} for c in r["children"]],
        "sites": [{**_only(s, SITE_FIELDS), "figures": _listed(s["figures"])} for s in r["sites"]],
        "guides": {"total": r["guides"]["total"], "items": [_only(g, ("code", "name", "url"))
                                                            for g in r["guides"]["items"]]},
    }


def _cacheable(request, response: HttpResponse) -> None:
    public_cache.add_headers(request, response)


@router.get("/public/units", response=UnitListOut, by_alias=True,
            summary="Published units at the top of the tree, with the ids of the units below (no sign-in)",
            description="Walk the tree with GET /api/v1/public/units/{id}, whose `children` list the next level. "
                        "Departments are ranked in their region's `leagues.departments` and have no entry here.")
def list_units(request, response: HttpResponse):
    data = public_cache.fetch(request, ("unit-list",), report.unit_list)
    _cacheable(request, response)
    return {"as_of": data["as_of"],
            "units": [{**_only(u, UNIT_FIELDS), "children": list(u["children"])} for u in data["units"]]}


@router.get("/public/units/{unit_id}", response=UnitOut, by_alias=True,
            summary="The published figures of a unit (no sign-in)",
            description="Rating, case, rectification and hotline figures of the unit and everything below it for "
                        "this month, last month and the last 12 months; a 12-month trend; bad-review tickets by "
                        "stage; league tables of sites, windows and departments (the last 12 months; staff are "
                        "not ranked in public); child units, sites and service guides. Aggregates only: nothing "
                        "about any rater. Cached for BIANMIN['PUBLIC_CACHE_SECONDS']; `?lang=en` for English labels.")
def get_unit(request, response: HttpResponse, unit_id: int = Path(..., ge=1, le=units.MAX_ID)):
    data = public_cache.fetch(request, ("unit", unit_id), lambda: report.unit_report(unit_id))
    _cacheable(request, response)
    return as_api(data)
