"""A citizen rates a finished case on a phone-sized browser, through the link from its QR code."""
from __future__ import annotations

import pytest

from bianmin.ratings.models import Rating
from bianmin.ratings.services import rating_link
from tests.rating_helpers import finished_case
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_citizen_rates_on_a_phone_and_cannot_rate_twice(live_server, phone):
    world = build_world()
    case = finished_case(world)
    link = rating_link(case, base_url=live_server.url)
    phone.goto(link.url + "?via=qr")
    assert "请为本次服务评价" in phone.content()
    # Large touch targets: every level is at least 60 px tall and fits the screen without scrolling sideways.
    for box in [phone.locator("label.level").nth(i).bounding_box() for i in range(5)]:
        assert box["height"] >= 60 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator("label.level-very_dissatisfied").tap()
    phone.locator("details.questionnaire summary").tap()
    phone.locator("input[name=q_process_convenient][value=no]").check()
    phone.fill("#comment", "材料要求反复变化")
    phone.locator("[data-test=submit-rating]").tap()
    phone.wait_for_selector("[data-test=rating-done]")
    assert "感谢您的评价" in phone.content()
    rating = Rating.objects.get(case=case)
    assert (rating.level, rating.channel, rating.answers["process_convenient"]) == ("very_dissatisfied", "qr", "no")
    phone.goto(link.url)
    assert "您已评价过本次服务" in phone.content()
    assert Rating.objects.count() == 1
