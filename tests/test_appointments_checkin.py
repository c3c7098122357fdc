"""check_in for the queue's kiosk and counter: today's booking by code or by phone, then mark_served."""
import datetime as dt

import pytest

from bianmin.appointments import services
from bianmin.core.errors import DomainError

from .appointments_helpers import MORNING, PHONE, bookable

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(world, set_now):
    set_now(MORNING)
    bookable(world)
    return world


def book(world, day="2026-12-03", start="09:00", phone=PHONE):
    return services.book(world.site_a, world.item_committed, day, start, name="陈静", phone=phone)


def refused(status, fn, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        fn(*args, **kwargs)
    assert caught.value.status == status and caught.value.zh and caught.value.en
    return caught.value


def test_check_in_by_code_on_the_day(ready, set_now):
    a = book(ready)
    refused(422, services.check_in, ready.site_a, code=a.code)  # not today yet
    now = set_now(dt.datetime(2026, 12, 3, 8, 45))
    found = services.check_in(ready.site_a, code=a.code.lower() + " ")
    assert found.pk == a.pk
    a.refresh_from_db()
    assert (a.status, a.checked_in_at) == ("checked_in", now)
    refused(422, services.check_in, ready.site_a, code=a.code)  # twice
    services.mark_served(a)
    a.refresh_from_db()
    assert a.status == "served"
    refused(422, services.mark_served, a)


def test_check_in_by_phone_takes_the_nearest_booking(ready, set_now):
    early = book(ready, start="09:00")
    late = book(ready, start="15:00")
    set_now(dt.datetime(2026, 12, 3, 14, 40))
    assert services.check_in(ready.site_a, phone=PHONE).pk == late.pk
    assert services.check_in(ready.site_a, phone=PHONE).pk == early.pk  # the one left
    refused(404, services.check_in, ready.site_a, phone=PHONE)


def test_check_in_refusals(ready, set_now):
    a = book(ready)
    set_now(dt.datetime(2026, 12, 3, 8, 45))
    refused(404, services.check_in, ready.site_b, code=a.code)  # another site
    refused(404, services.check_in, ready.site_a, code="ZZZZZZ")
    refused(422, services.check_in, ready.site_a)
    refused(422, services.check_in, ready.site_a, phone="123")
    refused(404, services.check_in, ready.site_a, phone="13900009999")
    services.cancel(book(ready, start="10:00", phone="13800002222"))
    refused(404, services.check_in, ready.site_a, phone="13800002222")
