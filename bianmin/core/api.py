"""Core API: sign-in tokens and the working-day calendar."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from django.contrib.auth import authenticate
from ninja import Field, Query, Router, Schema

from . import throttle
from .auth import STAFF_AUTH, issue_token
from .errors import DomainError, InvalidInput, PermissionDenied
from .openapi import errors
from .worktime import official
from .worktime.clock import LimitUnit
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


@auth_router.post("/token", response={200: TokenOut}, auth=None, summary="Get an API token",
                  openapi_extra=errors(401, 429))
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
    provisional: bool = Field(..., description="The due date lies in a provisional (暂定) year: derived from the law "
                                               "until the State Council's notice for that year is entered.")


class DayOut(Schema):
    date: dt.date
    working: bool
    kind: str
    name: str = Field("", description="The holiday's name (元旦, 春节 …), also on a make-up working day; "
                                      "\"春节（补假）\" for a provisional day off in lieu; empty otherwise.")
    provisional: bool = Field(..., description="The date lies in a provisional (暂定) year.")


MAX_AMOUNT = 3650


@calendar_router.get("/due", response=DueOut, auth=None, summary="Due date of a time limit")
def due_date(request, start: dt.date, amount: int = Query(..., ge=0, le=MAX_AMOUNT),
             unit: Literal["workdays", "days"] = "workdays"):
    cal = get_calendar()
    if unit == LimitUnit.WORKDAYS:
        due = cal.add_working_days(start, amount)
    else:
        due = cal.add_calendar_days(start, amount)
    return {"start": start, "amount": amount, "unit": unit, "due": due, "provisional": cal.is_provisional(due)}


@calendar_router.get("/days/{day}", response=DayOut, auth=None, summary="What kind of day a date is")
def day_kind(request, day: str):
    try:
        date = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise InvalidInput("日期格式应为 YYYY-MM-DD。", "Dates must be written YYYY-MM-DD.", field="day") from exc
    cal = get_calendar()
    kind = cal.kind(date)
    return {"date": date, "working": cal.is_working(date), "kind": kind.value, "name": cal.name(date),
            "provisional": cal.is_provisional(date)}


# ---- the State Council's holiday notice (administrators only) ------------------------------------------------

# Room for the limit check to answer 413 with its own message; the request itself is bounded by the middleware.
_TEXT_FIELD = Field(..., max_length=official.MAX_NOTICE_CHARS * 5, description="The notice's text, as published")


class NoticeIn(Schema):
    year: int = Field(..., ge=official.FIRST_YEAR, le=official.LAST_YEAR)
    text: str = _TEXT_FIELD


class OfficialIn(Schema):
    text: str = _TEXT_FIELD


class ParsedOut(Schema):
    year: int
    holidays: list[dt.date]
    workdays: list[dt.date] = Field(..., description="Make-up working days (调休上班)")
    warnings: list[str] = Field(..., description="Readable but doubtful points, each \"中文 / English\"")


class OfficialOut(ParsedOut):
    recomputed_clocks: int = Field(..., description="Running clocks recomputed under the official calendar")
    moved_due_dates: int = Field(..., description="Of those, clocks whose due date changed")


def _require_admin(request) -> None:
    if not official.may_maintain_calendar(request.user):
        raise PermissionDenied("只有系统管理员可以维护工作日历。", "Only administrators may maintain the calendar.")


@calendar_router.post("/notice/parse", response=ParsedOut, auth=STAFF_AUTH,
                      summary="Read a holiday notice (changes nothing)")
def parse_notice(request, payload: NoticeIn):
    """Reads the State Council General Office's notice for `year` into holidays and make-up working days.
    Text that is not such a notice → 422 `notice_unreadable` naming the line that could not be read."""
    _require_admin(request)
    parsed = official.read_notice(payload.year, payload.text)
    return {"year": payload.year, "holidays": sorted(parsed.holidays), "workdays": sorted(parsed.workdays),
            "warnings": parsed.warnings}


@calendar_router.post("/years/{year}/official", response=OfficialOut, auth=STAFF_AUTH,
                      summary="Confirm a year's official holiday schedule")
def apply_official(request, year: int, payload: OfficialIn):
    """Makes the notice the official calendar of `year` (the provisional year, or a year being corrected) and
    recomputes running clocks whose due date depended on it. A due date printed on an applicant's receipt is never
    brought forward. Applying the same notice again changes nothing."""
    _require_admin(request)
    result = official.apply_official_year(year, payload.text, actor=request.user)
    return {"year": result.year, "holidays": result.holidays, "workdays": result.workdays,
            "warnings": result.warnings, "recomputed_clocks": result.recomputed_clocks,
            "moved_due_dates": result.moved_due_dates}
