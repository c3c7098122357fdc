"""Queue figures (issue 16 §7) computed from a small known set of tickets and appointments through the rollup:
waiting and service time, the share within the wait target (29/30/31 minutes), by hour and by window, no-shows,
abandoned tickets, appointment use and the wait estimate against the real wait."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.hall.models import HallSettings
from bianmin.orgs.models import Window
from bianmin.stats import queue_metrics, queue_rollup
from bianmin.stats.metrics import Target
from bianmin.stats.models import DailyQueueRollup

from .stats_queue_helpers import DAY, known_day, ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(world):
    known_day(world)
    queue_rollup.rebuild(DAY, DAY)
    return world


def test_the_known_day_gives_each_figure(day):
    f = queue_metrics.figures(Target(site=day.site_a), DAY, DAY)
    assert (f.tickets, f.green_lane, f.called, f.served) == (7, 1, 5, 3)
    # Waits 29, 30, 31, 5 and 0 minutes: 95 / 5; the uncalled, waiting and abandoned tickets have none.
    assert f.average_wait_minutes == 19.0 and f.longest_wait_minutes == 31.0
    # 29 and 30 (exactly 30:00) are within 30 minutes, 31 is not.
    assert (f.wait_within_target_rate.numerator, f.wait_within_target_rate.denominator) == (4, 5)
    assert f.target_minutes == 30
    assert f.average_service_minutes == 12.0  # (10 + 20 + 6) / 3: from the first call to finished
    assert (f.no_show, f.no_show_rate.numerator, f.no_show_rate.denominator) == (1, 1, 5)
    assert (f.abandoned, f.abandoned_rate.value) == (1, round(1 / 7, 4))
    assert (f.estimate_hit_rate.numerator, f.estimate_hit_rate.denominator) == (1, 2)
    # Cancelled appointments hold no place: 4 booked for the day, 2 came, 1 did not.
    assert (f.appointments, f.appointments_checked_in, f.appointments_no_show) == (4, 2, 1)
    assert f.appointment_use_rate.value == 0.5 and f.appointment_no_show_rate.value == 0.25


def test_by_hour_of_issue_and_by_window(day):
    target = Target(site=day.site_a)
    hours = {h["name"]: h for h in queue_metrics.by_hour(target, DAY, DAY)}
    assert list(hours) == ["09:00", "10:00"]
    assert (hours["09:00"]["tickets"], hours["09:00"]["average_wait_minutes"]) == (3, 30.0)
    assert (hours["10:00"]["tickets"], hours["10:00"]["average_wait_minutes"]) == (4, 2.5)
    assert hours["09:00"]["wait_within_target"] == "66.7%"
    windows = queue_metrics.by_window(target, DAY, DAY)
    assert [w["id"] for w in windows] == [day.window_a.pk, 0]
    assert (windows[0]["tickets"], windows[0]["no_show"], windows[0]["appointments"]) == (5, 1, 0)
    # Tickets no window took (waiting, abandoned) and the appointments stay visible on a line of their own.
    assert (windows[1]["tickets"], windows[1]["abandoned"], windows[1]["appointments"]) == (2, 1, 4)
    assert [d["name"] for d in queue_metrics.by_day(target, DAY, DAY)] == [DAY.isoformat()]


def test_hours_between_busy_ones_are_shown_empty(world):
    ticket(world.site_a, "08:40", wait=3, window=world.window_a)
    ticket(world.site_a, "11:10", wait=7, window=world.window_a)
    queue_rollup.rebuild(DAY, DAY)
    hours = queue_metrics.by_hour(Target(site=world.site_a), DAY, DAY)
    assert [(h["name"], h["tickets"]) for h in hours] == [("08:00", 1), ("09:00", 0), ("10:00", 0), ("11:00", 1)]


def test_the_target_is_the_sites_own_and_a_subtree_adds_its_sites_up(day):
    HallSettings.objects.create(site=day.site_b, wait_target_minutes=20)
    window_b = Window.objects.create(site=day.site_b, number="1", name="综合窗口", kind=Window.Kind.COMPREHENSIVE)
    ticket(day.site_b, "09:00", wait=19, window=window_b)
    ticket(day.site_b, "09:05", wait=21, window=window_b)
    ticket(day.site_other, "09:00", wait=90)  # the neighbouring county: outside the county's figures
    queue_rollup.rebuild(DAY, DAY)
    b = queue_metrics.figures(Target(site=day.site_b), DAY, DAY)
    assert (b.wait_within_target_rate.numerator, b.wait_within_target_rate.denominator, b.target_minutes) == (1, 2, 20)
    county = queue_metrics.figures(Target(unit=day.county), DAY, DAY)
    assert (county.tickets, county.wait_within_target_rate.numerator, county.wait_within_target_rate.denominator) == (
        9, 5, 7)
    assert county.target_minutes is None  # 30 at one site, 20 at the other: no single number to print
    assert set(DailyQueueRollup.objects.filter(site_key=day.site_b.pk).values_list("target_minutes", flat=True)) == {20}
    sites = queue_metrics.by_site(Target(unit=day.county), DAY, DAY)
    assert [s["id"] for s in sites] == [day.site_a.pk, day.site_b.pk]  # busiest first


def test_an_empty_period_has_no_rates_not_zero(world):
    f = queue_metrics.figures(Target(site=world.site_a), DAY, DAY + dt.timedelta(days=6))
    assert f.tickets == 0 and f.average_wait_minutes is None and f.wait_within_target_rate.value is None
    assert f.no_show_rate.value is None and queue_metrics.by_hour(Target(site=world.site_a), DAY, DAY) == []


@pytest.mark.parametrize(("seconds", "low", "high", "hit"), [
    (4 * 60 + 29, 5, 10, False), (4 * 60 + 30, 5, 10, True), (10 * 60 + 29, 5, 10, True),
    (10 * 60 + 30, 5, 10, False)])
def test_estimate_compares_whole_minutes(seconds, low, high, hit):
    assert queue_rollup.estimate_hit(seconds, low, high) is hit


def test_within_target_boundary():
    assert queue_rollup.within(30 * 60, 30) and not queue_rollup.within(30 * 60 + 1, 30)
