"""What the rater sees of their bad review's ticket ("what happened to my review"), and the text message
that carries the unit's answer and the follow-up link.

The rater never sees staff names, internal notes or the contact log: only where the ticket stands, the
answer the unit gave them, and — once answered — the one follow-up rating they may give.
"""
from __future__ import annotations

import logging

from django.utils.translation import gettext_lazy as _

from bianmin.core import sms
from bianmin.ratings.models import Rating

from . import followups
from .models import Ticket
from .states import Outcome, Status

logger = logging.getLogger(__name__)

# The rater's four steps, in the order they happen; each ticket status maps onto one of them.
STEPS = [
    ("received", _("已收到您的评价")),
    ("verifying", _("工作人员核实情况")),
    ("rectifying", _("整改落实")),
    ("answered", _("向您反馈结果")),
]
STEP_OF_STATUS = {
    Status.RECEIVED: 0, Status.ASSIGNED: 0, Status.VERIFYING: 1, Status.AWAITING_APPROVAL: 1,
    Status.RECTIFYING: 2, Status.RESOLVED: 2, Status.ANSWERED: 3, Status.CLOSED: 3,
}


def progress(ticket: Ticket) -> dict:
    """The rater-facing summary of one ticket (no staff names, no internal notes)."""
    reached = STEP_OF_STATUS[Status(ticket.status)]
    answered = ticket.feedback_at is not None and ticket.status in (Status.ANSWERED, Status.CLOSED)
    followup = ticket.followup_rating
    return {
        "number": ticket.number,
        "steps": [{"key": key, "label": label, "done": i < reached or (i == reached and answered),
                   "current": i == reached and not answered} for i, (key, label) in enumerate(STEPS)],
        "answered": answered,
        "feedback_text": ticket.feedback_text if answered else "",
        "feedback_at": ticket.feedback_at if answered else None,
        "rectified": ticket.outcome in (Outcome.RECTIFIED_NOW, Outcome.LEDGER) and answered,
        "followup": followup,
        "followup_url": None if followup else followups.url_for_rating(ticket.rating) if ticket.rating_id else None,
        "reopened": ticket.reopened > 0 and ticket.status not in (Status.ANSWERED, Status.CLOSED),
    }


def progress_for_rating(rating: Rating) -> dict | None:
    ticket = (Ticket.objects.select_related("followup_rating", "rating").filter(rating=rating).first()
              if rating.pk else None)
    return progress(ticket) if ticket else None


def rater_phone(ticket: Ticket) -> str:
    if ticket.rating_id:
        return ticket.rating.rater_phone or ""
    return ticket.comment.contact_phone if ticket.comment_id else ""


def answer_message(ticket: Ticket, url: str) -> str:
    answer = ticket.feedback_text if len(ticket.feedback_text) <= 70 else ticket.feedback_text[:69] + "…"
    return (f"【便民服务】您反映的问题（{ticket.number}）已有处理结果：{answer} "
            f"欢迎对整改情况再次评价：{url}")


def plan_message(ticket: Ticket) -> str:
    plan = ticket.outcome_note if len(ticket.outcome_note) <= 60 else ticket.outcome_note[:59] + "…"
    return (f"【便民服务】您反映的问题（{ticket.number}）已列入整改台账：{plan} "
            f"预计 {ticket.ledger_deadline:%Y年%m月%d日} 前整改到位，届时将向您反馈结果。")


def text_the_plan(ticket: Ticket) -> bool:
    """The first answer of a ledger (台账) rectification: what will be done and by when. Like the answer, a
    failed send is logged and never undoes the recorded plan."""
    phone = rater_phone(ticket)
    if not phone or ticket.ledger_deadline is None:
        return False
    try:
        sms.send(phone, plan_message(ticket))
    except Exception:  # the plan stands; staff can still reach the rater by phone
        logger.exception("could not text the plan for ticket %s", ticket.pk)
        return False
    return True


def text_the_answer(ticket: Ticket) -> bool:
    """Send the unit's answer and the follow-up link to a real-name rater. A failed send is logged (phone
    masked by the SMS layer) and never undoes the recorded feedback."""
    phone = rater_phone(ticket)
    if not phone:
        return False
    try:
        url = followups.url_for(ticket) + "?via=sms"
        sms.send(phone, answer_message(ticket, url))
    except Exception:  # the feedback stands; staff can still reach the rater by phone
        logger.exception("could not text the answer for ticket %s", ticket.pk)
        return False
    return True
