"""Staff assessment in a real browser (issue 17): the manager deducts from a clerk by hand and issues a
效能告诫 on the person's page; the clerk sees their own score with the line and signs the printable notice; the
hall head logs a patrol from a phone; the assessment pages pass axe and fit a 375 px screen in Chinese and English."""
from __future__ import annotations

import pytest

from bianmin.staffops import rules
from bianmin.staffops import services as staffops_services
from bianmin.staffops.models import Deduction, EfficiencyWarning, Inspection
from tests.browser.test_accessibility import findings
from tests.browser.test_clerk_flow import sign_in
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}


def test_a_manager_deducts_and_warns_and_the_clerk_sees_the_line_and_signs_the_notice(live_server, browser):
    world = build_world()
    staff = world.clerk_a.staff
    base = live_server.url

    manager = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = manager.new_page()
    page.set_default_timeout(15000)
    sign_in(page, base, "manager_a")
    page.goto(f"{base}/workbench/scores/")
    page.click(f"a[href^='/workbench/scores/staff/{staff.pk}/']")
    assert page.inner_text("[data-test=score-value]") == "100"
    page.select_option("#d-rule", rules.DUTY_BREACH)
    page.fill("#d-note", "当班期间窗口无人，群众等候十分钟")
    page.click("[data-test=deduct]")
    page.wait_for_selector("text=已扣分")
    assert page.inner_text("[data-test=score-value]") == "95"
    assert "当班期间窗口无人" in page.inner_text("main")
    page.fill("#w-reason", "工作时间擅自离岗")
    page.click("[data-test=warn]")
    page.wait_for_selector("text=已发出效能告诫")
    manager.close()

    deduction = Deduction.objects.get(staff=staff, rule_code=rules.DUTY_BREACH)
    assert deduction.points == 5 and deduction.source == Deduction.Source.MANUAL and not deduction.reversed
    warning = EfficiencyWarning.objects.get(staff=staff)
    assert warning.acknowledged_at is None

    clerk = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = clerk.new_page()
    page.set_default_timeout(15000)
    sign_in(page, base, "clerk_a")
    page.goto(f"{base}/workbench/scores/")
    assert page.inner_text("[data-test=score-value]") == "95"
    assert "当班期间窗口无人" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    page.goto(f"{base}/workbench/warnings/{warning.pk}/")
    assert "工作时间擅自离岗" in page.inner_text("[data-test=facts]")
    page.click("[data-test=acknowledge]")
    page.wait_for_selector("[data-test=ack]:not(:empty)")
    clerk.close()
    warning.refresh_from_db()
    assert warning.acknowledged_at is not None and warning.acknowledged_by == world.clerk_a


def test_the_hall_head_logs_a_patrol_from_a_phone(live_server, browser):
    build_world()
    base = live_server.url
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, base, "manager_a")
    page.goto(f"{base}/workbench/inspections/patrol/")
    before = page.inner_text("[data-test=patrols-today]")
    page.fill("#p-note", "大厅秩序良好，各窗口人员在岗")
    page.click("[data-test=save-patrol]")
    page.wait_for_selector("[data-test=recent-patrols] a")
    assert "大厅秩序良好" in page.inner_text("[data-test=recent-patrols]")
    assert page.inner_text("[data-test=patrols-today]") != before
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    context.close()
    assert Inspection.objects.filter(kind=Inspection.Kind.PATROL).count() == 1


def _assessment_pages(world) -> dict:
    """Each persona's assessment pages, with a warning and an inspection to open."""
    from bianmin.staffops import inspections

    warning = staffops_services.issue_warning(world.manager_a, world.clerk_a.staff, "工作时间擅自离岗")
    found = inspections.record_inspection(
        world.manager_a, world.site_a, "open", None, {"badge_worn": (False, "未佩证")},
        [{"rule_code": rules.PROHIBITED, "staff_id": world.clerk_a.staff.pk, "note": "未佩证上岗"}], "", [])
    staff = world.clerk_a.staff.pk
    manager = ["/workbench/scores/", f"/workbench/scores/staff/{staff}/", f"/workbench/scores/windows/{world.window_a.pk}/",
               "/workbench/warnings/", f"/workbench/warnings/{warning.pk}/", "/workbench/rules/", "/workbench/awards/",
               "/workbench/inspections/", "/workbench/inspections/new/", f"/workbench/inspections/{found.pk}/",
               "/workbench/inspections/patrol/", "/workbench/checklist/", f"/workbench/checklist/{world.site_a.pk}/",
               "/workbench/quality-records/", "/workbench/quality-records/new/"]
    return {"manager_a": manager, "clerk_a": ["/workbench/scores/", f"/workbench/warnings/{warning.pk}/"]}


def test_the_assessment_pages_pass_axe_and_fit_a_phone_in_both_languages(live_server, browser):
    world = build_world()
    pages = _assessment_pages(world)
    base = live_server.url
    problems, wide, broken = [], [], []
    for username, paths in pages.items():
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, base, username)
        for language in ("zh-hans", "en"):
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            for path in paths:
                response = page.goto(base + path)
                if response is None or response.status >= 400:
                    broken.append(f"{username} {language} {path}: {response and response.status}")
                    continue
                if language == "zh-hans":
                    problems += [f"{path}: {p}" for p in findings(page)]
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"] + 1:
                    wide.append(f"{username} {language} {path}: {width}px")
        context.close()
    assert not broken, broken
    assert not problems, "axe findings:\n" + "\n".join(problems)
    assert not wide, wide
