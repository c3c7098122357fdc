"""API shapes for cases. Personal data leaves the server masked unless explicitly unmasked."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from bianmin.core.clocks import state_of
from bianmin.core.masking import mask_id_number, mask_phone, mask_text
from bianmin.core.worktime.clock import ClockState

from .models import Case, Delivery, RejectionGround, ReturnGround, SpecialProcedure


class ApplicantIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=18)
    org: str = Field("", max_length=200)


class EntrustmentIn(Schema):
    agent_name: str = Field(..., min_length=1, max_length=40)
    agent_phone: str = Field("", max_length=20)
    scope: str = Field(..., min_length=1, max_length=300)
    due_date: dt.date
    signed_on: dt.date | None = None


class CaseIn(Schema):
    item_code: str = Field(..., min_length=1, max_length=24)
    applicant: ApplicantIn
    site_id: int | None = None
    window_id: int | None = None
    urgent: bool = False
    entrustment: EntrustmentIn | None = None


class CaseEventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str
    reason: str
    data: dict
    at: dt.datetime


class SpecialProcedureOut(Schema):
    kind: str
    kind_label: str
    started_at: dt.datetime
    ended_at: dt.datetime | None
    planned_workdays: int
    planned_end: dt.date
    workdays_used: int | None
    overran: bool
    note: str
    result: str


class ReturnOut(Schema):
    ground: str
    reasons: list[str]
    returned_at: dt.datetime
    decision_due: dt.date
    within_limit: bool
    notice: str | None
    review_requested_at: dt.datetime | None
    review_due: dt.date | None
    review_decided_at: dt.datetime | None
    review_upheld: bool | None
    review_reasons: str


class CaseOut(Schema):
    id: int
    number: str
    status: str
    status_label: str
    item_code: str
    item_name: str
    handling_type: str
    site: str
    window: str | None
    applicant_name: str
    applicant_phone: str
    applicant_id_number: str
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    due_date: dt.date | None
    due_at: dt.datetime | None
    warning: str
    overdue_days: int
    finished_late: bool | None
    due_provisional: bool
    paused: bool
    allowed_actions: list[str]
    supplement_materials: list[str]
    supplement_deadline: dt.date | None
    handover_department: str | None
    handover_return_by: dt.date | None
    handover_return_by_provisional: bool
    handover_warning: str | None
    handover_overdue_days: int
    handover_finished_late: bool | None
    result_returned_at: dt.datetime | None
    joint_tasks: list[dict]
    result: str
    notices: list[dict]
    # Counter rules (issue 18): 急办件, 特别程序 (GB/T 39046 表7), 退回件 with their reviews, 办结公告.
    urgent: bool
    urgent_requested: bool
    urgent_limit_workdays: int | None
    special_procedures: list[SpecialProcedureOut]
    returns: list[ReturnOut]
    result_notice: dict | None
    history: list[CaseEventOut] = []


def clock_fields(state: ClockState | None) -> dict:
    """How the API reports a clock's state (`state_of`): a finished one frozen at its stop, a running one now.
    `warning` none/yellow/red and `overdue_days` (working days late; for finished work, at completion),
    `finished_late` true/false once stopped and null while running, `due_provisional` when the due date lies in a
    provisional (暂定) calendar year. No clock (not accepted yet): no due date, no warning."""
    if state is None:
        return {"due_date": None, "warning": "none", "overdue_days": 0, "finished_late": None,
                "due_provisional": False}
    return {"due_date": state.due_date, "warning": state.warning.value, "overdue_days": state.overdue_days,
            "finished_late": state.finished_late, "due_provisional": state.provisional}


def case_state(case: Case) -> ClockState | None:
    """The state of the case's clock, computed once per object (list answers read several fields of it)."""
    if not hasattr(case, "_clock_state"):
        case._clock_state = state_of(case.clock) if case.clock_id else None
    return case._clock_state


def _joint_task(task) -> dict:
    state = state_of(task.clock)
    return {"id": task.pk, "department": task.department.name, "task": task.task, "finished_at": task.finished_at,
            **clock_fields(state)}


def _special_procedure(p: SpecialProcedure) -> dict:
    from .special_procedures import overran

    return {"kind": p.kind, "kind_label": str(p.get_kind_display()), "started_at": p.started_at,
            "ended_at": p.ended_at, "planned_workdays": p.planned_workdays, "planned_end": p.planned_end,
            "workdays_used": p.workdays_used, "overran": overran(p), "note": mask_text(p.note) or "",
            "result": mask_text(p.result) or ""}


def _return(r) -> dict:
    review_due = state_of(r.review_clock).due_date if r.review_clock_id else None
    return {"ground": r.ground, "reasons": [mask_text(x) or "" for x in r.reasons], "returned_at": r.returned_at,
            "decision_due": r.decision_due, "within_limit": r.within_limit,
            "notice": r.notice.number if r.notice_id else None, "review_requested_at": r.review_requested_at,
            "review_due": review_due, "review_decided_at": r.review_decided_at, "review_upheld": r.review_upheld,
            "review_reasons": mask_text(r.review_reasons) or ""}


