"""API shapes for tickets and appeals (the rater's contact data never leaves here unmasked)."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from bianmin.core import timeutil
from bianmin.core.clocks import state_of
from bianmin.core.masking import mask_text
from bianmin.core.openapi import RateOut
from bianmin.core.worktime.clock import ClockState, Warning

from . import overview
from .models import ContactChannel, Ticket
from .states import Outcome


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


class TicketEventOut(Schema):
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
    events: list[TicketEventOut]


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


class AppealCounts(Schema):
    upheld: int
    dismissed: int
    pending: int


class TicketFiguresOut(Schema):
    date_from: dt.date | None
    date_to: dt.date | None
    revisit_rate: RateOut
    rectification_rate: RateOut
    on_time_rate: RateOut
    excluded_malicious: int
    appeals: AppealCounts
    definitions: dict[str, str]


# ---------------------------------------------------------------- action bodies (POST /rectifications/{id}/{action})
# What each action reads from its JSON body (services.HANDLERS); the services check every field and answer 422
# naming it. One schema per action (core.openapi.action_routes).

ContactChannelCode = Literal[tuple(ContactChannel.values)]  # type: ignore[valid-type]
OutcomeCode = Literal[tuple(o.value for o in Outcome)]  # type: ignore[valid-type]
_NOTE = Field(None, max_length=2000)
_NOTE_REQUIRED = Field(..., max_length=2000)


class TicketVerifyIn(Schema):
    """核实: one contact attempt with the rater, reached or not."""

    channel: ContactChannelCode
    reached: bool
    note: str | None = _NOTE


class TicketResolveIn(Schema):
    """The handling decided: rectified now, a ledger with a deadline (the note and deadline are texted to the
    rater as the first answer), explained, or a rating found mistaken or malicious (ratings only)."""

    outcome: OutcomeCode
    note: str = _NOTE_REQUIRED
    deadline: dt.date | None = Field(None, description="Required with outcome `ledger`; not in the past")
    conduct: bool = Field(False, description="The complaint verified as true is about conduct (作风生硬、态度粗暴或"
                                             "刁难推诿): the responsible person also gets an efficiency warning")


class TicketProgressIn(Schema):
    """A progress note on a ledger ticket."""

    note: str = _NOTE_REQUIRED


class TicketRectifiedIn(Schema):
    """The ledger's rectification is done."""

    note: str = _NOTE_REQUIRED


class TicketApproveExclusionIn(Schema):
    """A supervisor finds the rating mistaken or malicious: it leaves the statistics."""

    note: str | None = _NOTE


class TicketRejectExclusionIn(Schema):
    """A supervisor refuses the exclusion: rectification goes on."""

    note: str = _NOTE_REQUIRED


class TicketFeedbackIn(Schema):
    """The answer given to the rater."""

    channel: ContactChannelCode
    message: str = _NOTE_REQUIRED


class TicketCloseIn(Schema):
    """办结 (409 until feedback was recorded)."""

    note: str | None = _NOTE


ACTION_BODIES: dict[str, type[Schema]] = {
    "verify": TicketVerifyIn, "resolve": TicketResolveIn, "progress": TicketProgressIn,
    "rectified": TicketRectifiedIn, "approve_exclusion": TicketApproveExclusionIn,
    "reject_exclusion": TicketRejectExclusionIn, "feedback": TicketFeedbackIn, "close": TicketCloseIn,
}
