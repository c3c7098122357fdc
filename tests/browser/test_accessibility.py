"""Accessible and age-friendly citizen pages (适老化、无障碍; GB/T 37668-2019, WCAG 2.1 AA; issue 15 §10).

axe-core (bundled with axe-playwright-python, no network) checks every citizen page in Chromium: no finding of
impact "serious" or "critical" may remain. A citizen rates a case with the keyboard alone, and the large-text /
high-contrast display, switched on once in the page header, stays on across pages and on a later visit.
"""
from __future__ import annotations

import time

import pytest
from axe_playwright_python.sync_playwright import Axe

from bianmin.catalog.guides import publish_guide
from bianmin.core import display
from bianmin.ratings.models import Rating
from bianmin.ratings.services import rating_link
from bianmin.rectification import followups
from bianmin.rectification import services as rect_services
from tests.browser.test_clerk_flow import sign_in
from tests.rating_helpers import finished_case
from tests.ticket_helpers import bad_rating, ticket_of
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
# WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices (landmarks, heading order, …) for the report.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
               "resultTypes": ["violations"]}
BLOCKING = ("serious", "critical")


def findings(page, impacts=BLOCKING, allowed=()) -> list[str]:
    """One line per axe violation of the given impacts: rule id, impact, help and the offending nodes."""
    result = AXE.run(page, options=AXE_OPTIONS)
    lines = []
    for v in result.response["violations"]:
        if v["impact"] not in impacts or v["id"] in allowed:
            continue
        nodes = "; ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
                          for n in v["nodes"][:6])
        lines.append(f"{page.url}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes) {v['help']} -> {nodes}")
    return lines


def answered_ticket(world):
    """A bad review whose ticket was called back, resolved and answered: the rater may rate again."""
    rating = bad_rating(world)
    ticket = ticket_of(rating)
    for action, data in (("verify", {"channel": "phone", "reached": True}),
                         ("resolve", {"outcome": "rectified_now", "note": "已整改"}),
                         ("feedback", {"channel": "phone", "message": "已统一材料清单，向您致歉"})):
        rect_services.transition(ticket.pk, action, world.clerk_a, data)
    ticket.refresh_from_db()
    return rating, ticket


def citizen_pages(world, base) -> list[str]:
    code = world.item_committed.code
    publish_guide(world.item_committed)
    rated, ticket = answered_ticket(world)
    return [
        f"{base}/",
        f"{base}/search/?q=%E4%BD%8E%E4%BF%9D",  # 低保: results
        f"{base}/search/?q=zzzzqqq",  # no results
        f"{base}/guides/{code}/",
        f"{base}/guides/{code}/notice/",
        rating_link(finished_case(world), base_url=base).url,  # the rating form
        rating_link(rated.case, base_url=base).url,  # rated badly: progress of the review and its answer
        followups.url_for(ticket, base_url=base),  # 追评
        f"{base}/public/",
        f"{base}/public/units/{world.county.pk}/",
        f"{base}/comments/new/",
        f"{base}/comments/thanks/",
        f"{base}/accounts/login/",
    ]


def test_citizen_pages_have_no_serious_or_critical_axe_findings(live_server, page):
    world = build_world()
    problems = []
    for url in citizen_pages(world, live_server.url):
        response = page.goto(url)
        assert response is not None and response.status < 400, f"{url}: {response and response.status}"
        problems += findings(page)
    assert not problems, "axe findings:\n" + "\n".join(problems)


