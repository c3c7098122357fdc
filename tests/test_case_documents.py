"""Documents people expect from a case (issue 15, point 6): a printable completion receipt (办结签收单) beside the
受理通知书, linked from the case page, and the workbench search showing each hit's real time limit."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from bianmin.cases import services as case_services

from .rating_helpers import accepted_case, finished_case

pytestmark = pytest.mark.django_db


def _receipt(client, case):
    return client.get(f"/workbench/cases/{case.pk}/completion/")


def _text(html: str, test: str) -> str:
    match = re.search(rf'data-test="{test}"[^>]*>(.*?)</t[dr]>', html, re.S)
    assert match, test
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_completion_receipt_prints_result_delivery_and_signature_lines(world, client_for):
    case = finished_case(world)
    r = _receipt(client_for(world.clerk_a), case)
    assert r.status_code == 200
    html = r.content.decode()
    assert "办结签收单" in html and case.number in html and world.item_committed.name in html
    assert "准予办理" in _text(html, "result") and _text(html, "delivery") == "窗口领取"
    assert "领取人（签字）" in html and "经办人（签字）" in html and "年　　月　　日" in html
    assert "138****5678" in html and "13812345678" not in html  # the phone is masked on paper too
    assert world.site_a.name + "（盖章）" in html
    assert _text(html, "completed-at") == case.completed_at.astimezone(
        dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")


def test_mailed_result_shows_the_address(world, client_for):
    case = accepted_case(world)
    case_services.transition(case.pk, "complete", world.clerk_a,
                             {"result": "准予办理", "delivery": "mail", "delivery_address": "青石镇人民路1号"})
    html = _receipt(client_for(world.clerk_a), case).content.decode()
    assert _text(html, "delivery") == "邮寄送达" and "青石镇人民路1号" in html


def test_no_completion_receipt_before_the_case_is_finished(world, client_for):
    case = accepted_case(world)
    assert _receipt(client_for(world.clerk_a), case).status_code == 404
    page = client_for(world.clerk_a).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert 'data-test="completion-receipt"' not in page


def test_case_page_links_the_completion_receipt_beside_the_acceptance_notice(world, client_for):
    case = finished_case(world)
    page = client_for(world.clerk_a).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert f'href="/workbench/cases/{case.pk}/completion/"' in page
    assert 'data-test="notice-receipt"' in page  # the 受理通知书 is still there


def test_completion_receipt_is_only_for_those_who_see_the_case(world, client_for):
    case = finished_case(world)
    assert _receipt(client_for(world.manager_b), case).status_code == 404
    assert _receipt(client_for(world.supervisor), case).status_code == 200


def test_completion_receipt_in_english(world, client_for):
    case = finished_case(world)
    client = client_for(world.clerk_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = _receipt(client, case).content.decode()
    assert "Completion receipt" in html and "Collected by (signature)" in html and case.number in html
    assert "领取人" not in html


# ---------------------------------------------------------------- workbench search

def _hit(client, q: str, number: str) -> str:
    html = client.get("/workbench/", {"q": q}).content.decode()
    found = html.split("搜索结果", 1)[1].split("</section>", 1)[0]
    row = re.search(rf'<tr[^>]*data-case="{number}">(.*?)</tr>', found, re.S)
    assert row, number
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(1)))


def test_workbench_search_shows_the_real_due_date_of_each_hit(world, client_for):
    from bianmin.core.clocks import state_of

    running = accepted_case(world)
    finished = finished_case(world)
    client = client_for(world.clerk_a)
    due = state_of(running.clock).due_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d")
    assert due in _hit(client, running.number, running.number)
    assert "未受理" not in _hit(client, running.number, running.number)
    assert "按时办结" in _hit(client, finished.number, finished.number)


def test_workbench_search_marks_only_waiting_cases_as_not_accepted(world, client_for):
    waiting = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                          applicant={"name": "程思雨", "phone": ""}, window_id=world.window_a.pk)
    answered = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                           applicant={"name": "程思雨", "phone": ""}, window_id=world.window_a.pk)
    case_services.transition(answered.pk, "answer_consultation", world.clerk_a, {"answer": "材料清单见办事指南"})
    client = client_for(world.clerk_a)
    assert "未受理" in _hit(client, "程思雨", waiting.number)
    assert "未受理" not in _hit(client, "程思雨", answered.number)
