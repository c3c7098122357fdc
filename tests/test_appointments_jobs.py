"""The worker's sweeps: one reminder the day before, and no-shows after the site's grace period."""
import datetime as dt

import pytest

from bianmin.appointments import services
from bianmin.appointments.models import Appointment, AppointmentEvent
from bianmin.core import jobs
from bianmin.hall.models import HallSettings

from .appointments_helpers import MORNING, PHONE, bookable

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(world, set_now):
    set_now(MORNING)
    bookable(world)
    return world


def book(world, day="2026-12-03", start="09:00", phone=PHONE):
    return services.book(world.site_a, world.item_committed, day, start, name="陈静", phone=phone)


def test_the_jobs_are_registered_in_their_place():
    names = [name for name, _job in jobs.JOBS]
    assert names.index("appointment_reminders") < names.index("appointment_no_shows")
    assert "appointment_reminders" in jobs.ORDER and "appointment_no_shows" in jobs.ORDER


def test_a_reminder_goes_once_the_day_before(ready, memory_sms, django_capture_on_commit_callbacks):
    tomorrow = book(ready)
    later = book(ready, day="2026-12-04", phone="13800002222")
    cancelled = book(ready, start="10:00", phone="13800003333")
    services.cancel(cancelled)
    memory_sms.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0  # once
    assert [m["to"] for m in memory_sms] == [PHONE]
    assert "明天 09:00" in memory_sms[0]["text"] and tomorrow.code in memory_sms[0]["text"]
    tomorrow.refresh_from_db()
    later.refresh_from_db()
    assert tomorrow.reminded_at is not None and later.reminded_at is None


def test_no_show_after_the_grace_period_frees_the_place(ready, set_now):
    a = book(ready)
    set_now(dt.datetime(2026, 12, 3, 9, 14))
    assert services.mark_no_shows() == 0
    set_now(dt.datetime(2026, 12, 3, 9, 15))
    assert services.mark_no_shows() == 1
    a.refresh_from_db()
    assert (a.status, a.seat) == ("no_show", None)
    assert AppointmentEvent.objects.filter(appointment=a, to_status="no_show").exists()
    assert services.mark_no_shows() == 0
    assert Appointment.objects.filter(site=ready.site_a, status="no_show").count() == 1  # counted


def test_the_grace_period_is_the_sites_setting(ready, set_now):
    HallSettings.objects.create(site=ready.site_a, no_show_grace_minutes=30)
    a = book(ready)
    set_now(dt.datetime(2026, 12, 3, 9, 20))
    assert services.mark_no_shows() == 0
    set_now(dt.datetime(2026, 12, 3, 9, 31))
    assert services.mark_no_shows() == 1
    a.refresh_from_db()
    assert a.status == "no_show"


def test_a_checked_in_visitor_is_no_no_show(ready, set_now):
    a = book(ready)
    set_now(dt.datetime(2026, 12, 3, 8, 50))
    services.check_in(ready.site_a, code=a.code)
    set_now(dt.datetime(2026, 12, 3, 11, 0))
    assert services.mark_no_shows() == 0