def test_large_text_and_high_contrast_pages_have_no_serious_or_critical_axe_findings(live_server, browser):
    """The chosen display keeps AA contrast too (its colours are checked, not assumed), and on a phone the larger
    text still fits the screen: nothing scrolls sideways."""
    world = build_world()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.click("[data-test=toggle-large]")
    page.click("[data-test=toggle-contrast]")
    problems = []
    for url in citizen_pages(world, live_server.url):
        page.goto(url)
        assert page.evaluate("document.documentElement.className") == "a11y-large a11y-contrast", url
        problems += findings(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            problems.append(f"{url}: {width} px wide on a 390 px screen")
    context.close()
    assert not problems, "axe findings:\n" + "\n".join(problems)


def focus_by_tab(page, selector: str, limit: int = 40) -> int:
    """Press Tab until the element matching `selector` has the focus; the number of presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} never got the keyboard focus in {limit} presses of Tab")


def test_citizen_rates_with_the_keyboard_alone(live_server, page):
    world = build_world()
    case = finished_case(world)
    page.goto(rating_link(case, base_url=live_server.url).url)
    # The first Tab reaches the skip link, which leads past the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
    focus_by_tab(page, "input[name=level]")
    # Each face is a radio button that a screen reader names by its visible label.
    names = page.evaluate("""[...document.querySelectorAll('input[name=level]')].map(i => i.labels[0].innerText.trim())""")
    assert names == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    legend = page.locator("fieldset.levels legend").inner_text()
    assert "满意" in legend
    # The focused face is visibly marked (WCAG 2.4.7).
    outline = page.evaluate("getComputedStyle(document.activeElement.closest('label')).outlineStyle")
    assert outline not in ("", "none")
    # Arrow keys move through the group and choose: down twice from 非常满意 is 基本满意.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.querySelector('input[name=level]:checked').value") == "basic"
    focus_by_tab(page, "[data-test=submit-rating]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-test=rating-done]")
    assert Rating.objects.get(case=case).level == "basic"


def test_large_text_and_high_contrast_stay_on_across_pages_and_a_later_visit(live_server, browser):
    base = live_server.url
    world = build_world()
    publish_guide(world.item_committed)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="zh-CN", java_script_enabled=False)  # the switch needs no script
    page = context.new_page()
    page.goto(base + "/")
    focus_by_tab(page, "[data-test=toggle-large]")  # the switch is reached and used with the keyboard too
    page.keyboard.press("Enter")
    page.wait_for_selector("html.a11y-large")
    page.click("[data-test=toggle-contrast]")
    assert page.get_attribute("html", "class") == "a11y-large a11y-contrast"
    assert page.get_attribute("[data-test=toggle-large]", "aria-pressed") == "true"
    for url in (f"/guides/{world.item_committed.code}/", "/search/?q=%E4%BD%8E%E4%BF%9D", "/public/", "/comments/new/"):
        page.goto(base + url)
        assert page.get_attribute("html", "class") == "a11y-large a11y-contrast", url
    state = context.storage_state()
    context.close()
    kept = [c for c in state["cookies"] if c["name"] == display.COOKIE]
    assert kept and kept[0]["expires"] > time.time() + 300 * 24 * 3600  # kept, not a session cookie

    # A later visit, in a new browser session that has kept its cookies: still large and contrasted, and the
    # text really is larger than the normal display's.
    later = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                locale="zh-CN", storage_state=state)
    page = later.new_page()
    page.goto(rating_link(finished_case(world), base_url=base).url)
    assert page.get_attribute("html", "class") == "a11y-large a11y-contrast"
    large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main')).fontSize)")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # larger, still no sideways scrolling
    page.click("[data-test=toggle-large]")
    assert page.get_attribute("html", "class") == "a11y-contrast"
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('main')).fontSize)") <= large * 0.85
    later.close()


KIOSK_REFRESH = ("meta-refresh",)


def test_window_rating_device_has_no_serious_or_critical_axe_findings(live_server, page):
    """The hall's rating device is a citizen page too: its sign-in, the five face buttons and the thanks screen.

    Its screens reload themselves (<meta http-equiv="refresh">, ratings/views_device.py): an unattended kiosk must
    show the next finished case and return from the thanks screen without anyone touching it, which WCAG 2.2.1
    allows as essential. axe's meta-refresh rule is therefore the one rule not applied here."""
    from bianmin.ratings import services as rating_services

    world = build_world()
    _, key = rating_services.register_device(world.manager_a, window=world.window_a, name="1号窗口评价器")
    base = live_server.url
    page.goto(base + "/device/")
    problems = findings(page, allowed=KIOSK_REFRESH)
    page.fill("#device-key", key)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-test=device-waiting]")
    problems += findings(page, allowed=KIOSK_REFRESH)
    finished_case(world)
    page.goto(base + "/device/")
    page.wait_for_selector("[data-test=device-rate]")
    problems += findings(page, allowed=KIOSK_REFRESH)
    page.click("[data-test=level-satisfied]")
    page.wait_for_selector("[data-test=device-thanks]")
    problems += findings(page, allowed=KIOSK_REFRESH)
    assert not problems, "axe findings:\n" + "\n".join(problems)


STAFF_PAGES = ("/workbench/", "/workbench/cases/new/", "/workbench/cases/{case}/", "/workbench/first-contacts/",
               "/workbench/site/", "/workbench/ratings/", "/workbench/ratings/{rating}/", "/workbench/ratings/devices/",
               "/workbench/tickets/", "/workbench/tickets/{ticket}/", "/workbench/tickets/appeals/",
               "/workbench/notifications/", "/workbench/comments/", "/workbench/comments/new/", "/workbench/stats/",
               "/workbench/stats/league/", "/workbench/reports/", "/workbench/hotline/",
               # hall operations (issue 16)
               "/workbench/hall/", "/workbench/hall/board/", "/workbench/hall/hours/", "/workbench/hall/attendance/",
               "/workbench/hall/attendance/import/", "/workbench/appointments/", "/workbench/appointments/new/",
               "/workbench/appointments/rules/", "/workbench/queue/", "/workbench/registers/",
               "/workbench/registers/phone/", "/workbench/registers/visits/", "/workbench/visits/new/",
               "/workbench/batches/",
               # the national exchange (issue 19)
               "/workbench/exchange/", "/workbench/exchange/reconciliation/")


def test_staff_pages_have_no_serious_or_critical_axe_findings(live_server, page):
    """Window staff include older and low-vision people too: the workbench meets the same bar (manager's view,
    which sees the most sections)."""
    world = build_world()
    rating, ticket = answered_ticket(world)
    base = live_server.url
    sign_in(page, base, "manager_a")
    problems = []
    for path in STAFF_PAGES:
        url = base + path.format(case=rating.case_id, rating=rating.pk, ticket=ticket.pk)
        response = page.goto(url)
        assert response is not None and response.status < 400, f"{url}: {response and response.status}"
        problems += findings(page)
    assert not problems, "axe findings:\n" + "\n".join(problems)
