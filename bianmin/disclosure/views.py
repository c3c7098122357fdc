"""Public disclosure pages (no sign-in): the unit tree and each unit's published figures (SPEC §9).

The figures come from the cached report (public_cache); only the page around them is rendered per
request, so a repeat visit costs no database query. Errors are pages with a Chinese and an English message.
"""
from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_safe

from bianmin.core.errors import DomainError

from . import public_cache, report


def _error(request, exc: DomainError):
    return render(request, "error.html", {"status": exc.status, "message_zh": exc.zh, "message_en": exc.en},
                  status=exc.status)


def _page(request, template: str, parts: tuple, build):
    try:
        data = public_cache.fetch(request, parts, build)
    except DomainError as exc:
        return _error(request, exc)
    return public_cache.add_headers(request, render(request, template, {"r": data}))


@require_safe
def index(request):
    return _page(request, "disclosure/index.html", ("index",), report.index_report)


@require_safe
def unit(request, unit_id: int):
    return _page(request, "disclosure/unit.html", ("unit", unit_id), lambda: report.unit_report(unit_id))
