"""API shapes of the queue. The public ones carry numbers only; the staff ticket never shows the holder's phone."""
from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from .models import QueueTicket


class TicketIn(Schema):
    """取号. Choices, the item and the phone are checked by the service, so the kiosk and the API give the same
    messages."""

    site: int
    item: int | None = Field(None, description="A catalog item id served at the site; none: a question (咨询)")
    priority: str = Field("normal", description="normal | elderly | disabled | pregnant | military")
    appointment_code: str = Field("", description="Check in an appointment: its item is taken")
    phone: str = Field("", description="Optional: an SMS when a few people are ahead (also one ticket per phone)")
    id_number: str = Field("", description="Optional: one active ticket per ID number per item (only a keyed hash "
                                           "is kept)")


class TicketCreatedOut(Schema):
    id: int
    number: str
    ahead: int
    token: str = Field(..., description="Follow the ticket: GET /queue/tickets/{token}")
    estimate_low: int | None = Field(None, description="Minutes, optimistic")
    estimate_high: int | None = Field(None, description="Minutes, pessimistic")


class TicketPositionOut(Schema):
    number: str
    status: str
    ahead: int
    window: str | None = Field(None, description="The window number to go to, once the ticket is sent to one")
    estimate_low: int | None = None
    estimate_high: int | None = None


class CallIn(Schema):
    window: int | None = Field(None, description="Default: the window you are signed in at, else your A post")


class TicketOut(Schema):
    id: int
    number: str
    status: str
    priority: str
    green_lane: bool
    source: str
    item_id: int | None
    item_name: str | None
    window_id: int | None
    window: str | None = Field(None, description="The window number")
    appointment: bool
    case_id: int | None
    created_at: dt.datetime
    queued_at: dt.datetime | None
    called_at: dt.datetime | None
    recalls: int
    estimate_low: int | None
    estimate_high: int | None
    previous_id: int | None = Field(None, description="The ticket of the visit's previous service")
    reason: str | None = Field(None, description="Why this ticket was called next (on a call)")


class TicketAnswer(Schema):
    ticket: TicketOut | None


class CallingOut(Schema):
    number: str
    window: str | None


class PublicQueueOut(Schema):
    waiting: int
    calling: list[CallingOut]
    average_wait_minutes: float | None


def ticket_out(ticket: QueueTicket, reason: str | None = None) -> dict:
    return {
        "id": ticket.pk, "number": ticket.number, "status": ticket.status, "priority": ticket.priority,
        "green_lane": ticket.green_lane, "source": ticket.source, "item_id": ticket.item_id,
        "item_name": ticket.item.name if ticket.item_id else None, "window_id": ticket.window_id,
        "window": ticket.window.number if ticket.window_id else None, "appointment": ticket.appointment_id is not None,
        "case_id": ticket.case_id, "created_at": ticket.created_at, "queued_at": ticket.queued_at,
        "called_at": ticket.called_at, "recalls": ticket.recalls, "estimate_low": ticket.estimate_low,
        "estimate_high": ticket.estimate_high, "previous_id": ticket.previous_id, "reason": reason,
    }


# ---------------------------------------------------------------- action bodies (documented; the service reads them)

class TicketRecallIn(Schema):
    """重呼: call the number again (not within the cool-down; after the site's maximum of recalls it becomes a
    no-show)."""


class TicketStartIn(Schema):
    """开始办理: the citizen is at the window."""


class TicketSkipIn(Schema):
    """过号: the citizen did not come."""

    reason: str = ""


class TicketParkIn(Schema):
    """暂挂: the citizen steps away (e.g. to fetch a copy); unpark puts the ticket back at its place."""

    reason: str = ""


class TicketUnparkIn(Schema):
    """恢复排队: back into the queue of the window that parked it, at the original place."""


class TicketTransferIn(Schema):
    """转窗口: back into the queue of another window of the site, keeping the original place."""

    window: int
    reason: str


class TicketFinishIn(Schema):
    """办结. With `next_item` the visit goes on: the answer is the linked ticket (same number) waiting for that
    item's windows at the citizen's original place."""

    next_item: int | None = None
    reason: str = ""


ACTION_BODIES: dict[str, type[Schema]] = {
    "recall": TicketRecallIn, "start": TicketStartIn, "skip": TicketSkipIn, "park": TicketParkIn,
    "unpark": TicketUnparkIn, "transfer": TicketTransferIn, "finish": TicketFinishIn,
}
