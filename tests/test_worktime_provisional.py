"""The provisional calendar derived from 《全国年节及纪念日放假办法》 (bianmin/core/worktime/provisional.py).

Festival dates are checked against the official schedules chinese_calendar holds; the breaks themselves differ
before 2025 (other law, and 调休 that the law alone does not give), so only the festival days are compared there.
"""
from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from lunar_python import LunarYear

from bianmin.core.worktime import provisional
from bianmin.core.worktime.calendar import DayKind
from bianmin.core.worktime.provisional import (
    FESTIVALS,
    IN_LIEU_SUFFIX,
    dragon_boat,
    lunar_new_year,
    lunar_to_solar,
    mid_autumn,
    new_years_eve,
    provisional_days,
    qingming,
    statutory_days,
)

YEARS = range(provisional.FIRST_YEAR, provisional.LAST_YEAR + 1)
OFFICIAL = range(2015, 2027)  # years with both a notice and the festivals of today's law in chinese_calendar
DAY = dt.timedelta(days=1)


def _official(day: dt.date) -> str | None:
    return chinese_calendar.holidays.get(day)


@pytest.mark.parametrize("year", range(2004, 2027))
def test_lunar_new_year_is_an_official_spring_festival_holiday(year):
    assert _official(lunar_new_year(year)) == "Spring Festival"


@pytest.mark.parametrize("year", OFFICIAL)
def test_festival_days_are_the_official_ones(year):
    assert _official(qingming(year)) == "Tomb-sweeping Day"
    assert _official(dragon_boat(year)) == "Dragon Boat Festival"
    # On 1 October (2020) chinese_calendar names 中秋 after 国庆.
    assert _official(mid_autumn(year)) in {"Mid-autumn Festival", "National Day"}


@pytest.mark.parametrize("year", range(2008, 2027))
def test_mid_autumn_and_qingming_are_official_holidays_since_2008(year):
    assert _official(mid_autumn(year)) in {"Mid-autumn Festival", "National Day"}
    assert _official(qingming(year)) == "Tomb-sweeping Day"


def test_qingming_agrees_with_chinese_calendars_own_solar_terms_through_2099():
    # Two independent calculations (lunar-python's astronomical one, chinese_calendar's 寿星 formula). They part in
    # 2100, where the formula is a day early.
    for year in range(2004, 2100):
        terms = chinese_calendar.get_solar_terms(dt.date(year, 4, 1), dt.date(year, 4, 30))
        assert (qingming(year), "清明") in terms, year


def test_new_years_eve_is_the_last_day_of_the_twelfth_lunar_month_29th_or_30th():
    lengths = set()
    for year in YEARS:
        length = LunarYear.fromYear(year - 1).getMonth(12).getDayCount()
        lengths.add(length)
        assert new_years_eve(year) == lunar_to_solar(year - 1, 12, length)
        assert new_years_eve(year) + DAY == lunar_new_year(year)
    assert lengths == {29, 30}
    assert new_years_eve(2025) == dt.date(2025, 1, 28)  # 腊月廿九: 2025 had no 年三十


@pytest.mark.parametrize("year", [2025, 2026])
def test_after_the_revision_new_years_eve_is_an_official_holiday_and_so_are_all_derived_days(year):
    assert _official(new_years_eve(year)) == "Spring Festival"
    # The law's days and its 补假 are all inside the official breaks (which add 调休 on top).
    assert set(provisional_days(year)) <= set(chinese_calendar.holidays)


def test_before_the_revision_new_years_eve_could_be_a_working_day():
    assert _official(new_years_eve(2024)) is None  # 9 February 2024: a Friday, only "encouraged" off


def test_2027_is_computed():
    days = provisional_days(2027)
    eve = dt.date(2027, 2, 5)  # lunar-python: 正月初一 is 6 February 2027, 腊月 has 29 days
    assert new_years_eve(2027) == eve
    assert [day for day, (_, name) in days.items() if name == "春节"] == [eve + n * DAY for n in range(4)]
    assert days[dt.date(2027, 1, 1)] == (DayKind.HOLIDAY, "元旦")
    assert days[dt.date(2027, 10, 1)] == (DayKind.HOLIDAY, "国庆节")


def _weekdays_after(day: dt.date, count: int, skip: set[dt.date]) -> list[dt.date]:
    found = []
    while len(found) < count:
        day += DAY
        if day.weekday() < 5 and day not in skip:
            found.append(day)
    return found


