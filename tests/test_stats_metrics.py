"""Each figure of the statistics summary on hand-built data (SPEC §9)."""
import datetime as dt

import pytest

from bianmin.core import timeutil
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Level
from bianmin.rectification import figures as rectification_figures
from bianmin.rectification.models import Appeal, Ticket
from bianmin.stats import rollup
from bianmin.stats.metrics import Target, satisfaction_index, summary

from .rating_helpers import finished_case
from .stats_helpers import raw_rating
from .ticket_helpers import bad_rating

pytestmark = pytest.mark.django_db


def _hand_built(world, day):
    a = world.site_a
    raw_rating(a, day, Level.VERY_SATISFIED)
    raw_rating(a, day, Level.VERY_SATISFIED, hour=15)
    raw_rating(a, day, Level.SATISFIED, channel="qr")
    raw_rating(world.site_b, day, Level.BASIC)
    raw_rating(world.site_b, day, Level.DISSATISFIED, real_name=True)
    raw_rating(a, day - dt.timedelta(days=1), Level.VERY_DISSATISFIED)
    # None of these count in satisfaction:
    raw_rating(a, day, Level.VERY_DISSATISFIED, excluded=True)  # excluded after an approved malicious finding
    raw_rating(a, day, Level.VERY_SATISFIED, is_default=True, channel="system")  # default good: apart
    raw_rating(a, day, Level.VERY_DISSATISFIED, stage="followup")  # a follow-up is not a second rating
    raw_rating(world.site_other, day, Level.VERY_DISSATISFIED)  # outside the county
    rollup.sweep()


def test_rating_figures_of_a_county_subtree(world):
    day = timeutil.today() - dt.timedelta(days=2)
    _hand_built(world, day)
    s = summary(Target(unit=world.county), day - dt.timedelta(days=1), day)
    assert (s.ratings, s.good, s.bad, s.default_good) == (6, 3, 2, 1)
    assert s.good_rate.value == pytest.approx(0.5)
    assert s.bad_rate.value == pytest.approx(0.3333)
    # (2×100 + 80 + 60 + 40 + 20) / 6
    assert s.satisfaction_index == pytest.approx(66.7)


def test_period_and_site_narrow_the_figures(world):
    day = timeutil.today() - dt.timedelta(days=2)
    _hand_built(world, day)
    one_day = summary(Target(unit=world.county), day, day)
    assert (one_day.ratings, one_day.bad) == (5, 1)
    township = summary(Target(unit=world.township), day, day)
    assert (township.ratings, township.good, township.bad) == (2, 0, 1)
    site_a = summary(Target(site=world.site_a), day - dt.timedelta(days=1), day)
    assert (site_a.ratings, site_a.good, site_a.bad, site_a.default_good) == (4, 3, 1, 1)


def test_empty_period_has_no_rates(world):
    day = timeutil.today() - dt.timedelta(days=2)
    _hand_built(world, day)
    s = summary(Target(unit=world.county), day + dt.timedelta(days=1), day + dt.timedelta(days=1))
    assert (s.ratings, s.good, s.bad, s.default_good) == (0, 0, 0, 0)
    for rate in (s.good_rate, s.bad_rate, s.coverage, s.rectified_rate, s.revisit_rectified_rate, s.on_time_rate,
                 s.rectified_on_time_rate, s.instant_rate, s.one_visit_rate, s.hotline_response_rate):
        assert rate.value is None
    assert s.satisfaction_index is None and s.time_compression is None and s.overdue == 0


def test_only_default_or_excluded_ratings_give_no_satisfaction(world):
    day = timeutil.today()
    raw_rating(world.site_a, day, Level.VERY_SATISFIED, is_default=True)
    raw_rating(world.site_a, day, Level.DISSATISFIED, excluded=True)
    rollup.sweep()
    s = summary(Target(unit=world.county), day, day)
    assert (s.ratings, s.default_good, s.good_rate.value, s.satisfaction_index) == (0, 1, None, None)


def test_satisfaction_index_weights():
    counts = {"very_satisfied": 1, "satisfied": 0, "basic": 0, "dissatisfied": 0, "very_dissatisfied": 1}
    assert satisfaction_index(counts) == 60.0
    assert satisfaction_index(dict.fromkeys(counts, 0)) is None


def test_coverage_counts_completed_cases_with_a_counted_rating(world):
    today = timeutil.today()
    rated = finished_case(world, phone="13800000001")
    link = rating_services.rating_link(rated)
    rating_services.submit_with_token(link.token, level=Level.SATISFIED)
    finished_case(world, phone="13800000002")  # completed, never rated
    excluded = finished_case(world, phone="13800000003")
    rating, _ = rating_services.submit_with_token(rating_services.rating_link(excluded).token, level=Level.SATISFIED)
    rating.excluded = True
    rating.save()
    rollup.sweep()
    s = summary(Target(unit=world.county), today, today)
    assert (s.coverage.numerator, s.coverage.denominator) == (1, 3)
    assert s.coverage.value == pytest.approx(0.3333)
    assert summary(Target(site=world.site_b), today, today).coverage.value is None


def test_rectification_figures_are_the_rectification_modules(world):
    today = timeutil.today()
    bad_rating(world, phone="13800000011")
    bad_rating(world, level="dissatisfied", phone="13800000012", anonymous=True)
    s = summary(Target(unit=world.county), today, today)
    expected = rectification_figures.compute(Ticket.objects.all(), Appeal.objects.all(), today, today)
    assert s.rectified_rate == expected.rectification
    assert s.rectified_on_time_rate == expected.on_time
    assert (s.rectified_rate.numerator, s.rectified_rate.denominator) == (0, 2)
    # 实名差评回访整改率: one real-name bad review, neither revisited nor rectified yet.
    assert (s.revisit_rectified_rate.numerator, s.revisit_rectified_rate.denominator) == (0, 1)
    assert s.rectified_on_time_rate.value is None  # nothing finished yet
    # Tickets of the county are not the neighbouring county's.
    assert summary(Target(unit=world.other_county), today, today).rectified_rate.value is None
