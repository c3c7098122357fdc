"""Phones and the English header (issue 15 §2, §7), in a real browser.

Every role signs in once (one browser context each) and opens its main pages on a 375 × 812 screen, in Chinese
and in English: no page scrolls sideways (the document is no wider than the screen), and no card's label is
drawn over its value. The pages are built from
real objects — a case, its receipt, a bad rating and its ticket, a hotline work order, a published guide and a
one-time notice, a generated report — so the list follows the data. Then, on a 1366 px screen in English, each
staff role's header keeps its section links on one line.

The context is not a "mobile" one on purpose: a mobile browser lays a page without a viewport tag out 980 px wide
and then fits it, which would hide exactly the fault looked for; here the layout viewport is the 375 px screen.
"""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from bianmin.cases.models import Notice
from bianmin.core.auth import issue_token
from bianmin.ratings import services as rating_services
from bianmin.stats import rollup
from tests.browser.test_clerk_flow import sign_in
from tests.hotline_helpers import act, intake
from tests.matrix_objects import one_time_notice
from tests.rating_helpers import accepted_case, finished_case
from tests.ticket_helpers import bad_rating, ticket_of
from tests.world import PASSWORD, build_hotline_world, build_world

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 800}
LANGUAGES = ("zh-hans", "en")

# The innermost elements whose box or content reaches past the screen's edge: the culprit when a page scrolls sideways.
WIDE = """(width) => {
  const past = e => e.getBoundingClientRect().left + Math.max(e.scrollWidth, e.getBoundingClientRect().width) > width + 1;
  return [...document.querySelectorAll('body *')].filter(e => past(e) && ![...e.children].some(past)).slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '')
      + ' "' + e.textContent.trim().slice(0, 30) + '"');
}"""
# Cards (table.stack): cells whose value starts inside the width of their label, i.e. the label is drawn over it.
LABELS_OVER_VALUES = """() => [...document.querySelectorAll('table.stack td[data-label]')].filter(td => {
  const label = getComputedStyle(td, '::before');
  if (!td.offsetParent || label.content === 'none' || !td.textContent.trim()) return false;
  const text = document.createRange(); text.selectNodeContents(td);
  return text.getBoundingClientRect().left < td.getBoundingClientRect().left + parseFloat(label.width) - 1;
}).slice(0, 2).map(td => td.dataset.label + ': ' + td.textContent.trim().slice(0, 20))"""
# The distinct tops of the header's section links: one value means one line.
NAV_ROWS = "[...new Set([...document.querySelectorAll('.topnav a')].map(a => Math.round(a.getBoundingClientRect().top)))]"


def the_data():
    """The world, its hotline, and one real object of every kind the pages show; the paths of each role's pages."""
    world = build_world()
    hw = build_hotline_world(world)
    root = get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
    rating = bad_rating(world)  # a finished case, its rating, the bad-review ticket
    ticket = ticket_of(rating)
    open_case = accepted_case(world)  # in the queue, with its receipt
    receipt = Notice.objects.filter(case=open_case).order_by("pk").first()
    unrated = rating_services.rating_link(finished_case(world, phone="13900001111"))
    notice = one_time_notice(world)  # publishes the guide and issues a numbered 一次性告知书
    agent = Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(hw.agent)[0]}")
    order = act(agent, intake(agent)["id"], "dispatch")  # with civil affairs, world.handler's department
    rollup.sweep()
    report = _report(world)

    code, county = world.item_committed.code, world.county.pk
    citizen = ["/", f"/search/?q={world.item_committed.name}", f"/guides/{code}/", f"/guides/{code}/notice/",
               "/public/", f"/public/units/{county}/", f"/public/units/{county}/?all=1", f"/r/{unrated.token}/",
               "/comments/new/"]
    # Each page once, for the role whose daily page it is (the others see the same layout with other rows).
    pages = {
        None: citizen,
        world.clerk_a: ["/workbench/", f"/workbench/cases/{open_case.pk}/", f"/workbench/cases/{rating.case_id}/",
                        f"/workbench/notices/{receipt.pk}/", f"/guides/notice/{notice.pk}/", "/workbench/cases/new/",
                        "/workbench/first-contacts/", "/workbench/ratings/mine/", "/workbench/notifications/",
                        "/workbench/tickets/", f"/workbench/tickets/{ticket.pk}/", "/workbench/queue/",
                        "/workbench/hall/", "/workbench/appointments/new/", "/workbench/visits/new/"],
        world.manager_a: ["/workbench/", "/workbench/site/", "/workbench/ratings/", f"/workbench/ratings/{rating.pk}/",
                          "/workbench/ratings/devices/", "/workbench/comments/", "/workbench/hall/board/",
                          "/workbench/hall/hours/", "/workbench/appointments/", "/workbench/registers/phone/",
                          "/workbench/batches/", "/workbench/exchange/", "/workbench/exchange/reconciliation/"],
        world.supervisor: ["/workbench/stats/", "/workbench/stats/league/?level=window", "/workbench/reports/", "/workbench/surveys/", "/workbench/assessments/",
                           "/workbench/tickets/appeals/", "/workbench/hotline/figures/"],
        hw.agent: ["/workbench/hotline/", f"/workbench/hotline/{order['id']}/", "/workbench/hotline/new/",
                   "/workbench/hotline/phrases/"],
        world.handler: ["/workbench/", "/workbench/hotline/", f"/workbench/hotline/{order['id']}/"],
        root: ["/workbench/", "/workbench/tickets/"],
    }
    return pages, report


def _report(world):
    from bianmin.reports import services as report_services
    from bianmin.reports.models import Report

    return report_services.generate(Report.objects.create(
        kind="monthly", unit=world.county, year=2026, number=11, period_from=dt.date(2026, 11, 1),
        period_to=dt.date(2026, 11, 30), due_on=dt.date(2026, 12, 10), status=Report.Status.PENDING))


def test_phones_never_scroll_sideways_nor_overlap_labels_and_the_english_header_is_one_line(live_server, browser):
    pages, _ = the_data()
    base = live_server.url
    wide, broken, overlaps, headers = [], [], [], []
    for user, paths in pages.items():
        who = user.username if user else "anonymous"
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        if user is not None:
            sign_in(page, base, user.username)
        for language in LANGUAGES:
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            for path in paths:
                response = page.goto(base + path)
                if response is None or response.status >= 400:
                    broken.append(f"{who} {language} {path}: {response and response.status}")
                    continue
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"] + 1:
                    wide.append(f"{who} {language} {path}: {width}px {page.evaluate(WIDE, PHONE['width'])}")
                if covered := page.evaluate(LABELS_OVER_VALUES):
                    overlaps.append(f"{who} {language} {path}: {covered}")
        if user is not None:  # the English header on a laptop screen: the section links on one line
            page.set_viewport_size(DESKTOP)
            page.goto(base + "/workbench/")
            rows = page.evaluate(NAV_ROWS)
            if len(rows) != 1:
                headers.append(f"{who}: section links on {len(rows)} lines")
        context.close()
    assert not broken, broken
    assert not wide, wide
    assert not overlaps, overlaps
    assert not headers, headers
