"""One definition of a rating that counts (ratings.models): the queryset methods, the instance properties and
the Q expressions the SQL rollups use agree on every kind of rating, and the pages built on them follow."""
import datetime as dt
import itertools

import pytest
from django.db import IntegrityError, transaction

from bianmin.core import timeutil
from bianmin.ratings import surveys
from bianmin.ratings.models import COUNTED_Q, DEFAULT_GOOD_Q, EXCLUDED_Q, Level, Rating, good_in

from .stats_helpers import raw_rating

pytestmark = pytest.mark.django_db

# Written out here, not taken from the code under test.
GOOD = {"very_satisfied", "satisfied"}
BAD = {"dissatisfied", "very_dissatisfied"}
STAGES = ["complete", "accept", "", "followup"]


@pytest.fixture
def every_kind(world):
    """One rating of every level × stage × default × excluded, all by clerk A at window A."""
    day = timeutil.today() - dt.timedelta(days=1)
    return [raw_rating(world.site_a, day, level, stage=stage, is_default=default, excluded=excluded,
                       window=world.window_a, staff=world.clerk_a.staff, real_name=True)
            for level, stage, default, excluded in itertools.product(Level.values, STAGES, [False, True], [False, True])]


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_counted_is_a_first_rating_neither_default_nor_excluded(every_kind):
    expected = {r.pk for r in every_kind if r.stage != "followup" and not r.is_default and not r.excluded}
    assert len(expected) == len(Level.values) * 3
    assert ids(Rating.objects.counted()) == expected
    assert {r.pk for r in every_kind if r.counts_in_statistics} == expected
    assert ids(Rating.objects.filter(COUNTED_Q)) == expected


def test_good_and_bad_are_counted_ratings_of_the_good_and_bad_levels(every_kind):
    counted = [r for r in every_kind if r.stage != "followup" and not r.is_default and not r.excluded]
    good = {r.pk for r in counted if r.level in GOOD}
    bad = {r.pk for r in counted if r.level in BAD}
    assert ids(Rating.objects.good()) == good == {r.pk for r in every_kind if r.counts_as_good}
    assert ids(Rating.objects.bad()) == bad == {r.pk for r in every_kind if r.counts_as_bad}
    assert good and bad


def test_every_first_rating_is_in_exactly_one_bucket_and_follow_ups_in_none(every_kind):
    buckets = [ids(Rating.objects.filter(q)) for q in (COUNTED_Q, DEFAULT_GOOD_Q, EXCLUDED_Q)]
    first = {r.pk for r in every_kind if r.stage != "followup"}
    assert set().union(*buckets) == first == ids(Rating.objects.first_ratings())
    assert sum(len(b) for b in buckets) == len(first)
    # An excluded default rating is simply excluded.
    assert {r.pk for r in every_kind if r.is_default and r.excluded and r.stage != "followup"} <= buckets[2]


def test_by_people_leaves_out_only_default_ratings(every_kind):
    assert ids(Rating.objects.by_people()) == {r.pk for r in every_kind if not r.is_default}


def test_good_in_adds_up_the_good_levels_of_a_rollup_row():
    counts = {"ratings": 15, "very_satisfied": 1, "satisfied": 2, "basic": 4, "dissatisfied": 8,
              "very_dissatisfied": None}
    assert good_in(counts) == 3
    assert good_in({}) == 0


@pytest.mark.parametrize("level,is_bad", [("dissatisfied", False), ("satisfied", True)])
def test_the_stored_bad_flag_cannot_disagree_with_the_level(world, level, is_bad):
    # bulk_create skips Rating.save(), which sets is_bad: the database refuses a row out of step.
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.bulk_create([Rating(level=level, is_bad=is_bad, channel="qr", created_at=timeutil.now())])
    rating = raw_rating(world.site_a, timeutil.today(), Level.SATISFIED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.filter(pk=rating.pk).update(level=Level.VERY_DISSATISFIED)


def test_my_ratings_page_counts_what_the_figures_count(world, client_for, every_kind):
    page = client_for(world.clerk_a).get("/workbench/ratings/mine/").content.decode()
    total = len(Level.values) * 3  # per level: the counted ones of stages complete, accept and ""
    assert f'data-test="my-total">{total}<' in page
    assert f'data-test="my-bad">{2 * 3}<' in page  # follow-ups, default and excluded ratings left out


def test_survey_population_is_the_raters_of_counted_ratings(world):
    day = timeutil.today() - dt.timedelta(days=1)
    phones = {}
    for n, (stage, default, excluded) in enumerate([("complete", False, False), ("followup", False, False),
                                                    ("complete", True, False), ("complete", False, True)]):
        rating = raw_rating(world.site_a, day, Level.SATISFIED, stage=stage, is_default=default, excluded=excluded,
                            real_name=True)
        Rating.objects.filter(pk=rating.pk).update(rater_phone=f"1390000000{n}")
        phones[rating.pk] = (stage, default, excluded)
    population = surveys.population(world.county, day, day)
    assert [phones[pk] for pk in population] == [("complete", False, False)]
