"""The arithmetic of assessment, pure (no Django): a month's score from its deduction lines, the annual score, the
award eligibility and the order that picks the 流动红旗. Tested without a database (tests/test_staffops_scoring.py).

S002 四: every window and every person starts each month at 100 and loses the points of each deduction; the window
with the month's highest score holds the red flag for the next month; the highest annual score wins the annual
award, and a −50 (a rule that bars awards) or an annual score below 85 excludes."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FULL_MARKS = 100


@dataclass(frozen=True)
class Line:
    rule: str
    points: int
    reversed: bool = False
    bars_award: bool = False


def score(lines: Iterable[Line]) -> int:
    """100 minus the points of the lines that stand (reversed lines count nothing). No floor: a month with more
    deductions than 100 points reads below zero, which is what happened."""
    return FULL_MARKS - sum(line.points for line in lines if not line.reversed)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_of_year(year: int, until: dt.date | None = None) -> list[dt.date]:
    """The first days of the year's months, up to the month of `until` when given (a year still running)."""
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    return [m for m in months if until is None or m <= month_start(until)]


def annual_score(monthly: Sequence[int]) -> Decimal:
    """The annual score: the mean of the monthly scores (each month starts again at 100), to two decimals."""
    if not monthly:
        return Decimal(FULL_MARKS)
    mean = Decimal(sum(monthly)) / Decimal(len(monthly))
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def eligible_for_annual(annual: Decimal, barred: bool, warnings: int, minimum: int) -> bool:
    """S002: below `minimum` (85) or any award-barring deduction (−50) excludes; an efficiency warning in the year
    counts against eligibility too (issue 17 §2)."""
    return not barred and warnings == 0 and annual >= minimum


@dataclass(frozen=True)
class Candidate:
    """A window competing for the month's red flag."""
    key: int  # window id
    points: int
    bound: float | None  # the rating confidence bound of the month (stats.ranking), None without enough ratings
    overdue: int  # cases that ran over their time limit in the month
    label: str = ""


def flag_order(candidate: Candidate) -> tuple:
    """Sort key: more points first, then the higher rating bound (none counts lowest), then fewer overdue cases,
    then the window id (stable)."""
    return (-candidate.points, -(candidate.bound if candidate.bound is not None else -1.0), candidate.overdue,
            candidate.key)


def red_flag(candidates: Iterable[Candidate]) -> tuple[Candidate | None, str]:
    """The winner and how it was decided: "points", "bound" (tie on points broken by the rating bound),
    "overdue" (also tied on the bound) or "id" (tied on everything)."""
    ranked = sorted(candidates, key=flag_order)
    if not ranked:
        return None, ""
    if len(ranked) == 1 or ranked[0].points != ranked[1].points:
        return ranked[0], "points"
    first, second = ranked[0], ranked[1]
    if first.bound != second.bound:
        return first, "bound"
    if first.overdue != second.overdue:
        return first, "overdue"
    return first, "id"
