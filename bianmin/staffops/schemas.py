"""API schemas of scores, deductions and warnings, and the one place that turns the rows into their JSON shape
(the pages show the same fields)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Schema

from .models import Deduction, EfficiencyWarning

NOTE_MAX = 500


class AssessStaffRef(Schema):
    id: int
    name: str
    work_id: str


class AssessUnitRef(Schema):
    id: int
    name: str


class AssessStaffOut(Schema):
    id: int
    name: str
    work_id: str = Field(..., description="工号")
    username: str | None = Field(None, description="The login name, or null for a staff record without an account")
    windows: list[str] = Field(..., description="Labels of the windows where the person holds a post (A posts "
                                                "first), e.g. \"1号窗口 综合窗口\"")
    window_ids: list[int] = Field(..., description="Ids of the same windows, in the same order")


class AssessStaffFilter(Schema):
    site: int | None = Field(None, description="Only the staff of this site (one of yours)")
    q: str | None = Field(None, max_length=40, description="Part of the name or work id")


class AssessMonthFilter(Schema):
    month: str | None = Field(None, max_length=7, description="YYYY-MM; default this month")


class AssessDeductionOut(Schema):
    id: int
    rule: str = Field(..., description="The rule's code (late, early, absent_half_day, prohibited, duty_breach, "
                                       "complaint_verified, criticised, criticised_higher, or one the unit added)")
    label: str = Field(..., description="The rule's name when the deduction was made")
    points: int
    at: dt.datetime
    month: str = Field(..., description="YYYY-MM: the month it counts in")
    source: str = Field(..., description="attendance · ticket · inspection · manual")
    ticket: int | None = Field(None, description="The ticket (bad review/complaint verified as true), if any")
    finding: int | None = Field(None, description="The inspection finding, if any")
    staff: AssessStaffRef | None
    window: int | None
    window_name: str | None
    hits_person: bool
    hits_window: bool
    bars_award: bool = Field(..., description="Removes award eligibility for the year")
    note: str
    reversed: bool
    reversed_at: dt.datetime | None
    reversed_reason: str


class AssessWarningOut(Schema):
    id: int
    number: str = Field(..., description="告诫书编号")
    kind: str = Field(..., description="personal · collective")
    reason_code: str = Field(..., description="late_early · missed_limit · first_contact · rudeness · manual · "
                                              "collective")
    reason: str = Field(..., description="The facts, as written on the notice")
    staff: AssessStaffRef | None = Field(None, description="The person warned (personal); null for a collective warning")
    unit: AssessUnitRef = Field(..., description="The person's department, or the department warned collectively")
    site: int | None
    at: dt.datetime
    month: str = Field(..., description="YYYY-MM of the facts")
    acknowledged: bool
    acknowledged_at: dt.datetime | None
    withdrawn: bool
    withdrawn_reason: str


class AssessScoreOut(Schema):
    month: str
    score: int = Field(..., description="100 minus the points of the deductions that are not reversed")
    staff: AssessStaffRef | None = None
    window: int | None = None
    deductions: list[AssessDeductionOut] = Field(..., description="Every line of the month, reversed ones included")
    warnings: list[AssessWarningOut] = Field(..., description="Efficiency warnings of the month (withdrawn ones flagged)")


class AssessDeductionIn(Schema):
    rule: str = Field(..., max_length=40, description="A rule code of the staff member's schedule")
    note: str = Field(..., max_length=NOTE_MAX, description="The reason, shown to the person")
    at: dt.datetime | None = Field(None, description="When it happened (default now)")
    window: int | None = Field(None, description="The window it also counts against (default: the person's A post, "
                                                 "where the rule hits the window)")


class AssessWarningFilter(Schema):
    unit: int | None = Field(None, description="Only warnings within this unit's subtree")
    from_: str | None = Field(None, alias="from", max_length=10, description="YYYY-MM-DD (inclusive)")
    to: str | None = Field(None, max_length=10, description="YYYY-MM-DD (inclusive)")


def month_label(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def staff_ref(staff) -> dict | None:
    return None if staff is None else {"id": staff.pk, "name": staff.name, "work_id": staff.work_id}


def deduction_dict(d: Deduction) -> dict:
    return {"id": d.pk, "rule": d.rule_code, "label": d.rule_label, "points": d.points, "at": d.at,
            "month": month_label(d.month), "source": d.source, "ticket": d.ticket_id, "finding": d.finding_id,
            "staff": staff_ref(d.staff), "window": d.window_id, "window_name": str(d.window) if d.window else None,
            "hits_person": d.hits_person, "hits_window": d.hits_window, "bars_award": d.bars_award, "note": d.note,
            "reversed": d.reversed, "reversed_at": d.reversed_at, "reversed_reason": d.reversed_reason}


def warning_dict(w: EfficiencyWarning) -> dict:
    return {"id": w.pk, "number": w.number, "kind": w.kind, "reason_code": w.reason_code, "reason": w.reason,
            "staff": staff_ref(w.staff), "unit": {"id": w.unit_id, "name": w.unit.name}, "site": w.site_id,
            "at": w.at, "month": month_label(w.period), "acknowledged": w.acknowledged_at is not None,
            "acknowledged_at": w.acknowledged_at, "withdrawn": w.withdrawn, "withdrawn_reason": w.withdrawn_reason}


def sheet_dict(sheet, *, staff=None, window=None) -> dict:
    return {"month": month_label(sheet.month), "score": sheet.score, "staff": staff_ref(staff),
            "window": window.pk if window else None,
            "deductions": [deduction_dict(d) for d in sheet.deductions],
            "warnings": [warning_dict(w) for w in sheet.warnings]}


def local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment) if moment else None
