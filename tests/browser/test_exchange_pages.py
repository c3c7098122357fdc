"""The national exchange in a real browser (issue 19): the county centre's manager, on a phone, finds a record the
upstream refused among the dead letters, reads the upstream's message, sends it again once it is fixed, and sees it
delivered; the queue page holds at 375 px in Chinese and at 1366 px in English."""
from __future__ import annotations

import pytest

from bianmin.exchange import sender
from bianmin.exchange.models import ExchangeLink, OutboxRow
from tests.rating_helpers import finished_case
from tests.upstream import Upstream
from tests.world import build_world

from .signing_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_dead_letter_is_found_resent_and_delivered(live_server, browser, tmp_path):
    world = build_world()
    base = live_server.url
    with Upstream(tmp_path / "upstream.sqlite3") as upstream:
        link = ExchangeLink.objects.create(unit=world.county, profile="gbt39046-2020", url=upstream.url)
        case = finished_case(world)
        upstream.control(refuse_keys=[f"{case.number}/accept"], refuse_message="受理单位统一社会信用代码不合法")
        sender.send_link(link)
        dead = OutboxRow.objects.get(key=f"{case.number}/accept")
        assert dead.status == "dead"

        phone = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN").new_page()
        sign_in(phone, base, "manager_a")
        phone.goto(f"{base}/workbench/stats/")
        phone.click("[data-test=link-exchange]")
        assert phone.inner_text("[data-test=kpi-dead] .kpi-value") == "1"
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        phone.click("[data-test=kpi-dead] a")
        phone.click(f"text={case.number}/accept")
        assert "受理单位统一社会信用代码不合法" in phone.inner_text("[data-test=row-error]")
        assert "受理时间" in phone.inner_text("[data-test=row-payload]")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375

        upstream.control(refuse_keys=[])  # fixed upstream
        phone.click("[data-test=resend]")
        phone.wait_for_selector("text=已重新放入待发送队列")
        assert phone.inner_text("[data-test=row-status]") == "待发送"
        sender.send_link(link)
        sender.send_link(link)
        phone.reload()
        assert phone.inner_text("[data-test=row-status]") == "已送达"
        assert [r["key"] for r in upstream.received()] == [f"{case.number}/accept", f"{case.number}/complete"]
        phone.context.close()

    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB").new_page()
    desk.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    sign_in(desk, base, "manager_a")
    desk.goto(f"{base}/workbench/exchange/")
    assert "Data exchange" in desk.inner_text("h1")
    assert desk.evaluate("document.documentElement.scrollWidth") <= 1366
    desk.goto(f"{base}/workbench/exchange/reconciliation/")
    desk.click("[data-test=reconcile-now] button")
    assert "Could not reconcile" in desk.inner_text("[data-test=reconciliation]")  # the upstream is gone now
    desk.context.close()
