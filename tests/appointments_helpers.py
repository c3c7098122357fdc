"""Helpers for the appointment tests: a fixed Wednesday morning, a bookable item at site A, API calls."""
import datetime as dt
import json

WEDNESDAY = dt.date(2026, 12, 2)  # a working day; 12-05/06 are the weekend
MORNING = dt.datetime(2026, 12, 2, 8, 0)
PHONE = "13800001111"


def bookable(world, item=None):
    item = item or world.item_committed
    item.bookable = True
    item.save()
    return item


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def booking_body(world, **extra):
    body = {"site": world.site_a.pk, "item": world.item_committed.code, "date": "2026-12-03",
            "start": "09:00", "name": "陈静", "phone": PHONE}
    body.update(extra)
    return body


def book_api(client, world, expect=201, **extra):
    r = post(client, "/api/v1/appointments", booking_body(world, **extra))
    assert r.status_code == expect, r.content.decode()
    return r.json()


def slots_api(client, world, day="2026-12-03", item=None, expect=200, site=None):
    r = client.get("/api/v1/appointments/slots", {"site": site or world.site_a.pk,
                                                  "item": (item or world.item_committed).code, "date": day})
    assert r.status_code == expect, r.content.decode()
    return r.json()
