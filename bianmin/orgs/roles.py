"""Roles and what each may do: the one table every permission check reads (SPEC §1)."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLERK = "clerk", _("窗口工作人员")
    HANDLER = "handler", _("承办单位经办人")
    MANAGER = "manager", _("中心负责人")
    AGENT = "agent", _("热线坐席")
    SUPERVISOR = "supervisor", _("监督人员")
    ADMIN = "admin", _("系统管理员")


class Action(models.TextChoices):
    VIEW_CASE = "view_case"
    HANDLE_CASE = "handle_case"  # register, accept, notify, complete at the counter
    RETURN_RESULT = "return_result"  # a department hands its result back to the window
    APPROVE_EXTENSION = "approve_extension"
    MANAGE_SITE = "manage_site"
    VIEW_SITE = "view_site"
    UNMASK = "unmask"
    VIEW_RATINGS = "view_ratings"  # ratings, flags and comments of the units in scope
    # Clearing an honesty flag is a supervisor's finding, not the hall's: the flags look for ratings staged by
    # the hall itself (SPEC §5 "no coercion"), so its own manager sees them but does not sign them off.
    REVIEW_FLAGS = "review_flags"
    ENTER_RATING = "enter_rating"  # key in a paper rating form
    MANAGE_DEVICES = "manage_devices"  # register and revoke rating devices
    ENTER_COMMENT = "enter_comment"  # 综合点评 received by mailbox, hotline, e-mail
    SURVEY = "survey"  # 监督查评 samples, return visits, third-party assessment imports
    VIEW_TICKETS = "view_tickets"  # bad-review tickets and appeals of the units in scope
    HANDLE_TICKET = "handle_ticket"  # verify, resolve, give feedback, close
    APPROVE_EXCLUSION = "approve_exclusion"  # confirm a mistaken/malicious review; it leaves the statistics
    FILE_APPEAL = "file_appeal"  # 申诉 against a rating of oneself or one's unit
    DECIDE_APPEAL = "decide_appeal"  # 复核 at county or city level
    # 12345 hotline work orders (SPEC §7, bianmin.hotline).
    TAKE_CALL = "take_call"  # intake, answer on the spot, return visit, close, merge and link orders
    DISPATCH = "dispatch"  # send an order to a department, re-route a returned one, decide extensions
    VIEW_WORKORDERS = "view_workorders"
    HANDLE_WORKORDER = "handle_workorder"  # a department accepts, returns, replies, asks for more time
    UNMASK_CALLER = "unmask_caller"  # reveal a (non-confidential) caller's phone for a call back, logged
    EDIT_PHRASES = "edit_phrases"  # the hotline's standard phrase library
    # Analytics (SPEC §9): dashboards, league tables, hot spots and reports of the units in scope.
    VIEW_STATS = "view_stats"
    # Staff assessment (SPEC §8, bianmin.staffops). A person always sees their own score and warnings (the models'
    # person scope); these grants reach other people's.
    VIEW_ASSESSMENT = "view_assessment"  # scores, deductions, warnings, awards, inspections, records, checklists
    ASSESS = "assess"  # manual deductions and warnings, reversals, inspections, records, checklist, the schedule
    # The national exchange (SPEC §10, bianmin.exchange): the outbox, dead letters, reconciliation, previews.
    VIEW_EXCHANGE = "view_exchange"
    MANAGE_EXCHANGE = "manage_exchange"  # re-send or give up a dead letter (the exchange's manager)


ROLE_ACTIONS: dict[str, frozenset[str]] = {
    # A clerk handles the tickets assigned to them personally and appeals ratings of themselves only
    # (see rectification.selectors and services.file_appeal), not the whole site's.
    Role.CLERK: frozenset({Action.VIEW_CASE, Action.HANDLE_CASE, Action.VIEW_SITE, Action.ENTER_RATING}),
    Role.HANDLER: frozenset({Action.VIEW_CASE, Action.RETURN_RESULT, Action.VIEW_TICKETS, Action.HANDLE_TICKET,
                             Action.FILE_APPEAL, Action.VIEW_WORKORDERS, Action.HANDLE_WORKORDER,
                             Action.UNMASK_CALLER}),
    Role.MANAGER: frozenset({Action.VIEW_CASE, Action.HANDLE_CASE, Action.VIEW_SITE, Action.MANAGE_SITE,
                             Action.APPROVE_EXTENSION, Action.UNMASK, Action.VIEW_RATINGS, Action.ENTER_RATING,
                             Action.MANAGE_DEVICES, Action.ENTER_COMMENT, Action.VIEW_TICKETS,
                             Action.HANDLE_TICKET, Action.FILE_APPEAL, Action.VIEW_WORKORDERS,
                             Action.EDIT_PHRASES, Action.VIEW_STATS, Action.VIEW_ASSESSMENT, Action.ASSESS,
                             Action.VIEW_EXCHANGE, Action.MANAGE_EXCHANGE}),
    # Hotline grants. The agent is also the dispatcher (派单员): in a county 12345 centre the same seats take the
    # call, route it and call back, and the issue gives extension decisions to the dispatcher, who answers
    # to the caller for the promised time. Handlers act only on orders of their department subtree
    # (DEPARTMENT_SCOPED_ROLES) and may unmask a caller who did not ask for confidentiality, to call back.
    # Managers and supervisors watch (lists, figures, overdue escalations) but do not move orders: the
    # hotline's first-responsibility chain is dispatcher → department. Managers keep the phrase library.
    Role.AGENT: frozenset({Action.VIEW_SITE, Action.ENTER_COMMENT, Action.TAKE_CALL, Action.DISPATCH,
                           Action.VIEW_WORKORDERS, Action.UNMASK_CALLER}),
    Role.SUPERVISOR: frozenset({Action.VIEW_CASE, Action.VIEW_SITE, Action.APPROVE_EXTENSION, Action.UNMASK,
                                Action.VIEW_RATINGS, Action.REVIEW_FLAGS, Action.ENTER_COMMENT, Action.SURVEY, Action.VIEW_TICKETS,
                                Action.APPROVE_EXCLUSION, Action.DECIDE_APPEAL, Action.VIEW_WORKORDERS,
                                Action.VIEW_STATS, Action.VIEW_ASSESSMENT, Action.ASSESS, Action.VIEW_EXCHANGE}),
    Role.ADMIN: frozenset(set(Action.values)),
}

# Handlers see cases through the department the case was handed to, not through the site.
DEPARTMENT_SCOPED_ROLES = frozenset({Role.HANDLER})


def role_allows(role: str, action: str) -> bool:
    return action in ROLE_ACTIONS.get(role, frozenset())
