"""API shapes for tickets and appeals (the rater's contact data never leaves here unmasked)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Schema

from bianmin.core import timeutil
from bianmin.core.clocks import state_of
from bianmin.core.masking import mask_text
from bianmin.core.worktime.clock import ClockState, Warning

from . import overview
from .models import Ticket


class ClockOut(Schema):
    """One step's time limit as core.clocks.state_of sees it now: a finished step is frozen at its end."""

    due_at: dt.datetime | None
    due_provisional: bool = Field(description="The due date lies in a provisional (暂定) calendar year.")
    warning: str = Field(description="none, yellow or red; for a finished step, as it stood when it finished.")
    overdue_days: int = Field(description="Working days past the due date: now while running, at the end once "
                                          "finished (0 when on time).")
    finished_late: bool | None = Field(description="Finished after its due moment; null while running.")
    stopped_at: dt.datetime | None


class TicketRow(Schema):
    id: int
    number: str
    source: str
    rating_id: int | None
    case_id: int | None
    assigned_unit: str
    assigned_unit_id: int
    assigned_site_id: int | None
    assignee: str | None
    status: str
    outcome: str
    verify_due: dt.datetime | None
    rectify_due: dt.datetime | None
    verify_warning: str
    rectify_warning: str
    verify: ClockOut
    rectify: ClockOut
    ledger: ClockOut | None = Field(description="The ledger deadline's clock, once a ledger (台账) is set.")
    overdue: bool = Field(description="A step is overdue now (the list's `overdue` filter uses the same rule).")
    due_provisional: bool = Field(description="A running step's due date is provisional (暂定).")
    escalation: int
    real_name: bool
    created_at: dt.datetime


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str | None
    note: str
    at: dt.datetime


class ContactOut(Schema):
    channel: str
    reached: bool
    note: str
    at: dt.datetime


class TicketDetail(TicketRow):
    outcome_note: str
    ledger_deadline: dt.date | None
    feedback_channel: str
    feedback_text: str
    feedback_at: dt.datetime | None
    followup_rating_id: int | None
    contacts: list[ContactOut]
    events: list[EventOut]


def clock_out(state: ClockState, stopped_at: dt.datetime | None) -> dict:
    return {"due_at": timezone.localtime(state.due_at) if state.due_at else None,
            "due_provisional": state.provisional, "warning": state.warning.value,
            "overdue_days": state.overdue_days, "finished_late": state.finished_late,
            "stopped_at": stopped_at if state.stopped else None}


def ticket_row(t: Ticket, now: dt.datetime | None = None) -> dict:
    clocks, states = overview.step_clocks(t), overview.states(t, now or timeutil.now())
    steps = {step: clock_out(states[step], clocks[step].stopped_at) for step in clocks}
    running = [s for s in states.values() if not s.stopped]
    return {
        "id": t.pk, "number": t.number, "source": t.source, "rating_id": t.rating_id, "case_id": t.case_id,
        "assigned_unit": t.assigned_unit.name, "assigned_unit_id": t.assigned_unit_id,
        "assigned_site_id": t.assigned_site_id, "assignee": t.assignee.get_username() if t.assignee_id else None,
        "status": t.status, "outcome": t.outcome, "verify_due": steps["verify"]["due_at"],
        "rectify_due": steps["rectify"]["due_at"], "verify_warning": steps["verify"]["warning"],
        "rectify_warning": steps["rectify"]["warning"], **steps, "ledger": steps.get("ledger"),
        "overdue": any(s.warning is Warning.RED for s in running),
        "due_provisional": any(s.provisional for s in running),
        "escalation": t.escalation, "real_name": t.real_name, "created_at": t.created_at,
    }


def ticket_detail(t: Ticket) -> dict:
    return {
        **ticket_row(t), "outcome_note": mask_text(t.outcome_note), "ledger_deadline": t.ledger_deadline,
        "feedback_channel": t.feedback_channel, "feedback_text": mask_text(t.feedback_text), "feedback_at": t.feedback_at,
        "followup_rating_id": t.followup_rating_id,
        "contacts": [{"channel": c.channel, "reached": c.reached, "note": mask_text(c.note), "at": c.at} for c in t.contacts.all()],
        "events": [{"action": e.action, "from_status": e.from_status, "to_status": e.to_status,
                    "actor": e.actor.get_username() if e.actor_id else None, "note": mask_text(e.note), "at": e.at}
                   for e in t.events.select_related("actor")],
    }


class AppealOut(Schema):
    id: int
    rating_id: int
    status: str
    reason: str
    decision_reason: str
    filed_at: dt.datetime
    decided_at: dt.datetime | None
    due: dt.datetime | None
    clock: ClockOut


def appeal_out(a) -> dict:
    state = state_of(a.clock)
    return {"id": a.pk, "rating_id": a.rating_id, "status": a.status, "reason": mask_text(a.reason),
            "decision_reason": a.decision_reason, "filed_at": a.filed_at, "decided_at": a.decided_at,
            "due": state.due_at, "clock": clock_out(state, a.clock.stopped_at)}


class RateOut(Schema):
    numerator: int
    denominator: int
    value: float | None  # numerator / denominator, None when there is nothing to divide by


class AppealCounts(Schema):
    upheld: int
    dismissed: int
    pending: int


class FiguresOut(Schema):
    date_from: dt.date | None
    date_to: dt.date | None
    revisit_rate: RateOut
    rectification_rate: RateOut
    on_time_rate: RateOut
    excluded_malicious: int
    appeals: AppealCounts
    definitions: dict[str, str]
