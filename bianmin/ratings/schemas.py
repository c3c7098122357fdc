"""API shapes for ratings. The rater's name and phone leave the server masked (SPEC §11)."""
from __future__ import annotations

import datetime as dt

from ninja import Schema

from bianmin.core.masking import mask_name, mask_phone, mask_text

from .models import Rating


class FlagOut(Schema):
    kind: str
    detail: str
    reviewed: bool


class RatingRow(Schema):
    id: int
    level: str
    is_bad: bool
    channel: str
    stage: str
    case_id: int | None
    item_name: str | None
    staff_name: str | None
    window: str | None
    site_id: int | None
    real_name: bool
    rater_name: str
    rater_phone: str
    comment: str
    flagged: bool
    flags: list[FlagOut]
    excluded: bool
    is_default: bool
    created_at: dt.datetime


class RatingDetail(RatingRow):
    answers: dict
    device_id: int | None
    entered_by: str | None
    department_id: int | None


def rating_row(r: Rating) -> dict:
    return {
        "id": r.pk, "level": r.level, "is_bad": r.is_bad, "channel": r.channel, "stage": r.stage,
        "case_id": r.case_id, "item_name": r.item.name if r.item_id else None,
        "staff_name": r.staff.name if r.staff_id else None,
        "window": f"{r.window.number} {r.window.name}" if r.window_id else None, "site_id": r.site_id,
        "real_name": r.real_name, "rater_name": mask_name(r.rater_name), "rater_phone": mask_phone(r.rater_phone),
        "comment": mask_text(r.comment), "flagged": r.flagged,
        "flags": [{"kind": f.kind, "detail": f.detail, "reviewed": f.reviewed_at is not None} for f in r.flags.all()],
        "excluded": r.excluded, "is_default": r.is_default, "created_at": r.created_at,
    }


def masked_answers(answers: dict | None) -> dict | None:
    """The questionnaire with its one free-text answer (the suggestion) masked like every free text."""
    if not answers or not answers.get("suggestion"):
        return answers
    return {**answers, "suggestion": mask_text(answers["suggestion"])}


def rating_detail(r: Rating) -> dict:
    return {**rating_row(r), "answers": masked_answers(r.answers), "device_id": r.device_id,
            "entered_by": r.entered_by.get_username() if r.entered_by_id else None, "department_id": r.department_id}
