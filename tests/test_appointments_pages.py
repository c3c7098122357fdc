"""The pages: the citizen's booking from the guide's 预约 button to the confirmation, cancel and re-book by the
link; the staff list (masked phones) and 预约电话登记, the manager's rules; who sees which staff page."""
import datetime as dt
import re

import pytest

from bianmin.appointments import services
from bianmin.appointments.models import Appointment, SlotRule
from bianmin.catalog.guides import publish_guide

from .appointments_helpers import MORNING, PHONE, bookable

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(world, set_now):
    set_now(MORNING)
    bookable(world)
    return world


def book(world, start="09:00", phone=PHONE, day="2026-12-03"):
    return services.book(world.site_a, world.item_committed, day, start, name="陈静", phone=phone)


def test_the_guide_of_a_bookable_item_has_the_button(ready, client_for):
    publish_guide(ready.item_committed)
    page = client_for().get(f"/guides/{ready.item_committed.code}/").content.decode()
    assert f'href="/appointments/book/?item={ready.item_committed.code}"' in page
    publish_guide(ready.item_instant)  # not bookable
    assert 'data-test="book-link"' not in client_for().get(f"/guides/{ready.item_instant.code}/").content.decode()


def test_a_citizen_books_on_the_phone_page(ready, client_for, memory_sms):
    c = client_for()
    url = f"/appointments/book/?item={ready.item_committed.code}"
    page = c.get(url).content.decode()
    assert ready.site_a.name in page and 'data-test="book-form"' in page  # one site: chosen for them
    assert 'value="08:30"' in page and 'name="phone"' in page
    r = c.post("/appointments/book/", {"item": ready.item_committed.code, "site": ready.site_a.pk,
                                       "date": "2026-12-03", "start": "09:00", "name": "陈静", "phone": PHONE})
    assert r.status_code == 302
    a = Appointment.objects.get()
    assert r["Location"] == f"/appointments/{a.token}/" and PHONE not in r["Location"]
    page = c.get(r["Location"]).content.decode()
    assert a.code in page and PHONE not in page and "138****1111" in page
    assert f"rebook={a.token}" in page and f"/appointments/{a.token}/cancel/" in page


def test_the_booking_page_says_why_and_keeps_the_input(ready, client_for):
    book(ready)
    book(ready, phone="13800002222")
    r = client_for().post("/appointments/book/", {"item": ready.item_committed.code, "site": ready.site_a.pk,
                                                  "date": "2026-12-03", "start": "09:00", "name": "陈静",
                                                  "phone": "13800003333"})
    assert r.status_code == 409 and "已约满" in r.content.decode() and 'value="13800003333"' in r.content.decode()
    r = client_for().post("/appointments/book/", {"item": ready.item_committed.code, "site": ready.site_a.pk,
                                                  "date": "2026-12-03", "start": "10:00", "name": "陈静",
                                                  "phone": "12"})
    assert r.status_code == 422 and Appointment.objects.count() == 2


def test_the_booking_page_without_or_with_an_unknown_item(ready, client_for):
    assert client_for().get("/appointments/book/").status_code == 200
    assert client_for().get("/appointments/book/?item=NOPE").status_code == 404
    ready.item_instant.bookable = False
    ready.item_instant.save()
    assert client_for().get(f"/appointments/book/?item={ready.item_instant.code}").status_code == 422


def test_cancel_and_rebook_by_the_link(ready, client_for):
    a = book(ready)
    c = client_for()
    r = c.post("/appointments/book/", {"item": ready.item_committed.code, "site": ready.site_a.pk,
                                       "date": "2026-12-04", "start": "10:00", "rebook": a.token})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == "moved" and a.moved_to.date == dt.date(2026, 12, 4) and a.moved_to.phone == PHONE
    assert "查看新的预约" in c.get(f"/appointments/{a.token}/").content.decode()
    new = a.moved_to
    assert c.post(f"/appointments/{new.token}/cancel/").status_code == 302
    new.refresh_from_db()
    assert new.status == "cancelled"
    assert c.post(f"/appointments/{new.token}/cancel/").status_code == 409
    assert c.get("/appointments/" + "x" * 32 + "/").status_code == 404


