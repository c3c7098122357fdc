"""Ratings API: rating links for staff, rating submission for citizens (token) and devices (device key)."""

import datetime as dt
from typing import Literal

from django.conf import settings
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status as HttpStatus
from ninja.security import HttpBearer

from bianmin.cases.selectors import get_case
from bianmin.core import throttle
from bianmin.core.auth import STAFF_AUTH
from bianmin.core.errors import InvalidInput, NotFound, PermissionDenied, RateLimited
from bianmin.core.openapi import errors
from bianmin.core.privacy import log_unmask
from bianmin.orgs.models import Window

from . import selectors, services
from .models import Channel
from .schemas import RatingDetail, RatingRow, rating_detail, rating_row

router = Router(tags=["ratings"])

LevelCode = Literal["very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"]


class DeviceAuth(HttpBearer):
    """A rating device signs in as its window with its own key (`Authorization: Bearer dev_…`)."""

    def authenticate(self, request, token):
        device = services.device_for_key(token)
        if device is not None:
            request.device = device
        return device


class RatingLinkOut(Schema):
    token: str
    url: str
    stage: str
    expires_at: dt.datetime


class RatingIn(Schema):
    token: str = Field(..., max_length=100)
    level: str = Field(..., max_length=40, description="very_satisfied · satisfied · basic · dissatisfied · "
                                                          "very_dissatisfied (the last two are 差评)")
    answers: dict | None = Field(None, description="guide_clear, process_convenient, materials_simple, "
                                                   "interface_friendly: yes|partly|no; suggestion: text")
    comment: str | None = Field(None, max_length=4000)
    channel: str = Field(Channel.QR.value, max_length=20, description="qr · pc · mobile · sms")
    anonymous: bool = False
    idempotency_key: str | None = Field(None, max_length=200)


class RatingOut(Schema):
    id: int
    level: str
    is_bad: bool
    stage: str


class DeviceRatingIn(Schema):
    case_id: int
    level: str = Field(..., max_length=40)
    answers: dict | None = None
    comment: str | None = Field(None, max_length=4000)
    idempotency_key: str | None = Field(None, max_length=200)


class DeviceIn(Schema):
    window_id: int
    name: str = Field(..., max_length=200)
    kind: Literal["window_device", "hall_tablet"] = "window_device"


class DeviceOut(Schema):
    id: int
    window_id: int
    name: str
    key: str = Field(..., description="Shown once; store it on the device.")


class PaperIn(Schema):
    level: str = Field(..., max_length=40)
    stage: str | None = Field(None, max_length=20)
    answers: dict | None = None
    comment: str | None = Field(None, max_length=4000)


class PendingCaseOut(Schema):
    id: int
    number: str
    item_name: str
    stage: str


class PendingOut(Schema):
    case: PendingCaseOut | None = Field(..., description="null when nothing waits for a rating")


class RatingUnmaskIn(Schema):
    reason: str = Field(..., max_length=1000)


class RatingUnmaskOut(Schema):
    rater_name: str
    rater_phone: str


def _out(rating) -> dict:
    return {"id": rating.pk, "level": rating.level, "is_bad": rating.is_bad, "stage": rating.stage}


def _visible_case(request, case_id: int):
    case = get_case(request.auth, case_id)
    if case is None:
        raise NotFound("办件不存在或无权查看。", "No such case, or you may not see it.")
    return case


@router.get("/cases/{case_id}/rating-link", response=RatingLinkOut, auth=STAFF_AUTH,
            summary="The rating token and link of a case (for the receipt QR, the device, an SMS)")
def case_rating_link(request, case_id: int):
    link = services.rating_link(_visible_case(request, case_id))
    return {"token": link.token, "url": link.url, "stage": link.stage, "expires_at": link.expires_at}


@router.post("/cases/{case_id}/paper-rating", response={201: RatingOut}, auth=STAFF_AUTH,
             summary="Enter a paper rating form (marked as paper, with who entered it)")
def paper_rating(request, case_id: int, payload: PaperIn):
    rating = services.enter_paper_rating(request.auth, case=_visible_case(request, case_id), level=payload.level,
                                         answers=payload.answers, comment=payload.comment, stage=payload.stage)
    return HttpStatus(201, _out(rating))


