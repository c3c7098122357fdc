"""Clock arithmetic: pauses, extensions, warnings and overdue days (pure, on the 2026 calendar)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.core.worktime.clock import ClockFacts, LimitUnit, Pause, Warning, evaluate
from bianmin.core.worktime.loader import get_calendar

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=TZ)


@pytest.fixture
def cal(db):
    return get_calendar()


def test_due_date_and_no_warning_early(cal):
    facts = ClockFacts(start=at(2026, 11, 23), amount=5, unit=LimitUnit.WORKDAYS)
    state = evaluate(cal, facts, at(2026, 11, 24), 0.8)
    assert state.due_date == dt.date(2026, 11, 30)
    assert state.warning is Warning.NONE and state.used == 1


def test_yellow_at_80_percent_and_red_when_overdue(cal):
    facts = ClockFacts(start=at(2026, 11, 23), amount=5, unit=LimitUnit.WORKDAYS)
    assert evaluate(cal, facts, at(2026, 11, 26), 0.8).warning is Warning.NONE  # 3 of 5 used
    assert evaluate(cal, facts, at(2026, 11, 27), 0.8).warning is Warning.YELLOW  # 4 of 5 = 80%
    assert evaluate(cal, facts, at(2026, 11, 30, 23, 0), 0.8).warning is Warning.YELLOW  # due day
    late = evaluate(cal, facts, at(2026, 12, 2), 0.8)
    assert late.warning is Warning.RED and late.overdue_days == 2  # Tue 1 and Wed 2 Dec


def test_warning_share_is_a_setting(cal):
    facts = ClockFacts(start=at(2026, 11, 23), amount=10, unit=LimitUnit.WORKDAYS)
    assert evaluate(cal, facts, at(2026, 11, 27), 0.5).warning is Warning.NONE  # 4 of 10
    assert evaluate(cal, facts, at(2026, 11, 30), 0.5).warning is Warning.YELLOW  # 5 of 10


def test_overdue_days_count_working_days_only(cal):
    # Thu 24 Sep; Fri 25 Sep is Mid-autumn Festival, so the 3 days are 28, 29, 30 Sep.
    facts = ClockFacts(start=at(2026, 9, 24), amount=3, unit=LimitUnit.WORKDAYS)
    state = evaluate(cal, facts, at(2026, 10, 9), 0.8)
    assert state.due_date == dt.date(2026, 9, 30)
    # Past due: the National Day break does not count; 8 and 9 Oct do → 2 working days overdue.
    assert state.overdue_days == 2


def test_pause_days_do_not_count(cal):
    # Mon 23 Nov start, 5 working days. Paused Wed 25 (notice) to Fri 27 (materials back).
    facts = ClockFacts(start=at(2026, 11, 23), amount=5, unit=LimitUnit.WORKDAYS,
                       pauses=(Pause(at(2026, 11, 25), at(2026, 11, 27)),))
    state = evaluate(cal, facts, at(2026, 11, 27, 15), 0.8)
    # Used Tue 24, Wed 25 = 2; Thu 26 and Fri 27 paused; remaining 3: Mon 30, Tue 1, Wed 2 Dec.
    assert state.used == 2
    assert state.due_date == dt.date(2026, 12, 2)


def test_paused_clock_has_no_due_date_and_no_warning(cal):
    facts = ClockFacts(start=at(2026, 11, 2), amount=2, unit=LimitUnit.WORKDAYS, pauses=(Pause(at(2026, 11, 3)),))
    state = evaluate(cal, facts, at(2026, 11, 20), 0.8)
    assert state.paused and state.due_date is None and state.warning is Warning.NONE
    assert state.used == 1


def test_extension_adds_working_days(cal):
    facts = ClockFacts(start=at(2026, 9, 28), amount=3, unit=LimitUnit.WORKDAYS, extension=2)
    # 29, 30 Sep, 8, 9, 10 Oct (make-up Saturday).
    assert evaluate(cal, facts, at(2026, 9, 28), 0.8).due_date == dt.date(2026, 10, 10)


def test_pause_across_a_holiday_and_extension_together(cal):
    facts = ClockFacts(start=at(2026, 9, 25), amount=4, unit=LimitUnit.WORKDAYS, extension=1,
                       pauses=(Pause(at(2026, 9, 29), at(2026, 10, 9)),))
    # 25 Sep is a holiday. Used: 28, 29 Sep = 2. Paused working days 30 Sep, 8, 9 Oct = 3.
    # Total 5 + 3 paused = 8 working days after 25 Sep: 28, 29, 30, 8, 9, 10, 12, 13 Oct.
    state = evaluate(cal, facts, at(2026, 10, 9, 16), 0.8)
    assert state.used == 2
    assert state.due_date == dt.date(2026, 10, 13)


def test_minutes_clock_for_on_the_spot_cases(cal):
    facts = ClockFacts(start=at(2026, 11, 23, 9, 0), amount=30, unit=LimitUnit.MINUTES)
    assert evaluate(cal, facts, at(2026, 11, 23, 9, 10), 0.8).warning is Warning.NONE
    assert evaluate(cal, facts, at(2026, 11, 23, 9, 25), 0.8).warning is Warning.YELLOW
    assert evaluate(cal, facts, at(2026, 11, 23, 9, 31), 0.8).warning is Warning.RED


def test_hours_clock_pause_shifts_due_time(cal):
    facts = ClockFacts(start=at(2026, 11, 23, 9), amount=2, unit=LimitUnit.HOURS,
                       pauses=(Pause(at(2026, 11, 23, 10), at(2026, 11, 23, 11)),))
    assert evaluate(cal, facts, at(2026, 11, 23, 11), 0.8).due_at == at(2026, 11, 23, 12)


def test_calendar_day_limit(cal):
    facts = ClockFacts(start=at(2026, 9, 27), amount=6, unit=LimitUnit.DAYS)
    # 27 Sep + 6 = 3 Oct, a holiday → 8 Oct.
    assert evaluate(cal, facts, at(2026, 9, 28), 0.8).due_date == dt.date(2026, 10, 8)


# ---------------------------------------------------------------- a stopped clock is frozen at its stop

def test_finished_on_time_stays_on_time_whenever_it_is_looked_at(cal):
    # The demo's defect: a 即办件 finished 9 minutes after acceptance showed "超期 7 个工作日" days later.
    facts = ClockFacts(start=at(2026, 11, 18, 16, 6), amount=30, unit=LimitUnit.MINUTES,
                       stopped_at=at(2026, 11, 18, 16, 15))
    for seen in (at(2026, 11, 18, 16, 20), at(2026, 11, 27), at(2027, 3, 1)):
        state = evaluate(cal, facts, seen, 0.8)
        assert state.stopped and state.finished_late is False
        assert state.warning is Warning.NONE and state.overdue_days == 0 and state.used == 9


def test_finished_late_keeps_the_days_it_was_late_at_its_stop(cal):
    facts = ClockFacts(start=at(2026, 11, 23), amount=5, unit=LimitUnit.WORKDAYS, stopped_at=at(2026, 12, 2))
    for seen in (at(2026, 12, 2, 12), at(2026, 12, 20)):
        state = evaluate(cal, facts, seen, 0.8)
        assert state.finished_late is True and state.warning is Warning.RED
        assert state.overdue_days == 2 and state.due_date == dt.date(2026, 11, 30)


def test_before_its_stop_a_clock_is_seen_running(cal):
    facts = ClockFacts(start=at(2026, 11, 23), amount=5, unit=LimitUnit.WORKDAYS, stopped_at=at(2026, 12, 2))
    state = evaluate(cal, facts, at(2026, 11, 27), 0.8)
    assert not state.stopped and state.finished_late is None and state.warning is Warning.YELLOW


def test_a_stopped_clock_keeps_the_due_moment_it_stopped_with(cal):
    # The due moment stored at the stop wins over a recomputation on a calendar that changed since.
    kept = (at(2026, 12, 4, 23, 59), at(2026, 12, 3, 0, 0))
    facts = ClockFacts(start=at(2026, 11, 23), amount=5, unit=LimitUnit.WORKDAYS, stopped_at=at(2026, 12, 2),
                       stopped_due=kept)
    state = evaluate(cal, facts, at(2026, 12, 10), 0.8)
    assert state.due_at == kept[0] and state.finished_late is False and state.overdue_days == 0


def test_a_promised_due_date_is_never_brought_forward(cal):
    facts = ClockFacts(start=at(2026, 11, 23), amount=5, unit=LimitUnit.WORKDAYS, not_before=at(2026, 12, 4, 23, 59))
    assert evaluate(cal, facts, at(2026, 12, 3), 0.8).due_date == dt.date(2026, 12, 4)
    later = ClockFacts(start=at(2026, 11, 23), amount=10, unit=LimitUnit.WORKDAYS, not_before=at(2026, 12, 1, 23, 59))
    assert evaluate(cal, later, at(2026, 12, 3), 0.8).due_date == dt.date(2026, 12, 7)


def test_a_due_date_in_the_provisional_year_is_marked(cal):
    facts = ClockFacts(start=at(2026, 12, 28), amount=20, unit=LimitUnit.WORKDAYS)
    state = evaluate(cal, facts, at(2026, 12, 28, 11), 0.8)
    assert state.due_date.year == 2027 and state.provisional
    assert not evaluate(cal, ClockFacts(start=at(2026, 11, 23), amount=5, unit=LimitUnit.WORKDAYS),
                        at(2026, 11, 24), 0.8).provisional
