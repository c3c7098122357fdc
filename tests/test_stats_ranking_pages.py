"""League tables are ranked in the database and read a page at a time: the order is exactly the one the
Wilson lower bound in Python gives, pages and totals add up, and the 流动红旗 candidate is found wherever
it ranks."""
import datetime as dt
import random

import pytest

from bianmin.orgs.models import Window
from bianmin.stats import months, ranking
from bianmin.stats.metrics import Target
from bianmin.stats.models import DailyRollup, Dimension

pytestmark = pytest.mark.django_db
URL = "/api/v1/stats/rankings"
DAY = dt.date(2026, 10, 14)


def _window_rows(world, counts: list[tuple[int, int]], day: dt.date = DAY) -> list[Window]:
    """One window per (good, bad), its rollup rows written directly (the league reads only rollups)."""
    windows = [Window.objects.create(site=world.site_a, number=str(100 + i), name=f"窗口{i}")
               for i in range(len(counts))]
    DailyRollup.objects.bulk_create(
        DailyRollup(day=day, dimension=Dimension.WINDOW, key=str(w.pk), unit_path=world.site_a.unit.path,
                    site_key=world.site_a.pk, ratings=good + bad, satisfied=good, dissatisfied=bad, bad=bad)
        for w, (good, bad) in zip(windows, counts))
    months.refresh([day])
    return windows


def _python_order(windows: list[Window], counts: list[tuple[int, int]]) -> list[int]:
    """The ranking rule stated in Python: bound descending, then more ratings, then the smaller id."""
    entries = [(w.pk, good, good + bad) for w, (good, bad) in zip(windows, counts) if good + bad]
    entries.sort(key=lambda e: (-ranking.wilson_lower(e[1], e[2]), -e[2], e[0]))
    return [pk for pk, _, _ in entries]


@pytest.mark.parametrize("seed", [3, 4])
def test_the_database_ranks_exactly_as_the_wilson_bound_in_python(world, seed):
    rng = random.Random(seed)
    # Small samples, ties (identical counts), perfect and empty records, and a few large ones.
    counts = [(rng.randint(0, 12), rng.randint(0, 3)) for _ in range(40)] + [(5, 1)] * 4 + [(0, 0), (3000, 100)]
    windows = _window_rows(world, counts)
    table = ranking.league_page(Target(unit=world.county), "window", DAY, DAY)
    assert [e["id"] for e in table.entries] == _python_order(windows, counts)
    assert [e["rank"] for e in table.entries] == list(range(1, len(table.entries) + 1))
    assert table.total == len(table.entries) == sum(1 for g, b in counts if g + b)
    for e in table.entries:
        assert e["wilson_lower"] == ranking.wilson_lower(e["good"], e["ratings"])


def test_pages_cover_the_table_once_with_its_total(world):
    counts = [(i, i % 3) for i in range(1, 24)]
    windows = _window_rows(world, counts)
    order = _python_order(windows, counts)
    target = Target(unit=world.county)
    seen = []
    for offset in range(0, 30, 10):
        page = ranking.league_page(target, "window", DAY, DAY, limit=10, offset=offset)
        assert page.total == 23
        seen += [e["id"] for e in page.entries]
    assert seen == order
    past_the_end = ranking.league_page(target, "window", DAY, DAY, limit=10, offset=50)
    assert past_the_end.entries == [] and past_the_end.total == 23
    only = ranking.league_page(target, "window", DAY, DAY, ids=[order[5], order[0]])
    assert [(e["id"], e["rank"]) for e in only.entries] == [(order[0], 1), (order[5], 6)]


def test_an_empty_period_is_an_empty_table(world):
    table = ranking.league_page(Target(unit=world.county), "window", DAY, DAY, limit=10, red_flag=True)
    assert (table.entries, table.total, table.red_flag) == ([], 0, None)


def test_red_flag_is_found_beyond_the_page_shown(world, settings):
    settings.BIANMIN = {**settings.BIANMIN, "RED_FLAG_MIN_RATINGS": 50}
    # 20 good of 20 (bound ~0.84) beats 60 of 70 (~0.76): the only window with enough ratings ranks last.
    counts = [(20, 0)] * 10 + [(60, 10)]
    windows = _window_rows(world, counts)
    page = ranking.league_page(Target(unit=world.county), "window", DAY, DAY, limit=3, red_flag=True)
    assert len(page.entries) == 3 and page.total == 11
    assert page.red_flag["id"] == windows[-1].pk and page.red_flag["rank"] == 11
    assert windows[-1].pk not in [e["id"] for e in page.entries]


