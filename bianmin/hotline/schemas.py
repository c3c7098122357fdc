"""API shapes for work orders. Callers leave the server masked, or not at all when they asked for
confidentiality and the viewer is not the hotline (see disclosure.py)."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import BaseModel

from bianmin.core.clocks import state_of
from bianmin.core.openapi import RateOut
from bianmin.core.worktime.clock import ClockState
from bianmin.orgs.roles import Action as Perm

from . import access, selectors
from .disclosure import Disclosure
from .models import DispatchCategory, ExtensionRequest, RespondentRank, WorkOrder
from .states import allowed_actions


class CallerIn(BaseModel):
    # A plain pydantic model: a ninja Schema would read a string such as "张三" as an empty caller (it looks
    # values up as attributes), and bad input must be refused, not guessed.
    name: str = ""
    phone: str = ""
    confidential: bool = False


class WorkOrderIn(Schema):
    """Lengths and choices are checked by the service, so the page and the API give the same messages."""

    channel: str
    caller: CallerIn
    category: str = Field(..., description="A dispatch-catalogue code (the Open311 service_code)")
    text: str
    place: str = ""
    callback_consent: bool | None = Field(None, description="Default: true when a phone number is given")
    answered_at_intake: bool = Field(False, description="Answered on the spot: the order closes at once")
    answer: str = Field("", description="The agent's answer (required with answered_at_intake)")
    type: str | None = Field(None, description="Override the category's default type: " + ", ".join(
        ["urgent", "ordinary", "complex", "escalated_complaint", "simple_complaint", "complex_complaint"]))
    respondent_rank: str | None = Field(None, description="Efficiency complaints: leadership, middle or staff")
    respondent: str = ""
    region: int | None = Field(None, description="The hotline region (unit id); default: your own")


class CallerOut(Schema):
    name: str | None
    phone: str | None
    confidential: bool
    hidden: bool
    callback_consent: bool


class WorkOrderEventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str | None
    note: str
    data: dict
    at: dt.datetime


class RefOut(Schema):
    id: int
    number: str
    status: str


class WorkOrderRow(Schema):
    id: int
    number: str
    status: str
    status_label: str
    channel: str
    type: str
    category: str
    category_name: str
    department_id: int | None
    department: str | None
    confidential: bool
    callers: list[CallerOut]
    received_at: dt.datetime
    due_at: dt.datetime | None
    warning: str = Field(description="none, yellow or red: now while the department's clock runs; once it "
                                     "stopped (replied, returned, merged), as it stood at the stop.")
    overdue_days: int = Field(description="Working days past the due date: now while running, at the stop once "
                                          "stopped (0 when on time).")
    finished_late: bool | None = Field(description="The clock stopped after its due moment; null while running "
                                                   "or before dispatch.")
    due_provisional: bool = Field(description="The due date lies in a provisional (暂定) calendar year.")


class ExtensionOut(Schema):
    id: int
    status: str
    amount: int
    unit: str
    reason: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decision_note: str
    decided_at: dt.datetime | None


class RevisitOut(Schema):
    reached: bool
    resolved: bool | None
    satisfied: bool | None
    note: str
    by: str
    at: dt.datetime


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    at: dt.datetime


class WorkOrderOut(WorkOrderRow):
    region: str
    callback_consent: bool
    place: str
    text: str
    respondent_rank: str
    respondent: str
    answered_at_intake: bool
    answer: str
    reply: str
    closure: str
    dispatched_at: dt.datetime | None
    accepted_at: dt.datetime | None
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None
    allowed_actions: list[str]
    merged_into: RefOut | None
    merged_orders: list[RefOut]
    linked: list[RefOut]
    repeat_suggestions: list[RefOut]
    extensions: list[ExtensionOut]
    revisits: list[RevisitOut]
    attachments: list[AttachmentOut]
    history: list[WorkOrderEventOut]


def _ref(o: WorkOrder) -> dict:
    return {"id": o.pk, "number": o.number, "status": o.status}


def clock_state(order: WorkOrder, now: dt.datetime | None = None) -> ClockState | None:
    """The order's time limit at `now` (core.clocks.state_of: a stopped clock is frozen at its stop, so a replied
    or closed order is on time or late, never overdue); None before the order is dispatched."""
    return state_of(order.clock, now) if order.clock_id else None


def clock_fields(state: ClockState | None) -> dict:
    return {"due_at": timezone.localtime(state.due_at) if state and state.due_at else None,
            "warning": state.warning.value if state else "none",
            "overdue_days": state.overdue_days if state else 0,
            "finished_late": state.finished_late if state else None,
            "due_provisional": bool(state and state.provisional and not state.stopped)}


def order_row(order: WorkOrder, viewer, disclosure: Disclosure | None = None, state: ClockState | None = None) -> dict:
    """One order as the API lists it; `state` is its clock_state() when the caller has it already."""
    d = disclosure or Disclosure(viewer, order)
    state = state or clock_state(order)
    return {
        "id": order.pk, "number": order.number, "status": order.status,
        "status_label": str(order.get_status_display()), "channel": order.channel, "type": order.order_type,
        "category": order.category.code, "category_name": order.category.name,
        "department_id": order.department_id, "department": order.department.name if order.department_id else None,
        "confidential": order.confidential or not all(d.visible), "callers": d.caller_rows(),
        "received_at": order.received_at, **clock_fields(state),
    }


def order_detail(order: WorkOrder, viewer) -> dict:
    d = Disclosure(viewer, order)
    agent = access.may(viewer, Perm.TAKE_CALL, order)
    return {
        **order_row(order, viewer, d),
        "region": order.region.name, "callback_consent": order.callback_consent,
        "place": d.text(order.place), "text": d.text(order.text), "respondent_rank": order.respondent_rank,
        "respondent": d.text(order.respondent), "answered_at_intake": order.answered_at_intake,
        "answer": d.text(order.answer), "reply": d.text(order.reply), "closure": order.closure,
        "dispatched_at": order.dispatched_at, "accepted_at": order.accepted_at, "replied_at": order.replied_at,
        "closed_at": order.closed_at,
        "allowed_actions": [a.value for a in allowed_actions(order.status)],
        "merged_into": _ref(order.merged_into) if order.merged_into_id else None,
        "merged_orders": [_ref(o) for o in order.merged_orders.all()],
        "linked": [_ref(o) for o in order.linked.all()],
        # Same phone, same category: only the hotline sees these, since they tell who else called.
        "repeat_suggestions": [_ref(o) for o in selectors.repeat_candidates(order)] if agent else [],
        "extensions": [extension_out(e, d) for e in order.extensions.select_related("requested_by", "decided_by")],
        "revisits": [{"reached": v.reached, "resolved": v.resolved, "satisfied": v.satisfied, "note": d.text(v.note),
                      "by": v.by.get_username(), "at": v.at} for v in order.revisits.select_related("by")],
        "attachments": [{"id": a.pk, "name": d.text(a.name), "size": a.size, "at": a.at}
                        for a in order.attachments.all()],
        "history": [{"action": e.action, "from_status": e.from_status, "to_status": e.to_status,
                     "actor": e.actor.get_username() if e.actor_id else None, "note": d.text(e.note),
                     "data": d.data(e.data), "at": e.at}
                    for e in order.events.select_related("actor")],
    }


def extension_out(e: ExtensionRequest, d: Disclosure) -> dict:
    return {"id": e.pk, "status": e.status, "amount": e.amount, "unit": e.unit, "reason": d.text(e.reason),
            "requested_by": e.requested_by.get_username(), "requested_at": e.requested_at,
            "decided_by": e.decided_by.get_username() if e.decided_by_id else None,
            "decision_note": d.text(e.decision_note), "decided_at": e.decided_at}


class WorkOrderUnmaskIn(Schema):
    reason: str = Field(..., max_length=500)


class WorkOrderUnmaskOut(Schema):
    callers: list[CallerOut]


class CategoryLimitOut(Schema):
    amount: int
    unit: str


class CategoryOut(Schema):
    code: str
    name: str
    description: str
    group: str
    department_id: int
    department: str
    default_type: str
    limit: CategoryLimitOut
    efficiency_complaint: bool
    keywords: list[str]


def category_out(c: DispatchCategory) -> dict:
    from .limits import limit_for

    amount, unit = limit_for(c, c.default_type)
    return {"code": c.code, "name": c.name, "description": c.description, "group": c.group,
            "department_id": c.department_id, "department": c.department.name, "default_type": c.default_type,
            "limit": {"amount": amount, "unit": unit.value}, "efficiency_complaint": c.efficiency_complaint,
            "keywords": [k.strip() for k in c.keywords.replace("，", ",").split(",") if k.strip()]}


class HotlineFiguresOut(Schema):
    date_from: dt.date | None
    date_to: dt.date | None
    department_id: int | None
    response_rate: RateOut
    on_time_transfer_rate: RateOut
    on_time_reply_rate: RateOut
    resolution_rate: RateOut
    satisfaction_rate: RateOut
    first_call_resolution_rate: RateOut
    definitions: dict[str, str]


class PhraseOut(Schema):
    id: int
    scenario: str
    scenario_label: str
    step: int
    title: str
    text: str
    active: bool


def phrase_out(p) -> dict:
    return {"id": p.pk, "scenario": p.scenario, "scenario_label": str(p.get_scenario_display()), "step": p.step,
            "title": p.title, "text": p.text, "active": p.active}


class PhraseIn(Schema):
    text: str | None = None
    title: str | None = None
    active: bool | None = None


# ---------------------------------------------------------------- action bodies (POST /workorders/{id}/{action})
# What each action reads from its JSON body (services.HANDLERS); the services check every field and answer 422
# naming it. One schema per action (core.openapi.action_routes).

RespondentRankCode = Literal[tuple(RespondentRank.values)]  # type: ignore[valid-type]
_NOTE = Field(None, max_length=2000)


class OrderDispatchIn(Schema):
    """派单 (agent): the department defaults to the category's (efficiency complaints strictly by the respondent's
    rank); also re-routes a returned order."""

    department: int | None = Field(None, description="A unit id")
    respondent_rank: RespondentRankCode | None = None
    note: str | None = _NOTE


class OrderAcceptIn(Schema):
    """签收 (department)."""

    note: str | None = _NOTE


class OrderReturnIn(Schema):
    """退回 (department): the reason is required (first responsibility)."""

    reason: str = Field(..., max_length=2000)


class OrderReplyIn(Schema):
    """答复 (department); accepts a dispatched order on the way."""

    text: str = Field(..., max_length=2000)


class OrderExtendIn(Schema):
    """延期, one action for both sides: the department asks with {reason, until | amount}; the dispatcher decides
    with {decision, note} (a note is required to reject). A body with `decision` is a decision."""

    reason: str | None = Field(None, max_length=500, description="The request: why")
    until: dt.date | None = Field(None, description="The request: the new due date …")
    amount: int | None = Field(None, ge=1, description="… or the extension in the limit's unit")
    decision: Literal["approve", "reject"] | None = Field(None, description="The decision")
    note: str | None = Field(None, max_length=500, description="The decision's note")


class OrderRevisitIn(Schema):
    """回访 (agent): reached but unresolved re-opens the order; resolved and satisfied are asked when reached."""

    reached: bool
    resolved: bool | None = None
    satisfied: bool | None = None
    note: str | None = _NOTE


class OrderCloseIn(Schema):
    """办结 (agent): after a resolved revisit, an unreached one, or when the caller wanted no call back."""

    note: str | None = _NOTE


class OrderMergeIn(Schema):
    """合并 (agent): this order is the duplicate, `into` the master that keeps every caller."""

    into: int = Field(..., ge=1, description="The master order's id")
    note: str | None = _NOTE


class OrderLinkIn(Schema):
    """关联 (agent): a repeat call about the same matter."""

    to: int = Field(..., ge=1, description="The other order's id")


ACTION_BODIES: dict[str, type[Schema]] = {
    "dispatch": OrderDispatchIn, "accept": OrderAcceptIn, "return": OrderReturnIn, "reply": OrderReplyIn,
    "extend": OrderExtendIn, "revisit": OrderRevisitIn, "close": OrderCloseIn, "merge": OrderMergeIn,
    "link": OrderLinkIn,
}
