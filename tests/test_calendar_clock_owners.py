"""Whom a confirmed calendar year tells when a clock's due date moves: the clock's owner, found through the reverse
relations of the apps that hold clocks (bianmin/core/clock_owners.py), with the person handling it and the manager."""
from __future__ import annotations

import pytest

from bianmin.core import clocks
from bianmin.core.clock_owners import owner_of
from bianmin.hotline.models import WorkOrder
from bianmin.rectification.models import Ticket

from .hotline_helpers import act, intake
from .test_calendar_official import at, make_case
from .ticket_helpers import bad_rating

pytestmark = pytest.mark.django_db


def names(owner) -> set[str]:
    return {user.username for user in owner.people}


def test_a_case_clock_is_owned_by_its_case(world):
    case = make_case(world, "O1", 5)
    owner = owner_of(case.clock)
    assert owner.kind == "case" and owner.obj == case and owner.label == "办件 O1"
    assert owner.link == f"/workbench/cases/{case.pk}/"
    assert names(owner) == {"clerk_a", "manager_a"}  # not site B's manager, not the county supervisor
    assert owner.promised_to_applicant and owner.applicant_phone == "13812345678"
    assert owner.sender == world.site_a.name


def test_a_case_without_receipt_promises_nothing(world):
    assert not owner_of(make_case(world, "O2", 5, receipt=False).clock).promised_to_applicant


def test_a_hand_over_clock_tells_the_department_too(world):
    case = make_case(world, "O3", 10)
    case.handover_department = world.civil_affairs
    case.handover_clock = clocks.start_clock(at(2026, 12, 28, 11), 5, "workdays", purpose="handover")
    case.save()
    owner = owner_of(case.handover_clock)
    assert owner.kind == "handover_case" and names(owner) == {"handler", "clerk_a", "manager_a"}
    assert not owner.promised_to_applicant


def test_a_ticket_clock_is_owned_by_its_ticket(world):
    ticket = Ticket.objects.get(rating=bad_rating(world))
    for clock, kind in ((ticket.verify_clock, "verify_ticket"), (ticket.rectify_clock, "rectify_ticket")):
        owner = owner_of(clock)
        assert owner.kind == kind and owner.obj == ticket and owner.link == f"/workbench/tickets/{ticket.pk}/"
        assert "manager_a" in names(owner) and not owner.promised_to_applicant


def test_a_hotline_order_clock_is_owned_by_its_order(hw, client_for):
    order = act(client_for(hw.agent), intake(client_for(hw.agent))["id"], "dispatch")
    clock = WorkOrder.objects.get(pk=order["id"]).clock
    owner = owner_of(clock)
    assert owner.kind == "hotline_order" and "handler" in names(owner)
    assert owner.link == f"/workbench/hotline/{order['id']}/"


def test_a_clock_nobody_holds_has_no_owner(world):
    assert owner_of(clocks.start_clock(at(2026, 12, 28, 11), 5, "workdays")) is None
