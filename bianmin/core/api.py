"""Core API: sign-in tokens and the working-day calendar."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from django.contrib.auth import authenticate
from ninja import Field, Query, Router, Schema

from . import throttle
from .auth import issue_token
from .errors import DomainError, InvalidInput
from .worktime.loader import get_calendar

auth_router = Router(tags=["auth"])
calendar_router = Router(tags=["calendar"])


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"


@auth_router.post("/token", response={200: TokenOut}, auth=None, summary="Get an API token")
def token(request, payload: TokenIn):
    address = throttle.client_address(request)
    if throttle.is_locked(payload.username, address):
        raise TooManyAttempts("登录失败次数过多，请稍后再试。", "Too many failed sign-ins; try again later.")
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        throttle.record_failure(payload.username, address)
        raise Unauthorized("用户名或密码错误。", "Wrong username or password.")
    throttle.reset(payload.username, address)
    key, expires = issue_token(user)
    return {"token": key, "expires_at": expires}


class DueOut(Schema):
    start: dt.date
    amount: int
    unit: str
    due: dt.date


class DayOut(Schema):
    date: dt.date
    working: bool
    kind: str
    name: str = ""


MAX_AMOUNT = 3650


@calendar_router.get("/due", response=DueOut, auth=None, summary="Due date of a time limit")
def due_date(request, start: dt.date, amount: int = Query(..., ge=0, le=MAX_AMOUNT),
             unit: Literal["workdays", "days"] = "workdays"):
    cal = get_calendar()
    if unit == "workdays":
        due = cal.add_working_days(start, amount)
    else:
        due = cal.add_calendar_days(start, amount)
    return {"start": start, "amount": amount, "unit": unit, "due": due}


@calendar_router.get("/days/{day}", response=DayOut, auth=None, summary="What kind of day a date is")
def day_kind(request, day: str):
    try:
        date = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise InvalidInput("日期格式应为 YYYY-MM-DD。", "Dates must be written YYYY-MM-DD.", field="day") from exc
    cal = get_calendar()
    kind = cal.kind(date)
    return {"date": date, "working": cal.is_working(date), "kind": kind.value, "name": cal.name(date)}
