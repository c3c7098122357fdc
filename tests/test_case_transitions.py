"""Every case transition and its guards, through the API (the pages call the same services)."""
import datetime as dt

import pytest

from bianmin.cases.models import Case, CaseEvent, FirstContact, Notice

from .case_helpers import act, post, register


@pytest.fixture
def clerk(world, api_for):
    return api_for(world.clerk_a)


@pytest.fixture
def monday(set_now):
    return set_now(dt.datetime(2026, 11, 23, 10, 0))


def test_register_logs_first_contact_and_history(world, clerk, monday):
    case = register(clerk, world.item_committed)
    assert case["status"] == "registered" and case["due_date"] is None
    assert case["number"].startswith("BJ20261123")
    assert FirstContact.objects.get(case_id=case["id"]).owner == world.clerk_a
    assert [h["action"] for h in case["history"]] == ["register"]


def test_accept_sets_due_date_from_working_days_and_issues_receipt(world, clerk, monday):
    case = register(clerk, world.item_committed)
    case = act(clerk, case["id"], "accept")
    assert case["status"] == "accepted"
    assert case["due_date"] == "2026-11-30"  # 5 working days from the day after Mon 23 Nov
    assert Notice.objects.filter(case_id=case["id"], kind="receipt").count() == 1
    assert case["history"][-1]["from_status"] == "registered" and case["history"][-1]["to_status"] == "accepted"


def test_instant_case_has_a_thirty_minute_clock(world, clerk, monday):
    case = act(clerk, register(clerk, world.item_instant)["id"], "accept")
    assert case["due_at"].startswith("2026-11-23T10:30")


def test_consultation_answered_is_final(world, clerk, monday):
    case = register(clerk, world.item_committed)
    case = act(clerk, case["id"], "answer_consultation", {"answer": "需携带身份证和户口簿到1号窗口办理"})
    assert case["status"] == "consultation"
    r = post(clerk, f"/api/v1/cases/{case['id']}/accept")
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"


def test_reject_needs_ground_and_written_reason(world, clerk, monday):
    case = register(clerk, world.item_committed)
    body = act(clerk, case["id"], "reject", {"ground": "main_missing"}, expect=422)
    assert body["field"] == "reason" and body["message"] and body["message_en"]
    assert Case.objects.get(pk=case["id"]).status == "registered"
    case = act(clerk, case["id"], "reject", {"ground": "main_missing", "reason": "缺少居民身份证原件"})
    assert case["status"] == "rejected"
    assert Notice.objects.filter(case_id=case["id"], kind="rejection").exists()


def test_route_out_records_where_and_answer_deadline(world, clerk, monday):
    case = register(clerk, world.item_committed)
    case = act(clerk, case["id"], "route_out", {"routed_to": "县信访局", "answer": "已转县信访局", "answer_days": 2})
    assert case["status"] == "out_of_remit"
    assert Case.objects.get(pk=case["id"]).routed_answer_due == dt.date(2026, 11, 25)


def test_supplement_before_acceptance_then_resume_then_accept(world, clerk, monday):
    case = register(clerk, world.item_committed)
    case = act(clerk, case["id"], "request_supplement", {"materials": ["户口簿复印件"], "deadline": "2026-11-30"})
    assert case["status"] == "awaiting_supplement" and case["supplement_materials"] == ["户口簿复印件"]
    assert Notice.objects.filter(case_id=case["id"], kind="supplement").exists()
    case = act(clerk, case["id"], "resume")
    assert case["status"] == "registered"
    assert act(clerk, case["id"], "accept")["status"] == "accepted"


def test_supplement_after_acceptance_pauses_the_clock(world, clerk, set_now):
    set_now(dt.datetime(2026, 11, 23, 10))
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    set_now(dt.datetime(2026, 11, 25, 10))
    case = act(clerk, case["id"], "request_supplement", {"materials": ["收入证明"], "deadline": "2026-12-04"})
    assert case["paused"] and case["due_date"] is None
    set_now(dt.datetime(2026, 11, 27, 10))
    case = act(clerk, case["id"], "resume")
    assert case["status"] == "accepted" and not case["paused"]
    assert case["due_date"] == "2026-12-02"  # Thu 26 and Fri 27 did not count


