"""A finished case never shows as overdue (issue 13, part 1): its clock is frozen at completion, on the case page,
in the API and in the workbench lists, however many days later it is looked at."""
import datetime as dt
import re

import pytest

from bianmin.core.clocks import state_of

from .case_helpers import act, register

DONE = {"result": "准予", "delivery": "window"}


@pytest.fixture
def clerk(world, api_for):
    return api_for(world.clerk_a)


def _page(client_for, world, case_id) -> str:
    r = client_for(world.clerk_a).get(f"/workbench/cases/{case_id}/")
    assert r.status_code == 200
    return r.content.decode()


def _field(html: str, name: str) -> str:
    match = re.search(rf'data-test="{name}">(.*?)</dd>', html, re.DOTALL)
    assert match, name
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_instant_case_finished_in_nine_minutes_is_on_time_days_later(world, clerk, client_for, set_now):
    set_now(dt.datetime(2026, 11, 23, 16, 6))
    case = act(clerk, register(clerk, world.item_instant)["id"], "accept")
    set_now(dt.datetime(2026, 11, 23, 16, 15))
    act(clerk, case["id"], "complete", DONE)
    set_now(dt.datetime(2026, 12, 2, 10))  # seven working days later

    body = clerk.get(f"/api/v1/cases/{case['id']}").json()
    assert body["warning"] == "none" and body["overdue_days"] == 0
    assert body["finished_late"] is False and body["due_provisional"] is False
    assert body["due_at"].startswith("2026-11-23T16:36")

    html = _page(client_for, world, case["id"])
    assert "超期" not in html
    assert "按时办结" in _field(html, "due")
    assert _field(html, "used").startswith("9 / 30")  # frozen at completion, not 12745 minutes


def test_case_finished_late_stays_late_by_the_same_days(world, clerk, client_for, set_now):
    set_now(dt.datetime(2026, 11, 23, 10))
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")  # due Mon 30 Nov
    set_now(dt.datetime(2026, 12, 2, 10))
    done = act(clerk, case["id"], "complete", DONE)
    assert done["finished_late"] is True and done["overdue_days"] == 2 and done["warning"] == "red"

    for later in (dt.datetime(2026, 12, 2, 18), dt.datetime(2026, 12, 15, 9)):
        set_now(later)
        body = clerk.get(f"/api/v1/cases/{case['id']}").json()
        assert (body["finished_late"], body["overdue_days"], body["due_date"]) == (True, 2, "2026-11-30")
        html = _page(client_for, world, case["id"])
        assert "超期" not in html
        assert "逾期办结 2 个工作日" in _field(html, "due")
        assert _field(html, "used").startswith("7 / 5")  # 24 Nov – 2 Dec, frozen


def test_running_case_still_shows_its_live_state(world, clerk, client_for, set_now):
    set_now(dt.datetime(2026, 11, 23, 10))
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    set_now(dt.datetime(2026, 12, 2, 10))
    body = clerk.get(f"/api/v1/cases/{case['id']}").json()
    assert (body["warning"], body["overdue_days"], body["finished_late"]) == ("red", 2, None)
    assert "超期 2 个工作日" in _field(_page(client_for, world, case["id"]), "due")
    set_now(dt.datetime(2026, 12, 4, 10))
    assert clerk.get(f"/api/v1/cases/{case['id']}").json()["overdue_days"] == 4


def test_instant_case_finished_late_the_same_day_says_late_without_zero_days(world, clerk, client_for, set_now):
    set_now(dt.datetime(2026, 11, 23, 10))
    case = act(clerk, register(clerk, world.item_instant)["id"], "accept")
    set_now(dt.datetime(2026, 11, 23, 11))
    done = act(clerk, case["id"], "complete", DONE)
    assert done["finished_late"] is True and done["overdue_days"] == 0
    assert done["history"][-1]["data"]["on_time"] is False
    set_now(dt.datetime(2026, 11, 30, 10))
    due = _field(_page(client_for, world, case["id"]), "due")
    assert "逾期办结" in due and "0 个工作日" not in due and "超期" not in due


