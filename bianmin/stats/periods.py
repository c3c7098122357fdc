"""The one place that decides which period a figure shows by default, and how any period is named.

Default: the last 30 days, today included (近30天). "This month so far" was the old default and on the
2nd of a month covered two days and a handful of ratings; a whole previous month is settled but up to a
month old. Thirty days is always a full sample and always current, and it is what the API already
answered, so the dashboard, the hot-spot page, the API and the public portal now show the same default.
Every page names its period in words (近30天：11月3日—12月2日, 2026年11月, …) so nobody has to guess.
"""
from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from bianmin.core import timeutil

from .months import month_end

DEFAULT_DAYS = 30


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last DEFAULT_DAYS local calendar days, today included."""
    today = today or timeutil.today()
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


def month_label(day: dt.date) -> str:
    """"2026年11月": the month of `day` in words."""
    return _("%(y)d年%(m)d月") % {"y": day.year, "m": day.month}


def _day(day: dt.date, with_year: bool) -> str:
    if with_year:
        return _("%(y)d年%(m)d月%(d)d日") % {"y": day.year, "m": day.month, "d": day.day}
    return _("%(m)d月%(d)d日") % {"m": day.month, "d": day.day}


def dates(date_from: dt.date, date_to: dt.date) -> str:
    """"11月3日—12月2日" within one year, with the years when it spans two."""
    with_year = date_from.year != date_to.year
    return f"{_day(date_from, with_year)}—{_day(date_to, with_year)}"


def describe(date_from: dt.date, date_to: dt.date, today: dt.date | None = None) -> str:
    """The period in words, saying what kind of period it is: the default 30 days, a whole month (the last
    complete one is called so), this month so far, or else just its dates."""
    today = today or timeutil.today()
    if (date_from, date_to) == default_period(today):
        return _("近%(n)d天：%(dates)s") % {"n": DEFAULT_DAYS, "dates": dates(date_from, date_to)}
    month = month_label(date_from)
    if date_from.day == 1 and date_to == month_end(date_from):
        if date_to == today.replace(day=1) - dt.timedelta(days=1):
            return _("%(month)s（上一个完整月）") % {"month": month}
        return month
    if date_from.day == 1 and date_to == today and date_from.month == today.month and date_from.year == today.year:
        return _("%(month)s（本月至今：%(dates)s）") % {"month": month, "dates": dates(date_from, date_to)}
    if date_from == date_to:
        return _day(date_from, True)
    if date_from.year == date_to.year == today.year:
        return dates(date_from, date_to)
    return f"{_day(date_from, True)}—{_day(date_to, True)}"
