"""The work-order loop: intake, dispatch, first responsibility and returns, extensions, return visits, merges."""
import datetime as dt

import pytest

from bianmin.core.models import Notification
from bianmin.hotline.models import Assignment, CallerRecord, ExtensionRequest, WorkOrder, WorkOrderEvent

from .hotline_helpers import act, get, intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(hw, api_for):
    return {"agent": api_for(hw.agent), "civil": api_for(hw.base.handler), "land": api_for(hw.handler2)}


def actions(order_id):
    return list(WorkOrderEvent.objects.filter(order_id=order_id).values_list("action", flat=True))


def test_agent_takes_a_call_department_replies_agent_calls_back_and_closes(hw, clients, set_now):
    set_now(dt.datetime(2026, 11, 23, 9, 0))
    order = intake(clients["agent"])
    assert order["status"] == "received" and order["number"].startswith("RX20261123")
    assert order["department"] is None and order["type"] == "ordinary"
    set_now(dt.datetime(2026, 11, 23, 9, 10))
    order = act(clients["agent"], order["id"], "dispatch")
    assert order["status"] == "dispatched" and order["department"] == "测试县民政局"  # from the category
    assert Notification.objects.filter(user=hw.base.handler, text__contains=order["number"]).exists()
    order = act(clients["civil"], order["id"], "accept")
    assert order["status"] == "accepted"
    order = act(clients["civil"], order["id"], "reply", {"text": "已联系街道，本周内上门核实并指导申请临时救助。"})
    assert order["status"] == "replied" and order["reply"].startswith("已联系街道")
    order = act(clients["agent"], order["id"], "revisit",
                {"reached": True, "resolved": True, "satisfied": True, "note": "已上门，申请已提交"})
    assert order["status"] == "revisited"
    order = act(clients["agent"], order["id"], "close")
    assert order["status"] == "closed" and order["closure"] == "resolved"
    assert actions(order["id"]) == ["receive", "dispatch", "accept", "reply", "revisit", "close"]
    assert [h["to_status"] for h in order["history"]] == [
        "received", "dispatched", "accepted", "replied", "revisited", "closed"]


def test_answered_at_intake_closes_at_once_and_counts_as_first_call_resolution(hw, clients):
    order = intake(clients["agent"], answered_at_intake=True,
                   answer="临时救助向户籍所在地乡镇（街道）申请，需身份证和困难情况说明。")
    assert order["status"] == "closed" and order["answered_at_intake"] is True and order["closure"] == "answered"
    assert order["department"] is None and order["allowed_actions"] == ["link"]
    assert actions(order["id"]) == ["receive", "answer"]
    act(clients["agent"], order["id"], "dispatch", expect=409)


def test_answered_at_intake_needs_the_answer(hw, clients):
    r = intake(clients["agent"], expect=422, answered_at_intake=True)
    assert r["field"] == "answer"
    assert not WorkOrder.objects.exists()


def test_reply_to_a_dispatched_order_records_the_acceptance_first(hw, clients):
    order = act(clients["agent"], intake(clients["agent"])["id"], "dispatch")
    act(clients["civil"], order["id"], "reply", {"text": "已答复"})
    assert actions(order["id"]) == ["receive", "dispatch", "accept", "reply"]
    assert Assignment.objects.get(order_id=order["id"]).response == "accepted"


# ---------------------------------------------------------------- first responsibility and returns

def test_return_needs_a_reason(hw, clients):
    order = act(clients["agent"], intake(clients["agent"])["id"], "dispatch")
    r = act(clients["civil"], order["id"], "return", {}, expect=422)
    assert r["field"] == "reason" and r["message"] and r["message_en"]
    act(clients["civil"], order["id"], "return", {"reason": "   "}, expect=422)
    assert WorkOrder.objects.get(pk=order["id"]).status == "dispatched"
    assert actions(order["id"]) == ["receive", "dispatch"]


def test_return_with_reason_goes_back_to_the_dispatcher_who_re_routes(hw, clients):
    order = act(clients["agent"], intake(clients["agent"], text="想咨询房产证加名怎么办理")["id"], "dispatch")
    act(clients["civil"], order["id"], "accept")
    returned = act(clients["civil"], order["id"], "return", {"reason": "属不动产登记职责，非民政局事项"})
    assert returned["status"] == "returned" and returned["department"] is None
    assert Notification.objects.filter(user=hw.agent, text__contains="退回").exists()
    # The returning department no longer owns it, and cannot act on it any more.
    act(clients["civil"], order["id"], "reply", {"text": "x"}, expect=404)
    rerouted = act(clients["agent"], order["id"], "dispatch", {"department": hw.land.pk, "note": "改派自然资源局"})
    assert rerouted["status"] == "dispatched" and rerouted["department_id"] == hw.land.pk
    act(clients["land"], order["id"], "accept")
    events = WorkOrderEvent.objects.filter(order_id=order["id"])
    ret = events.get(action="return")
    assert ret.note == "属不动产登记职责，非民政局事项" and ret.data["department"] == "测试县民政局"
    assert events.filter(action="dispatch").last().data["redispatch"] is True
    first, second = Assignment.objects.filter(order_id=order["id"])
    assert (first.department, first.return_reason) == (hw.base.civil_affairs, "属不动产登记职责，非民政局事项")
    assert second.department == hw.land and second.returned_at is None