@router.post("/ratings", response={201: RatingOut, 200: RatingOut}, auth=None,
             summary="Rate a service with the token from its link or QR code (no sign-in)",
             description="One rating per case and stage. Retrying the same submission (same `idempotency_key` "
                         "or `Idempotency-Key` header, or the same content) returns the stored rating with 200. "
                         "A used token answers 409, an expired one 410, a malformed one 422.",
             openapi_extra=errors(409, 410, 429))
def submit_rating(request, payload: RatingIn):
    address = throttle.client_address(request)
    if throttle.is_limited("rate-bad-token", address):
        raise RateLimited()
    key = payload.idempotency_key or request.headers.get("Idempotency-Key")
    # Only a request with a session can be staff; citizens cost no session lookup.
    user = request.user if request.COOKIES.get(settings.SESSION_COOKIE_NAME) else None
    try:
        rating, created = services.submit_with_token(
            payload.token, level=payload.level, answers=payload.answers, comment=payload.comment,
            channel=payload.channel, idempotency_key=key, user=user, anonymous=payload.anonymous)
    except InvalidInput as exc:
        if exc.code == "invalid_token":  # guessing tokens is throttled per address; honest mistakes are rare
            throttle.hit("rate-bad-token", address)
        raise
    return HttpStatus(201 if created else 200, _out(rating))


@router.post("/devices/ratings", response={201: RatingOut, 200: RatingOut}, auth=DeviceAuth(),
             summary="A window's rating device submits the rating for the case just served")
def device_rating(request, payload: DeviceRatingIn):
    rating, created = services.submit_from_device(request.auth, case_id=payload.case_id, level=payload.level,
                                                  answers=payload.answers, comment=payload.comment,
                                                  idempotency_key=payload.idempotency_key)
    return HttpStatus(201 if created else 200, _out(rating))


@router.get("/devices/pending", response=PendingOut, auth=DeviceAuth(),
            summary="The case just served at the device's window, if unrated")
def device_pending(request):
    found = services.pending_case_for_device(request.auth)
    if found is None:
        return {"case": None}
    case, stage = found
    return {"case": {"id": case.pk, "number": case.number, "item_name": case.item.name, "stage": stage}}


@router.post("/devices", response={201: DeviceOut}, auth=STAFF_AUTH, summary="Register a rating device for a window")
def create_device(request, payload: DeviceIn):
    window = Window.objects.select_related("site", "site__unit").filter(pk=payload.window_id).first()
    if window is None:
        raise NotFound("窗口不存在。", "No such window.")
    device, key = services.register_device(request.auth, window=window, name=payload.name, kind=payload.kind)
    return HttpStatus(201, {"id": device.pk, "window_id": window.pk, "name": device.name, "key": key})


class RatingFilter(Schema):
    level: LevelCode | None = None
    bad: bool | None = None
    flagged: bool | None = None
    channel: str | None = Field(None, max_length=20)
    site_id: int | None = None
    unit: int | None = Field(None, description="A unit id: its whole subtree")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


@router.get("/ratings", response=list[RatingRow], auth=STAFF_AUTH, summary="Ratings in your scope (masked)")
@paginate(LimitOffsetPagination)
def list_ratings(request, filters: Query[RatingFilter]):
    return [rating_row(r) for r in selectors.filtered(request.auth, filters.dict())]


@router.get("/ratings/{rating_id}", response=RatingDetail, auth=STAFF_AUTH, summary="One rating (masked)")
def get_rating(request, rating_id: int):
    rating = selectors.get_rating(request.auth, rating_id)
    if rating is None:
        raise NotFound("评价不存在或无权查看。", "No such rating, or you may not see it.")
    return rating_detail(rating)


@router.post("/ratings/{rating_id}/unmask", response=RatingUnmaskOut, auth=STAFF_AUTH,
             summary="Reveal the rater's name and phone (permission, logged with the reason)")
def unmask_rating(request, rating_id: int, payload: RatingUnmaskIn):
    rating = selectors.get_rating(request.auth, rating_id)
    if rating is None:
        raise NotFound("评价不存在或无权查看。", "No such rating, or you may not see it.")
    if not selectors.may_unmask(request.auth, rating):
        raise PermissionDenied("您无权查看评价人完整信息。", "You may not view the rater's full contact data.")
    log_unmask(request.auth, rating, payload.reason)
    return {"rater_name": rating.rater_name, "rater_phone": rating.rater_phone}

