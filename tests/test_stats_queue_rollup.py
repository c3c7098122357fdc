"""The queue rollup is incremental and idempotent: the worker's sweep picks up new tickets, changed tickets of
older days (through their queue events), appointments booked for coming days and, through the recount, changes
made behind the services' back; running it again, or rebuilding, gives the same rows."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.core import jobs, timeutil
from bianmin.queueing.models import QueueEvent, QueueTicket, TicketStatus
from bianmin.stats import queue_metrics, queue_rollup
from bianmin.stats.metrics import Target
from bianmin.stats.models import DailyQueueRollup

from .stats_queue_helpers import DAY, appointment, known_day, ticket

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 20, 16, 0)  # two days after the known day


def rows() -> set[tuple]:
    fields = ("day", "site_key", "window_key", "hour", "unit_path", "target_minutes", "wait_max_seconds",
              *queue_rollup.COUNT_FIELDS)
    return set(DailyQueueRollup.objects.values_list(*fields))


def test_sweep_counts_new_tickets_and_is_idempotent(world):
    known_day(world)
    with timeutil.travel_to(NOW):
        queue_rollup.sweep()
        first = rows()
        assert first and {r[0] for r in first} == {DAY}
        assert queue_metrics.figures(Target(site=world.site_a), DAY, DAY).tickets == 7
        queue_rollup.sweep()
        assert rows() == first
        queue_rollup.rebuild()
        assert rows() == first


def test_a_change_to_an_older_day_is_picked_up_through_its_event(world):
    t = ticket(world.site_a, "09:00", wait=10, window=world.window_a)
    with timeutil.travel_to(NOW):
        queue_rollup.sweep()
        assert queue_metrics.figures(Target(site=world.site_a), DAY, DAY).served == 0
        # The clerk finishes it later (services write an event with every change).
        QueueTicket.objects.filter(pk=t.pk).update(status=TicketStatus.FINISHED,
                                                   finished_at=t.called_at + dt.timedelta(minutes=8))
        QueueEvent.objects.create(ticket=t, action="finish", from_status="called", to_status="finished",
                                  at=t.called_at + dt.timedelta(minutes=8))
        queue_rollup.sweep()
        f = queue_metrics.figures(Target(site=world.site_a), DAY, DAY)
    assert (f.served, f.average_service_minutes) == (1, 8.0)


def test_appointments_booked_for_coming_days_are_counted_on_their_day(world):
    later = dt.date(2026, 11, 24)
    with timeutil.travel_to(NOW):
        queue_rollup.sweep()
        appointment(world.site_a, world.item_committed, "booked", day=later, start="14:30")
        queue_rollup.sweep()
    f = queue_metrics.figures(Target(site=world.site_a), later, later)
    assert (f.appointments, f.appointments_checked_in) == (1, 0)
    assert DailyQueueRollup.objects.get(day=later).hour == 14


def test_the_recount_repairs_changes_made_behind_the_services_back(world, settings):
    t = ticket(world.site_a, "09:00")
    with timeutil.travel_to(NOW):
        queue_rollup.sweep()
        # Closed uncalled at the end of the day without an event: only the recount can see it.
        QueueTicket.objects.filter(pk=t.pk).update(status=TicketStatus.ABANDONED)
        queue_rollup.sweep_new()
        assert queue_metrics.figures(Target(site=world.site_a), DAY, DAY).abandoned == 0
        assert queue_rollup.recount() == 0  # within its interval: skipped
        assert queue_rollup.recount(force=True) == 1
    assert queue_metrics.figures(Target(site=world.site_a), DAY, DAY).abandoned == 1
    assert queue_rollup.dirty_days(DAY) == []


def test_deleted_tickets_leave_the_rollup(world):
    t = ticket(world.site_a, "09:00", wait=3, window=world.window_a)
    queue_rollup.rebuild(DAY, DAY)
    t.delete()
    assert queue_rollup.dirty_days(DAY) == [DAY]
    queue_rollup.recount(force=True)
    assert not DailyQueueRollup.objects.exists()


def test_todays_queue_is_recounted_every_sweep(world):
    today = NOW.date()
    with timeutil.travel_to(NOW):
        t = ticket(world.site_a, "09:00", day=today)
        queue_rollup.sweep()
        QueueTicket.objects.filter(pk=t.pk).update(called_at=t.created_at + dt.timedelta(minutes=12),
                                                   status=TicketStatus.CALLED)
        queue_rollup.sweep()
        assert queue_metrics.figures(Target(site=world.site_a), today, today).average_wait_minutes == 12.0


def test_the_queue_rollup_runs_after_the_other_rollups_and_before_reports(world):
    order = [name for name, _ in jobs.JOBS]
    assert order.index("stats_rollup") < order.index("stats_queue_rollup") < order.index("scheduled_reports")
    ticket(world.site_a, "09:00", wait=3, window=world.window_a)
    with timeutil.travel_to(NOW):
        assert jobs.run_once()["stats_queue_rollup"] >= 1
    assert DailyQueueRollup.objects.filter(day=DAY, tickets=1).exists()
