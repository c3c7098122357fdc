"""Monthly rollups always equal the daily rows added up, and sums over any period read from them give the
same answer as the daily rows alone."""
import datetime as dt
import random
from collections import defaultdict

import pytest
from django.db import transaction

from bianmin.core import timeutil
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Level, Rating
from bianmin.stats import months, rollup
from bianmin.stats.models import DailyRollup, MonthlyRollup

from .stats_helpers import expected_monthly, expected_rollups, raw_rating, stored_monthly
from .test_stats_rollup import _random_ratings

pytestmark = pytest.mark.django_db


@pytest.fixture
def recount_every_sweep(settings):
    settings.BIANMIN = {**settings.BIANMIN, "STATS_RECOUNT_SECONDS": 0}


def _ratings_over_three_months(world, seed: int):
    rng = random.Random(seed)
    first = timeutil.today() - dt.timedelta(days=80)
    for offset in (0, 12, 24, 36, 48, 60):  # _random_ratings spreads over 12 days from its first day
        _random_ratings(world, rng, 15, first + dt.timedelta(days=offset))
    return rng


@pytest.mark.parametrize("seed", [1, 2])
def test_monthly_rows_equal_the_daily_rows_added_up_through_sweeps_and_exclusions(world, recount_every_sweep,
                                                                                    seed):
    rng = _ratings_over_three_months(world, seed)
    rollup.sweep()
    assert stored_monthly() == expected_monthly()
    for rating in rng.sample(list(Rating.objects.filter(excluded=False)), 8):
        rating_services.exclude(rating, "经审核认定为恶意差评")
    rollup.sweep()  # the recount replaces the dirty days, and with them their months
    assert stored_monthly() == expected_monthly()
    assert len({day for day, *_ in stored_monthly()}) >= 3
    assert not MonthlyRollup.objects.filter(dimension__in=["item", "channel"]).exists()


def _every_monthly_row() -> list[tuple]:
    """The monthly rows exactly as stored, zeros included (stored_monthly leaves zero counts out)."""
    return sorted(MonthlyRollup.objects.values_list("day", *months.GROUP_FIELDS, *months.COUNT_FIELDS))


def test_months_kept_up_day_by_day_equal_months_recomputed_whole(world, recount_every_sweep):
    rng = _ratings_over_three_months(world, 7)
    rollup.sweep()  # many days per month: recomputed whole
    today = timeutil.today()
    for back in (1, 2, 1):  # one day at a time: kept up incrementally
        day = today - dt.timedelta(days=back)
        for level in rng.sample(list(Level.values), 3):
            raw_rating(rng.choice([world.site_a, world.site_b]), day, level, window=world.window_a,
                       staff=world.clerk_a.staff if rng.random() < 0.5 else None)
        rollup.sweep()
    for rating in rng.sample(list(Rating.objects.filter(excluded=False)), 5):
        rating_services.exclude(rating, "经审核认定为恶意差评")
    rollup.sweep()
    kept_up = _every_monthly_row()
    with transaction.atomic():
        months.refresh(DailyRollup.objects.values_list("day", flat=True).distinct())
    assert kept_up == _every_monthly_row()
    assert stored_monthly() == expected_monthly()


def test_a_key_gone_from_a_replaced_day_leaves_no_empty_monthly_row(world):
    day = timeutil.today() - dt.timedelta(days=1)
    lone = raw_rating(world.site_a, day, Level.SATISFIED, window=world.window_a)
    raw_rating(world.site_b, day, Level.SATISFIED)
    rollup.sweep()
    assert MonthlyRollup.objects.filter(dimension="window", key=str(world.window_a.pk)).exists()
    lone.delete()  # as if it had never been stored: its window has no ratings left this month
    with transaction.atomic():
        rollup.replace_days([day])
    assert not MonthlyRollup.objects.filter(dimension="window", key=str(world.window_a.pk)).exists()
    assert stored_monthly() == expected_monthly()


def test_rebuild_restores_corrupted_monthly_rows(world):
    _ratings_over_three_months(world, 5)
    rollup.sweep()
    MonthlyRollup.objects.update(ratings=999)
    rollup.rebuild()
    assert stored_monthly() == expected_monthly()


