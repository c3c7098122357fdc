"""API shapes of alerts and thresholds, and the one place that turns an alert into its JSON form."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from bianmin.core.masking import mask_text

from . import texts
from .models import Alert


class AlertUnitRef(Schema):
    id: int
    name: str


class AlertOut(Schema):
    id: int
    kind: str = Field(..., description="daily_complaints, repeated_person, repeated_matter, hot_term or "
                                       "repeated_bad_reviews")
    kind_label: str
    unit: AlertUnitRef
    site: AlertUnitRef | None
    subject: str = Field(..., description="Who or what: the unit, the staff member, the matter or the term")
    text: str = Field(..., description="The alert in one sentence, in the language of the request")
    detail: dict = Field(..., description="Counts, threshold, period; `refs` the complaints or tickets counted")
    raised_at: dt.datetime
    open: bool
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    note: str


class AlertFilter(Schema):
    open: bool | None = Field(None, description="true: not yet acknowledged; false: acknowledged; absent: all")
    kind: str | None = Field(None, max_length=24)


class AlertAcknowledgeIn(Schema):
    note: str = Field(..., description="What is done about it (required, at most 500 characters)")


class AlertPolicyFilter(Schema):
    unit_id: int | None = Field(None, description="The jurisdiction (default: the broadest one you reach)")


class AlertThresholds(Schema):
    daily_complaints: int
    repeat_count: int
    repeat_days: int
    hot_term_factor: Decimal
    hot_term_min_count: int
    bad_reviews: int
    bad_review_days: int


class AlertPolicyOut(Schema):
    unit: AlertUnitRef
    source: str = Field(..., description="own: set for this unit; inherited: from `source_unit`; default: settings")
    source_unit: AlertUnitRef | None
    thresholds: AlertThresholds
    updated_at: dt.datetime | None


class AlertPolicyIn(Schema):
    """Any of the thresholds; one left out keeps the value in force. Out of range → 422, nothing changed."""

    daily_complaints: int | None = None
    repeat_count: int | None = None
    repeat_days: int | None = None
    hot_term_factor: Decimal | None = None
    hot_term_min_count: int | None = None
    bad_reviews: int | None = None
    bad_review_days: int | None = None


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def alert_dict(alert: Alert) -> dict:
    by = alert.acknowledged_by
    return {"id": alert.pk, "kind": alert.kind, "kind_label": str(alert.get_kind_display()), "unit": _ref(alert.unit),
            "site": _ref(alert.site), "subject": alert.subject, "text": mask_text(str(texts.sentence(alert))) or "",
            "detail": alert.detail or {}, "raised_at": alert.raised_at, "open": alert.is_open,
            "acknowledged_at": alert.acknowledged_at,
            "acknowledged_by": (by.get_full_name() or by.get_username()) if by is not None else None,
            "note": mask_text(alert.note) or ""}


def policy_dict(view: dict) -> dict:
    return {"unit": _ref(view["unit"]), "source": view["source"], "source_unit": _ref(view["source_unit"]),
            "thresholds": view["values"], "updated_at": view["updated_at"]}