def _result_notice(case: Case) -> dict | None:
    notice = getattr(case, "result_notice", None)
    if notice is None:
        return None
    return {"text": notice.text, "applicant": notice.applicant_shown, "published_at": notice.published_at,
            "until": notice.until}


def case_out(case: Case, *, with_history: bool = True, unmasked: bool = False) -> dict:
    from .services import available_actions

    state = case_state(case)
    hstate = state_of(case.handover_clock) if case.handover_clock_id else None
    hfields = clock_fields(hstate)
    out = {
        "id": case.pk,
        "number": case.number,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "item_code": case.item.code,
        "item_name": case.item.name,
        "handling_type": case.handling_type,
        "site": case.site.name,
        "window": str(case.window) if case.window_id else None,
        "applicant_name": case.applicant_name,
        "applicant_phone": case.applicant_phone if unmasked else mask_phone(case.applicant_phone),
        "applicant_id_number": case.applicant_id_number if unmasked else mask_id_number(case.applicant_id_number),
        "created_at": case.created_at,
        "accepted_at": case.accepted_at,
        "completed_at": case.completed_at,
        **clock_fields(state),
        "due_at": timezone.localtime(state.due_at) if state and state.due_at else None,
        "paused": bool(state and state.paused),
        "allowed_actions": [a.value for a in available_actions(case)],
        "supplement_materials": case.supplement_materials or [],
        "supplement_deadline": case.supplement_deadline,
        "handover_department": case.handover_department.name if case.handover_department_id else None,
        # The department's return-by date follows the case's due date (handover.py); frozen once returned.
        "handover_return_by": hfields["due_date"],
        "handover_return_by_provisional": hfields["due_provisional"],
        "handover_warning": hfields["warning"] if hstate else None,
        "handover_overdue_days": hfields["overdue_days"],
        "handover_finished_late": hfields["finished_late"],
        "result_returned_at": case.result_returned_at,
        "joint_tasks": [_joint_task(t) for t in case.joint_tasks.select_related("department", "clock")],
        "result": mask_text(case.result),
        "notices": [{"id": n.pk, "kind": n.kind, "number": n.number} for n in case.notices.all()],
        "urgent": case.urgent,
        "urgent_requested": case.urgent_requested,
        "urgent_limit_workdays": case.urgent_limit_workdays,
        "special_procedures": [_special_procedure(p) for p in case.special_procedures.all()],
        "returns": [_return(r) for r in case.returns.select_related("notice", "review_clock")],
        "result_notice": _result_notice(case),
    }
    if with_history:
        out["history"] = [
            {"action": e.action, "from_status": e.from_status, "to_status": e.to_status,
             "actor": e.actor.username, "reason": mask_text(e.reason), "data": e.data, "at": e.at}
            for e in case.events.select_related("actor")
        ]
    return out


class CaseSummary(Schema):
    """A list entry; the clock fields mean what they mean in CaseOut (`clock_fields`)."""

    id: int
    number: str
    status: str
    item_name: str
    applicant_name: str
    due_date: dt.date | None
    warning: str
    overdue_days: int
    finished_late: bool | None
    due_provisional: bool
    urgent: bool

    @staticmethod
    def resolve_item_name(case: Case) -> str:
        return case.item.name

    @staticmethod
    def resolve_due_date(case: Case):
        return clock_fields(case_state(case))["due_date"]

    @staticmethod
    def resolve_warning(case: Case) -> str:
        return clock_fields(case_state(case))["warning"]

    @staticmethod
    def resolve_overdue_days(case: Case) -> int:
        return clock_fields(case_state(case))["overdue_days"]

    @staticmethod
    def resolve_finished_late(case: Case):
        return clock_fields(case_state(case))["finished_late"]

    @staticmethod
    def resolve_due_provisional(case: Case) -> bool:
        return clock_fields(case_state(case))["due_provisional"]


class CaseUnmaskIn(Schema):
    reason: str = Field(..., min_length=2, max_length=500)


class CaseUnmaskOut(Schema):
    applicant_phone: str
    applicant_id_number: str


# ---------------------------------------------------------------- action bodies (POST /cases/{id}/{action})
# What each action reads from its JSON body (services.HANDLERS). The services check every field themselves and
# answer 422 naming it; these schemas document the body, one per action (core.openapi.action_routes).

RejectionGroundCode = Literal[tuple(RejectionGround.values)]  # type: ignore[valid-type]
DeliveryCode = Literal[tuple(Delivery.values)]  # type: ignore[valid-type]


_TEXT = Field(..., max_length=2000)
_NOTE = Field(None, max_length=2000)


class CaseAnswerConsultationIn(Schema):
    """咨询件答复: the answer given, which closes the case."""

    answer: str = _TEXT


class CoDepartmentIn(Schema):
    department_id: int = Field(..., description="A department (unit of kind department)")
    days: int = Field(..., ge=0, description="Its time limit, within the case's own")
    task: str | None = Field(None, max_length=200)