def _daily_only(dimension, date_from, date_to):
    sums = defaultdict(lambda: defaultdict(int))
    for day, dim, key, _path, _site, *counts in expected_rollups():
        if dim == dimension and date_from <= day <= date_to:
            for field, n in counts:
                sums[key][field] += n
    return {key: dict(c) for key, c in sums.items() if any(c.values())}


@pytest.mark.parametrize("dimension", ["site", "staff", "window", "region", "item"])
def test_period_sums_over_any_period_equal_the_daily_rows(world, dimension):
    _ratings_over_three_months(world, 3)
    rollup.sweep()
    today = timeutil.today()
    rng = random.Random(dimension)
    periods = [(today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)]  # a whole month …
    periods = [(periods[0], today.replace(day=1) - dt.timedelta(days=1))]
    for _ in range(12):  # … and random periods, partial months at either end or none at all
        a, b = sorted(today - dt.timedelta(days=rng.randrange(100)) for _ in range(2))
        periods.append((a, b))
    for date_from, date_to in periods:
        got = {r["key"]: {f: r[f] for f in months.COUNT_FIELDS if r[f]}
               for r in months.period_sums(dimension, date_from, date_to, months.COUNT_FIELDS)}
        got = {k: v for k, v in got.items() if v}
        assert got == _daily_only(dimension, date_from, date_to), (date_from, date_to)


def test_split_separates_whole_months_from_partial_edges():
    d = dt.date
    assert months.split(d(2026, 1, 15), d(2026, 4, 10)) == (
        (d(2026, 2, 1), d(2026, 3, 1)), [(d(2026, 1, 15), d(2026, 1, 31)), (d(2026, 4, 1), d(2026, 4, 10))])
    assert months.split(d(2026, 2, 1), d(2026, 2, 28)) == ((d(2026, 2, 1), d(2026, 2, 1)), [])
    assert months.split(d(2026, 2, 2), d(2026, 3, 30)) == (None, [(d(2026, 2, 2), d(2026, 2, 28)),
                                                                  (d(2026, 3, 1), d(2026, 3, 30))])
    assert months.split(d(2026, 2, 2), d(2026, 2, 20)) == (None, [(d(2026, 2, 2), d(2026, 2, 20))])
    assert months.split(d(2026, 1, 31), d(2026, 3, 1)) == (
        (d(2026, 2, 1), d(2026, 2, 1)), [(d(2026, 1, 31), d(2026, 1, 31)), (d(2026, 3, 1), d(2026, 3, 1))])
    assert months.split(dt.date(2024, 2, 1), dt.date(2024, 2, 29))[0] == (dt.date(2024, 2, 1), dt.date(2024, 2, 1))


def test_plan_reads_a_mostly_covered_month_as_the_month_minus_the_days_it_lacks():
    d = dt.date
    # 2 Nov – 28 Nov: November less the 1st and the 29th–30th.
    assert months.plan(d(2026, 11, 2), d(2026, 11, 28)) == [
        (1, "month", d(2026, 11, 1), d(2026, 11, 1)), (-1, "day", d(2026, 11, 1), d(2026, 11, 1)),
        (-1, "day", d(2026, 11, 29), d(2026, 11, 30))]
    # 20 Jan – 10 Mar: the days of January's end and of March's start, February whole.
    assert months.plan(d(2026, 1, 20), d(2026, 3, 10)) == [
        (1, "month", d(2026, 2, 1), d(2026, 2, 1)), (1, "day", d(2026, 1, 20), d(2026, 1, 31)),
        (1, "day", d(2026, 3, 1), d(2026, 3, 10))]


def test_refresh_of_a_month_without_daily_rows_leaves_it_empty(world):
    _ratings_over_three_months(world, 4)
    rollup.sweep()
    day = timeutil.today() - dt.timedelta(days=400)
    assert months.refresh([day]) == 0
    assert not MonthlyRollup.objects.filter(day=day.replace(day=1)).exists()
    DailyRollup.objects.all().delete()
    months.refresh([timeutil.today()])
    assert not MonthlyRollup.objects.filter(day=timeutil.today().replace(day=1)).exists()
