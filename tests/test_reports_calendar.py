"""The reporting calendar (SPEC §9; S003:L16, S000:L232): due dates and the period each report covers."""
import datetime as dt
import itertools

import pytest

from bianmin.reports import calendar
from bianmin.reports.calendar import ANNUAL, HALF_YEAR, MONTHLY, QUARTERLY, Schedule

D = dt.date
DEFAULT = Schedule()


def span(p):
    return p.date_from, p.date_to, p.due


def test_monthly_report_due_on_the_29th_covers_the_29th_before_to_the_28th():
    assert span(calendar.monthly(2025, 4, DEFAULT)) == (D(2025, 3, 29), D(2025, 4, 28), D(2025, 4, 29))


def test_monthly_report_of_a_short_february_is_due_on_its_last_day():
    assert span(calendar.monthly(2025, 2, DEFAULT)) == (D(2025, 1, 29), D(2025, 2, 27), D(2025, 2, 28))
    # March then starts where February's cut-off left off.
    assert span(calendar.monthly(2025, 3, DEFAULT)) == (D(2025, 2, 28), D(2025, 3, 28), D(2025, 3, 29))


def test_monthly_report_in_a_leap_year_february():
    assert span(calendar.monthly(2024, 2, DEFAULT)) == (D(2024, 1, 29), D(2024, 2, 28), D(2024, 2, 29))
    assert calendar.monthly(2024, 3, DEFAULT).date_from == D(2024, 2, 29)


def test_january_monthly_report_starts_in_the_previous_year():
    assert span(calendar.monthly(2026, 1, DEFAULT)) == (D(2025, 12, 29), D(2026, 1, 28), D(2026, 1, 29))


@pytest.mark.parametrize("year", [2023, 2024, 2025])
def test_monthly_reports_cover_every_day_exactly_once(year):
    periods = [calendar.monthly(year, m, DEFAULT) for m in range(1, 13)] + [calendar.monthly(year + 1, 1, DEFAULT)]
    for before, after in itertools.pairwise(periods):
        assert after.date_from == before.date_to + dt.timedelta(days=1)
        assert before.date_to < before.due


def test_quarterly_case_statistics_due_on_the_10th_of_the_next_quarter_cover_the_quarter():
    assert span(calendar.quarterly(2025, 1, DEFAULT)) == (D(2025, 1, 1), D(2025, 3, 31), D(2025, 4, 10))
    assert span(calendar.quarterly(2025, 2, DEFAULT)) == (D(2025, 4, 1), D(2025, 6, 30), D(2025, 7, 10))
    assert span(calendar.quarterly(2025, 3, DEFAULT)) == (D(2025, 7, 1), D(2025, 9, 30), D(2025, 10, 10))


def test_fourth_quarter_is_due_in_january_of_the_next_year():
    assert span(calendar.quarterly(2025, 4, DEFAULT)) == (D(2025, 10, 1), D(2025, 12, 31), D(2026, 1, 10))


def test_half_year_report_due_25_june_covers_1_january_to_24_june():
    assert span(calendar.half_year(2025, DEFAULT)) == (D(2025, 1, 1), D(2025, 6, 24), D(2025, 6, 25))


def test_annual_report_due_5_january_covers_the_previous_year():
    assert span(calendar.annual(2025, DEFAULT)) == (D(2025, 1, 1), D(2025, 12, 31), D(2026, 1, 5))


def test_settings_move_the_due_dates_and_with_them_the_periods():
    s = Schedule.from_settings({"REPORT_MONTHLY_DAY": "1", "REPORT_QUARTERLY_DAY": "15",
                                "REPORT_HALF_YEAR_DUE": "07-10", "REPORT_ANNUAL_DUE": "01-20"})
    # Due on the 1st: the calendar month before.
    assert span(calendar.monthly(2025, 4, s)) == (D(2025, 3, 1), D(2025, 3, 31), D(2025, 4, 1))
    assert span(calendar.monthly(2025, 1, s)) == (D(2024, 12, 1), D(2024, 12, 31), D(2025, 1, 1))
    assert calendar.quarterly(2025, 4, s).due == D(2026, 1, 15)
    # Due after the half year: the whole half year, not up to 9 July.
    assert span(calendar.half_year(2025, s)) == (D(2025, 1, 1), D(2025, 6, 30), D(2025, 7, 10))
    assert calendar.annual(2025, s).due == D(2026, 1, 20)


