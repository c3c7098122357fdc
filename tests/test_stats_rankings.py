"""League tables rank by a confidence bound, so three lucky ratings do not beat three hundred good ones."""
import pytest
from django.core.management import call_command

from bianmin.core import timeutil
from bianmin.ratings.models import Level
from bianmin.stats.ranking import wilson_lower

from .stats_helpers import raw_rating

pytestmark = pytest.mark.django_db
URL = "/api/v1/stats/rankings"


def test_wilson_lower_bound():
    assert wilson_lower(0, 0) is None
    assert wilson_lower(3, 3) == pytest.approx(0.4385, abs=1e-3)
    assert wilson_lower(2900, 3000) == pytest.approx(0.9600, abs=2e-3)
    assert wilson_lower(0, 5) == 0.0


def _ratings(site, good: int, bad: int, **extra):
    day = timeutil.today()
    for _ in range(good):
        raw_rating(site, day, Level.SATISFIED, **extra)
    for _ in range(bad):
        raw_rating(site, day, Level.DISSATISFIED, **extra)


def test_a_small_perfect_sample_ranks_below_a_large_good_one(world, api_for):
    _ratings(world.site_b, 3, 0)  # 100 % of 3
    _ratings(world.site_a, 57, 3)  # 95 % of 60
    raw_rating(world.site_b, timeutil.today(), Level.VERY_DISSATISFIED, excluded=True)  # never counts
    _ratings(world.site_other, 10, 0)  # another county: out of the supervisor's scope
    call_command("worker", "--once")
    body = api_for(world.supervisor).get(URL, {"level": "site"}).json()
    entries = body["entries"]
    assert [e["id"] for e in entries] == [world.site_a.pk, world.site_b.pk]
    assert [e["rank"] for e in entries] == [1, 2]
    assert entries[1]["good_rate"] == 1.0 and entries[1]["ratings"] == 3 and entries[1]["bad"] == 0
    assert entries[0]["wilson_lower"] > entries[1]["wilson_lower"]
    assert entries[0]["name"] == world.site_a.name
    assert "Wilson" in body["definition"]


def test_windows_staff_and_departments_are_ranked_within_the_scope(world, api_for):
    _ratings(world.site_a, 4, 1, window=world.window_a, staff=world.clerk_a.staff, item=world.item_committed)
    _ratings(world.site_b, 2, 0, item=world.item_instant)
    call_command("worker", "--once")
    supervisor = api_for(world.supervisor)
    windows = supervisor.get(URL, {"level": "window"}).json()["entries"]
    assert [(e["id"], e["ratings"]) for e in windows] == [(world.window_a.pk, 5)]
    staff = supervisor.get(URL, {"level": "staff"}).json()["entries"]
    assert [(e["id"], e["good"]) for e in staff] == [(world.clerk_a.staff.pk, 4)]
    departments = supervisor.get(URL, {"level": "department"}).json()["entries"]
    assert [(e["id"], e["ratings"]) for e in departments] == [(world.civil_affairs.pk, 7)]
    # The township centre's manager sees only what was rated at their own site.
    mine = api_for(world.manager_b).get(URL, {"level": "department"}).json()["entries"]
    assert [(e["id"], e["ratings"]) for e in mine] == [(world.civil_affairs.pk, 2)]
    assert api_for(world.manager_b).get(URL, {"level": "window"}).json()["entries"] == []


def test_bad_level_or_scope(world, api_for):
    client = api_for(world.manager_b)
    assert client.get(URL, {"level": "galaxy"}).status_code == 422
    assert client.get(URL).status_code == 422
    assert client.get(URL, {"level": "site", "unit": world.county.pk}).status_code == 404


def _on(site, day, good: int, bad: int, **extra):
    for _ in range(good):
        raw_rating(site, day, Level.SATISFIED, **extra)
    for _ in range(bad):
        raw_rating(site, day, Level.DISSATISFIED, **extra)


def test_month_over_month_change_compares_whole_months(world, api_for):
    import datetime as dt

    from bianmin.stats.ranking import previous_period

    assert previous_period(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert previous_period(dt.date(2026, 3, 10), dt.date(2026, 3, 19)) == (dt.date(2026, 2, 28), dt.date(2026, 3, 9))
    # October: site B first; November: site A first.
    _on(world.site_b, dt.date(2026, 10, 12), 40, 0)
    _on(world.site_a, dt.date(2026, 10, 12), 30, 10)
    _on(world.site_a, dt.date(2026, 11, 12), 50, 0)
    _on(world.site_b, dt.date(2026, 11, 12), 20, 10)
    call_command("worker", "--once")
    body = api_for(world.supervisor).get(URL, {"level": "site", "from": "2026-11-01", "to": "2026-11-30"}).json()
    a, b = body["entries"]
    assert (a["id"], a["previous_rank"], a["rank_change"]) == (world.site_a.pk, 2, 1)
    assert (b["id"], b["previous_rank"], b["rank_change"]) == (world.site_b.pk, 1, -1)
    assert a["good_rate_change"] == pytest.approx(1.0 - 0.75)
    # A unit with no ratings in the previous month has no change to show.
    only_now = api_for(world.supervisor).get(URL, {"level": "site", "from": "2026-10-01", "to": "2026-10-31"}).json()
    assert all(e["previous_rank"] is None and e["rank_change"] is None for e in only_now["entries"])


def test_red_flag_candidate_needs_enough_ratings(world, api_for, settings):
    settings.BIANMIN = {**settings.BIANMIN, "RED_FLAG_MIN_RATINGS": 20}
    from bianmin.orgs.models import Window

    small = Window.objects.create(site=world.site_a, number="9", name="小窗口")
    day = timeutil.today()
    _on(world.site_a, day, 12, 0, window=small)  # best bound of the few, but only 12 ratings
    _on(world.site_a, day, 95, 5, window=world.window_a)
    call_command("worker", "--once")
    body = api_for(world.supervisor).get(URL, {"level": "window"}).json()
    assert body["entries"][0]["id"] == world.window_a.pk  # 95 of 100 beats 12 of 12 on the bound anyway
    assert body["red_flag"]["id"] == world.window_a.pk
    settings.BIANMIN = {**settings.BIANMIN, "RED_FLAG_MIN_RATINGS": 1000}
    assert api_for(world.supervisor).get(URL, {"level": "window"}).json()["red_flag"] is None
