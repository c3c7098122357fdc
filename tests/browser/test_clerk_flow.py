"""The clerk flow in a real browser: sign in, register a case, accept it, see the due date, complete it."""
from __future__ import annotations

import pytest

from bianmin.cases.models import Case
from tests.world import build_world

from .signing_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerk_accepts_and_completes_a_case(live_server, page):
    world = build_world()
    base = live_server.url
    sign_in(page, base, "clerk_a")
    assert "我的工作台" in page.content()

    page.click("[data-test=new-case]")
    page.fill("#item_code", world.item_committed.code)
    page.fill("#applicant_name", "陈大爷")
    page.fill("#applicant_phone", "13912345678")
    page.click("[data-test=register]")
    page.wait_for_selector("[data-test=status]")
    assert page.inner_text("[data-test=status]") == "已登记"
    assert "139****5678" in page.inner_text("[data-test=phone]")

    page.click("[data-test=do-accept]")
    page.wait_for_selector("text=操作成功")
    assert page.inner_text("[data-test=status]") == "已受理"
    case = Case.objects.get(applicant_name="陈大爷")
    from bianmin.core.clocks import state_of

    due = state_of(case.clock).due_date
    assert due.isoformat() in page.inner_text("[data-test=due]")
    # The receipt prints with its number and the committed due date.
    with page.expect_popup() as popup:
        page.click("[data-test=notice-receipt]")
    receipt = popup.value
    receipt.wait_for_load_state()
    assert "受理通知书" in receipt.content() and due.isoformat() in receipt.content()
    receipt.close()

    page.fill("#complete-result", "准予办理，证件已制发")
    page.select_option("#complete-delivery", "window")
    page.click("[data-test=do-complete]")
    page.wait_for_selector("text=操作成功")
    assert page.inner_text("[data-test=status]") == "已办结"
    history = page.inner_text("[data-test=history]")
    for step in ("登记", "受理", "办结"):
        assert step in history
    case.refresh_from_db()
    assert case.status == "completed"


def test_bad_input_shows_a_clear_message(live_server, page):
    build_world()
    sign_in(page, live_server.url, "clerk_a")
    page.goto(f"{live_server.url}/workbench/cases/new/")
    page.fill("#item_code", "NO-SUCH-ITEM")
    page.fill("#applicant_name", "张三")
    page.click("[data-test=register]")
    assert "本中心没有与“NO-SUCH-ITEM”相符的事项" in page.inner_text("[data-test=error]")
    assert Case.objects.count() == 0
