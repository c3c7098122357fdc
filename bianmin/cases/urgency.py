"""急办件 (urgent cases, seed 002 §五): "凡时间紧迫，特别重要的申请事项属急办件… 由中心认定，并由中心出具急办件通知单，
直接送达主办窗口，或召集联审会议办理". The centre (a manager of the site or above), not the clerk, designates a case
urgent, with a committed limit shorter than the item's, chosen at designation; the 急办件通知单 goes to the lead window.
An urgent case shows a red mark in every queue and warns earlier: its clock turns yellow at URGENT_WARNING_SHARE of
its time, and the deadline sweep tells the site's managers as well as the clerk (cases.jobs).
"""
from __future__ import annotations

from django.conf import settings

from bianmin.core import clocks, timeutil
from bianmin.core.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.core.inputs import integer, text
from bianmin.core.worktime.clock import LimitUnit
from bianmin.orgs import scoping
from bianmin.orgs.roles import Action as Perm

from . import handover
from .models import Case, Notice
from .moves import move
from .notices import issue
from .states import Action

MAX_URGENT_WORKDAYS = 60


def may_designate(actor, site) -> bool:
    """The centre: a manager of the site or a region above it."""
    return scoping.may(actor, Perm.MANAGE_SITE, site, scoping.SITES)


def designate_urgent(case: Case, actor, data: dict) -> Case:
    if not may_designate(actor, case.site):
        raise PermissionDenied("急办件由中心认定，窗口工作人员不能认定。",
                               "Urgent cases are designated by the centre's managers, not by the clerk.")
    if case.urgent:
        raise Conflict("该办件已认定为急办件。", "The case is already designated urgent.")
    limit = integer(data, "limit_workdays", "急办承诺时限（工作日）", "Urgent limit (working days)",
                    lo=0, hi=MAX_URGENT_WORKDAYS)
    reason = text(data, "reason", "急办理由", "Reason", max_len=500)
    now = timeutil.now()
    due = None
    if case.clock is not None:
        clock = case.clock
        if clock.unit != LimitUnit.WORKDAYS.value:
            raise Conflict("即办件或按小时计时的办件无需认定急办。",
                           "On-the-spot and hourly cases are not designated urgent.")
        if limit >= clock.amount + clock.extension:
            raise InvalidInput(f"急办时限须短于原承诺时限（{clock.amount + clock.extension} 个工作日）。",
                               "The urgent limit must be shorter than the committed limit.", field="limit_workdays")
        clock.amount, clock.extension = limit, 0
        clock.warning_share = settings.BIANMIN["URGENT_WARNING_SHARE"]
        state = clocks.refresh(clock, now)
        if state.due_at is not None and state.due_at < now:
            raise InvalidInput("按该时限计算已经超期，请选择更长的急办时限。",
                               "That limit has already run out; choose a longer one.", field="limit_workdays")
        handover.follow_case(case, now)
        due = state.due_date
    elif limit >= case.item.committed_limit and case.item.committed_unit == LimitUnit.WORKDAYS.value:
        raise InvalidInput(f"急办时限须短于原承诺时限（{case.item.committed_limit} 个工作日）。",
                           "The urgent limit must be shorter than the committed limit.", field="limit_workdays")
    move(case, Action.DESIGNATE_URGENT, actor, reason=reason,
         data={"limit_workdays": limit, "due_date": due.isoformat() if due else None},
         fields={"urgent": True, "urgent_limit_workdays": limit, "urgent_reason": reason, "urgent_at": now})
    issue(case, Notice.Kind.URGENT, actor,
          {"limit_workdays": limit, "reason": reason, "window": case.window.number if case.window else "",
           "due_date": due.isoformat() if due else ""}, now.year)
    return case


def limit_at_acceptance(case: Case, amount: int, unit: str) -> tuple[int, str, float | None]:
    """The committed limit a case starts with at acceptance, and its clock's warning share: an urgent case
    designated before acceptance takes its urgent limit (working days) and warns earlier."""
    if case.urgent and case.urgent_limit_workdays is not None and unit == LimitUnit.WORKDAYS.value:
        return min(amount, case.urgent_limit_workdays), unit, settings.BIANMIN["URGENT_WARNING_SHARE"]
    if case.urgent and unit == LimitUnit.WORKDAYS.value:
        return amount, unit, settings.BIANMIN["URGENT_WARNING_SHARE"]
    return amount, unit, None
