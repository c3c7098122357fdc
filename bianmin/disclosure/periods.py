"""The periods the portal publishes, all ending on local calendar days (SPEC §9).

Three headline periods: this month so far, last month (the whole, settled month that monthly reports
and 通报 use) and the last twelve months (this month so far plus the eleven whole months before it, so
the headline and the twelve rows of the trend cover exactly the same days).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MONTHS_IN_TREND = 12


@dataclass(frozen=True)
class Period:
    key: str  # stable identifier used in the API: this_month, last_month, last_12_months, 2025-03 …
    label: str
    date_from: dt.date
    date_to: dt.date

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "from": self.date_from.isoformat(),
                "to": self.date_to.isoformat()}


def first_of_month(day: dt.date, months_back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(first: dt.date) -> dt.date:
    return first_of_month(first, -1) - dt.timedelta(days=1)


def headline(today: dt.date) -> list[Period]:
    this_month = first_of_month(today)
    last_month = first_of_month(today, 1)
    return [
        Period("this_month", str(_("本月")), this_month, today),
        Period("last_month", str(_("上月")), last_month, month_end(last_month)),
        Period("last_12_months", str(_("近12个月")), first_of_month(today, MONTHS_IN_TREND - 1), today),
    ]


def trend_months(today: dt.date) -> list[Period]:
    """The twelve months of the trend, oldest first; the current month runs to today."""
    months = []
    for back in range(MONTHS_IN_TREND - 1, -1, -1):
        first = first_of_month(today, back)
        months.append(Period(first.strftime("%Y-%m"), first.strftime("%Y-%m"), first, min(month_end(first), today)))
    return months


def by_key(periods: list[Period]) -> dict[str, Period]:
    return {p.key: p for p in periods}
