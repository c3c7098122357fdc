"""Booking through the public API: the contract's answers, capacity enforced, one place per phone and slot, past
and closed slots refused, cancelling frees the place, SMS confirmation, bad input refused without a trace."""
import datetime as dt

import pytest

from bianmin.appointments import services
from bianmin.appointments.models import Appointment, AppointmentEvent, SlotClosure

from .appointments_helpers import MORNING, PHONE, book_api, bookable, booking_body, post, slots_api

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(world, set_now):
    set_now(MORNING)
    bookable(world)
    return world


def test_booking_answers_the_contract_and_texts_the_code(ready, client_for, memory_sms,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        body = book_api(client_for(), ready)
    assert set(body) == {"id", "code", "token", "date", "start"}
    assert body["date"] == "2026-12-03" and body["start"] == "09:00"
    assert len(body["code"]) == 6 and not set(body["code"]) & set("01OIL")
    assert len(body["token"]) >= 30 and PHONE not in str(body)
    a = Appointment.objects.get(pk=body["id"])
    assert (a.status, a.channel, a.seat, a.end) == ("booked", "online", 1, dt.time(9, 30))
    assert AppointmentEvent.objects.filter(appointment=a, to_status="booked").count() == 1
    assert len(memory_sms) == 1 and memory_sms[0]["to"] == PHONE
    assert a.code in memory_sms[0]["text"] and f"/appointments/{a.token}/" in memory_sms[0]["text"]


def test_a_full_slot_is_409(ready, client_for):
    book_api(client_for(), ready)
    book_api(client_for(), ready, phone="13800002222")
    body = book_api(client_for(), ready, phone="13800003333", expect=409)
    assert body["code"] == "slot_full" and body["message_en"]
    assert Appointment.objects.count() == 2


def test_the_same_phone_twice_in_one_slot_is_409(ready, client_for):
    book_api(client_for(), ready)
    body = book_api(client_for(), ready, phone="+86 138 0000 1111", expect=409)
    assert body["code"] == "already_booked"
    book_api(client_for(), ready, start="09:30")  # another slot is fine


def test_past_and_closed_slots_are_422(ready, client_for):
    assert book_api(client_for(), ready, date="2026-12-01", expect=422)["field"] == "date"
    assert book_api(client_for(), ready, date="2026-12-02", start="08:00", expect=422)["field"] == "start"
    assert book_api(client_for(), ready, start="12:00", expect=422)["field"] == "start"  # lunch break
    assert book_api(client_for(), ready, start="09:10", expect=422)["field"] == "start"  # not a slot start
    assert book_api(client_for(), ready, date="2026-12-05", expect=422)["field"] == "start"  # Saturday
    assert book_api(client_for(), ready, date="2026-12-31", expect=422)["field"] == "date"  # beyond 14 days
    SlotClosure.objects.create(site=ready.site_a, date=dt.date(2026, 12, 3), start=dt.time(9), end=dt.time(10),
                               reason="停电")
    book_api(client_for(), ready, expect=422)
    assert Appointment.objects.count() == 0


def test_a_slot_already_begun_today_is_422(ready, client_for, set_now):
    set_now(dt.datetime(2026, 12, 2, 9, 1))
    book_api(client_for(), ready, date="2026-12-02", start="09:00", expect=422)
    book_api(client_for(), ready, date="2026-12-02", start="09:30")


def test_an_item_the_site_does_not_serve_is_422(ready, client_for):
    body = book_api(client_for(), ready, site=ready.site_b.pk, expect=422)
    assert body["field"] == "item"


@pytest.mark.parametrize("change", [
    {"phone": "12345"}, {"phone": "0571-87654321"}, {"name": "  "}, {"name": "名" * 41}, {"date": "03/12/2026"},
    {"start": "9"}, {"start": "25:00"}, {"site": "A"}, {"site": 99999999}, {"item": "NO-SUCH"}, {"item": 0},
    {"site": 2 ** 70},
])
def test_bad_input_is_4xx_and_changes_nothing(ready, client_for, change):
    r = post(client_for(), "/api/v1/appointments", booking_body(ready, **change))
    assert 400 <= r.status_code < 500 and r.status_code not in (404, 409), r.content
    assert r.json()["message"] and r.json()["message_en"]
    assert Appointment.objects.count() == 0


def test_missing_fields_and_non_json_are_4xx(ready, client_for):
    c = client_for()
    assert post(c, "/api/v1/appointments", {"site": ready.site_a.pk}).status_code == 422
    r = c.post("/api/v1/appointments", data="{not json", content_type="application/json")
    assert r.status_code in (400, 422)


def test_cancel_frees_the_place(ready, client_for, memory_sms):
    first = book_api(client_for(), ready)
    book_api(client_for(), ready, phone="13800002222")
    book_api(client_for(), ready, phone="13800003333", expect=409)
    r = client_for().post(f"/api/v1/appointments/{first['token']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert Appointment.objects.get(pk=first["id"]).seat is None
    assert {s["start"]: s["left"] for s in slots_api(client_for(), ready)}["09:00"] == 1
    book_api(client_for(), ready, phone="13800003333")
    # The same phone may book the slot again after cancelling.
    book_api(client_for(), ready, phone="13800004444", expect=409)
    assert client_for().post(f"/api/v1/appointments/{first['token']}/cancel").status_code == 409


def test_cancel_with_an_unknown_token_is_404(ready, client_for):
    assert client_for().post("/api/v1/appointments/" + "x" * 32 + "/cancel").status_code == 404
    assert client_for().post("/api/v1/appointments/short/cancel").status_code == 404


def test_cancel_after_the_start_is_refused(ready, client_for, set_now):
    body = book_api(client_for(), ready)
    set_now(dt.datetime(2026, 12, 3, 9, 5))
    assert client_for().post(f"/api/v1/appointments/{body['token']}/cancel").status_code == 422
    assert Appointment.objects.get(pk=body["id"]).status == "booked"


def test_booking_is_throttled_per_address(ready, client_for, settings):
    settings.BIANMIN = {**settings.BIANMIN, "PUBLIC_RATE_PER_MINUTE": 2}
    book_api(client_for(), ready)
    book_api(client_for(), ready, phone="13800002222")
    assert book_api(client_for(), ready, start="10:00", expect=429)["message_en"]


def test_rebooking_moves_the_old_booking(ready):
    old = services.book(ready.site_a, ready.item_committed, "2026-12-03", "09:00", name="陈静", phone=PHONE)
    new = services.book(ready.site_a, ready.item_committed, "2026-12-03", "09:00", name="陈静", phone=PHONE,
                        replaces=old)  # the same slot is fine: the old place is released first
    old.refresh_from_db()
    assert (old.status, old.moved_to_id, old.seat) == ("moved", new.pk, None)
    assert new.seat == 1 and new.status == "booked"