STAFF_PAGES = {
    # persona: (list, phone booking, rules)
    None: (302, 302, 302),
    "outsider": (403, 403, 403),
    "clerk_a": (200, 200, 403),
    "manager_a": (200, 200, 200),
    "manager_b": (200, 200, 200),
    "supervisor": (200, 403, 403),
    "handler": (403, 403, 403),
}


@pytest.mark.parametrize("who", list(STAFF_PAGES))
def test_who_sees_the_staff_pages(ready, client_for, who):
    c = client_for(getattr(ready, who) if who else None)
    got = tuple(c.get(url).status_code for url in ("/workbench/appointments/", "/workbench/appointments/new/",
                                                   "/workbench/appointments/rules/"))
    assert got == STAFF_PAGES[who]


def test_the_list_shows_a_sites_day_with_masked_phones(ready, client_for):
    book(ready)
    book(ready, start="10:00", phone="13900005555")
    page = client_for(ready.clerk_a).get("/workbench/appointments/?date=2026-12-03").content.decode()
    assert "138****1111" in page and "139****5555" in page
    assert PHONE not in page and "13900005555" not in page and "陈*" in page
    assert len(re.findall(r'<tr data-status="booked"', page)) == 2
    # Another site's manager sees their own site, and not site A by asking for it.
    assert "138****1111" not in client_for(ready.manager_b).get("/workbench/appointments/?date=2026-12-03").content.decode()
    assert client_for(ready.manager_b).get(f"/workbench/appointments/?site={ready.site_a.pk}").status_code == 404
    # The county supervisor may look at site A's day.
    page = client_for(ready.supervisor).get(f"/workbench/appointments/?site={ready.site_a.pk}&date=2026-12-03")
    assert "138****1111" in page.content.decode()
    assert client_for(ready.clerk_a).get("/workbench/appointments/?date=junk").status_code == 422


def test_a_clerk_books_a_caller_by_phone(ready, client_for, memory_sms, django_capture_on_commit_callbacks):
    c = client_for(ready.clerk_a)
    page = c.get(f"/workbench/appointments/new/?item={ready.item_committed.pk}&date=2026-12-03").content.decode()
    assert 'value="09:00"' in page
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/workbench/appointments/new/", {"site": ready.site_a.pk, "item": ready.item_committed.pk,
                                                    "date": "2026-12-03", "start": "09:00", "name": "刘大爷",
                                                    "phone": "13700007777"})
    assert r.status_code == 302
    a = Appointment.objects.get()
    assert (a.channel, a.created_by, a.site) == ("phone", ready.clerk_a, ready.site_a)
    assert [m["to"] for m in memory_sms] == ["13700007777"]
    # Not for another site.
    assert c.post("/workbench/appointments/new/", {"site": ready.site_b.pk}).status_code == 404
    r = c.post("/workbench/appointments/new/", {"site": ready.site_a.pk, "item": ready.item_committed.pk,
                                                "date": "2026-12-03", "start": "09:00", "name": "刘大爷",
                                                "phone": "13700007777"})
    assert r.status_code == 409


def test_the_manager_edits_the_rules(ready, client_for):
    c = client_for(ready.manager_a)
    assert c.post("/workbench/appointments/rules/", {"site": ready.site_a.pk, "item": "", "slot_minutes": "60",
                                                     "capacity": "4"}).status_code == 302
    assert c.post("/workbench/appointments/rules/", {"site": ready.site_a.pk, "item": ready.item_committed.pk,
                                                     "slot_minutes": "20", "capacity": "1"}).status_code == 302
    assert {(r.item_id, r.slot_minutes, r.capacity) for r in SlotRule.objects.all()} == {
        (None, 60, 4), (ready.item_committed.pk, 20, 1)}
    r = c.post("/workbench/appointments/rules/", {"site": ready.site_a.pk, "slot_minutes": "1", "capacity": "4"})
    assert r.status_code == 422
    assert c.post("/workbench/appointments/rules/", {"site": ready.site_a.pk, "item": ready.item_committed.pk,
                                                     "delete": "1"}).status_code == 302
    assert SlotRule.objects.count() == 1
    assert client_for(ready.manager_b).post("/workbench/appointments/rules/", {
        "site": ready.site_a.pk, "slot_minutes": "60", "capacity": "4"}).status_code == 404
