"""The clerk types the item in words citizens use, in a real browser (issue 15): 低保 registers 最低生活保障申请; a
misspelt name is offered for confirmation and one click on it registers the case."""
from __future__ import annotations

import pytest

from bianmin.cases.models import Case
from bianmin.catalog.models import SearchSynonym
from tests.world import build_world

from .signing_in import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_clerk_registers_a_case_by_typing_the_item_in_everyday_words(live_server, page):
    world = build_world()
    # A transactional test database is flushed between tests: the seeded dictionary may be gone.
    SearchSynonym.objects.get_or_create(term="低保", defaults={"words": "最低生活保障"})
    base = live_server.url
    sign_in(page, base, "clerk_a")

    page.goto(f"{base}/workbench/cases/new/")
    page.fill("#item_code", "低保")
    page.fill("#applicant_name", "陈大爷")
    page.click("[data-test=register]")
    page.wait_for_selector("[data-test=status]")
    assert Case.objects.get(applicant_name="陈大爷").item == world.item_committed

    page.goto(f"{base}/workbench/cases/new/")
    page.fill("#item_code", "特困人员认证")  # 认定 mistyped: never guessed, offered
    page.fill("#applicant_name", "王阿姨")
    page.click("[data-test=register]")
    page.wait_for_selector("[data-test=item-choices]")
    assert "请确认办理事项" in page.inner_text("[data-test=error]")
    assert "Please confirm" not in page.content()
    assert page.input_value("#applicant_name") == "王阿姨"
    page.click("[data-test=item-choice] >> text=特困人员认定")
    page.wait_for_selector("[data-test=status]")
    assert Case.objects.get(applicant_name="王阿姨").item == world.item_reported