def test_rejected_after_acceptance_is_frozen_at_the_rejection(world, clerk, set_now):
    """容缺受理, then 不予受理 while waiting for the materials: the clock stops there and never runs overdue."""
    world.item_committed.tolerant = True
    world.item_committed.save()
    set_now(dt.datetime(2026, 11, 23, 10))
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept",
               {"missing_materials": ["户口簿"], "supplement_deadline": "2026-11-27"})
    set_now(dt.datetime(2026, 11, 27, 10))
    act(clerk, case["id"], "reject", {"ground": "fails_conditions", "reason": "逾期未补正"})
    set_now(dt.datetime(2026, 12, 20, 10))
    body = clerk.get(f"/api/v1/cases/{case['id']}").json()
    assert body["warning"] != "red" and body["overdue_days"] == 0 and body["finished_late"] is False


def test_search_results_show_finished_cases_as_finished(world, clerk, client_for, set_now):
    set_now(dt.datetime(2026, 11, 23, 10))
    case = act(clerk, register(clerk, world.item_committed, name="程思雨")["id"], "accept")
    set_now(dt.datetime(2026, 12, 2, 10))
    act(clerk, case["id"], "complete", DONE)
    set_now(dt.datetime(2026, 12, 10, 10))
    html = client_for(world.clerk_a).get("/workbench/", {"q": "程思雨"}).content.decode()
    row = re.search(rf'<tr[^>]*data-case="{case["number"]}">(.*?)</tr>', html, re.DOTALL)
    assert row and "逾期办结 2 个工作日" in row.group(1) and "超期" not in row.group(1)
    assert 'class="red" data-case' not in html  # finished work is not coloured as overdue


def test_completion_history_agrees_with_the_frozen_state(world, clerk, set_now):
    from bianmin.cases.models import Case

    set_now(dt.datetime(2026, 11, 23, 10))
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    set_now(dt.datetime(2026, 11, 30, 16))  # on the due day: on time
    done = act(clerk, case["id"], "complete", DONE)
    assert done["history"][-1]["data"] == {"on_time": True, "overdue_days": 0}
    set_now(dt.datetime(2026, 12, 30, 10))
    state = state_of(Case.objects.get(pk=case["id"]).clock)
    assert state.stopped and state.finished_late is False and state.overdue_days == 0


def test_finished_state_in_english(world, clerk, client_for, set_now):
    set_now(dt.datetime(2026, 11, 23, 10))
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    set_now(dt.datetime(2026, 12, 2, 10))
    act(clerk, case["id"], "complete", DONE)
    c = client_for(world.clerk_a)
    c.cookies["django_language"] = "en"
    due = _field(c.get(f"/workbench/cases/{case['id']}/").content.decode(), "due")
    assert "Completed 2 working days late" in due and "逾期" not in due


def test_joint_sub_tasks_report_their_own_finished_state(world, clerk, api_for, client_for, set_now):
    set_now(dt.datetime(2026, 11, 23, 10))
    case = act(clerk, register(clerk, world.item_joint)["id"], "accept", {"co_departments": [
        {"department_id": world.civil_affairs.pk, "task": "核对残疾等级", "days": 1}]})  # due Tue 24 Nov
    task = case["joint_tasks"][0]
    assert (task["due_date"], task["finished_late"], task["warning"]) == ("2026-11-24", None, "none")
    set_now(dt.datetime(2026, 11, 26, 10))
    case = act(api_for(world.handler), case["id"], "finish_joint_task", {"task_id": task["id"]})
    assert case["history"][-1]["data"]["late"] is True
    set_now(dt.datetime(2026, 12, 10, 10))
    task = clerk.get(f"/api/v1/cases/{case['id']}").json()["joint_tasks"][0]
    assert (task["finished_late"], task["overdue_days"], task["warning"]) == (True, 2, "red")
    html = client_for(world.clerk_a).get(f"/workbench/cases/{case['id']}/").content.decode()
    table = html.split("协办部门</h2>", 1)[1].split("</table>", 1)[0]
    assert "逾期完成 2 个工作日" in table and "超期" not in table
