"""The whole league table page (workbench/stats/league/): every entry reachable a page at a time, within
the person's scope, with bad input ignored and never a 500."""
import datetime as dt

import pytest

from bianmin.orgs.models import Window
from bianmin.stats import months
from bianmin.stats.models import DailyRollup, Dimension
from bianmin.stats.views_dashboard import LEAGUE_ROWS
from bianmin.stats.views_league import PAGE_SIZE

pytestmark = pytest.mark.django_db
URL = "/workbench/stats/league/"
DASHBOARD = "/workbench/stats/"
DAY = dt.date(2026, 10, 14)
PERIOD = {"date_from": "2026-10-01", "date_to": "2026-10-31"}


@pytest.fixture
def many_windows(world):
    """PAGE_SIZE + 5 windows at the county centre, window i with i + 1 good ratings (the last ranks first)."""
    windows = [Window.objects.create(site=world.site_a, number=str(100 + i), name=f"窗口{i}")
               for i in range(PAGE_SIZE + 5)]
    DailyRollup.objects.bulk_create(
        DailyRollup(day=DAY, dimension=Dimension.WINDOW, key=str(w.pk), unit_path=world.site_a.unit.path,
                    site_key=world.site_a.pk, ratings=i + 1, satisfied=i + 1)
        for i, w in enumerate(windows))
    months.refresh([DAY])
    return windows


def _rows(html: str) -> int:
    return html.count('data-test="league-row"')


def test_dashboard_links_to_the_whole_table_when_it_has_more_than_it_shows(world, many_windows, client_for):
    html = client_for(world.supervisor).get(DASHBOARD, PERIOD).content.decode()
    assert 'data-test="league-all"' in html and f"查看全部 {PAGE_SIZE + 5} 个" in html
    assert _rows(html.split('data-test="league-window"')[1].split("</section>")[0]) == LEAGUE_ROWS


def test_pages_through_every_window(world, many_windows, client_for):
    client = client_for(world.supervisor)
    first = client.get(URL, {**PERIOD, "unit": world.county.pk, "level": "window"})
    assert first.status_code == 200
    html = first.content.decode()
    assert _rows(html) == PAGE_SIZE and f"共 {PAGE_SIZE + 5} 个" in html
    assert html.index(f"窗口{PAGE_SIZE + 4}<") < html.index(f"窗口{PAGE_SIZE + 3}<")  # best first
    assert 'rel="next"' in html
    second = client.get(URL, {**PERIOD, "unit": world.county.pk, "level": "window", "page": 2}).content.decode()
    assert _rows(second) == 5 and "窗口0<" in second and 'rel="prev"' in second
    assert f"<td>{PAGE_SIZE + 5}</td>" in second  # ranks go on across pages
    beyond = client.get(URL, {**PERIOD, "unit": world.county.pk, "level": "window", "page": 99})
    assert beyond.status_code == 200 and _rows(beyond.content.decode()) == 5  # the last page


def test_levels_offered_follow_the_target(world, many_windows, client_for):
    client = client_for(world.supervisor)
    county = client.get(URL, {**PERIOD, "level": "staff"}).content.decode()
    assert 'data-test="league-staff"' in county and ">服务场所</a>" in county
    site = client.get(URL, {**PERIOD, "site": world.site_a.pk, "level": "site"}).content.decode()
    assert 'data-test="league-window"' in site and ">服务场所<" not in site  # a site has no sites to rank


def test_scope_of_the_league_page(world, many_windows, client_for):
    manager = client_for(world.manager_b)
    assert manager.get(URL, {**PERIOD, "site": world.site_a.pk}).status_code == 404
    mine = manager.get(URL, {**PERIOD, "level": "window"})
    assert mine.status_code == 200 and _rows(mine.content.decode()) == 0
    assert client_for(world.clerk_a).get(URL).status_code == 403
    assert client_for(None).get(URL).status_code == 302


@pytest.mark.parametrize("query", [{"page": "abc"}, {"page": "0"}, {"page": "9" * 30}, {"level": "galaxy"},
                                   {"date_from": "2026-13-45"}, {"unit": "-1"}])
def test_bad_input_on_the_league_page_is_ignored(world, many_windows, client_for, query):
    r = client_for(world.supervisor).get(URL, {**PERIOD, **query})
    assert r.status_code == 200
    assert "部分筛选条件无效" in r.content.decode()


def test_the_league_page_in_english(world, many_windows, client_for):
    client = client_for(world.supervisor)
    client.cookies["django_language"] = "en"
    html = client.get(URL, {**PERIOD, "level": "window"}).content.decode()
    assert "Window ranking" in html
    assert f"{PAGE_SIZE + 5} in all" in html and "Back to statistics" in html
    assert "排名" not in html and "查看全部" not in html
