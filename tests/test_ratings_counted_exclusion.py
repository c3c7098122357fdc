"""Excluding a rating is a ratings service (ratings.services.exclude / include): it records who and why, and queues
the rating's rollup days, so the very next statistics sweep stops counting it — not only the periodic recount
(every STATS_RECOUNT_SECONDS, over the last STATS_RECOUNT_DAYS)."""
import datetime as dt
import json

import pytest

from bianmin.core import timeutil
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Level, Rating, RatingExclusion
from bianmin.stats import metrics, ranking, rollup
from bianmin.stats.metrics import Target
from bianmin.stats.models import DailyRollup

from .stats_helpers import raw_rating
from .ticket_helpers import bad_rating, do, ticket_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def recount_now_and_then(settings):
    """The periodic recount at its production pace: at most every ten minutes."""
    settings.BIANMIN = {**settings.BIANMIN, "STATS_RECOUNT_SECONDS": 600, "STATS_RECOUNT_DAYS": 400}


def today_figures(world) -> metrics.Summary:
    day = timeutil.today()
    return metrics.summary(Target(unit=world.county), day, day)


def counted_before(world) -> Rating:
    rating = bad_rating(world)
    rollup.sweep()  # the periodic recount runs here too, and then waits its interval
    figures = today_figures(world)
    assert (figures.ratings, figures.bad, figures.coverage.numerator) == (1, 1, 1)
    return rating


def assert_no_longer_counted(world):
    figures = today_figures(world)
    assert (figures.ratings, figures.bad, figures.coverage.numerator) == (0, 0, 0)
    assert figures.coverage.denominator == 1  # the case is still completed, just no longer rated


def test_an_upheld_appeal_leaves_the_figures_at_the_next_sweep(world, api_for, recount_now_and_then):
    rating = counted_before(world)
    r = api_for(world.clerk_a).post(f"/api/v1/ratings/{rating.pk}/appeals", data=json.dumps({"reason": "误评"}),
                                    content_type="application/json")
    assert r.status_code == 201, r.content.decode()
    r = api_for(world.supervisor).post(f"/api/v1/appeals/{r.json()['id']}/decide",
                                       data=json.dumps({"decision": "upheld", "reason": "录音证实为误评"}),
                                       content_type="application/json")
    assert r.status_code == 200, r.content.decode()
    rollup.sweep()
    assert_no_longer_counted(world)
    change = RatingExclusion.objects.get(rating=rating)
    assert (change.excluded, change.by, change.recounted) == (True, world.supervisor, True)
    assert change.reason.startswith("申诉成立")


def test_an_approved_malicious_finding_leaves_the_figures_at_the_next_sweep(world, api_for, recount_now_and_then):
    rating = counted_before(world)
    ticket = ticket_of(rating)
    do(api_for(world.clerk_a), ticket, "verify", {"channel": "phone", "reached": True})
    do(api_for(world.clerk_a), ticket, "resolve", {"outcome": "malicious", "note": "评价人承认误点"})
    rollup.sweep()  # awaiting approval: still counted
    assert today_figures(world).bad == 1
    do(api_for(world.supervisor), ticket, "approve_exclusion", {"note": "核实属实"})
    rollup.sweep()
    assert_no_longer_counted(world)
    assert RatingExclusion.objects.get(rating=rating).by == world.supervisor


def test_a_cached_league_follows_the_exclusion_at_the_next_sweep(world, recount_now_and_then):
    day = timeutil.today() - dt.timedelta(days=1)
    ratings = [raw_rating(world.site_a, day, level, window=world.window_a)
               for level in (Level.SATISFIED, Level.SATISFIED, Level.DISSATISFIED)]
    rollup.sweep()
    target = Target(unit=world.county)
    assert ranking.league_page(target, "window", day, day).entries[0]["bad"] == 1  # now cached
    rating_services.exclude(ratings[-1], "误评/恶意差评（经审核）", by=world.supervisor)
    rollup.sweep()
    entry = ranking.league_page(target, "window", day, day).entries[0]
    assert (entry["ratings"], entry["bad"]) == (2, 0)


def test_a_rating_older_than_the_recount_window_is_recounted_too(world, settings):
    settings.BIANMIN = {**settings.BIANMIN, "STATS_RECOUNT_SECONDS": 0, "STATS_RECOUNT_DAYS": 30}
    day = timeutil.today() - dt.timedelta(days=90)
    old = raw_rating(world.site_a, day, Level.VERY_DISSATISFIED)
    rollup.sweep()
    rating_services.exclude(old, "申诉成立：录音证实为误评")
    rollup.sweep()
    row = DailyRollup.objects.get(day=day, dimension="site", key=str(world.site_a.pk))
    assert (row.ratings, row.bad, row.excluded) == (0, 0, 1)


def test_exclude_is_recorded_once_and_include_reverses_it(world, recount_now_and_then):
    day = timeutil.today() - dt.timedelta(days=2)
    rating = raw_rating(world.site_a, day, Level.DISSATISFIED)
    rollup.sweep()
    assert rating_services.exclude(rating, "误评/恶意差评（经审核）", by=world.supervisor) is True
    assert rating_services.exclude(rating, "again", by=world.supervisor) is False  # already excluded: nothing
    rating.refresh_from_db()
    assert rating.excluded and rating.excluded_reason == "误评/恶意差评（经审核）" and not rating.counts_in_statistics
    assert RatingExclusion.objects.filter(rating=rating).count() == 1
    rollup.sweep()
    assert DailyRollup.objects.get(day=day, dimension="site").excluded == 1

    assert rating_services.include(rating, "复核更正", by=world.supervisor) is True
    rating.refresh_from_db()
    assert not rating.excluded and rating.excluded_reason == "" and rating.counts_in_statistics
    assert list(RatingExclusion.objects.filter(rating=rating).values_list("excluded", "recounted")) == [
        (True, True), (False, False)]
    rollup.sweep()
    row = DailyRollup.objects.get(day=day, dimension="site")
    assert (row.ratings, row.bad, row.excluded) == (1, 1, 0)
    assert not RatingExclusion.objects.filter(recounted=False).exists()
    assert rollup.sweep() == 0  # nothing queued any more


def test_the_reason_is_cut_to_the_column(world):
    rating = raw_rating(world.site_a, timeutil.today(), Level.DISSATISFIED)
    rating_services.exclude(rating, "申诉成立：" + "很长的理由" * 100)
    rating.refresh_from_db()
    assert len(rating.excluded_reason) == 200 == len(RatingExclusion.objects.get().reason)
