"""Who owns a clock, and whom to tell when its due date moves without anyone acting on it (a calendar year confirmed).

A Clock does not know its owner: cases, joint tasks, tickets, hotline orders and appeals each hold theirs through a
one-to-one field. Core never imports those apps (they sit above it); this small registry reads the owner through
the reverse relations those fields declare, by related name, and describes it with plain attribute access. A new
kind of owner adds one entry to OWNER_KINDS.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.urls import NoReverseMatch, reverse

from .models import Clock

# Role values of bianmin.orgs.roles.Role (read as strings: core does not import orgs at module level).
HANDLER, MANAGER, SUPERVISOR = "handler", "manager", "supervisor"
RECEIPT = "receipt"  # bianmin.cases.models.Notice.Kind.RECEIPT: the 受理通知书 printed for the applicant


@dataclass(frozen=True)
class Owner:
    kind: str  # the related name the clock was found through, e.g. "case", "rectify_ticket"
    obj: Any
    label: str  # how people name it, in Chinese, e.g. "办件 BM20261228001"
    link: str  # the owner's page, "" when it has none
    people: tuple = ()  # who is told: the person handling it and the manager(s) above
    promised_to_applicant: bool = False  # its due date is printed on the applicant's receipt (never brought forward)
    applicant_phone: str = ""  # where the applicant is texted when that date moves later
    sender: str = ""  # the name an applicant's text message is signed with (the service site)


def _link(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the owning app's pages are not installed (e.g. a trimmed-down deployment)
        return ""


def people_with(roles: Iterable[str], obj, where: str = "") -> list:
    """Active users holding one of `roles` whose grant reaches `obj`: orgs.scoping.people, the reach every
    notification uses. `where` names one of the reaches below instead of the object's own scope."""
    from bianmin.orgs import scoping  # core sits below orgs: imported when a clock is described, not at load

    reaches = {
        "site": scoping.SITES,  # a service site: its own clerks and managers, and the regions above it
        "department": scoping.DEPARTMENTS,  # a department unit, as its handlers reach it
        # A hotline order through the department it is with (not its region: the region's watchers are told
        # by the hotline's own escalation).
        "order_department": scoping.Scope(unit_path="department__path", department_path="department__path"),
        "region": scoping.Scope(unit_path="unit_path"),  # an appeal, by the unit answerable for the rating
    }
    return scoping.people(roles, obj, reaches.get(where))


def _unique(users: Iterable) -> tuple:
    seen: dict = {}
    for user in users:
        if user is not None and user.pk not in seen:
            seen[user.pk] = user
    return tuple(seen.values())


def _site_managers(case) -> list:
    return people_with([MANAGER], case.site, "site")


def _case(case) -> Owner:
    return Owner("case", case, f"办件 {case.number}", _link("workbench:case", case.pk),
                 _unique([case.handled_by, *_site_managers(case)]),
                 promised_to_applicant=case.notices.filter(kind=RECEIPT).exists(),
                 applicant_phone=case.applicant_phone or "", sender=case.site.name)


def _handover_case(case) -> Owner:
    department = case.handover_department
    handlers = people_with([HANDLER], department, "department")
    return Owner("handover_case", case, f"办件 {case.number} 的部门交回期限", _link("workbench:case", case.pk),
                 _unique([*handlers, case.handled_by, *_site_managers(case)]))


def _joint_task(task) -> Owner:
    case = task.case
    return Owner("joint_task", task, f"联办件 {case.number}（{task.department.name}）的协办期限",
                 _link("workbench:case", case.pk),
                 _unique([*people_with([HANDLER], task.department, "department"), case.handled_by,
                          *_site_managers(case)]))


def _ticket(what: str, kind: str) -> Callable[[Any], Owner]:
    def describe(ticket) -> Owner:
        responsible = [ticket.assignee] if ticket.assignee_id else people_with([HANDLER], ticket)
        managers = people_with([MANAGER], ticket)
        return Owner(kind, ticket, f"整改工单 {ticket.number} 的{what}", _link("rectification:ticket", ticket.pk),
                     _unique([*responsible, *managers]))

    return describe


def _hotline_order(order) -> Owner:
    return Owner("hotline_order", order, f"热线工单 {order.number}", _link("hotline:order", order.pk),
                 _unique([*people_with([HANDLER], order, "order_department"),
                          *people_with([MANAGER], order, "order_department")]))


def _appeal(appeal) -> Owner:
    return Owner("appeal", appeal, f"申诉复核（评价 #{appeal.rating_id}）", _link("rectification:appeals"),
                 _unique(people_with([SUPERVISOR], appeal, "region")))


def _counter_complaint(complaint) -> Owner:
    return Owner("counter_complaint", complaint, f"窗口投诉 {complaint.number} 的答复期限",
                 _link("workbench:complaint", complaint.pk),
                 _unique([complaint.received_by, *_site_managers(complaint)]))


# Related name on Clock → how to describe that owner. Checked in this order; a clock has at most one owner.
OWNER_KINDS: dict[str, Callable[[Any], Owner]] = {
    "case": _case,
    "handover_case": _handover_case,
    "joint_task": _joint_task,
    "verify_ticket": _ticket("回访核实期限", "verify_ticket"),
    "rectify_ticket": _ticket("整改反馈期限", "rectify_ticket"),
    "ledger_ticket": _ticket("台账整改期限", "ledger_ticket"),
    "hotline_order": _hotline_order,
    "appeal": _appeal,
    "counter_complaint": _counter_complaint,
}


def owner_of(clock: Clock) -> Owner | None:
    """The clock's owner, described; None for a clock nobody holds (or whose owning app is not installed)."""
    for related_name, describe in OWNER_KINDS.items():
        try:
            obj = getattr(clock, related_name)
        except (ObjectDoesNotExist, AttributeError):
            continue
        if obj is not None:
            return describe(obj)
    return None
