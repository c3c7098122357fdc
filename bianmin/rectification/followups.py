"""追评: after the feedback, the rater may rate once more through a new token (SPEC §6).

The token has the same form as a case rating token with stage "followup"; its id names the ticket. This module
holds the token, its link and its period; storing the follow-up rating and the ticket's reaction to it are in
services.py (submit_followup, followup_received).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bianmin.core import timeutil
from bianmin.core.errors import Conflict, NotFound
from bianmin.ratings import services as rating_services
from bianmin.ratings import tokens
from bianmin.ratings.models import Rating, Stage

from .models import Ticket


def deadline(ticket: Ticket) -> dt.datetime | None:
    if ticket.feedback_at is None:
        return None
    last_day = timezone.localtime(ticket.feedback_at).date() + dt.timedelta(days=settings.BIANMIN["RATING_PERIOD_DAYS"])
    return timezone.make_aware(dt.datetime.combine(last_day, dt.time(23, 59, 59)))


def token_for(ticket: Ticket) -> str:
    expires = deadline(ticket) or timeutil.now() + dt.timedelta(days=365)
    return tokens.encode(tokens.TokenClaims(ticket.pk, Stage.FOLLOWUP, int(expires.timestamp())), settings.SECRET_KEY)


def url_for(ticket: Ticket, base_url: str | None = None) -> str:
    base = (base_url or settings.BIANMIN["PUBLIC_URL"]).rstrip("/")
    return base + reverse("followup:page", args=[token_for(ticket)])


def ticket_for_token(token: str) -> Ticket:
    claims = rating_services.claims_of(token)
    if claims.stage != Stage.FOLLOWUP:
        raise NotFound("追评链接无效。", "Not a follow-up link.")
    return load_ticket(claims.case_id)


def load_ticket(ticket_id: int) -> Ticket:
    ticket = (Ticket.objects.select_related("rating", "rating__site", "comment", "assigned_unit", "assigned_site",
                                            "followup_rating").filter(pk=ticket_id).first())
    if ticket is None:
        raise NotFound("追评链接无效。", "No such ticket.")
    return ticket


def check_open(ticket: Ticket, claims_expiry: int | None = None) -> None:
    end = deadline(ticket)
    if end is None:
        raise Conflict("整改反馈后即可追评。", "You can rate again once the unit has answered you.", code="not_yet")
    now = timeutil.now()
    if now > end or (claims_expiry is not None and now.timestamp() > claims_expiry):
        raise rating_services.TokenExpired("追评期限已过，感谢您的关注。", "The follow-up period has ended. Thank you.")


def url_for_rating(rating: Rating) -> str | None:
    """The follow-up link shown on the rater's "what happened to my review" page, once answered."""
    ticket = Ticket.objects.filter(rating=rating).first()
    if ticket is None or ticket.feedback_at is None or ticket.followup_rating_id:
        return None
    end = deadline(ticket)
    if end is None or timeutil.now() > end:
        return None
    return reverse("followup:page", args=[token_for(ticket)])