def test_a_department_cannot_act_on_another_departments_order(hw, clients):
    order = act(clients["agent"], intake(clients["agent"])["id"], "dispatch")
    act(clients["land"], order["id"], "accept", expect=404)
    act(clients["land"], order["id"], "return", {"reason": "不是我们的"}, expect=404)
    assert WorkOrder.objects.get(pk=order["id"]).status == "dispatched"


def test_departments_do_not_dispatch_and_agents_do_not_reply(hw, clients):
    order = intake(clients["agent"])
    act(clients["civil"], order["id"], "dispatch", expect=404)  # not even visible before dispatch
    order = act(clients["agent"], order["id"], "dispatch")
    act(clients["civil"], order["id"], "dispatch", expect=403)
    act(clients["agent"], order["id"], "reply", {"text": "坐席代答"}, expect=403)


# ---------------------------------------------------------------- extensions

def _accepted(clients, set_now):
    set_now(dt.datetime(2026, 9, 23, 10))  # Wednesday; 7 calendar days → due Wed 30 Sept
    order = act(clients["agent"], intake(clients["agent"])["id"], "dispatch")
    act(clients["civil"], order["id"], "accept")
    return order


def test_extension_request_then_approval_moves_the_due_date(hw, clients, set_now):
    order = _accepted(clients, set_now)
    assert order["due_at"].startswith("2026-09-30")
    r = act(clients["civil"], order["id"], "extend", {"reason": "需现场勘查，涉及多户", "until": "2026-10-09"})
    assert r["due_at"].startswith("2026-09-30")  # nothing moves before the decision
    [ext] = r["extensions"]
    assert (ext["status"], ext["amount"], ext["unit"]) == ("pending", 9, "days")
    act(clients["civil"], order["id"], "extend", {"reason": "再申请", "amount": 2}, expect=409)  # one at a time
    act(clients["civil"], order["id"], "extend", {"decision": "approve"}, expect=403)  # not its own approver
    r = act(clients["agent"], order["id"], "extend", {"decision": "approve", "note": "同意"})
    assert r["due_at"].startswith("2026-10-09") and r["extensions"][0]["status"] == "approved"
    assert r["extensions"][0]["decided_by"] == "agent_a"
    assert actions(order["id"])[-2:] == ["request_extension", "approve_extension"]
    assert Notification.objects.filter(user=hw.base.handler, text__contains="延期申请已批准").exists()


def test_extension_rejection_is_recorded_with_its_reason_and_changes_no_date(hw, clients, set_now):
    order = _accepted(clients, set_now)
    act(clients["civil"], order["id"], "extend", {"reason": "人手不足", "amount": 3})
    act(clients["agent"], order["id"], "extend", {"decision": "reject"}, expect=422)  # a rejection says why
    r = act(clients["agent"], order["id"], "extend", {"decision": "reject", "note": "时限内可办结"})
    assert r["due_at"].startswith("2026-09-30")
    ext = ExtensionRequest.objects.get(order_id=order["id"])
    assert (ext.status, ext.decision_note, ext.decided_by) == ("rejected", "时限内可办结", hw.agent)
    act(clients["agent"], order["id"], "extend", {"decision": "approve"}, expect=409)  # nothing pending now


def test_extension_input_is_checked(hw, clients, set_now):
    order = _accepted(clients, set_now)
    act(clients["civil"], order["id"], "extend", {"amount": 2}, expect=422)  # no reason
    act(clients["civil"], order["id"], "extend", {"reason": "x", "until": "2026-09-29"}, expect=422)  # earlier
    act(clients["civil"], order["id"], "extend", {"reason": "x", "amount": 99}, expect=422)  # > twice the limit
    act(clients["civil"], order["id"], "extend", {"reason": "x", "until": "30/10/2026"}, expect=422)
    act(clients["agent"], order["id"], "extend", {"decision": "maybe"}, expect=422)
    assert not ExtensionRequest.objects.exists()


def test_a_reply_lapses_a_pending_extension(hw, clients, set_now):
    order = _accepted(clients, set_now)
    act(clients["civil"], order["id"], "extend", {"reason": "需协调", "amount": 2})
    act(clients["civil"], order["id"], "reply", {"text": "已办结"})
    assert ExtensionRequest.objects.get(order_id=order["id"]).status == "lapsed"


# ---------------------------------------------------------------- return visits

def _replied(clients):
    order = act(clients["agent"], intake(clients["agent"])["id"], "dispatch")
    return act(clients["civil"], order["id"], "reply", {"text": "已答复"})


