"""The counter rules in a real browser (issue 18): the manager designates an accepted case urgent on a phone, the
clerk sees the red mark in the queue, starts and ends a site survey, and returns another case, printing the
two-copy 退回件通知单."""
from __future__ import annotations

import pytest

from bianmin.cases import services
from bianmin.cases.models import Case
from tests.world import build_world

from .signing_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def accepted(world, name):
    case = services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                  applicant={"name": name, "phone": "13912345678"})
    return services.transition(case.pk, "accept", world.clerk_a, {})


def test_urgent_special_procedure_and_return_through_the_pages(live_server, page, browser):
    world = build_world()
    urgent, returned = accepted(world, "急办申请人"), accepted(world, "退回申请人")
    base = live_server.url

    # The manager, on a phone, designates the first case urgent.
    phone = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN").new_page()
    sign_in(phone, base, "manager_a")
    phone.goto(f"{base}/workbench/cases/{urgent.pk}/")
    phone.click("[data-test=urgent-form] summary")
    phone.fill("#urgent-limit", "2")
    phone.fill("#urgent-reason", "重点项目急需开工")
    phone.click("[data-test=do-urgent]")
    phone.wait_for_selector("text=操作成功")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.context.close()

    # The clerk sees it marked in the queue and runs a site survey on it.
    sign_in(page, base, "clerk_a")
    row = page.locator(f"tr[data-case='{urgent.number}']")
    assert row.locator(".badge.red").inner_text() == "急"
    page.goto(f"{base}/workbench/cases/{urgent.pk}/")
    assert page.is_visible("[data-test=urgent]")
    page.click("[data-test=special-form] summary")
    page.select_option("#special-kind", "site_survey")
    page.fill("#special-days", "3")
    page.click("[data-test=do-start-special]")
    page.wait_for_selector("[data-test=special-procedures]")
    assert "进行中（计时暂停）" in page.inner_text("[data-test=special-procedures]")
    page.fill("#special-result", "现场勘察符合条件")
    page.click("[data-test=do-end-special]")
    page.wait_for_selector("text=操作成功")
    assert "现场勘察符合条件" in page.inner_text("[data-test=special-procedures]")

    # The clerk returns the other case with written reasons and prints the notice in two copies.
    page.goto(f"{base}/workbench/cases/{returned.pk}/")
    page.click("[data-test=return-form] summary")
    page.fill("#return-reasons", "经现场勘察，不具备批准条件")
    page.click("[data-test=do-return]")
    page.wait_for_selector("text=操作成功")
    assert page.inner_text("[data-test=status]") == "已退回（退回件）"
    with page.expect_popup() as popup:
        page.click("[data-test=notice-return]")
    notice = popup.value
    notice.wait_for_load_state()
    assert notice.locator("[data-test=return-copy]").count() == 2
    assert Case.objects.get(pk=returned.pk).status == "returned"