class CaseAcceptIn(Schema):
    """受理. Tolerant items may be accepted with missing (supporting) materials and a supplement deadline; joint
    items name their co-departments."""

    missing_materials: list[str] | None = Field(None, max_length=30, description="容缺受理: the missing materials")
    supplement_deadline: dt.date | None = Field(None, description="Required with missing_materials")
    co_departments: list[CoDepartmentIn] | None = Field(None, max_length=10, description="Joint items only")


class CaseRejectIn(Schema):
    """不予受理, with the ground and the written reason."""

    ground: RejectionGroundCode
    reason: str = _TEXT


class CaseRouteOutIn(Schema):
    """不管件: routed to another organisation with an answer."""

    routed_to: str = Field(..., max_length=200)
    answer: str = _TEXT
    answer_days: int = Field(1, ge=0, le=30, description="Working days to answer")


class CaseRequestSupplementIn(Schema):
    """一次性告知补正: every material, listed exactly, and the deadline."""

    materials: list[str] = Field(..., min_length=1, max_length=30)
    deadline: dt.date
    note: str | None = Field(None, max_length=200)


class CaseResumeIn(Schema):
    """The materials arrived: the clock runs again."""

    note: str | None = Field(None, max_length=500)


class CaseExtendIn(Schema):
    """延期, approved by a manager of the centre or a supervisor above it."""

    amount: int = Field(..., ge=1, description="In the clock's unit; at most twice the statutory limit")
    reason: str = Field(..., max_length=500)
    approver: str | int = Field(..., description="The approver's username (or user id)")


class CaseHandOverIn(Schema):
    """移交 to the department that processes the case."""

    department_id: int
    note: str | None = _NOTE


class CaseReturnResultIn(Schema):
    """The department's result comes back to the window."""

    result: str = _TEXT


class CaseForwardIn(Schema):
    """上报 to a service site at a higher level."""

    site_id: int
    note: str | None = _NOTE


class CaseFinishJointTaskIn(Schema):
    """A co-department finishes its joint task."""

    task_id: int
    note: str | None = Field(None, max_length=500)


class CaseCompleteIn(Schema):
    """办结, with the result and how it is delivered."""

    result: str = _TEXT
    delivery: DeliveryCode
    delivery_address: str | None = Field(None, max_length=200, description="Required for delivery by mail")
    approved: bool = True
    delivered_on: dt.date | None = None
    public_notice: str | None = _NOTE


ReturnGroundCode = Literal[tuple(ReturnGround.values)]  # type: ignore[valid-type]
SpecialKindCode = Literal[tuple(SpecialProcedure.Kind.values)]  # type: ignore[valid-type]


class CaseReturnApplicationIn(Schema):
    """退回件 (seed 002 §四): after acceptance, with the written reasons; issues a 退回件通知单."""

    reasons: list[str] = Field(..., min_length=1, max_length=30)
    ground: ReturnGroundCode | None = Field(None, description="Which of the seed's three cases; default not_qualified")
    note: str | None = Field(None, max_length=500)


class CaseRequestReviewIn(Schema):
    """The applicant's request for a review (复核) of the return, entered by staff."""

    reason: str = _TEXT


class CaseDecideReviewIn(Schema):
    """The centre director's (a manager's) decision on the review: upheld sends the case back to processing."""

    upheld: bool
    reasons: str = _TEXT


class CaseDesignateUrgentIn(Schema):
    """急办件 (seed 002 §五): designated by a manager or above (a clerk gets 403), with a shorter committed limit."""

    limit_workdays: int = Field(..., ge=0, le=60)
    reason: str = Field(..., max_length=500)


class CaseStartSpecialProcedureIn(Schema):
    """特别程序: pauses the case clock (`paused: true`) and issues a 特别程序告知书."""

    kind: SpecialKindCode
    planned_workdays: int = Field(..., ge=1, le=250)
    note: str | None = Field(None, max_length=500)


class CaseEndSpecialProcedureIn(Schema):
    """The special procedure ends with its result; the clock runs again."""

    result: str = _TEXT


ACTION_BODIES: dict[str, type[Schema]] = {
    "return_application": CaseReturnApplicationIn, "request_review": CaseRequestReviewIn,
    "decide_review": CaseDecideReviewIn, "designate_urgent": CaseDesignateUrgentIn,
    "start_special_procedure": CaseStartSpecialProcedureIn, "end_special_procedure": CaseEndSpecialProcedureIn,
    "answer_consultation": CaseAnswerConsultationIn, "accept": CaseAcceptIn, "reject": CaseRejectIn,
    "route_out": CaseRouteOutIn, "request_supplement": CaseRequestSupplementIn, "resume": CaseResumeIn,
    "extend": CaseExtendIn, "hand_over": CaseHandOverIn, "return_result": CaseReturnResultIn,
    "forward": CaseForwardIn, "finish_joint_task": CaseFinishJointTaskIn, "complete": CaseCompleteIn,
}
