"""Rollups always equal a from-scratch count of the raw ratings, however the sweeps and exclusions interleave."""
import datetime as dt
import random

import pytest
from django.core.management import CommandError, call_command

from bianmin.core import timeutil
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Level, Rating
from bianmin.stats import rollup
from bianmin.stats.models import DailyRollup, StatsCursor

from .stats_helpers import expected_rollups, raw_rating, stored_rollups

pytestmark = pytest.mark.django_db

CHANNELS = ["window_device", "qr", "pc", "mobile", "paper"]


@pytest.fixture
def recount_every_sweep(settings):
    settings.BIANMIN = {**settings.BIANMIN, "STATS_RECOUNT_SECONDS": 0}


def _random_ratings(world, rng: random.Random, n: int, first_day: dt.date):
    sites = [world.site_a, world.site_b, world.site_other]
    items = [world.item_committed, world.item_instant, None]
    for _ in range(n):
        site = rng.choice(sites)
        raw_rating(site, first_day + dt.timedelta(days=rng.randrange(12)), rng.choice(list(Level.values)),
                   hour=rng.randrange(24), channel=rng.choice(CHANNELS),
                   stage=rng.choice(["complete", "complete", "accept", "receive", "followup", ""]),
                   window=world.window_a if site == world.site_a and rng.random() < 0.7 else None,
                   staff=world.clerk_a.staff if rng.random() < 0.5 else None, item=rng.choice(items),
                   real_name=rng.random() < 0.5, is_default=rng.random() < 0.1, excluded=rng.random() < 0.05)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_sweeps_interleaved_with_exclusions_equal_recomputation(world, recount_every_sweep, seed):
    rng = random.Random(seed)
    first_day = timeutil.today() - dt.timedelta(days=20)
    for step in range(4):
        _random_ratings(world, rng, 40, first_day)
        rollup.sweep()
        # Exclusions the way the rectification loop makes them (QuerySet.update: no signal fires).
        for rating in rng.sample(list(Rating.objects.filter(excluded=False)), 5):
            rating_services.exclude(rating, "经审核认定为恶意差评")
        if step % 2:
            rollup.sweep()
    rollup.sweep()
    assert stored_rollups() == expected_rollups()
    assert DailyRollup.objects.filter(dimension="region").exists()


def test_sweep_is_idempotent_and_rebuild_gives_the_same_rows(world, recount_every_sweep):
    _random_ratings(world, random.Random(7), 60, timeutil.today() - dt.timedelta(days=15))
    rollup.sweep()
    first = stored_rollups()
    assert rollup.sweep() == 0  # nothing new, nothing dirty
    assert stored_rollups() == first
    DailyRollup.objects.update(ratings=999)  # corrupt, then rebuild from scratch
    call_command("stats_rebuild")
    assert stored_rollups() == first == expected_rollups()


def test_later_exclusion_is_picked_up_by_the_next_sweep(world, recount_every_sweep):
    day = timeutil.today() - dt.timedelta(days=3)
    bad = raw_rating(world.site_a, day, Level.VERY_DISSATISFIED, real_name=True)
    raw_rating(world.site_a, day, Level.SATISFIED)
    rollup.sweep()
    row = DailyRollup.objects.get(day=day, dimension="site", key=str(world.site_a.pk))
    assert (row.ratings, row.bad, row.real_name_bad, row.excluded) == (2, 1, 1, 0)

    rating_services.exclude(bad, "申诉成立")
    rollup.sweep()
    row = DailyRollup.objects.get(day=day, dimension="site", key=str(world.site_a.pk))  # rows are replaced
    assert (row.ratings, row.bad, row.real_name_bad, row.excluded, row.very_dissatisfied) == (1, 0, 0, 1, 0)


def test_recount_waits_for_its_interval(world):
    day = timeutil.today() - dt.timedelta(days=1)
    bad = raw_rating(world.site_a, day, Level.DISSATISFIED)
    rollup.sweep()
    # A change behind the ratings service's back (no RatingExclusion queued): only the recount can see it.
    Rating.objects.filter(pk=bad.pk).update(excluded=True)
    rollup.sweep()  # the recount ran a moment ago: the change waits for the next one
    assert DailyRollup.objects.get(day=day, dimension="site").excluded == 0
    rollup.recount(force=True)
    assert DailyRollup.objects.get(day=day, dimension="site").excluded == 1


def test_rating_committed_below_the_watermark_is_found_by_the_recount(world, recount_every_sweep):
    # On PostgreSQL an id is handed out before commit, so a slow transaction can commit a rating whose id
    # is below a watermark another worker already moved past.
    rollup.sweep()
    StatsCursor.objects.update(last_rating_id=10**9)
    raw_rating(world.site_b, timeutil.today(), Level.BASIC)
    rollup.sweep()
    assert stored_rollups() == expected_rollups()
    assert DailyRollup.objects.get(dimension="site", key=str(world.site_b.pk)).basic == 1


def test_region_rows_give_each_level_its_own_subtree(world):
    day = timeutil.today()
    raw_rating(world.site_a, day, Level.SATISFIED)  # site A hangs off the county
    raw_rating(world.site_b, day, Level.BASIC)  # site B off the township below the county
    raw_rating(world.site_other, day, Level.DISSATISFIED)  # the neighbouring county
    rollup.sweep()
    regions = {r.key: r.ratings for r in DailyRollup.objects.filter(dimension="region", day=day)}
    assert regions[str(world.county.pk)] == 2
    assert regions[str(world.township.pk)] == 1
    assert regions[str(world.other_county.pk)] == 1
    assert regions[str(world.county.parent_id)] == 3  # the city
    row = DailyRollup.objects.get(dimension="region", key=str(world.township.pk))
    assert (row.unit_path, row.site_key) == (world.township.path, 0)


def test_rows_remember_the_site_so_a_site_can_be_cut_out_of_its_unit(world):
    raw_rating(world.site_a, timeutil.today(), Level.SATISFIED, window=world.window_a, item=world.item_committed)
    rollup.sweep()
    for dimension in ("site", "window", "item", "department", "channel"):
        row = DailyRollup.objects.get(dimension=dimension)
        assert (row.site_key, row.unit_path, row.satisfied) == (world.site_a.pk, world.county.path, 1), dimension


def test_rebuild_range_and_bad_arguments(world):
    day = timeutil.today() - dt.timedelta(days=2)
    raw_rating(world.site_a, day, Level.SATISFIED)
    call_command("stats_rebuild", "--from", day.isoformat(), "--to", day.isoformat())
    assert DailyRollup.objects.filter(day=day, dimension="site").get().satisfied == 1
    with pytest.raises(CommandError):
        call_command("stats_rebuild", "--from", "2025-02-30")
    with pytest.raises(CommandError):
        call_command("stats_rebuild", "--from", "2025-03-02", "--to", "2025-03-01")
