"""A whole league table, a page at a time (workbench/stats/league/): the dashboard shows the first ten of
each; a supervisor looking for one window among a province's thousands pages through the rest here.

Ranked in the database (ranking.league_page), so page 90 of a province's staff costs what page 1 does.
"""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from . import ranking
from .views_dashboard import DashboardFilterForm, breadcrumbs, period_of, target_query, targets

PAGE_SIZE = 50
MAX_PAGE = 10**6  # larger page numbers are a typo: dropped as invalid, like any other bad filter


class LeagueFilterForm(DashboardFilterForm):
    level = forms.ChoiceField(required=False, choices=list(ranking.LEVEL_LABELS.items()), widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, widget=forms.HiddenInput)


class _Size:
    """What Paginator needs of a table it does not hold: its size (the rows come from the database)."""

    def __init__(self, total: int) -> None:
        self.total = total

    def count(self) -> int:
        return self.total

    def __getitem__(self, _slice):
        return []


@login_required
def league_table(request):
    form = LeagueFilterForm(request.GET or None)
    data = form.valid_data()
    top, target = targets(request.user, data)
    date_from, date_to = period_of(data)
    levels = list(ranking.LEVEL_LABELS) if target.unit else ["window", "staff", "department"]
    level = data.get("level") if data.get("level") in levels else levels[1 if target.unit else 0]
    number = data.get("page") or 1
    table = ranking.league_with_change(target, level, date_from, date_to, limit=PAGE_SIZE,
                                       offset=(number - 1) * PAGE_SIZE)
    page = Paginator(_Size(table.total), PAGE_SIZE).get_page(number)
    if page.number != number:  # past the last page: show the last one
        table = ranking.league_with_change(target, level, date_from, date_to, limit=PAGE_SIZE,
                                           offset=(page.number - 1) * PAGE_SIZE)
    return render(request, "stats/league.html", {
        "form": form, "target": target, "crumbs": breadcrumbs(target, top), "date_from": date_from,
        "date_to": date_to, "level": level, "label": ranking.LEVEL_LABELS[level],
        "levels": [(lv, ranking.LEVEL_LABELS[lv]) for lv in levels], "table": table, "page": page,
        "ranking_definition": ranking.DEFINITION, "target_query": target_query(target),
    })
