"""Slots come from the site's opening hours (hall.hours): working days, duty days, closed days, lunch-time
sessions; each with its capacity (SlotRule) and the places left."""
import datetime as dt

import pytest

from bianmin.appointments import slots
from bianmin.appointments.models import SlotRule
from bianmin.hall.models import DutyDay, OpeningSession
from bianmin.orgs.models import Window

from .appointments_helpers import MORNING, book_api, bookable, slots_api

pytestmark = pytest.mark.django_db

THURSDAY = dt.date(2026, 12, 3)
SATURDAY = dt.date(2026, 12, 5)


@pytest.fixture
def ready(world, set_now):
    set_now(MORNING)
    bookable(world)
    return world


def starts(rows):
    return [r["start"] for r in rows]


def test_a_working_day_has_the_default_sessions_cut_in_half_hours(ready, client_for):
    rows = slots_api(client_for(), ready)
    assert len(rows) == 12
    assert rows[0] == {"start": "08:30", "end": "09:00", "capacity": 2, "left": 2}
    assert starts(rows)[5:7] == ["11:00", "14:30"]  # nothing between the sessions without a lunch service
    assert rows[-1]["end"] == "17:30"


def test_a_rest_day_is_closed_and_a_duty_day_opens_it(ready, client_for):
    assert slots_api(client_for(), ready, day=SATURDAY.isoformat()) == []
    duty = DutyDay.objects.create(site=ready.site_a, date=SATURDAY, start=dt.time(9), end=dt.time(12))
    assert starts(slots_api(client_for(), ready, day=SATURDAY.isoformat())) == [
        "09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    # A duty day that opens only a window not taking the item has no slot for it.
    other = Window.objects.create(site=ready.site_a, number="9", name="值班窗口")
    duty.windows.set([other])
    assert slots_api(client_for(), ready, day=SATURDAY.isoformat()) == []
    duty.windows.set([ready.window_a])
    assert len(slots_api(client_for(), ready, day=SATURDAY.isoformat())) == 6


def test_a_working_day_closed_by_the_centre_has_no_slots(ready, client_for):
    DutyDay.objects.create(site=ready.site_a, date=THURSDAY, closed=True)
    assert slots_api(client_for(), ready) == []


def test_lunch_time_slots_exist_where_the_site_offers_lunch_service(ready, client_for):
    OpeningSession.objects.create(site=ready.site_a, start=dt.time(8, 30), end=dt.time(11, 30))
    OpeningSession.objects.create(site=ready.site_a, start=dt.time(14, 30), end=dt.time(17, 30))
    lunch = OpeningSession.objects.create(site=ready.site_a, kind="lunch", start=dt.time(11, 30), end=dt.time(14, 30))
    lunch.windows.set([ready.window_a])
    assert "12:00" in starts(slots_api(client_for(), ready))
    assert len(slots_api(client_for(), ready)) == 18
    other = Window.objects.create(site=ready.site_a, number="8", name="午间窗口")
    lunch.windows.set([other])  # lunch service at a window that does not take the item
    assert "12:00" not in starts(slots_api(client_for(), ready))


def test_the_rule_sets_length_and_capacity_an_item_rule_wins(ready, client_for):
    SlotRule.objects.create(site=ready.site_a, slot_minutes=60, capacity=5)
    rows = slots_api(client_for(), ready)
    assert starts(rows) == ["08:30", "09:30", "10:30", "14:30", "15:30", "16:30"]
    assert rows[0]["capacity"] == 5
    SlotRule.objects.create(site=ready.site_a, item=ready.item_committed, slot_minutes=20, capacity=1)
    rows = slots_api(client_for(), ready)
    assert rows[0] == {"start": "08:30", "end": "08:50", "capacity": 1, "left": 1}
    assert len(rows) == 18


def test_left_counts_the_places_held(ready, client_for):
    book_api(client_for(), ready, start="09:00")
    book_api(client_for(), ready, start="09:00", phone="13800002222")
    book_api(client_for(), ready, start="09:30", phone="13800003333")
    by_start = {r["start"]: r["left"] for r in slots_api(client_for(), ready)}
    assert (by_start["08:30"], by_start["09:00"], by_start["09:30"]) == (2, 0, 1)


def test_slots_already_begun_are_not_offered(ready, client_for, set_now):
    set_now(dt.datetime(2026, 12, 2, 10, 5))
    assert starts(slots_api(client_for(), ready, day="2026-12-02"))[0] == "10:30"
    assert slots_api(client_for(), ready, day="2026-12-01") == []


def test_an_item_the_site_does_not_serve_is_422(ready, client_for):
    body = slots_api(client_for(), ready, site=ready.site_b.pk, expect=422)
    assert body["field"] == "item" and body["message"] and body["message_en"]
    ready.item_joint.bookable = False
    ready.item_joint.save()
    slots_api(client_for(), ready, item=ready.item_joint, expect=422)  # served but not bookable


def test_bad_query_is_422_not_500(ready, client_for):
    c = client_for()
    assert c.get("/api/v1/appointments/slots", {"site": "x", "item": "a", "date": "2026-12-03"}).status_code == 422
    assert c.get("/api/v1/appointments/slots", {"site": 1, "item": "a", "date": "tomorrow"}).status_code == 422
    assert c.get("/api/v1/appointments/slots", {"site": 999999, "item": ready.item_committed.code,
                                                "date": "2026-12-03"}).status_code == 422
    assert c.get("/api/v1/appointments/slots", {"site": ready.site_a.pk, "item": "NOPE",
                                                "date": "2026-12-03"}).status_code == 422


def test_bookable_days_skip_closed_and_full_days(ready):
    SlotRule.objects.create(site=ready.site_a, slot_minutes=180, capacity=0)
    assert slots.bookable_days(ready.site_a, ready.item_committed) == []
    SlotRule.objects.filter(site=ready.site_a).update(capacity=1)
    days = [d for d, _left in slots.bookable_days(ready.site_a, ready.item_committed)]
    assert SATURDAY not in days and THURSDAY in days and dt.date(2026, 12, 2) in days
    assert days[-1] <= dt.date(2026, 12, 16)