def test_supplement_needs_list_and_deadline_and_no_vague_words(world, clerk, monday):
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    act(clerk, case["id"], "request_supplement", {"materials": [], "deadline": "2026-12-01"}, expect=422)
    act(clerk, case["id"], "request_supplement", {"materials": ["收入证明"]}, expect=422)
    act(clerk, case["id"], "request_supplement", {"materials": ["收入证明"], "deadline": "2026-11-01"}, expect=422)
    act(clerk, case["id"], "request_supplement", {"materials": ["其他材料"], "deadline": "2026-12-01"}, expect=422)
    assert Case.objects.get(pk=case["id"]).status == "accepted"


def test_tolerant_acceptance_only_for_items_that_allow_it(world, clerk, monday):
    case = register(clerk, world.item_committed)
    body = {"missing_materials": ["户口簿"], "supplement_deadline": "2026-12-01"}
    act(clerk, case["id"], "accept", body, expect=409)
    world.item_committed.tolerant = True
    world.item_committed.save()
    act(clerk, case["id"], "accept", {"missing_materials": ["居民身份证"], "supplement_deadline": "2026-12-01"},
        expect=422)  # a main document cannot be missing
    case = act(clerk, case["id"], "accept", body)
    assert case["status"] == "awaiting_supplement" and case["paused"]
    kinds = set(Notice.objects.filter(case_id=case["id"]).values_list("kind", flat=True))
    assert kinds == {"receipt", "supplement"}


def test_extension_needs_reason_and_a_manager_as_approver(world, clerk, monday):
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    act(clerk, case["id"], "extend", {"amount": 3, "approver": "manager_a"}, expect=422)
    act(clerk, case["id"], "extend", {"amount": 3, "reason": "需现场勘察", "approver": "clerk_a2"}, expect=422)
    act(clerk, case["id"], "extend", {"amount": 3, "reason": "需现场勘察", "approver": "manager_b"}, expect=422)
    case = act(clerk, case["id"], "extend", {"amount": 3, "reason": "需现场勘察", "approver": "manager_a"})
    assert case["due_date"] == "2026-12-03"
    assert case["history"][-1]["data"]["approver"] == "manager_a"
    assert Notice.objects.filter(case_id=case["id"], kind="extension").exists()


def test_hand_over_sets_return_date_one_working_day_before_due(world, clerk, monday, api_for):
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    case = act(clerk, case["id"], "hand_over", {"department_id": world.civil_affairs.pk})
    assert case["status"] == "handed_over"
    assert case["due_date"] == "2026-11-30" and case["handover_return_by"] == "2026-11-27"
    # The clerk cannot complete while the department holds it; the department returns the result.
    r = post(clerk, f"/api/v1/cases/{case['id']}/complete", {"result": "准予", "delivery": "window"})
    assert r.status_code == 409
    handler = api_for(world.handler)
    case = act(handler, case["id"], "return_result", {"result": "审核通过"})
    assert case["status"] == "result_returned"
    case = act(clerk, case["id"], "complete", {"result": "准予办理", "delivery": "window"})
    assert case["status"] == "completed"


def test_hand_over_of_instant_case_is_refused(world, clerk, monday):
    case = act(clerk, register(clerk, world.item_instant)["id"], "accept")
    act(clerk, case["id"], "hand_over", {"department_id": world.civil_affairs.pk}, expect=409)


def test_joint_case_needs_co_departments_and_all_must_finish(world, clerk, monday, api_for):
    case = register(clerk, world.item_joint)
    act(clerk, case["id"], "accept", expect=422)
    case = act(clerk, case["id"], "accept", {"co_departments": [
        {"department_id": world.civil_affairs.pk, "task": "核对残疾等级", "days": 3}]})
    task = case["joint_tasks"][0]
    assert task["due_date"] == "2026-11-26"
    act(clerk, case["id"], "complete", {"result": "准予", "delivery": "window"}, expect=409)
    case = act(api_for(world.handler), case["id"], "finish_joint_task", {"task_id": task["id"], "note": "已核对"})
    assert case["joint_tasks"][0]["finished_at"]
    assert act(clerk, case["id"], "complete", {"result": "准予", "delivery": "window"})["status"] == "completed"


