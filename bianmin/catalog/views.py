"""The search-words page (workbench/catalog/search-words/): what citizens searched for and what found nothing, so
managers know which everyday words the synonym dictionary still lacks (issue 15).

The counters hold words only, never who searched (catalog.searchlog); the catalogue and its dictionary serve the
whole platform, so every manager and supervisor sees the same words.
"""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from bianmin.core import timeutil
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can

from .models import SearchSynonym, SearchWordDay

PERIODS = (7, 30, 90)
ROWS = 50


def _words(since: dt.date, *, misses_only: bool) -> list[dict]:
    rows = (SearchWordDay.objects.filter(day__gte=since).values("query")
            .annotate(searches=Sum("count"), missed=Sum("misses")))
    if misses_only:
        rows = rows.filter(missed__gt=0).order_by("-missed", "-searches", "query")
    else:
        rows = rows.order_by("-searches", "-missed", "query")
    return list(rows[:ROWS])


@login_required
def search_words(request):
    # Analytics are for centre managers and above: the same right as the statistics pages.
    if not can(request.user, Perm.VIEW_STATS):
        raise Forbidden
    days = request.GET.get("days", "")
    days_n = int(days) if days.isdigit() and int(days) in PERIODS else 30
    since = timeutil.today() - dt.timedelta(days=days_n - 1)
    known = set(SearchSynonym.objects.values_list("term", flat=True))
    may_edit = request.user.is_staff and request.user.has_perm("catalog.add_searchsynonym")
    add_url = reverse("admin:catalog_searchsynonym_add") if may_edit else ""
    top, missed = _words(since, misses_only=False), _words(since, misses_only=True)
    for row in top + missed:
        row["known"] = row["query"] in known
        row["add_url"] = f"{add_url}?{urlencode({'term': row['query']})}" if add_url and not row["known"] else ""
    return render(request, "catalog/search_words.html", {
        "top": top, "missed": missed, "days": days_n, "periods": PERIODS, "since": since,
        "until": timeutil.today(),
        "synonym_count": len(known), "may_edit": may_edit,
        "synonyms_url": reverse("admin:catalog_searchsynonym_changelist") if may_edit else "",
    })