def test_a_monthly_day_of_31_falls_on_each_months_last_day():
    s = Schedule(monthly_day=31)
    assert span(calendar.monthly(2025, 4, s)) == (D(2025, 3, 31), D(2025, 4, 29), D(2025, 4, 30))


def test_the_settings_defaults_are_the_sources_dates(settings):
    s = Schedule.from_settings()
    assert (s.monthly_day, s.quarterly_day, s.half_year_due, s.annual_due) == (29, 10, (6, 25), (1, 5))
    settings.BIANMIN = {**settings.BIANMIN, "REPORT_MONTHLY_DAY": 25}
    assert calendar.monthly(2025, 4, Schedule.from_settings()).date_to == D(2025, 4, 24)


@pytest.mark.parametrize("conf", [{"REPORT_MONTHLY_DAY": 0}, {"REPORT_MONTHLY_DAY": 32},
                                  {"REPORT_HALF_YEAR_DUE": "6/25"}, {"REPORT_HALF_YEAR_DUE": "02-30"},
                                  {"REPORT_ANNUAL_DUE": "13-01"}, {"REPORT_HALF_YEAR_DUE": "01-01"}])
def test_impossible_settings_are_refused(conf):
    with pytest.raises(ValueError):
        Schedule.from_settings(conf)


@pytest.mark.parametrize("kind,number", [("monthly", 0), ("monthly", 13), ("quarterly", 5), ("annual", 2),
                                         ("weekly", 1)])
def test_period_numbers_outside_the_year_are_refused(kind, number):
    with pytest.raises(ValueError):
        calendar.period_of(kind, 2025, number, DEFAULT)


def _kinds_on(today, catch_up=31):
    return {(p.kind, p.year, p.number) for p in calendar.to_generate(today, DEFAULT, catch_up)}


def test_a_period_is_generated_from_the_day_after_it_ends_not_before():
    assert (MONTHLY, 2025, 4) not in _kinds_on(D(2025, 4, 28))  # 28 April is the period's last day
    assert (MONTHLY, 2025, 4) in _kinds_on(D(2025, 4, 29))
    assert (HALF_YEAR, 2025, 1) not in _kinds_on(D(2025, 6, 24))
    assert (HALF_YEAR, 2025, 1) in _kinds_on(D(2025, 6, 25))
    assert (QUARTERLY, 2025, 1) not in _kinds_on(D(2025, 3, 31))
    assert (QUARTERLY, 2025, 1) in _kinds_on(D(2025, 4, 1))


def test_year_boundary_brings_the_annual_report_and_the_fourth_quarter():
    on_new_year = _kinds_on(D(2026, 1, 1))
    assert {(ANNUAL, 2025, 1), (QUARTERLY, 2025, 4), (MONTHLY, 2025, 12)} <= on_new_year
    assert (MONTHLY, 2026, 1) not in on_new_year


def test_reports_due_longer_ago_than_the_catch_up_window_are_left_alone():
    assert (MONTHLY, 2025, 2) in _kinds_on(D(2025, 3, 30), catch_up=31)
    assert (MONTHLY, 2025, 2) not in _kinds_on(D(2025, 3, 30), catch_up=20)
    assert (ANNUAL, 2024, 1) not in _kinds_on(D(2025, 3, 30), catch_up=31)
    # A long window reaches back over the year boundary.
    assert (ANNUAL, 2023, 1) in _kinds_on(D(2025, 1, 10), catch_up=400)


def test_latest_complete_and_next_due():
    assert span(calendar.latest_complete(MONTHLY, D(2025, 4, 28), DEFAULT)) == span(calendar.monthly(2025, 3, DEFAULT))
    assert calendar.latest_complete(QUARTERLY, D(2025, 1, 1), DEFAULT).year == 2024
    assert span(calendar.next_due(ANNUAL, D(2025, 1, 6), DEFAULT)) == span(calendar.annual(2025, DEFAULT))
    assert calendar.next_due(QUARTERLY, D(2025, 12, 31), DEFAULT).due == D(2026, 1, 10)
