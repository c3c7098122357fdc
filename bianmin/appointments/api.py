"""Appointments API (issue 16): free slots, booking and cancelling by the link's token — all public.

Booking and cancelling are throttled per address like the other public posts (core.throttle); the answers carry
no personal data (the phone is never echoed).
"""
from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus

from bianmin.core import throttle
from bianmin.core.errors import RateLimited
from bianmin.core.openapi import errors

from . import selectors, services, slots

router = Router(tags=["appointments"], auth=None)
THROTTLE_PURPOSE = "appointment"


class SlotsQuery(Schema):
    site: int = Field(..., description="The site's id")
    item: int | str = Field(..., description="The item's id, or its code (实施编码)")
    date: dt.date = Field(..., description="YYYY-MM-DD")


class SlotOut(Schema):
    start: str = Field(..., description="HH:MM")
    end: str = Field(..., description="HH:MM")
    capacity: int
    left: int


class BookingIn(Schema):
    site: int = Field(..., description="The site's id")
    item: int | str = Field(..., description="The item's id, or its code (实施编码)")
    date: dt.date = Field(..., description="YYYY-MM-DD")
    start: str = Field(..., max_length=5, description="HH:MM, the start of a slot from /appointments/slots")
    name: str = Field(..., max_length=100)
    phone: str = Field(..., max_length=30, description="11-digit mobile number (the confirmation goes there)")


class BookingOut(Schema):
    id: int
    code: str = Field(..., description="The short code said at the kiosk or counter")
    token: str = Field(..., description="The secret of the view / cancel / re-book link /appointments/{token}/")
    date: dt.date
    start: str


class CancelOut(Schema):
    id: int
    code: str
    status: str


def _throttled(request) -> None:
    address = throttle.client_address(request)
    if throttle.is_limited(THROTTLE_PURPOSE, address):
        raise RateLimited()
    throttle.hit(THROTTLE_PURPOSE, address)


@router.get("/appointments/slots", response=list[SlotOut], summary="Free appointment slots of a site for an item",
            description="The day's slots from the site's opening hours (regular, lunch-time and duty sessions that "
                        "serve the item), with capacity and places left; slots already begun are left out. A day "
                        "the site is closed answers []; an item the site does not serve (or that cannot be "
                        "booked) answers 422.",
            openapi_extra=errors(422))
def get_slots(request, query: Query[SlotsQuery]):
    site, item = selectors.public_site(query.site), selectors.public_item(query.item)
    return [s.as_dict() for s in slots.offered(site, item, query.date)]


@router.post("/appointments", response={201: BookingOut}, summary="Book an appointment (public, throttled)",
             description="A full slot or the same phone twice in one slot answers 409; a past, closed or unknown "
                         "slot 422. The confirmation is sent by SMS.",
             openapi_extra=errors(409, 422, 429))
def create(request, payload: BookingIn):
    _throttled(request)
    site, item = selectors.public_site(payload.site), selectors.public_item(payload.item)
    appointment = services.book(site, item, payload.date, payload.start, name=payload.name, phone=payload.phone)
    return HttpStatus(201, {"id": appointment.pk, "code": appointment.code, "token": appointment.token,
                            "date": appointment.date, "start": f"{appointment.start:%H:%M}"})


@router.post("/appointments/{token}/cancel", response=CancelOut, summary="Cancel an appointment by its link's token",
             openapi_extra=errors(404, 409, 422, 429))
def cancel(request, token: str):
    _throttled(request)
    appointment = services.cancel(services.by_token(token))
    return {"id": appointment.pk, "code": appointment.code, "status": appointment.status}
