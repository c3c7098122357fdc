"""Who and where a fact hits, and which facts count: shared by the deductions (facts) and the warnings
(efficiency), so both read a ticket "verified as true" or a case "past its time limit" the same way."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.core import clocks
from bianmin.core.models import Clock
from bianmin.hall.services import site_of
from bianmin.orgs.models import Staff, WindowPost
from bianmin.rectification.models import Appeal, Ticket
from bianmin.rectification.states import Outcome

from . import scoring

# 立行立改 and 台账 mean the complaint was verified as true; 解释说明 and 误评/恶意 mean it was not.
VERIFIED_OUTCOMES = (Outcome.RECTIFIED_NOW.value, Outcome.LEDGER.value)


def month_of(moment: dt.datetime) -> dt.date:
    return scoring.month_start(timezone.localtime(moment).date())


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month (its first day) as [start, end) aware moments in local time."""
    tz = timezone.get_current_timezone()
    first = scoring.month_start(month)
    return (dt.datetime.combine(first, dt.time.min, tzinfo=tz),
            dt.datetime.combine(scoring.next_month(first), dt.time.min, tzinfo=tz))


def a_post_window(staff: Staff | None):
    """The window of the person's A post (the first by site and number), else None."""
    if staff is None:
        return None
    post = (WindowPost.objects.filter(staff=staff, post=WindowPost.Post.A).select_related("window")
            .order_by("window__site_id", "window__number", "pk").first())
    return post.window if post else None


def staff_of_user(user) -> Staff | None:
    return Staff.objects.filter(user=user).select_related("origin_unit").first() if user is not None else None


# ---------------------------------------------------------------- tickets verified as true

def tickets_of_month(month: dt.date):
    """Tickets with a verified outcome whose month (of the first verification, else resolution, else creation)
    is `month`; whether each still counts is `verified_as_true`."""
    lo, hi = month_bounds(month)
    return (Ticket.objects.annotate(moment=Coalesce("verified_at", "resolved_at", "created_at"))
            .filter(moment__gte=lo, moment__lt=hi, outcome__in=VERIFIED_OUTCOMES)
            .select_related("rating__staff__user", "rating__staff__origin_unit", "rating__window",
                            "rating__site", "assignee", "assigned_site"))


def upheld_ratings(tickets) -> set[int]:
    ids = [t.rating_id for t in tickets if t.rating_id]
    return set(Appeal.objects.filter(rating_id__in=ids, status=Appeal.Status.UPHELD)
               .values_list("rating_id", flat=True)) if ids else set()


def verified_as_true(ticket: Ticket, upheld: set[int]) -> bool:
    if ticket.outcome not in VERIFIED_OUTCOMES:
        return False
    rating = ticket.rating
    return rating is None or (not rating.excluded and rating.pk not in upheld)


def why_not_true(ticket: Ticket) -> str:
    """Why a ticket no longer counts as verified as true (the reversal's reason)."""
    rating = ticket.rating
    if rating is not None and Appeal.objects.filter(rating=rating, status=Appeal.Status.UPHELD).exists():
        return "申诉成立，撤销扣分"
    if rating is not None and rating.excluded:
        return "评价已认定为不计入统计，撤销扣分"
    return "工单处理方式已改为非查证属实，撤销扣分"


def ticket_moment(ticket: Ticket) -> dt.datetime:
    return ticket.verified_at or ticket.resolved_at or ticket.created_at


@dataclass(frozen=True)
class Subject:
    staff: Staff | None
    window: object | None
    site: object | None


def ticket_subject(ticket: Ticket) -> Subject:
    """谁办理、谁负责: the rated person, else the person the ticket is assigned to; their window (the rated one, else
    their A post's); the ticket's site, else the rating's, else the person's."""
    rating = ticket.rating
    staff = rating.staff if rating is not None and rating.staff_id else staff_of_user(ticket.assignee)
    window = rating.window if rating is not None and rating.window_id else a_post_window(staff)
    site = ticket.assigned_site or (rating.site if rating is not None else None) or \
        (site_of(staff) if staff is not None else None)
    return Subject(staff, window, site)


def verified_tickets(month: dt.date, *, conduct_only: bool = False):
    """(ticket, subject) for each ticket of `month` that still counts as verified as true (an upheld appeal, a
    re-classification or an excluded rating takes it out), with whom and where it hits."""
    tickets = tickets_of_month(month)
    if conduct_only:
        tickets = tickets.filter(conduct=True)
    tickets = list(tickets.select_related("assigned_site__unit", "rating__site__unit"))
    upheld = upheld_ratings(tickets)
    for ticket in tickets:
        if verified_as_true(ticket, upheld):
            yield ticket, ticket_subject(ticket)


# ---------------------------------------------------------------- cases past their time limit

def ran_past_due(case, now: dt.datetime) -> bool:
    """Did the case's clock run past its due moment (stopped after it, or still running after it)? The same rule
    as core.clocks.overdue_now / finished_late."""
    clock = case.clock if case.clock_id else None
    if clock is None or clock.due_at is None:
        return False
    if clock.status == Clock.Status.STOPPED:
        return clock.stopped_at is not None and clock.stopped_at > clock.due_at
    return clock.due_at < now


def past_due_cases(month: dt.date, now: dt.datetime):
    """Cases whose limit was missed in `month` (the due moment lies in it) and which ran past it."""
    lo, hi = month_bounds(month)
    return (Case.objects.filter(Q(clock__due_at__gte=lo, clock__due_at__lt=hi)
                                & (clocks.overdue_now("clock", now) | clocks.finished_late("clock")))
            .select_related("clock", "site", "handled_by"))
