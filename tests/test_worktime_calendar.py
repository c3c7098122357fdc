"""Working-day arithmetic on the real 2026 schedule (seeded from chinese-calendar by migration)."""
import datetime as dt

import pytest

from bianmin.core.errors import CalendarNotCovered
from bianmin.core.worktime.calendar import DayKind, WorkCalendar
from bianmin.core.worktime.loader import get_calendar

D = dt.date


@pytest.fixture
def cal(db):
    return get_calendar()


def test_due_counts_from_the_day_after_acceptance(cal):
    # Accepted Monday 2026-11-23; one working day → Tuesday, not Monday.
    assert cal.add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 24)
    assert cal.add_working_days(D(2026, 11, 23), 0) == D(2026, 11, 23)


def test_spring_festival_2026_skips_the_break_and_counts_make_up_saturdays(cal):
    # 2026 Spring Festival: 15–23 Feb off; Sat 14 Feb and Sat 28 Feb are make-up working days.
    assert cal.kind(D(2026, 2, 14)) is DayKind.ADJUSTED_WORKDAY
    assert cal.kind(D(2026, 2, 17)) is DayKind.HOLIDAY
    assert cal.kind(D(2026, 2, 28)) is DayKind.ADJUSTED_WORKDAY
    # Accepted Fri 13 Feb: day 1 = Sat 14 (make-up), day 2 = Tue 24 (after the break).
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert cal.add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)
    # Five working days from Fri 13 Feb: 14, 24, 25, 26, 27 Feb.
    assert cal.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    # Six lands on the make-up Saturday 28 Feb.
    assert cal.add_working_days(D(2026, 2, 13), 6) == D(2026, 2, 28)


def test_national_day_2026_with_make_up_sunday_and_saturday(cal):
    assert cal.kind(D(2026, 9, 20)) is DayKind.ADJUSTED_WORKDAY  # Sunday
    assert cal.kind(D(2026, 10, 10)) is DayKind.ADJUSTED_WORKDAY  # Saturday
    assert not cal.is_working(D(2026, 10, 1)) and not cal.is_working(D(2026, 10, 7))
    # Accepted Sat 19 Sep (a weekend): first working day is the make-up Sunday 20 Sep.
    assert cal.add_working_days(D(2026, 9, 19), 1) == D(2026, 9, 20)
    # Accepted Wed 30 Sep, 3 working days: 8, 9, 10 Oct.
    assert cal.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    # Across the break, 20 working days from 25 Sep.
    assert cal.working_days_between(D(2026, 9, 25), cal.add_working_days(D(2026, 9, 25), 20)) == 20


def test_calendar_days_ending_on_a_holiday_move_to_next_working_day(cal):
    # 30 Sep + 3 natural days = 3 Oct (holiday) → next working day 8 Oct (民法典 第二百零三条).
    assert cal.add_calendar_days(D(2026, 9, 30), 3) == D(2026, 10, 8)
    assert cal.add_calendar_days(D(2026, 11, 23), 3) == D(2026, 11, 26)


def test_subtract_working_days_skips_holidays(cal):
    # One working day before Thu 8 Oct is Wed 30 Sep.
    assert cal.subtract_working_days(D(2026, 10, 8), 1) == D(2026, 9, 30)


def test_the_year_after_the_last_official_one_is_provisional_and_later_years_are_refused(cal):
    # The seeded calendar ends with 2026: 2027 is derived from the law (provisional), 2028 is refused.
    assert cal.provisional_years == frozenset({2027}) and not cal.is_provisional(D(2026, 12, 31))
    due = cal.add_working_days(D(2026, 12, 20), 15)
    assert due.year == 2027 and cal.is_provisional(due)
    assert cal.kind(D(2027, 1, 1)) == DayKind.HOLIDAY and cal.name(D(2027, 1, 1)) == "元旦"
    assert not cal.is_working(D(2027, 2, 5))  # 除夕 2027, a holiday under the 2024 revision of the law
    with pytest.raises(CalendarNotCovered):
        cal.add_working_days(D(2027, 12, 20), 15)  # runs into 2028: more than a year past the last notice
    with pytest.raises(CalendarNotCovered):
        cal.kind(D(2003, 5, 1))


def test_admin_added_year_is_used_and_the_next_one_becomes_provisional(db):
    from bianmin.core.models import CalendarDay, CalendarYear
    from bianmin.core.worktime import loader

    year = CalendarYear.objects.create(year=2027, note="国办发明电〔2026〕X号")
    CalendarDay.objects.create(year=year, date=D(2027, 1, 1), kind="holiday", name="元旦")
    loader.invalidate()
    cal = get_calendar()
    assert not cal.is_working(D(2027, 1, 1))
    assert cal.is_working(D(2027, 2, 5))  # the administrator's year has no 春节 entered: the official year wins
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert not cal.is_provisional(D(2027, 1, 4)) and cal.provisional_years == frozenset({2028})


def test_pure_calendar_needs_no_database():
    cal = WorkCalendar(years=frozenset({2030}), exceptions={D(2030, 1, 1): DayKind.HOLIDAY})
    assert cal.add_working_days(D(2029, 12, 31), 1) if False else cal.add_working_days(D(2030, 1, 1), 1) == D(2030, 1, 2)


def test_working_day_numbers_agree_with_working_days_between(cal):
    numbers = cal.working_day_numbers()
    days = [dt.date(2026, 1, 1), dt.date(2026, 2, 13), dt.date(2026, 2, 28), dt.date(2026, 9, 30),
            dt.date(2026, 10, 10), dt.date(2026, 12, 31)]
    for a in days:
        for b in days:
            if a < b:
                assert numbers[b] - numbers[a] == cal.working_days_between(a, b), (a, b)
    # Only a run of consecutive covered years from the first one is numbered.
    gap = WorkCalendar(years=frozenset({2024, 2026}))
    numbers = gap.working_day_numbers()
    assert min(numbers) == dt.date(2024, 1, 1) and max(numbers) == dt.date(2024, 12, 31)
    assert WorkCalendar(years=frozenset()).working_day_numbers() == {}
