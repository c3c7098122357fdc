"""Public disclosure pages (no sign-in): the unit tree and each unit's published figures (SPEC §9).

The figures come from the cached report (public_cache); only the page around them is rendered per
request, so a repeat visit costs no database query. Errors are pages with a Chinese and an English message.
"""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from bianmin.core.errors import DomainError

from . import leagues, public_cache, report


def _error(request, exc: DomainError):
    return render(request, "error.html", {"status": exc.status, "message_zh": exc.zh, "message_en": exc.en},
                  status=exc.status)


def _page(request, template: str, parts: tuple, build, around=None):
    """The cached report `r`, and what `around(request, r)` adds for this request only (never cached)."""
    try:
        data = public_cache.fetch(request, parts, build)
    except DomainError as exc:
        return _error(request, exc)
    context = {"r": data, **(around(request, data) if around else {})}
    return public_cache.add_headers(request, render(request, template, context))


@require_safe
def index(request):
    return _page(request, "disclosure/index.html", ("index",), report.index_report)


@require_safe
def unit(request, unit_id: int):
    return _page(request, "disclosure/unit.html", ("unit", unit_id), lambda: report.unit_report(unit_id),
                 around=_league_view)


def _league_view(request, data: dict) -> dict:
    """The rankings as shown: the top of each table, or every entry the report holds with ?all=1."""
    whole = request.GET.get("all") == "1"
    return {"league_tables": leagues.on_page(data["leagues"]["tables"], whole), "all_leagues": whole}