def test_festival_on_a_weekend_gives_the_following_weekdays_off():
    # 2027: 劳动节 1–2 May is a Saturday and a Sunday, so Monday and Tuesday are days in lieu.
    days = provisional_days(2027)
    may_2 = dt.date(2027, 5, 2)
    assert [dt.date(2027, 5, 1).weekday(), may_2.weekday()] == [5, 6]
    expected = _weekdays_after(may_2, 2, set())
    assert [day for day, (_, name) in days.items() if name == "劳动节" + IN_LIEU_SUFFIX] == expected


@pytest.mark.parametrize("weekday", [5, 6])
def test_qingming_on_a_saturday_or_sunday_gives_the_next_monday(weekday):
    years = [year for year in YEARS if qingming(year).weekday() == weekday]
    assert years
    for year in years:
        monday = qingming(year) + (7 - weekday) * DAY
        assert provisional_days(year)[monday] == (DayKind.HOLIDAY, "清明节" + IN_LIEU_SUFFIX)


@pytest.mark.parametrize("year", YEARS)
def test_each_weekend_festival_day_gives_one_weekday_in_lieu_after_the_festival(year):
    blocks = statutory_days(year)
    days = provisional_days(year)
    all_festival_days = {day for block in blocks.values() for day in block}
    for name, block in blocks.items():
        given = [day for day, (_, day_name) in days.items() if day_name == name + IN_LIEU_SUFFIX]
        owed = sum(1 for day in block if day.weekday() >= 5 and provisional.owners(blocks)[day] == name)
        assert len(given) == owed, (year, name)
        assert all(day.weekday() < 5 and day > block[-1] and day not in all_festival_days for day in given)
    # Nothing else: the festivals' own days plus the days in lieu.
    in_lieu = [day for day, (_, name) in days.items() if name.endswith(IN_LIEU_SUFFIX)]
    assert set(days) == all_festival_days | set(in_lieu) and len(set(in_lieu)) == len(in_lieu)


def test_days_in_lieu_follow_the_festival_directly_when_nothing_is_in_the_way():
    for year in YEARS:
        blocks, days = statutory_days(year), provisional_days(year)
        for name in (FESTIVALS[0], FESTIVALS[1], FESTIVALS[3]):  # 元旦, 春节, 劳动节: no festival close after them
            owed = sum(1 for day in blocks[name] if day.weekday() >= 5)
            expected = _weekdays_after(blocks[name][-1], owed, set())
            assert [day for day, (_, n) in days.items() if n == name + IN_LIEU_SUFFIX] == expected, (year, name)


def test_mid_autumn_on_national_day_is_one_holiday_named_national_day():
    years = [year for year in YEARS if dt.date(year, 10, 1) <= mid_autumn(year) <= dt.date(year, 10, 3)]
    assert 2028 in years
    for year in years:
        days = provisional_days(year)
        assert days[mid_autumn(year)] == (DayKind.HOLIDAY, "国庆节")
        assert "中秋节" not in {name for _, name in days.values()}
        assert "中秋节" + IN_LIEU_SUFFIX not in {name for _, name in days.values()}
        weekend = sum(1 for n in range(3) if dt.date(year, 10, 1 + n).weekday() >= 5)
        assert sum(1 for _, name in days.values() if name == "国庆节" + IN_LIEU_SUFFIX) == weekend


def test_mid_autumn_next_to_national_day_keeps_its_day_and_days_in_lieu_go_past_both():
    years = [year for year in YEARS if mid_autumn(year) in (dt.date(year, 9, 30), dt.date(year, 10, 4))]
    assert years
    for year in years:
        days = provisional_days(year)
        assert days[mid_autumn(year)] == (DayKind.HOLIDAY, "中秋节")
        for day, (_, name) in days.items():
            if name.endswith(IN_LIEU_SUFFIX):
                assert day.weekday() < 5 and day not in (mid_autumn(year), *statutory_days(year)["国庆节"])


@pytest.mark.parametrize("year", YEARS)
def test_holidays_only_all_in_the_year_and_in_date_order(year):
    days = provisional_days(year)
    assert {kind for kind, _ in days.values()} == {DayKind.HOLIDAY}  # no 调休上班 is invented
    assert all(day.year == year for day in days)
    assert list(days) == sorted(days)
    names = {name.removesuffix(IN_LIEU_SUFFIX) for _, name in days.values()}
    assert names <= set(FESTIVALS) and {"元旦", "春节", "清明节", "劳动节", "端午节", "国庆节"} <= names


def test_deterministic_and_each_call_gets_its_own_dict():
    first = provisional_days(2030)
    first.clear()
    assert provisional_days(2030) == provisional_days(2030) != {}


@pytest.mark.parametrize("year", [2024, 1999, 2101])
def test_years_outside_the_law_s_provisional_range_are_refused(year):
    with pytest.raises(ValueError) as raised:
        provisional_days(year)
    assert str(year) in str(raised.value)
