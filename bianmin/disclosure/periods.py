"""The periods the portal publishes, all ending on local calendar days (SPEC §9), each named with its dates.

Three headline periods:
- the last 30 days (stats.periods.default_period: the default of the staff dashboard and the API too; "this
  month so far" covered two days on the 2nd of a month);
- last month (the whole, settled month that monthly reports and 通报 use);
- the last twelve months: the twelve whole months before this one. It used to run from the 1st of the
  month eleven months back to today, which in December is simply 1 January to today — a "近12个月" that
  was really "this year". The trend lists exactly these twelve months, so headline and trend agree.
Every period carries `range`, its dates in words ("11月3日—12月2日", "2025年12月—2026年11月"), shown beside
its label wherever the label is.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bianmin.stats import periods as stats_periods

MONTHS_IN_TREND = 12
DEFAULT_KEY = "last_30_days"


@dataclass(frozen=True)
class Period:
    key: str  # stable identifier used in the API: last_30_days, last_month, last_12_months, 2025-03 …
    label: str
    date_from: dt.date
    date_to: dt.date
    range: str = ""  # the dates in words

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "from": self.date_from.isoformat(),
                "to": self.date_to.isoformat(), "range": self.range}


def first_of_month(day: dt.date, months_back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(first: dt.date) -> dt.date:
    return first_of_month(first, -1) - dt.timedelta(days=1)


def headline(today: dt.date) -> list[Period]:
    default_from, default_to = stats_periods.default_period(today)
    last_month = first_of_month(today, 1)
    year_from = first_of_month(today, MONTHS_IN_TREND)
    return [
        Period(DEFAULT_KEY, _("近%(n)d天") % {"n": stats_periods.DEFAULT_DAYS}, default_from, default_to,
               stats_periods.dates(default_from, default_to)),
        Period("last_month", _("上月"), last_month, month_end(last_month), stats_periods.month_label(last_month)),
        Period("last_12_months", _("近12个月"), year_from, month_end(last_month),
               f"{stats_periods.month_label(year_from)}—{stats_periods.month_label(last_month)}"),
    ]


def trend_months(today: dt.date) -> list[Period]:
    """The twelve whole months of the trend (the same days as last_12_months), oldest first."""
    months = []
    for back in range(MONTHS_IN_TREND, 0, -1):
        first = first_of_month(today, back)
        months.append(Period(first.strftime("%Y-%m"), first.strftime("%Y-%m"), first, month_end(first),
                             stats_periods.month_label(first)))
    return months


def by_key(periods: list[Period]) -> dict[str, Period]:
    return {p.key: p for p in periods}
