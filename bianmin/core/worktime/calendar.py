"""A pure-Python working-day calendar for mainland China (SPEC §3).

No Django imports: the calendar is built from plain data (covered years and the exceptional days of
each year) so its arithmetic is unit-tested without a database. `loader.get_calendar()` builds one
from the database.

Day kinds:
- workday: Monday–Friday with no holiday;
- weekend: Saturday/Sunday with no make-up work;
- holiday: a statutory holiday (including the weekend days inside a holiday break);
- adjusted_workday: a Saturday or Sunday that is a working day (调休).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from bianmin.core.errors import CalendarNotCovered


class DayKind(StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    ADJUSTED_WORKDAY = "adjusted_workday"


WORKING_KINDS = frozenset({DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY})


@dataclass(frozen=True)
class WorkCalendar:
    """`years` are the covered years; those also in `provisional_years` are derived from the law, not from the
    State Council's notice (provisional.py): their days, and every date computed across them, are 暂定."""

    years: frozenset[int]
    exceptions: dict[dt.date, DayKind] = field(default_factory=dict)
    names: dict[dt.date, str] = field(default_factory=dict)
    provisional_years: frozenset[int] = frozenset()

    def is_provisional(self, day: dt.date | None) -> bool:
        """Whether `day` lies in a provisional year. A date computed forward from an official year is provisional
        exactly when it lands in a provisional year: only then did a provisional day take part in the count."""
        return day is not None and day.year in self.provisional_years

    def _check(self, day: dt.date) -> None:
        if day.year not in self.years:
            raise CalendarNotCovered(day.year)

    def kind(self, day: dt.date) -> DayKind:
        self._check(day)
        if day in self.exceptions:
            return self.exceptions[day]
        return DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY

    def is_working(self, day: dt.date) -> bool:
        return self.kind(day) in WORKING_KINDS

    def name(self, day: dt.date) -> str:
        return self.names.get(day, "")

    def add_working_days(self, start: dt.date, amount: int) -> dt.date:
        """The `amount`-th working day after `start`; counting begins the day after (S001:L219).

        amount 0 means the start day itself (things due the same day).
        """
        if amount < 0:
            raise ValueError("amount must not be negative")
        day = start
        self._check(day)
        remaining = amount
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working(day):
                remaining -= 1
        return day

    def subtract_working_days(self, end: dt.date, amount: int) -> dt.date:
        """The working day `amount` working days before `end` (e.g. hand-over return dates)."""
        day = end
        self._check(day)
        remaining = amount
        while remaining:
            day -= dt.timedelta(days=1)
            if self.is_working(day):
                remaining -= 1
        return day

    def add_calendar_days(self, start: dt.date, amount: int) -> dt.date:
        """`amount` natural days after `start`; a period ending on a rest day ends on the next
        working day instead (民法典 第二百零三条: 期间的最后一日是法定休假日的，以法定休假日结束的次日为最后一日)."""
        if amount < 0:
            raise ValueError("amount must not be negative")
        self._check(start)
        day = start + dt.timedelta(days=amount)
        while not self.is_working(day):
            day += dt.timedelta(days=1)
        return day

    def working_days_between(self, after: dt.date, upto: dt.date) -> int:
        """Number of working days d with after < d <= upto (0 when upto <= after)."""
        if upto <= after:
            return 0
        self._check(after)
        self._check(upto)
        count = 0
        day = after
        while day < upto:
            day += dt.timedelta(days=1)
            if self.is_working(day):
                count += 1
        return count

    def working_day_numbers(self) -> dict[dt.date, int]:
        """Each date from 1 January of the first covered year, for as long as the covered years follow each
        other, numbered by the working days up to and including it, so that working_days_between(a, b) is
        number[b] − number[a] — arithmetic a database can do for millions of cases at once."""
        if not self.years:
            return {}
        numbers, count = {}, 0
        day = dt.date(min(self.years), 1, 1)
        while day.year in self.years:
            count += int(self.is_working(day))
            numbers[day] = count
            day += dt.timedelta(days=1)
        return numbers

    def next_working_day(self, day: dt.date) -> dt.date:
        return self.add_working_days(day, 1)
