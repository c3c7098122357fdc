"""The analytics dashboard in a real browser: the supervisor opens it, the charts draw from our own ECharts,
a preset changes the period, and drilling down goes county → site → windows and staff; on a phone the page
stays one column without sideways scrolling."""
from __future__ import annotations

import pytest

from bianmin.core import timeutil
from bianmin.ratings.models import Level
from bianmin.stats import rollup
from tests.browser.test_clerk_flow import sign_in
from tests.stats_helpers import raw_rating
from tests.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def _fits_a_phone(browser, url: str, base: str, ready: str) -> bool:
    """The supervisor's page at url, on a phone-sized screen, once `ready` shows: no sideways scrolling."""
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    small = phone.new_page()
    sign_in(small, base, "supervisor")
    small.goto(url)
    small.wait_for_selector(ready)
    fits = small.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.close()
    return fits


def test_supervisor_reads_the_dashboard_and_drills_down(live_server, page, browser):
    world = build_world()
    day = timeutil.today()
    for _ in range(6):
        raw_rating(world.site_a, day, Level.VERY_SATISFIED, window=world.window_a, staff=world.clerk_a.staff)
    raw_rating(world.site_a, day, Level.DISSATISFIED, window=world.window_a, staff=world.clerk_a.staff)
    raw_rating(world.site_b, day, Level.SATISFIED)
    rollup.sweep()
    base = live_server.url
    failed = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    external = []
    page.on("request", lambda r: external.append(r.url) if not r.url.startswith(base) else None)

    sign_in(page, base, "supervisor")
    page.click("[data-test=nav-stats]")
    page.wait_for_selector("#chart-trend[data-ready='1'] canvas")
    page.wait_for_selector("#chart-levels[data-ready='1'] canvas")
    assert page.inner_text("[data-test=kpi-ratings] .kpi-value") == "8"
    assert page.inner_text("[data-test=kpi-good_rate] .kpi-value") == "87.5%"
    assert not failed and not external  # ECharts and everything else came from our own server

    page.click("[data-test=preset] >> nth=2")  # last 12 months: the trend turns monthly
    page.wait_for_selector("#chart-trend[data-ready='1'] canvas")
    assert "近12个月" in page.inner_text("[data-test=dash-filters]")

    page.click("[data-test=children] a:has-text('测试县政务服务中心')")
    page.wait_for_selector("[data-test=league-window]")
    assert "综合窗口" in page.inner_text("[data-test=league-window]")
    assert "王小红" in page.inner_text("[data-test=league-staff]")
    assert page.inner_text("[data-test=crumbs] [aria-current=page]") == "测试县政务服务中心"

    assert _fits_a_phone(browser, f"{base}/workbench/stats/", base, "#chart-trend[data-ready='1'] canvas")


def test_supervisor_pages_through_a_whole_league_table(live_server, page, browser):
    from bianmin.orgs.models import Window
    from bianmin.stats import months
    from bianmin.stats.models import DailyRollup, Dimension
    from bianmin.stats.views_league import PAGE_SIZE

    world = build_world()
    day = timeutil.today()
    windows = [Window.objects.create(site=world.site_a, number=str(100 + i), name=f"窗口{i}")
               for i in range(PAGE_SIZE + 5)]
    DailyRollup.objects.bulk_create(  # the league reads only rollups: written directly, i + 1 good each
        DailyRollup(day=day, dimension=Dimension.WINDOW, key=str(w.pk), unit_path=world.site_a.unit.path,
                    site_key=world.site_a.pk, ratings=i + 1, satisfied=i + 1) for i, w in enumerate(windows))
    months.refresh([day])
    base = live_server.url
    sign_in(page, base, "supervisor")
    page.goto(f"{base}/workbench/stats/?date_from={day.replace(day=1):%Y-%m-%d}&date_to={day:%Y-%m-%d}")
    page.click("[data-test=league-window] [data-test=league-all]")
    page.wait_for_selector("[data-test=league-levels]")
    assert page.locator("[data-test=league-row]").count() == PAGE_SIZE
    assert f"窗口{PAGE_SIZE + 4}" in page.inner_text("[data-test=league-row] >> nth=0")  # the busiest first
    page.click("a[rel=next]")
    page.wait_for_selector("a[rel=prev]")
    assert page.locator("[data-test=league-row]").count() == 5
    assert page.inner_text("[data-test=league-row] >> nth=-1").startswith(str(PAGE_SIZE + 5))
    page.click("[data-test=league-levels] a:has-text('工作人员')")
    page.wait_for_selector("[data-test=league-staff]")
    assert f"{day:%Y-%m-%d}" in page.inner_text("[data-test=league-period]")  # the period is kept

    assert _fits_a_phone(browser, f"{base}/workbench/stats/league/?level=window", base, "[data-test=league-row]")
