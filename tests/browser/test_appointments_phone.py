"""A citizen books on a 375 px phone from the guide's 预约 button to the confirmation with the code, and the
booking, confirmation and staff pages pass axe (no serious or critical finding) and never scroll sideways."""
from __future__ import annotations

import pytest

from bianmin.appointments.models import Appointment
from bianmin.catalog.guides import publish_guide
from tests.browser.signing_in import sign_in
from tests.browser.test_accessibility import findings
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}
SIDEWAYS = "() => document.documentElement.scrollWidth > window.innerWidth + 1"


def test_booking_on_a_phone(browser, live_server):
    world = build_world()
    item = world.item_committed
    item.bookable = True
    item.save()
    publish_guide(item)
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{live_server.url}/guides/{item.code}/")
        page.click("[data-test=book-link]")
        page.wait_for_selector("[data-test=book-form]")
        assert not page.evaluate(SIDEWAYS)
        assert findings(page) == []
        page.locator("label.slot").first.click()
        page.fill("#name", "陈静")
        page.fill("#phone", "13800001111")
        page.click("[data-test=submit-booking]")
        page.wait_for_selector("[data-test=code]")
        a = Appointment.objects.get()
        assert page.inner_text("[data-test=code]").strip() == a.code
        assert "13800001111" not in page.url and "13800001111" not in page.content()
        assert not page.evaluate(SIDEWAYS)
        assert findings(page) == []
        sign_in(page, live_server.url, "clerk_a")
        page.goto(f"{live_server.url}/workbench/appointments/?date={a.date:%Y-%m-%d}")
        assert "138****1111" in page.inner_text("[data-test=appointments]")
        assert not page.evaluate(SIDEWAYS)
        assert findings(page) == []
        page.goto(f"{live_server.url}/workbench/appointments/new/?item={item.pk}")
        assert not page.evaluate(SIDEWAYS)
        assert findings(page) == []
    finally:
        context.close()
