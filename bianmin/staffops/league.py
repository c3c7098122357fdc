"""The league by points (issue 17 §7): the windows and the front-line staff of a site or a unit's subtree ranked by
their monthly score, shown on the dashboard beside the rating league and in the monthly report.

Rank: more points first, then the window label / work id (stable). Everybody starts at 100, so the table is read
from the bottom as much as from the top: `lowest` holds the last entries. Each window says whether it won the
month's 流动红旗."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q, Sum

from bianmin.orgs.models import Staff, Window, WindowPost

from . import scoring
from .models import Award, Deduction

ROWS = 10


def _where(site=None, unit=None, prefix: str = "") -> Q:
    if site is not None:
        return Q(**{f"{prefix}site": site})
    return Q(**{f"{prefix}site__unit__path__startswith": unit.path})


def _lost(key: str, hits: Q, ids: list[int], month: dt.date) -> dict[int, int]:
    return dict(Deduction.objects.filter(hits, **{f"{key}__in": ids}, month=month, reversed=False)
                .values_list(key).annotate(points=Sum("points")).values_list(key, "points"))


def windows(month: dt.date, *, site=None, unit=None) -> list[dict]:
    """Every window of the scope with its points for the month, ranked."""
    month = scoring.month_start(month)
    rows = list(Window.objects.filter(_where(site, unit)).values_list("pk", "number", "name", "site__name"))
    lost = _lost("window_id", Q(hits_window=True), [r[0] for r in rows], month) if rows else {}
    flags = set(Award.objects.filter(_where(site, unit), kind=Award.Kind.RED_FLAG, period=month)
                .values_list("window_id", flat=True))
    entries = [{"id": pk, "name": Window.label(number, name), "site_name": site_name,
                "points": scoring.FULL_MARKS - (lost.get(pk) or 0), "red_flag": pk in flags}
               for pk, number, name, site_name in rows]
    entries.sort(key=lambda e: (-e["points"], e["site_name"], e["name"], e["id"]))
    for rank, e in enumerate(entries, 1):
        e["rank"] = rank
    return entries


def staff(month: dt.date, *, site=None, unit=None) -> list[dict]:
    """Every active person posted at a window of the scope with their points for the month, ranked."""
    month = scoring.month_start(month)
    posted = WindowPost.objects.filter(_where(site, unit, "window__")).values("staff_id")
    rows = list(Staff.objects.filter(pk__in=posted, active=True).values_list("pk", "name", "work_id"))
    lost = _lost("staff_id", Q(hits_person=True), [r[0] for r in rows], month) if rows else {}
    entries = [{"id": pk, "name": Staff.label(name, work_id), "work_id": work_id,
                "points": scoring.FULL_MARKS - (lost.get(pk) or 0)} for pk, name, work_id in rows]
    entries.sort(key=lambda e: (-e["points"], e["work_id"]))
    for rank, e in enumerate(entries, 1):
        e["rank"] = rank
    return entries


def _table(entries: list[dict], limit: int) -> dict:
    top = entries[:limit]
    shown = {e["id"] for e in top}
    return {"entries": top, "lowest": [e for e in entries[-3:] if e["id"] not in shown], "total": len(entries)}


def points_league(month: dt.date, *, site=None, unit=None, limit: int = ROWS) -> dict:
    """The dashboard's league by points: {"month", "windows": {"entries", "lowest", "total"}, "staff": {…}}."""
    month = scoring.month_start(month)
    return {"month": month, "windows": _table(windows(month, site=site, unit=unit), limit),
            "staff": _table(staff(month, site=site, unit=unit), limit)}
