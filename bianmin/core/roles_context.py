"""What the page header needs to know about the signed-in person."""
from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can

from .notify import unread_count


def workbench_context(request) -> dict:
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "can_manage_site": can(user, Action.MANAGE_SITE),
        "can_handle_case": can(user, Action.HANDLE_CASE),
        "can_view_case": can(user, Action.VIEW_CASE),
        "can_view_ratings": can(user, Action.VIEW_RATINGS),
        # Counter staff (with a staff record) see the ratings they received.
        "can_see_own_ratings": can(user, Action.HANDLE_CASE) and _has_staff_record(user),
        # 综合点评: read in scope (VIEW_RATINGS) or enter what came by mailbox/hotline (ENTER_COMMENT).
        "can_read_comments": can(user, Action.VIEW_RATINGS) or can(user, Action.ENTER_COMMENT),
        "can_survey": can(user, Action.SURVEY),
        "can_view_tickets": can(user, Action.VIEW_TICKETS),
        "can_view_stats": can(user, Action.VIEW_STATS),
        # Staff assessment: everybody with a staff record sees their own score; these see other people's.
        "can_view_assessment": can(user, Action.VIEW_ASSESSMENT),
        "can_assess": can(user, Action.ASSESS),
        "has_staff_record": lambda: _has_staff_record(user),
        "can_view_workorders": can(user, Action.VIEW_WORKORDERS) or can(user, Action.TAKE_CALL),
        # Callables, so the queries run only where a template asks: a clerk has no ticket role but
        # answers for the bad reviews of their own cases (谁办理、谁负责).
        "has_own_tickets": user.tickets.exists,
        "unread_notifications": lambda: unread_count(user),
    }


def _has_staff_record(user) -> bool:
    try:
        return user.staff is not None
    except ObjectDoesNotExist:
        return False
