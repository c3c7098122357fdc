"""The arithmetic of the early warnings (bianmin/alerts/rules.py), without a database."""
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from bianmin.alerts import rules

NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def days_ago(n: float) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def test_a_day_reaches_its_threshold_at_equality():
    assert not rules.day_reached(9, 10)
    assert rules.day_reached(10, 10)
    assert rules.day_reached(11, 10)
    assert not rules.day_reached(5, 0)  # no threshold, no alert


def test_repeats_within_the_period_reach_the_count():
    two = [(days_ago(1), "a"), (days_ago(2), "b")]
    assert rules.fresh_repeats(two, count=3, days=30, now=NOW) == []
    three = [*two, (days_ago(29), "c")]
    assert [ref for _at, ref in rules.fresh_repeats(three, count=3, days=30, now=NOW)] == ["c", "b", "a"]


def test_a_complaint_older_than_the_period_does_not_count():
    events = [(days_ago(1), "a"), (days_ago(2), "b"), (days_ago(30.5), "c")]
    assert rules.fresh_repeats(events, count=3, days=30, now=NOW) == []
    assert len(rules.fresh_repeats(events, count=3, days=31, now=NOW)) == 3


def test_complaints_an_earlier_alert_counted_do_not_count_again():
    events = [(days_ago(d), ref) for d, ref in ((1, "a"), (2, "b"), (3, "c"), (4, "d"))]
    assert rules.fresh_repeats(events, count=3, days=30, now=NOW, counted={"b", "c", "d"}) == []
    assert len(rules.fresh_repeats(events, count=3, days=30, now=NOW, counted={"d"})) == 3


def test_a_term_rises_against_its_usual_level():
    # 28 mentions over the 28 days before: a usual level of one a day; factor 3 → three on the day.
    assert rules.usual_level(28) == Decimal(1)
    assert not rules.term_rising(2, 28, factor=Decimal("3.0"), minimum=2)
    assert rules.term_rising(3, 28, factor=Decimal("3.0"), minimum=2)


def test_a_new_term_rises_once_it_reaches_the_minimum():
    assert not rules.term_rising(4, 0, factor=Decimal("3.0"), minimum=5)
    assert rules.term_rising(5, 0, factor=Decimal("3.0"), minimum=5)


def test_the_limits_cover_every_threshold_and_hold_the_defaults():
    assert set(rules.LIMITS) == set(rules.FIELDS)
    defaults = rules.Thresholds()
    for name, (_zh, _en, lo, hi) in rules.LIMITS.items():
        assert lo <= getattr(defaults, name) <= hi, name
    assert (defaults.daily_complaints, defaults.repeat_count, defaults.repeat_days, defaults.hot_term_factor,
            defaults.hot_term_min_count, defaults.bad_reviews, defaults.bad_review_days) == (10, 3, 30, Decimal("3.0"),
                                                                                             5, 3, 30)
