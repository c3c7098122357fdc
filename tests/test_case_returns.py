"""退回件 (seed 002 §四): a return after acceptance with written reasons on a 退回件通知单, the three-working-day limit
for the decision, the applicant's review (复核) decided by the centre within five working days, and where each
decision leaves the case and its clock."""
import datetime as dt

import pytest

from bianmin.cases.models import Case, Notice, ReturnedApplication
from bianmin.core.models import Clock

from .case_helpers import act, post, register


@pytest.fixture
def clerk(world, api_for):
    return api_for(world.clerk_a)


@pytest.fixture
def manager(world, api_for):
    return api_for(world.manager_a)


def accepted(clerk, world, set_now, at=dt.datetime(2026, 11, 23, 10, 0)):
    set_now(at)
    return act(clerk, register(clerk, world.item_committed)["id"], "accept")


def test_a_return_within_three_working_days_issues_a_numbered_notice_and_stops_the_clock(world, clerk, set_now):
    case = accepted(clerk, world, set_now)  # Monday 23 Nov
    set_now(dt.datetime(2026, 11, 26, 16, 0))  # Thursday: the third working day after
    out = act(clerk, case["id"], "return_application",
              {"reasons": ["经现场勘察，房屋不在规划范围内"], "ground": "not_qualified", "note": "附勘察记录"})
    assert out["status"] == "returned"
    assert out["returns"][0]["decision_due"] == "2026-11-26" and out["returns"][0]["within_limit"] is True
    notice = Notice.objects.get(case_id=case["id"], kind=Notice.Kind.RETURN)
    assert notice.number.startswith("退回字〔2026〕第")
    assert out["returns"][0]["notice"] == notice.number
    clock = Case.objects.get(pk=case["id"]).clock
    assert clock.status == Clock.Status.STOPPED and out["finished_late"] is False
    assert out["allowed_actions"] == ["request_review"]


def test_a_return_on_the_fourth_working_day_is_recorded_as_late(world, clerk, set_now):
    case = accepted(clerk, world, set_now)
    set_now(dt.datetime(2026, 11, 27, 9, 0))
    out = act(clerk, case["id"], "return_application", {"reasons": ["不具备批准条件"]})
    assert out["returns"][0]["within_limit"] is False
    assert ReturnedApplication.objects.get(case_id=case["id"]).ground == "not_qualified"  # the default ground


def test_the_decision_limit_counts_working_days_across_new_year(world, clerk, set_now):
    # Accepted Thu 31 Dec 2026; 1 Jan is 元旦, 2–3 Jan a weekend: Mon 4, Tue 5, Wed 6 Jan.
    case = accepted(clerk, world, set_now, dt.datetime(2026, 12, 31, 10, 0))
    set_now(dt.datetime(2027, 1, 6, 17, 0))
    out = act(clerk, case["id"], "return_application", {"reasons": ["主件缺少"], "ground": "main_missing"})
    assert out["returns"][0]["decision_due"] == "2027-01-06" and out["returns"][0]["within_limit"] is True


@pytest.mark.parametrize("body", [{}, {"reasons": []}, {"reasons": "  "}, {"reasons": ["x"], "ground": "bogus"},
                                  {"reasons": [1, 2]}, {"reasons": ["x" * 201]}])
def test_a_return_without_valid_reasons_is_refused_and_changes_nothing(world, clerk, set_now, body):
    case = accepted(clerk, world, set_now)
    r = post(clerk, f"/api/v1/cases/{case['id']}/return_application", body)
    assert r.status_code == 422 and r.json()["message"] and r.json()["message_en"]
    assert Case.objects.get(pk=case["id"]).status == "accepted"
    assert not ReturnedApplication.objects.exists() and not Notice.objects.filter(kind="return").exists()


def test_only_an_accepted_case_can_be_returned(world, clerk, set_now):
    set_now(dt.datetime(2026, 11, 23, 10, 0))
    case = register(clerk, world.item_committed)
    r = post(clerk, f"/api/v1/cases/{case['id']}/return_application", {"reasons": ["x"]})
    assert r.status_code == 409 and r.json()["code"] == "illegal_transition"


def returned(clerk, world, set_now):
    case = accepted(clerk, world, set_now)
    set_now(dt.datetime(2026, 11, 24, 10, 0))
    act(clerk, case["id"], "return_application", {"reasons": ["不符合政策"], "ground": "against_policy"})
    set_now(dt.datetime(2026, 11, 25, 10, 0))
    return act(clerk, case["id"], "request_review", {"reason": "申请人提供了新的政策依据"})


def test_a_review_request_runs_its_own_five_working_day_limit(world, clerk, set_now):
    out = returned(clerk, world, set_now)
    assert out["status"] == "review_requested"
    # Wed 25 Nov + 5 working days = Wed 2 Dec.
    assert out["returns"][0]["review_due"] == "2026-12-02"
    assert "decide_review" in out["allowed_actions"]


def test_a_clerk_cannot_decide_a_review(world, clerk, set_now):
    out = returned(clerk, world, set_now)
    r = post(clerk, f"/api/v1/cases/{out['id']}/decide_review", {"upheld": True, "reasons": "理由"})
    assert r.status_code == 403
    assert Case.objects.get(pk=out["id"]).status == "review_requested"


def test_an_upheld_review_sends_the_case_back_with_the_rest_of_its_time(world, clerk, manager, set_now):
    out = returned(clerk, world, set_now)
    # Returned Tue 24 Nov 10:00 after 1 of its 5 working days; the review is upheld Mon 30 Nov 10:00.
    set_now(dt.datetime(2026, 11, 30, 10, 0))
    out = act(manager, out["id"], "decide_review", {"upheld": True, "reasons": "依据充分，撤销退回"})
    assert out["status"] == "accepted" and out["completed_at"] is None
    assert out["returns"][0]["review_upheld"] is True
    # The days between the return and the decision are a pause: due 4 working days after the decision day's end
    # of 24 Nov's remainder; the clock's own arithmetic says 4 Dec (Mon 30 Nov + the 4 days left).
    assert out["due_date"] == "2026-12-04" and out["paused"] is False
    assert Notice.objects.filter(case_id=out["id"], kind=Notice.Kind.REVIEW).count() == 1
    assert "complete" in out["allowed_actions"]


def test_a_dismissed_review_leaves_the_case_returned(world, clerk, manager, set_now):
    out = returned(clerk, world, set_now)
    out = act(manager, out["id"], "decide_review", {"upheld": False, "reasons": "不符合政策规定，维持退回"})
    assert out["status"] == "returned" and out["returns"][0]["review_upheld"] is False
    assert out["allowed_actions"] == []  # one review per return


def test_a_review_decision_needs_a_yes_or_no_and_reasons(world, clerk, manager, set_now):
    out = returned(clerk, world, set_now)
    for body in ({"reasons": "x"}, {"upheld": "maybe", "reasons": "x"}, {"upheld": True}):
        r = post(manager, f"/api/v1/cases/{out['id']}/decide_review", body)
        assert r.status_code == 422, body
    assert Case.objects.get(pk=out["id"]).status == "review_requested"


def test_the_return_notice_prints_two_copies(world, clerk, client_for, set_now):
    case = accepted(clerk, world, set_now)
    act(clerk, case["id"], "return_application", {"reasons": ["主件缺少：房产证明"]})
    notice = Notice.objects.get(case_id=case["id"], kind=Notice.Kind.RETURN)
    page = client_for(world.clerk_a).get(f"/workbench/notices/{notice.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-test="return-copy"') == 2 and "第一联" in html and "第二联" in html
    assert "主件缺少：房产证明" in html and "申请复核" in html
