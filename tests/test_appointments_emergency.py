"""A manager closes a slot or a day in an emergency: each booking moves to the next free slot of its item and is
texted the new time; the old row says MOVED and points at the new one."""
import datetime as dt

import pytest

from bianmin.appointments import services
from bianmin.appointments.models import Appointment, SlotClosure, SlotRule
from bianmin.core.errors import DomainError

from .appointments_helpers import MORNING, PHONE, bookable

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(world, set_now):
    set_now(MORNING)
    bookable(world)
    return world


def book(world, start="09:00", phone=PHONE, day="2026-12-03"):
    return services.book(world.site_a, world.item_committed, day, start, name="陈静", phone=phone)


def test_closing_a_slot_moves_its_bookings_with_an_sms(ready, memory_sms, django_capture_on_commit_callbacks):
    first = book(ready, phone="13800001111")
    second = book(ready, phone="13800002222")
    book(ready, start="09:30", phone="13800003333")  # 09:30 has one place left
    untouched = book(ready, start="10:00", phone="13800004444")
    memory_sms.clear()
    with django_capture_on_commit_callbacks(execute=True):
        closure, moved = services.close_slots(ready.manager_a, ready.site_a, "2026-12-03", start="09:00",
                                              end="09:30", reason="系统升级")
    assert SlotClosure.objects.filter(pk=closure.pk).exists() and len(moved) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == "moved" and first.seat is None
    assert first.moved_to.start == dt.time(9, 30)  # the last place at 09:30
    assert second.moved_to.start == dt.time(10, 0)  # 10:00 still had one
    assert first.moved_to.phone == first.phone and first.moved_to.status == "booked"
    texts = {m["to"]: m["text"] for m in memory_sms}
    assert set(texts) == {"13800001111", "13800002222"}
    assert "09:30" in texts["13800001111"] and first.moved_to.code in texts["13800001111"]
    untouched.refresh_from_db()
    assert untouched.status == "booked"
    # The closed slot is no longer offered.
    assert "09:00" not in [f"{s.start:%H:%M}" for s in
                           services.slots.day_slots(ready.site_a, ready.item_committed, dt.date(2026, 12, 3))]


def test_closing_a_whole_day_moves_to_the_next_working_day(ready, memory_sms, django_capture_on_commit_callbacks):
    a = book(ready, start="16:00")
    with django_capture_on_commit_callbacks(execute=True):
        services.close_slots(ready.manager_a, ready.site_a, dt.date(2026, 12, 3), reason="停电")
    a.refresh_from_db()
    assert a.moved_to.date == dt.date(2026, 12, 4) and a.moved_to.start == dt.time(8, 30)
    assert len(memory_sms) == 1 and "12月4日 08:30" in memory_sms[0]["text"]


def test_with_nowhere_to_go_the_booking_is_cancelled_and_texted(ready, memory_sms,
                                                                 django_capture_on_commit_callbacks):
    a = book(ready)
    SlotRule.objects.create(site=ready.site_a, capacity=0)  # no new places anywhere
    memory_sms.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.close_slots(ready.manager_a, ready.site_a, "2026-12-03", reason="停电")
    a.refresh_from_db()
    assert a.status == "cancelled" and a.moved_to is None
    assert len(memory_sms) == 1 and "取消" in memory_sms[0]["text"]


@pytest.mark.parametrize("who", ["clerk_a", "manager_b", "supervisor", "outsider"])
def test_only_the_sites_manager_may_close(ready, who):
    a = book(ready)
    with pytest.raises(DomainError) as caught:
        services.close_slots(getattr(ready, who), ready.site_a, "2026-12-03", reason="x")
    assert caught.value.status == 403
    a.refresh_from_db()
    assert a.status == "booked" and not SlotClosure.objects.exists()


@pytest.mark.parametrize("kwargs", [{"reason": ""}, {"reason": "x", "start": "10:00"},
                                    {"reason": "x", "start": "10:00", "end": "09:00"},
                                    {"reason": "x", "start": "9", "end": "10:00"}])
def test_bad_closing_input_is_422(ready, kwargs):
    with pytest.raises(DomainError) as caught:
        services.close_slots(ready.manager_a, ready.site_a, "2026-12-03", **kwargs)
    assert caught.value.status == 422
    with pytest.raises(DomainError):
        services.close_slots(ready.manager_a, ready.site_a, "2026-12-01", reason="x")
    assert not SlotClosure.objects.exists() and Appointment.objects.count() == 0


def test_the_close_page_moves_and_reports(ready, client_for, memory_sms):
    a = book(ready)
    r = client_for(ready.manager_a).post("/workbench/appointments/close/", {
        "site": ready.site_a.pk, "date": "2026-12-03", "start": "09:00", "end": "09:30", "reason": "漏水"})
    assert r.status_code == 302 and "date=2026-12-03" in r["Location"]
    a.refresh_from_db()
    assert a.status == "moved"
    r = client_for(ready.clerk_a).post("/workbench/appointments/close/", {
        "site": ready.site_a.pk, "date": "2026-12-03", "whole_day": "1", "reason": "x"})
    assert r.status_code == 403
