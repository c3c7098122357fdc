"""League tables the portal publishes: sites, windows and departments (ranking.league, SPEC §9).

Staff-level rankings are not published. A ranking of named people is personnel assessment data for the
centre and the supervisors (it feeds warnings and appraisals, SPEC §8); made public it would single out a
clerk for a handful of ratings. Sites, windows (named by number and name) and departments are the
accountable places and bodies the policy asks to rank in public.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bianmin.core.rates import Rate
from bianmin.stats import metrics, ranking
from bianmin.stats.metrics import Target

from .periods import Period

LEVELS = {"sites": "site", "windows": "window", "departments": "department"}
TITLES = {"sites": _("服务场所排行"), "windows": _("窗口排行"), "departments": _("部门排行")}
LIMIT = 50  # entries per table; a province has thousands of windows, the county pages rank them all
# The unit page shows the top of each table; the rest is one link away (?all=1). Fifty windows in full made a
# county's page about 40,000 px tall on a phone, and most readers look for the top and their own hall.
PAGE_TOP = 10


def on_page(tables: list[dict], whole: bool) -> list[dict]:
    """The tables as the unit page shows them: each with `shown` (its top PAGE_TOP entries, or all with `whole`)
    and `more` (entries left off). New dicts: the cached report is shared and must not change."""
    result = []
    for t in tables:
        shown = t["entries"] if whole else t["entries"][:PAGE_TOP]
        result.append({**t, "shown": shown, "more": len(t["entries"]) - len(shown)})
    return result


def _entry(e: dict) -> dict:
    """The published fields of one league entry, picked one by one: nothing else leaves."""
    return {"rank": e["rank"], "id": e["id"], "name": e["name"], "site": e.get("site_name"), "ratings": e["ratings"],
            "good_rate": e["good_rate"], "good_rate_display": Rate(e["good"], e["ratings"]).percent,
            "satisfaction_index": e["satisfaction_index"],
            "satisfaction_index_display": metrics.display(e["satisfaction_index"]),
            "wilson_lower": e["wilson_lower"]}


def tables(target: Target, period: Period, limit: int = LIMIT) -> dict:
    result = {"from": period.date_from.isoformat(), "to": period.date_to.isoformat(),
              "label": period.label, "definition": str(ranking.DEFINITION), "tables": []}
    for key, level in LEVELS.items():
        ranked = ranking.league_page(target, level, period.date_from, period.date_to, limit=limit)
        entries = [_entry(e) for e in ranked.entries]
        result["tables"].append({"key": key, "title": str(TITLES[key]), "total": ranked.total, "entries": entries})
    result["any"] = any(t["entries"] for t in result["tables"])
    return result
