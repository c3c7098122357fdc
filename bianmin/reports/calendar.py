"""The reporting calendar (SPEC §9): which period each report covers and when it is due. Pure functions.

The sources fix only due dates:
- S003:L16 (a power-supply company's rules) "每個月29日上報《供電服務承諾兌現表》,在6月25日上報《上半年供電服務
  報告》…,在次年1月5日上報《全年供電服務報告》";
- S000:L232 "于每季度首月10日前向县行政服务中心报送办件统计数".

Two of these reports are due before the period they are named after has ended (the month's report on the
29th, the first half-year's on 25 June), so their figures can only run up to the day before the due date.
The rule used for every kind is therefore: a report covers its natural period, cut off at the day before
it is due.

- Monthly (月报), due on the REPORT_MONTHLY_DAY of its month (29; in a month without that day, on its last
  day): covers the "statistical month" from the day after the previous monthly cut-off to the day before
  the due day: the April report (due 29 April) covers 29 March – 28 April. February has no 29th in most
  years, so its report is due on the 28th and covers 29 January – 27 February, and March's starts on
  28 February. Consecutive monthly reports thus cover every day exactly once; a plain "1st–28th" would
  leave days 29–31 in no monthly report at all. Setting the day to 1 gives the calendar month before the
  due date (the report due 1 April covers March).
- Quarterly case statistics (季度办件统计), due on the REPORT_QUARTERLY_DAY of the first month of the next
  quarter: covers the previous calendar quarter.
- Half-year (半年报), due on REPORT_HALF_YEAR_DUE (06-25): 1 January to the day before it is due, at most to
  30 June (a due date in July covers the whole half year).
- Annual (年报), due on REPORT_ANNUAL_DUE (01-05) of the next year: the previous calendar year.

A report can be generated on the first day its period is complete (the day after `date_to`), which for
the default monthly and half-year reports is the due date itself.
"""
from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass

MONTHLY, QUARTERLY, HALF_YEAR, ANNUAL = "monthly", "quarterly", "half_year", "annual"
KINDS = (MONTHLY, QUARTERLY, HALF_YEAR, ANNUAL)
# How many periods of each kind a year has (the `number` of a period runs from 1 to this).
PARTS = {MONTHLY: 12, QUARTERLY: 4, HALF_YEAR: 1, ANNUAL: 1}
ONE_DAY = dt.timedelta(days=1)


def _month_day(value, name: str) -> tuple[int, int]:
    """"06-25" (or (6, 25)) → (6, 25); anything else is a configuration error."""
    if isinstance(value, str):
        parts = value.strip().split("-")
        if len(parts) != 2 or not all(p.isdigit() for p in parts):
            raise ValueError(f"{name} must look like MM-DD (e.g. 06-25), not {value!r}")
        value = (int(parts[0]), int(parts[1]))
    month, day = value
    if not 1 <= month <= 12 or not 1 <= day <= _cal.monthrange(2000, month)[1]:  # 2000: 29 Feb is allowed
        raise ValueError(f"{name} is not a date of the year: {value!r}")
    return month, day


@dataclass(frozen=True)
class Schedule:
    """The due dates, from settings.BIANMIN (REPORT_*)."""

    monthly_day: int = 29
    quarterly_day: int = 10
    half_year_due: tuple[int, int] = (6, 25)
    annual_due: tuple[int, int] = (1, 5)

    def __post_init__(self):
        for name in ("monthly_day", "quarterly_day"):
            if not 1 <= getattr(self, name) <= 31:
                raise ValueError(f"{name} must be a day of the month (1–31), not {getattr(self, name)!r}")
        object.__setattr__(self, "half_year_due", _month_day(self.half_year_due, "half_year_due"))
        object.__setattr__(self, "annual_due", _month_day(self.annual_due, "annual_due"))
        if self.half_year_due == (1, 1):
            raise ValueError("half_year_due 01-01 would leave the half-year report no day to cover")

    @classmethod
    def from_settings(cls, conf: dict | None = None) -> Schedule:
        if conf is None:
            from django.conf import settings

            conf = settings.BIANMIN
        return cls(monthly_day=int(conf.get("REPORT_MONTHLY_DAY", 29)),
                   quarterly_day=int(conf.get("REPORT_QUARTERLY_DAY", 10)),
                   half_year_due=conf.get("REPORT_HALF_YEAR_DUE", "06-25"),
                   annual_due=conf.get("REPORT_ANNUAL_DUE", "01-05"))


@dataclass(frozen=True)
class ReportPeriod:
    kind: str
    year: int
    number: int  # the month the monthly report is due in, the quarter, or 1
    date_from: dt.date
    date_to: dt.date  # inclusive
    due: dt.date

    def is_complete(self, today: dt.date) -> bool:
        """The period has ended: its last day is over, so the figures of every day are known."""
        return self.date_to < today


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, _cal.monthrange(year, month)[1])