def test_reported_case_is_forwarded_upward_and_followed(world, api_for, monday):
    clerk_b = api_for(__import__("tests.world", fromlist=["make_user"]).make_user(
        "clerk_b", "clerk", site=world.site_b, staff_name="镇窗口"))
    from bianmin.orgs.models import Window

    w = Window.objects.create(site=world.site_b, number="1", name="综合窗口")
    w.items.add(world.item_reported, world.item_committed)
    case = act(clerk_b, register(clerk_b, world.item_reported)["id"], "accept")
    act(clerk_b, case["id"], "forward", {"site_id": world.site_other.pk}, expect=422)  # not above this site
    case = act(clerk_b, case["id"], "forward", {"site_id": world.site_a.pk, "note": "报县中心审批"})
    assert case["status"] == "forwarded"
    # The county centre's manager now sees it; completion is recorded when the upper level is done.
    assert api_for(world.manager_a).get(f"/api/v1/cases/{case['id']}").status_code == 200
    assert act(clerk_b, case["id"], "complete", {"result": "县级已批准", "delivery": "mail",
                                                  "delivery_address": "青山镇1号"})["status"] == "completed"
    other = act(clerk_b, register(clerk_b, world.item_committed)["id"], "accept")
    act(clerk_b, other["id"], "forward", {"site_id": world.site_a.pk}, expect=409)  # not a 上报件


def test_complete_by_mail_needs_address(world, clerk, monday):
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    act(clerk, case["id"], "complete", {"result": "准予", "delivery": "mail"}, expect=422)
    act(clerk, case["id"], "complete", {"result": "准予", "delivery": "pigeon"}, expect=422)
    case = act(clerk, case["id"], "complete", {"result": "准予", "delivery": "window"})
    assert case["status"] == "completed" and case["completed_at"]
    assert case["history"][-1]["data"]["on_time"] is True


def test_late_completion_is_recorded_as_overdue(world, clerk, set_now):
    set_now(dt.datetime(2026, 11, 23, 10))
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    set_now(dt.datetime(2026, 12, 2, 10))
    case = act(clerk, case["id"], "complete", {"result": "准予", "delivery": "window"})
    assert case["history"][-1]["data"] == {"on_time": False, "overdue_days": 2}


def test_illegal_transition_is_409_and_changes_nothing(world, clerk, monday):
    case = register(clerk, world.item_committed)
    events = CaseEvent.objects.count()
    for action in ("complete", "resume", "hand_over", "return_result", "forward", "extend"):
        r = post(clerk, f"/api/v1/cases/{case['id']}/{action}", {"result": "x", "delivery": "window"})
        assert r.status_code == 409, action
        assert r.json()["message"] and r.json()["message_en"]
    assert Case.objects.get(pk=case["id"]).status == "registered"
    assert CaseEvent.objects.count() == events


def test_unknown_action_and_malformed_body(world, clerk, monday):
    case = register(clerk, world.item_committed)
    assert post(clerk, f"/api/v1/cases/{case['id']}/explode").status_code == 404
    r = clerk.post(f"/api/v1/cases/{case['id']}/accept", data="{not json", content_type="application/json")
    assert r.status_code == 422 and r.json()["message_en"]
    r = clerk.post(f"/api/v1/cases/{case['id']}/accept", data="[1,2]", content_type="application/json")
    assert r.status_code == 422


def test_proxy_case_keeps_its_entrustment(world, clerk, monday):
    case = register(clerk, world.item_committed, entrustment={
        "agent_name": "村代办员", "scope": "代为申请并领取结果", "due_date": "2026-12-10"})
    assert Case.objects.get(pk=case["id"]).entrustment.agent_name == "村代办员"


@pytest.mark.parametrize("body", [
    {"item_code": "NOPE", "applicant": {"name": "张三"}},
    {"item_code": "ITEM-COMMIT-1", "applicant": {"name": ""}},
    {"item_code": "ITEM-COMMIT-1", "applicant": {"name": "张三", "phone": "abc"}},
    {"item_code": "ITEM-COMMIT-1", "applicant": {"name": "张" * 101}},
    {"item_code": "ITEM-COMMIT-1"},
    {"item_code": "ITEM-COMMIT-1", "applicant": {"name": "张三"}, "window_id": 999999},
])
def test_bad_registration_is_422_and_creates_nothing(world, clerk, body):
    r = post(clerk, "/api/v1/cases", body)
    assert r.status_code == 422, r.content
    assert r.json()["message"] and r.json()["message_en"]
    assert Case.objects.count() == 0


def test_oversized_body_is_413(world, clerk):
    r = clerk.post("/api/v1/cases", data="x" * 2_000_000, content_type="application/json")
    assert r.status_code == 413 and r.json()["message_en"]
