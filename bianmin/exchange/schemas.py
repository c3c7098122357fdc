"""API shapes of the exchange (issue 19's contract: names kept exactly), and the one place a row becomes JSON."""
from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from .models import OutboxRow, Status


class OutboxFilter(Schema):
    status: str | None = Field(None, max_length=10, description="pending, sent, dead or given_up")
    kind: str | None = Field(None, max_length=16, description="rating, case (all case kinds), case_accept, "
                                                              "case_special, case_complete, rectification, complaint")
    record_id: int | None = Field(None, ge=1, le=2**62, description="the rating, case, ticket or complaint id")


class OutboxOut(Schema):
    id: int
    kind: str
    record_id: int
    event: str
    key: str = Field(..., description="The idempotency key the upstream dedupes on (domain key)")
    status: str
    attempts: int
    last_error: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    receipt: str = Field(..., description="The upstream's receipt id once acknowledged")
    profile: str = Field(..., description="name and version the payload was built with, once built")
    jurisdiction: str


def row_dict(row: OutboxRow) -> dict:
    return {"id": row.pk, "kind": row.kind, "record_id": row.record_id, "event": row.event, "key": row.key,
            "status": row.status, "attempts": row.attempts, "last_error": row.last_error,
            "created_at": row.created_at, "next_attempt_at": row.next_attempt_at if row.status == Status.PENDING else None,
            "sent_at": row.sent_at, "receipt": row.receipt,
            "profile": f"{row.profile_name}.v{row.profile_version}" if row.profile_name else "",
            "jurisdiction": row.link.unit.name}


class PreviewFilter(Schema):
    profile: str = Field("gbt39046-2020", max_length=40)
    version: int | None = Field(None, ge=1, le=1000)


class PreviewOut(Schema):
    profile: str
    version: int
    kind: str
    payload: dict = Field(..., description="The payload as it would be sent; keys are the profile's field names")
    problems: list[dict] = Field(..., description="Truncations (error false) and refusals (error true)")
    sendable: bool


class GiveUpIn(Schema):
    reason: str = Field(..., max_length=300)


class ProfileOut(Schema):
    name: str
    version: int
    versions: list[int]
    title: str
    kinds: list[str]
    style: str


class ReconciliationKindOut(Schema):
    jurisdiction: str
    profile: str
    kind: str
    ours: int = Field(..., description="our rows of that day and kind")
    ours_sent: int
    theirs: int = Field(..., description="keys the upstream acknowledged")
    missing: list[str] = Field(..., description="delivered by us, unknown upstream (queued again)")
    unknown_upstream: list[str] = Field(..., description="acknowledged upstream, not ours")
    requeued: int
    error: str
    checked_at: dt.datetime


class ReconciliationOut(Schema):
    date: dt.date
    kinds: list[ReconciliationKindOut]


class ReconciliationFilter(Schema):
    date: dt.date | None = Field(None, description="YYYY-MM-DD; default yesterday")
    run: bool = Field(False, description="true: ask the upstream now instead of showing the last result")
