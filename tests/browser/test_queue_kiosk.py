"""Taking a number at the kiosk on a hall tablet (1024×768), then following it on a phone (375 px) through the
address its QR code holds: the number, the people ahead, and the window once a clerk calls it (issue 16 §4). Both
pages pass axe (tests/browser/test_accessibility.py)."""
from __future__ import annotations

import pytest

from bianmin.queueing import services
from bianmin.queueing.models import QueueTicket
from tests.browser.test_accessibility import findings
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 375, "height": 667}


def context(browser, viewport, **extra):
    ctx = browser.new_context(viewport=viewport, locale="zh-CN", has_touch=True, **extra)
    page = ctx.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    return ctx, page, errors


def test_a_ticket_from_the_kiosk_followed_on_a_phone(live_server, browser):
    world = build_world()
    ctx, kiosk, errors = context(browser, TABLET)
    try:
        kiosk.goto(f"{live_server.url}/hall/{world.site_a.pk}/kiosk/")
        group = kiosk.locator("[data-test=group-A]")
        assert group.bounding_box()["height"] >= 100  # a target for any finger
        group.tap()  # a link to the group's page: wait for it before axe reads the page
        kiosk.wait_for_selector("[data-test=priority-elderly]")
        kiosk.wait_for_load_state()
        assert findings(kiosk) == []  # axe: no serious or critical finding (labels, contrast, …)
        kiosk.locator("[data-test=priority-elderly]").check()
        item = kiosk.locator(f"[data-test=item-{world.item_committed.pk}]")
        assert item.bounding_box()["height"] >= 100
        item.tap()
        kiosk.wait_for_selector("[data-test=kiosk-ticket]")
        ticket = QueueTicket.objects.get()
        assert ticket.priority == "elderly"
        assert kiosk.locator("[data-test=ticket-number]").inner_text() == ticket.number
        assert kiosk.locator("[data-test=ticket-qr] svg").is_visible()
        assert "预计等候" in kiosk.content() and "分钟" in kiosk.content()
        assert kiosk.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
        assert errors == []
    finally:
        ctx.close()

    ctx, phone, errors = context(browser, PHONE, is_mobile=True)
    try:
        phone.clock.install()  # the page polls every 10 s: move its clock instead of waiting
        phone.goto(f"{live_server.url}/hall/ticket/{ticket.token}/")
        number = phone.locator("[data-test=ticket-number]")
        assert number.inner_text() == ticket.number and number.is_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert not phone.locator("[data-field=called]").is_visible()
        assert findings(phone) == []
        services.call(world.clerk_a, world.window_a)
        phone.clock.fast_forward(11000)
        phone.wait_for_selector("[data-field=called]:not([hidden])")
        assert "请到 1 号窗口" in phone.locator("[data-field=called]").inner_text()
        assert "已叫号" in phone.locator("[data-field=status]").inner_text()
        assert errors == []
    finally:
        ctx.close()
