"""The bad-review loop in real browsers: a citizen rates 非常不满意 on a phone, the handling clerk calls back,
resolves and answers, the citizen sees the answer and rates again, the ticket closes; the manager's and the
supervisor's views follow each step."""
from __future__ import annotations

import re

import pytest

from bianmin.ratings.services import rating_link
from bianmin.rectification.models import Ticket
from tests.browser.test_clerk_flow import sign_in
from tests.rating_helpers import finished_case
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def second_desk(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_bad_review_is_verified_answered_and_rated_again(live_server, page, phone, second_desk):
    world = build_world()
    base = live_server.url
    case = finished_case(world, phone="13812345678")
    link = rating_link(case, base_url=base)

    # 1. The citizen rates 非常不满意 through the receipt's QR code.
    phone.goto(link.url + "?via=qr")
    phone.locator("label.level-very_dissatisfied").tap()
    phone.fill("#comment", "同一份材料让我复印了三次")
    phone.locator("[data-test=submit-rating]").tap()
    phone.wait_for_selector("[data-test=review-progress]")
    assert "已收到您的评价" in phone.inner_text("[data-test=review-progress]")
    ticket = Ticket.objects.get(rating__case=case)

    # 2. The ticket is on the handling clerk's list with both due dates.
    sign_in(page, base, "clerk_a")
    page.goto(f"{base}/workbench/tickets/")
    rows = page.inner_text("[data-test=ticket-rows]")
    assert ticket.number in rows
    page.click(f"text={ticket.number}")
    page.wait_for_selector("[data-action=verify]")
    assert "138****5678" in page.inner_text("[data-test=rater]")

    # The manager sees it in the site overview, the supervisor in the county ledger.
    sign_in(second_desk, base, "manager_a")
    second_desk.goto(f"{base}/workbench/tickets/")
    assert ticket.number in second_desk.inner_text("[data-test=ticket-rows]")
    assert second_desk.locator("[data-test=overview]").is_visible()

    # 3. Call back, resolve at once, answer.
    page.select_option("#verify-channel", "phone")
    page.check("[data-action=verify] input[name=reached][value='1']")
    page.fill("#verify-note", "已电话联系，评价人反映材料要求反复")
    page.click("[data-test=do-verify]")
    page.wait_for_selector("text=操作成功")
    page.select_option("#resolve-outcome", "rectified_now")
    page.fill("#resolve-note", "窗口当场整改，统一材料清单")
    page.click("[data-test=do-resolve]")
    page.wait_for_selector("[data-action=feedback]")
    page.select_option("#feedback-channel", "phone")
    page.fill("#feedback-message", "已统一材料清单，今后一次告知，向您致歉。")
    page.click("[data-test=do-feedback]")
    page.wait_for_selector("text=操作成功")
    ticket.refresh_from_db()
    assert ticket.status == "answered"

    second_desk.goto(f"{base}/workbench/tickets/{ticket.pk}/")
    assert "已反馈" in second_desk.content()

    # 4. The citizen scans the same QR code, reads the answer and rates again.
    phone.goto(link.url)
    assert "已统一材料清单" in phone.inner_text("[data-test=review-answer]")
    phone.locator("[data-test=followup-link]").tap()
    phone.wait_for_selector("[data-test=rate-form]")
    phone.locator("label.level-satisfied").tap()
    phone.locator("[data-test=submit-rating]").tap()
    phone.wait_for_selector("[data-test=followup-done]")
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.followup_rating.level == "satisfied"

    # 5. Every step is in the ticket's history; the supervisor's ledger shows it closed.
    page.goto(f"{base}/workbench/tickets/{ticket.pk}/")
    history = page.content()
    for step in ("回访核实", "确定处理方式", "反馈评价人", "评价人追评"):
        assert step in history
    second_desk.context.clear_cookies()
    sign_in(second_desk, base, "supervisor")
    second_desk.goto(f"{base}/workbench/tickets/?status=closed")
    assert re.search(ticket.number, second_desk.inner_text("[data-test=ticket-rows]"))
