"""Two bookings racing for the last place leave exactly one: the database's unique constraint decides, not a lock
in one process. Each booking runs in its own thread with its own database connection, and both read the slot as
free before either writes (a barrier just before the insert), so the race really happens.

SQLite is skipped: its test database is one in-memory connection shared by the test, and SQLite serialises every
writer with a database-wide lock anyway; the race needs a server with row-level concurrency (PostgreSQL)."""
import threading

import pytest
from django.db import connection, connections

from bianmin.appointments import services
from bianmin.appointments.models import Appointment, SlotRule
from bianmin.core.errors import Conflict

from .appointments_helpers import MORNING, bookable
from .world import build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor == 'sqlite'",
                       reason="needs concurrent connections: SQLite's test database is one shared in-memory "
                              "connection and serialises all writers"),
]


def race(world, phones, monkeypatch):
    """Book 2026-12-03 09:00 once per phone, in parallel threads that meet just before inserting."""
    barrier = threading.Barrier(len(phones), timeout=10)
    waited = threading.local()
    real_code = services._new_code

    def code_after_everyone_read():
        if not getattr(waited, "done", False):  # only the first try: a retry must not wait for the winner
            waited.done = True
            barrier.wait()
        return real_code()

    monkeypatch.setattr(services, "_new_code", code_after_everyone_read)
    results = []

    def book(phone):
        try:
            services.book(world.site_a, world.item_committed, "2026-12-03", "09:00", name="陈静", phone=phone)
            results.append("booked")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sorted(results)


@pytest.fixture
def world_db(set_now, memory_sms):
    assert connection.vendor != "sqlite"
    set_now(MORNING)
    world = build_world()
    bookable(world)
    return world


def test_two_bookings_for_the_last_place_leave_exactly_one(world_db, monkeypatch):
    SlotRule.objects.create(site=world_db.site_a, capacity=1)
    assert race(world_db, ["13800001111", "13800002222"], monkeypatch) == ["booked", "slot_full"]
    assert Appointment.objects.filter(seat__isnull=False).count() == 1


def test_the_same_phone_racing_itself_gets_one_place(world_db, monkeypatch):
    SlotRule.objects.create(site=world_db.site_a, capacity=3)
    assert race(world_db, ["13800001111", "13800001111"], monkeypatch) == ["already_booked", "booked"]
    assert Appointment.objects.count() == 1
