"""Hall API: the public list of sites, their windows with who is on duty and their hours; staff signing in and out,
clock-in imports and derived attendance (issue 16 API contract; the site's queue is bianmin.queueing's)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Literal

from ninja import Field, Query, Router, Schema

from bianmin.core import timeutil
from bianmin.core.auth import STAFF_AUTH
from bianmin.core.errors import InvalidInput, NotFound
from bianmin.core.openapi import body
from bianmin.orgs.models import Site

from . import attendance as derive
from . import selectors, services
from .imports import rows_of_file

router = Router(tags=["hall"])


class HallSiteOut(Schema):
    id: int
    name: str
    unit: str = Field(..., description="The name of the site's unit")
    kind: str


class HallWindowOut(Schema):
    id: int
    name: str
    staff_on_duty: list[str] = Field(..., description="Name and work id of each staff member signed in there now "
                                                      "(as on the window's sign; no phone numbers)")


class HallSessionOut(Schema):
    kind: str = Field(..., description="regular · lunch")
    start: str = Field(..., description="HH:MM")
    end: str = Field(..., description="HH:MM")
    windows: list[int] = Field(..., description="Window ids serving this session; empty: every window")


class HallDutyDayOut(Schema):
    date: dt.date
    name: str = Field(..., description="The day's name on the working-day calendar (a holiday), or empty")
    closed: bool
    start: str | None
    end: str | None
    windows: list[int]
    note: str


class HallHoursOut(Schema):
    weekdays: list[HallSessionOut] = Field(..., description="Sessions on every working day (make-up days included)")
    duty_days: list[HallDutyDayOut] = Field(..., description="Upcoming duty days (rest days open) and closed days")


class HallSignIn(Schema):
    kind: Literal["in", "out"] = Field(..., description="in (签到) · out (签退)")
    window: int | None = Field(None, description="The window to sign in at (one of your posts'); default your A post")


class HallPresenceOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    window: int | None
    window_name: str | None


class PunchIn(Schema):
    work_id: str = Field(..., max_length=40)
    at: str = Field(..., max_length=40, description="YYYY-MM-DDTHH:MM, local time")


class PunchesIn(Schema):
    punches: list[PunchIn] = Field(..., max_length=20000)


class PunchFileIn(Schema):
    file: bytes = Field(..., description="CSV or Excel (.xlsx) with columns work_id (工号), time (时间)")


class HallRejectedOut(Schema):
    row: int
    reason: str
    reason_en: str


class HallImportResultOut(Schema):
    imported: int
    rejected: list[HallRejectedOut]


class HallStaffRef(Schema):
    id: int
    name: str
    work_id: str


class HallDayOut(Schema):
    date: dt.date
    working: bool
    first_in: dt.datetime | None
    last_out: dt.datetime | None
    late: bool
    early: bool
    absent: bool
    on_leave: bool


class AttendanceOut(Schema):
    staff: HallStaffRef
    month: str
    days: list[HallDayOut]
    totals: dict[str, int]


class AttendanceFilter(Schema):
    staff: str | None = Field(None, max_length=40, description="Work id (工号) or staff id; default yourself")
    month: str | None = Field(None, max_length=7, description="YYYY-MM; default this month")


def _public_site(site_id: int) -> Site:
    site = Site.objects.filter(pk=site_id, status=Site.Status.ACTIVE).select_related("unit").first()
    if site is None:
        raise NotFound("服务场所不存在。", "No such site.")
    return site


@router.get("/sites", response=list[HallSiteOut], summary="Service sites (public)")
def list_sites(request):
    return [{"id": s.pk, "name": s.name, "unit": s.unit.name, "kind": s.kind}
            for s in Site.objects.filter(status=Site.Status.ACTIVE).select_related("unit").order_by("unit__path", "pk")]


@router.get("/sites/{site_id}/windows", response=list[HallWindowOut], summary="A site's windows and who is on duty (public)")
def list_windows(request, site_id: int):
    site = _public_site(site_id)
    return [{"id": w.pk, "name": str(w), "staff_on_duty": [str(s) for s in people]}
            for w, people in selectors.windows_with_staff(site)]


@router.get("/sites/{site_id}/hours", response=HallHoursOut, summary="A site's opening hours and duty days (public)")
def site_hours(request, site_id: int):
    return selectors.hours_of(_public_site(site_id), timeutil.today())


@router.post("/attendance/sign", response=HallPresenceOut, auth=STAFF_AUTH, summary="Sign in or out (own)")
def sign(request, payload: HallSignIn):
    row = services.sign(request.auth, payload.kind, payload.window, source="api")
    return {"id": row.pk, "kind": row.kind, "at": row.at, "window": row.window_id,
            "window_name": str(row.window) if row.window else None}


@router.post("/attendance/import", response=HallImportResultOut, auth=STAFF_AUTH,
             summary="Import clock-in punches (manager)",
             description="multipart `file` (CSV or .xlsx; columns work_id, time), or JSON {punches: [{work_id, at}]}. "
                         "Rows that cannot be read are listed in `rejected` (row number, reason in Chinese and "
                         "English); punches already stored are skipped.",
             openapi_extra=body(PunchesIn, form=PunchFileIn))
def import_attendance(request):
    if request.content_type and request.content_type.startswith("multipart/"):
        rows = rows_of_file(request.FILES.get("file"))
    else:
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise InvalidInput("请求内容不是有效的 JSON。", "The request body is not valid JSON.") from None
        punches = data.get("punches") if isinstance(data, dict) else None
        if not isinstance(punches, list):
            raise InvalidInput("请提供 punches 列表或上传文件。", "Send a punches list or upload a file.",
                               field="punches")
        if len(punches) > 20000:
            raise InvalidInput("一次最多导入 20000 条。", "At most 20000 punches at a time.", field="punches")
        rows = [(i, p.get("work_id") if isinstance(p, dict) else None,
                 str(p.get("at") or "") if isinstance(p, dict) else None) for i, p in enumerate(punches, start=1)]
    return services.import_punches(request.auth, rows)


@router.get("/attendance", response=AttendanceOut, auth=STAFF_AUTH,
            summary="Attendance by day: late, early, absent, on leave",
            description="Your own, or (a site manager) a staff member of your sites by work id.")
def attendance(request, filters: Query[AttendanceFilter]):
    staff, (year, month) = selectors.attendance_subject(request.auth, filters.staff, filters.month)
    records = derive.month(staff, year, month)
    return {"staff": {"id": staff.pk, "name": staff.name, "work_id": staff.work_id}, "month": f"{year:04d}-{month:02d}",
            "days": [r.as_dict() for r in records], "totals": derive.totals(records)}
