"""The 12345 hotline in a real browser: an agent takes a confidential call on the intake page with the keyboard
only (the phrases follow the step), dispatches it; the department accepts and replies from its list without
ever seeing who called; the agent makes the return visit and closes the order."""
from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from bianmin.hotline.models import WorkOrder
from tests.browser.test_clerk_flow import sign_in
from tests.world import build_hotline_world, build_world

pytestmark = pytest.mark.django_db(transaction=True)

NAME, PHONE = "欧阳秀英", "13588889999"
LEAKS = [NAME, PHONE, "135****9999", "欧**英"]


@pytest.fixture(autouse=True)
def seeded_phrases(transactional_db):
    """The flush after an earlier transactional test also wiped the phrases migration 0002 seeds: put them back."""
    importlib.import_module("bianmin.hotline.migrations.0002_seed_phrases").seed(apps, None)


@pytest.fixture
def second_desk(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def focused(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, limit: int = 12) -> None:
    """Press Tab until the field has the focus: proves it is reachable with the keyboard, in order."""
    for _ in range(limit):
        if focused(page) == element_id:
            return
        page.keyboard.press("Tab")
    assert focused(page) == element_id, f"{element_id} not reached by Tab (at {focused(page)})"


def current_step(page) -> str:
    return page.get_attribute(".phrase-step.current", "data-step")


def test_agent_takes_a_call_department_replies_agent_calls_back(live_server, page, second_desk):
    hw = build_hotline_world(build_world())
    base = live_server.url

    # 1. The agent signs in and lands on the hotline; the intake page opens with the opening phrase.
    sign_in(page, base, "agent_a")
    assert page.url.endswith("/workbench/hotline/")
    page.click("[data-test=new-call]")
    page.wait_for_selector("[data-test=intake-form]")
    assert current_step(page) == "opening"
    assert "12345政务服务便民热线" in page.inner_text(".phrase-step.current")
    page.click("[data-test=other-scenarios] > summary")
    assert page.locator("[data-test=other-scenarios]").get_attribute("open") is not None

    # 2. Keyboard only: the caller's name has the focus (the opening phrase stays until the agent types); the
    # phrases follow to the caller step.
    page.focus("#caller_name")
    assert focused(page) == "caller_name" and current_step(page) == "opening"
    page.keyboard.type(NAME)
    assert current_step(page) == "caller"
    tab_to(page, "caller_phone")
    page.keyboard.type(PHONE)
    tab_to(page, "confidential")
    page.keyboard.press("Space")
    assert page.is_checked("#confidential") and page.is_checked("#callback_consent")
    tab_to(page, "category-filter")
    assert current_step(page) == "matter"
    assert not page.is_visible("[data-test=rank-fields]")
    page.keyboard.type("xnts")  # pinyin initials find the efficiency complaint: its rank field appears
    assert page.input_value("#category") == "XNTS" and page.is_visible("[data-test=rank-fields]")
    page.fill("#category-filter", "")
    page.keyboard.type("jiuzhu")  # full pinyin finds 社会救助
    assert page.input_value("#category") == "SHJZ" and not page.is_visible("[data-test=rank-fields]")
    tab_to(page, "category")
    tab_to(page, "place")
    page.keyboard.type("幸福小区3栋")
    tab_to(page, "text")
    page.keyboard.type(f"反映小区噪声扰民，来电人{NAME}，请勿透露身份。")
    assert not page.is_visible("#answer")
    tab_to(page, "answered_at_intake")
    page.keyboard.press("Space")
    assert page.is_visible("#answer") and current_step(page) == "closing"
    page.keyboard.press("Space")  # not answered on the spot after all: it goes to a department
    assert not page.is_visible("#answer")
    for _ in range(3):
        if page.evaluate("document.activeElement.dataset.test") == "submit-intake":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-test=status]")
    assert page.inner_text("[data-test=status]") == "已受理待派单"
    order = WorkOrder.objects.get()
    assert (order.caller_name, order.caller_phone, order.confidential, order.category.code) == (
        NAME, PHONE, True, "SHJZ")
    assert "135****9999" in page.inner_text("[data-test=callers]")

    # 3. Dispatch to the catalogue's department.
    assert page.input_value("#dispatch-department") == str(hw.base.civil_affairs.pk)
    page.click("[data-test=do-dispatch]")
    page.wait_for_selector("text=操作成功")
    assert page.inner_text("[data-test=department]") == "测试县民政局"

    # 4. The department accepts and replies from its list; the caller never appears.
    sign_in(second_desk, base, "handler")
    second_desk.goto(f"{base}/workbench/hotline/")
    assert order.number in second_desk.inner_text("[data-test=order-rows]")
    assert "来电人要求保密" in second_desk.inner_text("[data-test=row-caller]")
    for leak in LEAKS:
        assert leak not in second_desk.content(), leak
    second_desk.click("[data-test=row-accept]")
    second_desk.wait_for_selector("text=操作成功")
    second_desk.click(f"tr[data-order='{order.pk}'] details.row-form:has([data-row-action=reply]) > summary")
    second_desk.fill(f"#reply-{order.pk}", "已约谈施工方，夜间停止施工。")
    second_desk.click(f"tr[data-order='{order.pk}'] [data-row-action=reply] button[type=submit]")
    second_desk.wait_for_selector("text=操作成功")
    second_desk.goto(f"{base}/workbench/hotline/{order.pk}/")
    assert "已答复待回访" in second_desk.inner_text("[data-test=status]")
    for leak in LEAKS:
        assert leak not in second_desk.content(), leak

    # 5. The agent calls back (the callback phrases beside the form) and closes the order.
    page.goto(f"{base}/workbench/hotline/{order.pk}/")
    assert "夜间停止施工" in page.inner_text("[data-test=reply]")
    page.check("[data-action=revisit] input[name=reached][value='1']")
    page.check("[data-action=revisit] input[name=resolved][value='1']")
    page.check("[data-action=revisit] input[name=satisfied][value='1']")
    page.fill("#revisit-note", "来电人确认夜间已无噪声")
    page.click("[data-test=do-revisit]")
    page.wait_for_selector("[data-test=do-close]")
    page.click("[data-test=do-close]")
    page.wait_for_selector("text=操作成功")
    assert page.inner_text("[data-test=status]") == "已办结"
    history = page.inner_text("[data-test=history]")
    for step in ("登记受理", "派单", "签收", "答复", "回访", "办结"):
        assert step in history
    order.refresh_from_db()
    assert (order.status, order.closure) == ("closed", "resolved")
