"""The hot-spots page (堵点难点, workbench/stats/hotspots/): recurring themes of a scope and period, and the
source records of one theme (?term=…), each linked to its own page, with personal data masked."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from bianmin.core import timeutil
from bianmin.core.errors import InvalidInput, NotFound
from bianmin.core.errors import PermissionDenied as NoRight

from . import periods, scope
from .api import period
from .hotspot_display import describe
from .hotspot_forms import HotspotFilterForm, scope_options
from .hotspot_sources import KIND_LABELS, KINDS
from .hotspots import analyse, records_with, term_words

RECORDS_PER_PAGE = 30
TABLE_THEMES = 30  # themes in the table; the rest are listed compactly below it


def _presets(today: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    first = today.replace(day=1)
    last_month_end = first - dt.timedelta(days=1)
    default_from, default_to = periods.default_period(today)
    return [(str(_("近30天")), default_from, default_to), (str(_("本月至今")), first, today),
            (str(_("上月")), last_month_end.replace(day=1), last_month_end),
            (str(_("今年")), today.replace(month=1, day=1), today)]


def _params(request):
    """The query, with the deep-link form ?unit=5 / ?site=3 (from other pages) turned into `scope`."""
    params = request.GET.copy()
    if not params.get("date_from") and not params.get("date_to"):
        # The date fields show the period analysed (they stayed empty while the default was applied).
        default_from, default_to = periods.default_period()
        params["date_from"], params["date_to"] = default_from.isoformat(), default_to.isoformat()
    if not params.get("scope"):
        for kind in ("site", "unit"):
            if params.get(kind):
                params["scope"] = f"{kind}-{params[kind]}"
                break
    return params


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


@login_required
def hotspots(request):
    user = request.user
    form = HotspotFilterForm(_params(request), options=scope_options(user))
    data = form.valid_data()
    chosen = data.get("scope")
    try:
        target = scope.resolve(user, chosen[1] if chosen and chosen[0] == "unit" else None,
                               chosen[1] if chosen and chosen[0] == "site" else None)
    except NotFound:
        raise Http404 from None
    except NoRight:
        raise Forbidden from None
    period_error = None
    try:
        date_from, date_to = period(data.get("date_from"), data.get("date_to"))
    except InvalidInput as exc:  # e.g. a period of more than ten years: say so, show the default period
        period_error = exc
        date_from, date_to = period(None, None)
    kinds = (data["source"],) if data.get("source") else KINDS
    analysis = analyse(target, date_from, date_to, kinds)

    term = data.get("term") or ""
    page = None
    if term:
        words = term_words(term)
        found = records_with(target, date_from, date_to, term, kinds, since=analysis.since)
        page = Paginator(found, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
        page.object_list = [describe(r, words) for r in page.object_list]

    themes = [{"theme": t, "percent": _percent(t.share), "bar": round(t.share * 100)} for t in analysis.themes]
    return render(request, "stats/hotspots.html", {
        "form": form, "period_error": period_error, "target": target,
        "target_name": target.site.name if target.site else target.unit.name,
        "date_from": date_from, "date_to": date_to, "period_label": periods.describe(date_from, date_to),
        "presets": _presets(timeutil.today()),
        "analysis": analysis, "kind_counts": [(KIND_LABELS[k], analysis.by_kind.get(k, 0)) for k in kinds],
        "themes": themes[:TABLE_THEMES], "more_themes": themes[TABLE_THEMES:],
        "pairs": [{"pair": p, "term": " ".join(p.terms), "percent": _percent(p.share)} for p in analysis.pairs],
        "term": term, "page": page,
    })
