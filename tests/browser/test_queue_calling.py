"""The clerk's calling panel in a real browser (issue 16 §4): on a 375 px phone and in English it neither scrolls
sideways nor has serious axe findings, with a ticket at the window and every form open; 叫号 calls the green-lane
ticket and says why; 受理 opens the case form prefilled; the English header keeps one line with the new link."""
from __future__ import annotations

import pytest

from bianmin.queueing import services
from bianmin.queueing.models import QueueTicket
from tests.browser.test_accessibility import findings
from tests.browser.test_clerk_flow import sign_in
from tests.browser.test_phone_layout import NAV_ROWS, WIDE
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 800}


def test_clerk_calls_from_the_panel_on_a_phone(live_server, browser):
    world = build_world()
    services.issue(world.site_a, item=world.item_committed)
    green = services.issue(world.site_a, item=world.item_instant, priority="elderly")
    base = live_server.url
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        sign_in(page, base, "clerk_a")
        page.goto(base + "/workbench/queue/")
        assert green.number in page.locator("[data-test=preview]").inner_text()
        page.click("[data-test=call]")
        page.wait_for_selector("[data-test=current-number]")
        assert page.locator("[data-test=current-number]").inner_text() == green.number
        assert "绿色通道" in page.locator("[data-test=reason]").inner_text()
        problems, wide = [], []
        for language in ("zh-hans", "en"):
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            page.goto(base + "/workbench/queue/")
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"] + 1:
                wide.append(f"{language}: {page.evaluate(WIDE, PHONE['width'])}")
            problems += findings(page)
        assert not wide, wide
        assert not problems, "axe findings:\n" + "\n".join(problems)
        context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
        page.goto(base + "/workbench/queue/")
        page.click("[data-test=accept]")
        page.wait_for_selector("[data-test=from-ticket]")
        assert page.input_value("#item_code") == world.item_instant.code
        page.fill("#applicant_name", "刘德华")
        page.click("[data-test=register]")
        page.wait_for_url("**/workbench/cases/*/")
        green = QueueTicket.objects.get(pk=green.pk)
        assert green.case_id is not None and green.status == "serving"
    finally:
        context.close()


@pytest.mark.parametrize("username", ["clerk_a", "manager_a"])
def test_english_header_keeps_one_line_with_the_queue_link(live_server, browser, username):
    build_world()
    base = live_server.url
    context = browser.new_context(viewport=DESKTOP, locale="en")
    page = context.new_page()
    try:
        sign_in(page, base, username)
        context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        page.goto(base + "/workbench/")
        assert page.locator("[data-test=nav-queue]").count() == 1
        assert len(page.evaluate(NAV_ROWS)) == 1
    finally:
        context.close()