def test_not_resolved_reopens_the_order_to_the_same_department(hw, clients):
    order = _replied(clients)
    r = act(clients["agent"], order["id"], "revisit", {"reached": True, "resolved": False, "satisfied": False,
                                                        "note": "来电人称仍未有人联系"})
    assert r["status"] == "accepted" and r["department"] == "测试县民政局" and r["warning"] == "none"
    assert r["due_at"] is not None  # a fresh time limit for the second handling
    assert Notification.objects.filter(user=hw.base.handler, text__contains="回访未解决").exists()
    act(clients["agent"], order["id"], "close", expect=409)
    r = act(clients["civil"], order["id"], "reply", {"text": "已上门处理"})
    r = act(clients["agent"], order["id"], "revisit", {"reached": True, "resolved": True, "satisfied": True})
    assert r["status"] == "revisited" and [v["resolved"] for v in r["revisits"]] == [False, True]


def test_close_needs_a_return_visit_unless_the_caller_wanted_none(hw, clients):
    order = _replied(clients)
    r = act(clients["agent"], order["id"], "close", expect=409)
    assert r["code"] == "revisit_required"
    r = act(clients["agent"], order["id"], "revisit", {"reached": False, "note": "两次未接通"})
    assert r["status"] == "replied" and r["revisits"][0]["resolved"] is None
    assert act(clients["agent"], order["id"], "close")["closure"] == "unreached"

    quiet = act(clients["agent"], intake(clients["agent"], callback_consent=False)["id"], "dispatch")
    act(clients["civil"], quiet["id"], "reply", {"text": "已答复"})
    assert act(clients["agent"], quiet["id"], "close")["closure"] == "no_callback"


def test_revisit_needs_clear_answers(hw, clients):
    order = _replied(clients)
    act(clients["agent"], order["id"], "revisit", {}, expect=422)
    act(clients["agent"], order["id"], "revisit", {"reached": True, "resolved": "maybe", "satisfied": True}, expect=422)
    act(clients["agent"], order["id"], "revisit", {"reached": True, "satisfied": True}, expect=422)
    assert WorkOrder.objects.get(pk=order["id"]).revisits.count() == 0


# ---------------------------------------------------------------- repeats and duplicates

def test_merge_keeps_every_caller_on_the_master(hw, clients):
    master = act(clients["agent"], intake(clients["agent"])["id"], "dispatch")
    dup = intake(clients["agent"], caller={"name": "钱多多", "phone": "13700001111"})
    dup2 = intake(clients["agent"], caller={"name": "孙悟净", "phone": "13600002222", "confidential": True})
    act(clients["agent"], dup2["id"], "merge", {"into": dup["id"]})  # dup gathers dup2's caller first
    r = act(clients["agent"], dup["id"], "merge", {"into": master["id"], "note": "同一户，同一事项"})
    assert r["status"] == "merged" and r["merged_into"]["id"] == master["id"] and r["closure"] == "merged"
    m = get(clients["agent"], master["id"])
    callers = {c["phone"]: c["confidential"] for c in m["callers"]}  # the agent sees every caller, masked
    assert callers == {"139****2222": False, "137****1111": False, "136****2222": True}
    assert m["callers"][0]["phone"] == "139****2222"  # the first caller stays first
    assert {o["id"] for o in m["merged_orders"]} == {dup["id"], dup2["id"]}
    assert CallerRecord.objects.filter(order_id=master["id"]).count() == 2
    assert m["history"][-1]["action"] == "merge_in"
    act(clients["agent"], dup["id"], "reply", {"text": "x"}, expect=403)
    act(clients["agent"], master["id"], "merge", {"into": master["id"]}, expect=422)


def test_merge_into_a_closed_order_is_refused(hw, clients):
    done = intake(clients["agent"], answered_at_intake=True, answer="已答复")
    dup = intake(clients["agent"])
    act(clients["agent"], dup["id"], "merge", {"into": done["id"]}, expect=409)
    act(clients["agent"], dup["id"], "merge", {"into": 999999}, expect=404)
    act(clients["agent"], dup["id"], "merge", {"into": "abc"}, expect=422)
    assert WorkOrder.objects.get(pk=dup["id"]).status == "received"


def test_repeat_calls_are_suggested_to_the_agent_and_linked_both_ways(hw, clients, set_now):
    set_now(dt.datetime(2026, 11, 2, 10))
    first = intake(clients["agent"])
    set_now(dt.datetime(2026, 11, 20, 10))
    other_category = intake(clients["agent"], category="BDC")
    again = intake(clients["agent"])
    assert [o["id"] for o in again["repeat_suggestions"]] == [first["id"]]
    assert other_category["repeat_suggestions"] == []
    r = act(clients["agent"], again["id"], "link", {"to": first["id"]})
    assert [o["id"] for o in r["linked"]] == [first["id"]] and r["repeat_suggestions"] == []
    assert [o["id"] for o in get(clients["agent"], first["id"])["linked"]] == [again["id"]]
    set_now(dt.datetime(2027, 1, 5, 10))  # beyond HOTLINE_REPEAT_DAYS: no longer suggested
    late = intake(clients["agent"])
    assert again["id"] not in [o["id"] for o in late["repeat_suggestions"]]
