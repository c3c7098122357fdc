"""The counter rules on the staff pages: the forms each person may use, the same services behind them, and the
registers (退回件, 办结公告) in the workbench."""
import datetime as dt

import pytest

from bianmin.cases.models import Case

from .case_helpers import act, register


@pytest.fixture
def case(world, api_for, set_now):
    set_now(dt.datetime(2026, 11, 23, 10, 0))
    clerk = api_for(world.clerk_a)
    return act(clerk, register(clerk, world.item_committed)["id"], "accept")


def page(client_for, user, case_id):
    return client_for(user).get(f"/workbench/cases/{case_id}/").content.decode()


def test_the_clerk_sees_return_and_special_procedure_forms_but_not_urgency(world, case, client_for):
    html = page(client_for, world.clerk_a, case["id"])
    assert 'data-test="return-form"' in html and 'data-test="special-form"' in html
    assert 'data-test="urgent-form"' not in html
    assert 'data-test="return-decision-due"' in html and "2026-11-26" in html


def test_the_manager_designates_urgent_from_the_page(world, case, client_for):
    assert 'data-test="urgent-form"' in page(client_for, world.manager_a, case["id"])
    r = client_for(world.manager_a).post(f"/workbench/cases/{case['id']}/designate_urgent/",
                                         {"limit_workdays": "2", "reason": "重点项目"})
    assert r.status_code == 302
    html = page(client_for, world.clerk_a, case["id"])
    assert 'data-test="urgent"' in html and "急办件通知单" in html
    queue = client_for(world.clerk_a).get("/workbench/").content.decode()
    assert '<span class="badge red">急</span>' in queue


def test_a_refused_return_on_the_page_shows_the_reason_in_both_languages_and_keeps_the_case(world, case, client_for):
    r = client_for(world.clerk_a).post(f"/workbench/cases/{case['id']}/return_application/", {"reasons": ""})
    assert r.status_code == 422
    html = r.content.decode()
    assert "退回原因" in html and "reasons" in html
    assert Case.objects.get(pk=case["id"]).status == "accepted"


def test_a_return_and_its_review_through_the_pages_show_in_the_register(world, case, client_for, set_now):
    clerk = client_for(world.clerk_a)
    clerk.post(f"/workbench/cases/{case['id']}/return_application/",
               {"reasons": "主件缺少：土地权属证明", "ground": "main_missing"})
    clerk.post(f"/workbench/cases/{case['id']}/request_review/", {"reason": "已补交土地权属证明"})
    html = page(client_for, world.manager_a, case["id"])
    assert 'data-test="do-decide-review"' in html and 'data-test="returns"' in html
    assert 'data-test="do-decide-review"' not in page(client_for, world.clerk_a, case["id"])
    register_page = client_for(world.manager_a).get("/workbench/returns/").content.decode()
    assert case["number"] in register_page and "复核中" in register_page
    assert case["number"] not in client_for(world.manager_b).get("/workbench/returns/").content.decode()


def test_a_special_procedure_shows_as_running_with_its_planned_end(world, case, client_for):
    client_for(world.clerk_a).post(f"/workbench/cases/{case['id']}/start_special_procedure/",
                                   {"kind": "hearing", "planned_workdays": "5", "note": "组织听证"})
    html = page(client_for, world.clerk_a, case["id"])
    assert 'data-test="special-procedures"' in html and "听证" in html and "进行中（计时暂停）" in html
    assert 'data-test="do-end-special"' in html and 'data-test="do-complete"' not in html
