"""Efficiency complaints go by the rank of the person complained about (S003:L163-173)."""
import pytest

from bianmin.hotline import routing
from bianmin.hotline.models import WorkOrder

from .hotline_helpers import act, intake

pytestmark = pytest.mark.django_db

COMPLAINT = "反映某局工作人员对符合条件的申请拖延不办。"


def test_the_rule(hw):
    assert routing.department_for(hw.efficiency, "leadership") == hw.supervision
    assert routing.department_for(hw.efficiency, "middle") == hw.discipline
    assert routing.department_for(hw.efficiency, "staff") == hw.discipline
    assert routing.department_for(hw.social, "") == hw.base.civil_affairs  # ordinary categories: their department


@pytest.mark.parametrize("rank, unit", [("leadership", "supervision"), ("middle", "discipline"),
                                        ("staff", "discipline")])
def test_dispatch_routes_efficiency_complaints_by_rank(hw, api_for, rank, unit):
    agent = api_for(hw.agent)
    order = intake(agent, category="XNTS", respondent_rank=rank, respondent="某局副局长", text=COMPLAINT)
    order = act(agent, order["id"], "dispatch")
    assert order["department_id"] == getattr(hw, unit).pk and order["respondent_rank"] == rank


def test_an_efficiency_complaint_needs_the_rank(hw, api_for):
    r = intake(api_for(hw.agent), category="XNTS", text=COMPLAINT, expect=422)
    assert r["field"] == "respondent_rank" and "职级" in r["message"]
    intake(api_for(hw.agent), category="XNTS", text=COMPLAINT, respondent_rank="boss", expect=422)
    assert not WorkOrder.objects.exists()


def test_the_rule_cannot_be_bypassed_at_dispatch_but_a_wrong_rank_can_be_corrected(hw, api_for):
    agent = api_for(hw.agent)
    order = intake(agent, category="XNTS", respondent_rank="middle", text=COMPLAINT)
    r = act(agent, order["id"], "dispatch", {"department": hw.base.civil_affairs.pk}, expect=422)
    assert r["field"] == "department"
    act(agent, order["id"], "dispatch")
    act(api_for(hw.handler2), order["id"], "accept", expect=404)
    # The discipline group finds the respondent is in the leadership and returns it; the dispatcher corrects
    # the rank, and the rule sends it to the supervision office.
    from .world import make_user

    discipline = api_for(make_user("jjz", "handler", unit=hw.discipline))
    act(discipline, order["id"], "return", {"reason": "被投诉人系该局领导班子成员，应转监察室"})
    r = act(agent, order["id"], "dispatch", {"respondent_rank": "leadership"})
    assert r["department_id"] == hw.supervision.pk and r["respondent_rank"] == "leadership"