def _clamped(year: int, month: int, day: int) -> dt.date:
    """The given day of the month, or the month's last day when it has no such day (29 February)."""
    return dt.date(year, month, min(day, _cal.monthrange(year, month)[1]))


def _monthly_cutoff(year: int, month: int, s: Schedule) -> dt.date:
    """The last day the monthly report due in this month covers."""
    return min(_last_day(year, month), _clamped(year, month, s.monthly_day) - ONE_DAY)


def monthly(year: int, month: int, s: Schedule) -> ReportPeriod:
    prev_year, prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    return ReportPeriod(MONTHLY, year, month, _monthly_cutoff(prev_year, prev_month, s) + ONE_DAY,
                        _monthly_cutoff(year, month, s), _clamped(year, month, s.monthly_day))


def quarterly(year: int, quarter: int, s: Schedule) -> ReportPeriod:
    first_month = 3 * quarter - 2
    due_year, due_month = (year + 1, 1) if quarter == 4 else (year, first_month + 3)
    due = _clamped(due_year, due_month, s.quarterly_day)
    return ReportPeriod(QUARTERLY, year, quarter, dt.date(year, first_month, 1),
                        min(_last_day(year, first_month + 2), due - ONE_DAY), due)


def half_year(year: int, s: Schedule) -> ReportPeriod:
    due = _clamped(year, *s.half_year_due)
    return ReportPeriod(HALF_YEAR, year, 1, dt.date(year, 1, 1), min(dt.date(year, 6, 30), due - ONE_DAY), due)


def annual(year: int, s: Schedule) -> ReportPeriod:
    due = _clamped(year + 1, *s.annual_due)
    return ReportPeriod(ANNUAL, year, 1, dt.date(year, 1, 1), dt.date(year, 12, 31), due)


def period_of(kind: str, year: int, number: int, s: Schedule) -> ReportPeriod:
    """The period of the given kind, year and number (month or quarter; 1 for half-year and annual)."""
    if kind not in PARTS:
        raise ValueError(f"unknown report kind {kind!r}")
    if not 1 <= number <= PARTS[kind]:
        raise ValueError(f"{kind} reports are numbered 1–{PARTS[kind]}, not {number!r}")
    if kind == MONTHLY:
        return monthly(year, number, s)
    if kind == QUARTERLY:
        return quarterly(year, number, s)
    return half_year(year, s) if kind == HALF_YEAR else annual(year, s)


def periods_of_year(kind: str, year: int, s: Schedule) -> list[ReportPeriod]:
    return [period_of(kind, year, n, s) for n in range(1, PARTS[kind] + 1)]


def to_generate(today: dt.date, s: Schedule, catch_up_days: int) -> list[ReportPeriod]:
    """The periods the worker should have reports for today: complete (ended before today) and due no
    more than `catch_up_days` ago. The window lets a worker that was stopped for a while catch up, without
    a new installation producing years of back reports. Oldest first."""
    oldest_due = today - dt.timedelta(days=catch_up_days)
    # Annual reports fall due in the year after their period, so start one year before the oldest due date.
    years = range(oldest_due.year - 1, today.year + 1)
    found = [p for kind in KINDS for year in years for p in periods_of_year(kind, year, s)
             if p.is_complete(today) and p.due >= oldest_due]
    return sorted(found, key=lambda p: (p.date_to, KINDS.index(p.kind)))


def latest_complete(kind: str, today: dt.date, s: Schedule) -> ReportPeriod | None:
    """The most recent period of this kind that has ended (the form's default)."""
    for year in (today.year, today.year - 1, today.year - 2):
        done = [p for p in periods_of_year(kind, year, s) if p.is_complete(today)]
        if done:
            return done[-1]
    return None


def next_due(kind: str, today: dt.date, s: Schedule) -> ReportPeriod:
    """The first period of this kind due today or later (the page's calendar overview)."""
    for year in (today.year - 1, today.year, today.year + 1):
        for p in periods_of_year(kind, year, s):
            if p.due >= today:
                return p
    raise AssertionError("a period of every kind is due within a year")


def complete_since(kind: str, first_day: dt.date, today: dt.date, s: Schedule, limit: int) -> list[ReportPeriod]:
    """The periods of this kind that have ended and hold at least one day on or after `first_day` (the
    earliest day with data), newest first, at most `limit` of them: what the backfill may generate."""
    found: list[ReportPeriod] = []
    for year in range(today.year, first_day.year - 1, -1):
        for p in reversed(periods_of_year(kind, year, s)):
            if p.is_complete(today) and p.date_to >= first_day:
                found.append(p)
                if len(found) >= limit:
                    return found
    return found
