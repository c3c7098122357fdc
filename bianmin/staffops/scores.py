"""Reading scores: a person's or a window's month (score, its deduction lines, the warnings) and the scores of many
at once for boards and leagues. The arithmetic is scoring.score; the rows are what staffops.facts derived. Callers
scope first (selectors) — these functions read whatever subject they are given."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, Sum

from . import scoring
from .models import Deduction, EfficiencyWarning


@dataclass
class Sheet:
    month: dt.date
    score: int
    deductions: list = field(default_factory=list)  # Deduction rows, reversed ones included (shown struck through)
    warnings: list = field(default_factory=list)  # EfficiencyWarning rows of the month

    def as_lines(self) -> list[scoring.Line]:
        return [scoring.Line(d.rule_code, d.points, d.reversed, d.bars_award) for d in self.deductions]


def _sheet(condition: Q, month: dt.date, warnings: Q | None) -> Sheet:
    rows = list(Deduction.objects.filter(condition, month=month).select_related("window", "staff", "ticket")
                .order_by("at", "pk"))
    found = list(EfficiencyWarning.objects.filter(warnings, period=month).order_by("at", "pk")) if warnings else []
    sheet = Sheet(month, 0, rows, found)
    sheet.score = scoring.score(sheet.as_lines())
    return sheet


def staff_sheet(staff, month: dt.date) -> Sheet:
    return _sheet(Q(staff=staff, hits_person=True), scoring.month_start(month), Q(staff=staff))


def window_sheet(window, month: dt.date) -> Sheet:
    staff_ids = list(window.posts.values_list("staff_id", flat=True))
    return _sheet(Q(window=window, hits_window=True), scoring.month_start(month),
                  Q(staff_id__in=staff_ids) if staff_ids else None)


def _totals(condition: Q, key: str, ids, month: dt.date) -> dict[int, int]:
    lost = dict(Deduction.objects.filter(condition, **{f"{key}__in": list(ids)}, month=scoring.month_start(month),
                                         reversed=False)
                .values_list(key).annotate(points=Sum("points")).values_list(key, "points"))
    return {i: scoring.FULL_MARKS - (lost.get(i) or 0) for i in ids}


def staff_scores(staff_ids, month: dt.date) -> dict[int, int]:
    """{staff id: the month's score} in one query (100 for somebody with no deduction)."""
    return _totals(Q(hits_person=True), "staff_id", staff_ids, month)


def window_scores(window_ids, month: dt.date) -> dict[int, int]:
    return _totals(Q(hits_window=True), "window_id", window_ids, month)


def annual_scores(key: str, ids, year: int, until: dt.date | None = None) -> dict[int, tuple]:
    """{id: (annual score, barred)} for staff (key "staff_id") or windows ("window_id"): the mean of the monthly
    scores of the year (up to `until`'s month), and whether any standing deduction of the year bars awards."""
    months = scoring.months_of_year(year, until)
    hits = Q(hits_person=True) if key == "staff_id" else Q(hits_window=True)
    lost: dict[tuple[int, dt.date], int] = {}
    barred: set[int] = set()
    for subject, month, points, bars in (Deduction.objects.filter(hits, **{f"{key}__in": list(ids)},
                                                                  month__in=months, reversed=False)
                                         .values_list(key, "month", "points", "bars_award")):
        lost[(subject, month)] = lost.get((subject, month), 0) + points
        if bars:
            barred.add(subject)
    return {i: (scoring.annual_score([scoring.FULL_MARKS - lost.get((i, m), 0) for m in months]), i in barred)
            for i in ids}