def test_api_pages_the_league_and_reports_its_total(world, api_for):
    counts = [(i, 1) for i in range(1, 8)]
    windows = _window_rows(world, counts)
    order = _python_order(windows, counts)
    client = api_for(world.supervisor)
    body = client.get(URL, {"level": "window", "from": DAY, "to": DAY, "limit": 3, "offset": 2}).json()
    assert (body["total"], body["limit"], body["offset"]) == (7, 3, 2)
    assert [e["id"] for e in body["entries"]] == order[2:5]
    assert [e["rank"] for e in body["entries"]] == [3, 4, 5]
    third = Window.objects.get(pk=order[2])
    assert body["entries"][0]["name"] == f"{third.number}号 {third.name}"
    assert body["entries"][0]["site_name"] == world.site_a.name


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": ranking.PAGE_MAX + 1}, {"offset": -1},
                                    {"limit": "ten"}, {"offset": "9" * 30}])
def test_api_refuses_a_bad_page(world, api_for, params):
    response = api_for(world.supervisor).get(URL, {"level": "window", **params})
    assert response.status_code == 422
    assert response.json()["message"] and response.json()["message_en"]


def test_previous_rank_is_read_for_the_entries_shown_only(world):
    windows = _window_rows(world, [(9, 1), (30, 0), (5, 5)], day=dt.date(2026, 9, 10))
    DailyRollup.objects.bulk_create(
        DailyRollup(day=DAY, dimension=Dimension.WINDOW, key=str(w.pk), unit_path=world.site_a.unit.path,
                    site_key=world.site_a.pk, ratings=n, satisfied=n)
        for w, n in zip(windows, [40, 10, 2]))
    months.refresh([DAY])
    october = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    table = ranking.league_with_change(Target(unit=world.county), "window", *october, limit=2)
    assert [(e["id"], e["rank"], e["previous_rank"], e["rank_change"]) for e in table.entries] == [
        (windows[0].pk, 1, 2, 1), (windows[1].pk, 2, 1, -1)]
    assert table.entries[0]["good_rate_change"] == pytest.approx(1.0 - 0.9)


def _rated_window_day(world, day: dt.date, good: int, bad: int):
    from bianmin.ratings.models import Level

    from .stats_helpers import raw_rating

    ratings = [raw_rating(world.site_a, day, Level.SATISFIED, window=world.window_a) for _ in range(good)]
    ratings += [raw_rating(world.site_a, day, Level.DISSATISFIED, window=world.window_a) for _ in range(bad)]
    return ratings


def test_a_league_is_computed_once_until_a_day_of_its_period_changes(world, settings, django_assert_num_queries):
    from bianmin.ratings import services as rating_services
    from bianmin.stats import rollup

    settings.BIANMIN = {**settings.BIANMIN, "STATS_RECOUNT_SECONDS": 0}  # every sweep looks for exclusions
    day = dt.date(2026, 10, 14)
    ratings = _rated_window_day(world, day, 8, 2)
    rollup.sweep()
    target, october = Target(unit=world.county), (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    first = ranking.league_page(target, "window", *october, limit=10)
    assert (first.entries[0]["ratings"], first.entries[0]["bad"]) == (10, 2)
    with django_assert_num_queries(1):  # the period's version only
        again = ranking.league_page(target, "window", *october, limit=10)
    assert again == first
    _rated_window_day(world, dt.date(2026, 9, 30), 5, 0)  # outside the period: the cached table stays
    rollup.sweep()
    with django_assert_num_queries(1):
        ranking.league_page(target, "window", *october, limit=10)
    rating_services.exclude(ratings[-1], "经审核认定为恶意差评")  # inside it: the next sweep replaces the day
    rollup.sweep()
    after = ranking.league_page(target, "window", *october, limit=10)
    assert (after.entries[0]["ratings"], after.entries[0]["bad"]) == (9, 1)


def test_cached_names_follow_the_language(world):
    from django.utils import translation

    from bianmin.stats import rollup

    _rated_window_day(world, dt.date(2026, 10, 14), 3, 0)
    rollup.sweep()
    october = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    with translation.override("zh-hans"):
        chinese = ranking.league_page(Target(unit=world.county), "window", *october).entries[0]["name"]
    with translation.override("en"):
        english = ranking.league_page(Target(unit=world.county), "window", *october).entries[0]["name"]
    assert "号" in chinese and "号" not in english


def test_stats_cache_can_be_turned_off(world, settings, django_assert_num_queries):
    from bianmin.stats import rollup

    settings.BIANMIN = {**settings.BIANMIN, "STATS_CACHE_SECONDS": 0}
    _rated_window_day(world, dt.date(2026, 10, 14), 3, 0)
    rollup.sweep()
    october = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    ranking.league_page(Target(unit=world.county), "window", *october)
    with django_assert_num_queries(2):  # the table and its names, every time
        ranking.league_page(Target(unit=world.county), "window", *october)
