"""Overdue tickets: warn the handler at yellow, then the centre manager, then the county supervisor."""
import datetime as dt

import pytest

from bianmin.core.jobs import run_once
from bianmin.core.models import Notification
from bianmin.rectification.models import Policy

from .ticket_helpers import bad_rating, do, ticket_of

pytestmark = pytest.mark.django_db


def events(ticket):
    return list(ticket.events.values_list("action", flat=True))


def test_escalation_steps_follow_the_working_calendar(world, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))  # Friday; verification due Monday 23rd
    ticket = ticket_of(bad_rating(world))
    set_now(dt.datetime(2026, 11, 23, 20))  # Monday evening: 80% used → yellow, handler warned
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 0 and "warn" in events(ticket)
    assert Notification.objects.filter(user=world.clerk_a, text__startswith="预警").count() == 1
    set_now(dt.datetime(2026, 11, 24, 9))  # Tuesday: overdue → centre manager
    run_once()
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 1
    assert Notification.objects.filter(user=world.manager_a, text__startswith="督办").count() == 1
    assert not Notification.objects.filter(user=world.supervisor, text__startswith="督办").exists()
    set_now(dt.datetime(2026, 11, 24, 18))  # same day: not yet a working day since
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 1
    set_now(dt.datetime(2026, 11, 25, 9))  # one working day later, still overdue → county supervisor
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 2 and events(ticket).count("escalate") == 2
    assert Notification.objects.filter(user=world.supervisor, text__startswith="督办").count() == 1
    set_now(dt.datetime(2026, 12, 30, 9))  # nothing beyond the supervisor
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 2


def test_weekend_does_not_count_toward_the_second_step(world, set_now):
    set_now(dt.datetime(2026, 11, 18, 10))  # Wednesday; verification due Thursday 19th
    ticket = ticket_of(bad_rating(world))
    set_now(dt.datetime(2026, 11, 20, 17))  # Friday: overdue → manager
    run_once()
    set_now(dt.datetime(2026, 11, 22, 17))  # Sunday: no working day has passed
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 1


def test_verified_in_time_is_never_escalated(world, api_for, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))
    ticket = ticket_of(bad_rating(world))
    do(api_for(world.clerk_a), ticket, "verify", {"channel": "phone", "reached": False})
    set_now(dt.datetime(2026, 11, 24, 9))
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 0


def test_a_jurisdiction_can_set_its_own_limits(world, set_now):
    Policy.objects.create(unit=world.county, verify_workdays=2, rectify_workdays=10)
    set_now(dt.datetime(2026, 11, 20, 10))
    ticket = ticket_of(bad_rating(world))
    from django.utils import timezone
    assert timezone.localtime(ticket.verify_clock.due_at).date() == dt.date(2026, 11, 24)
    assert timezone.localtime(ticket.rectify_clock.due_at).date() == dt.date(2026, 12, 4)
