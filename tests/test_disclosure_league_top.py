"""The public unit page shows the top of each ranking and links to the whole table (?all=1); the API keeps every
entry. Fifty windows printed in full made a county's page about 40,000 px tall on a phone (issue 15 §2)."""
import datetime as dt
import re

import pytest
from django.core.cache import cache

from bianmin.core import timeutil
from bianmin.disclosure.leagues import PAGE_TOP
from bianmin.orgs.models import Window
from bianmin.stats import months
from bianmin.stats.models import DailyRollup, Dimension

pytestmark = pytest.mark.django_db

EXTRA = 3  # windows beyond the top shown on the page


@pytest.fixture(autouse=True)
def empty_cache():
    """The reports are cached process-wide: start and end every test without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def many_windows(world):
    """PAGE_TOP + EXTRA rated windows at site A (the league reads only rollups: written directly, i + 1 good each)."""
    day = timeutil.today().replace(day=1) - dt.timedelta(days=1)  # last month: inside "the last 12 months" either way
    windows = [Window.objects.create(site=world.site_a, number=str(100 + i), name=f"排行窗口{i}")
               for i in range(PAGE_TOP + EXTRA)]
    DailyRollup.objects.bulk_create(
        DailyRollup(day=day, dimension=Dimension.WINDOW, key=str(w.pk), unit_path=world.site_a.unit.path,
                    site_key=world.site_a.pk, ratings=i + 1, satisfied=i + 1) for i, w in enumerate(windows))
    months.refresh([day])
    return windows


def window_rows(html: str) -> list[str]:
    table = re.search(r'data-test="league-windows".*?</table>', html, re.S)
    assert table, "no window ranking on the page"
    return re.findall(r'<tr data-test="league-entry">.*?</tr>', table.group(0), re.S)


def test_unit_page_shows_the_top_of_a_ranking_and_links_to_the_whole_table(world, many_windows, client):
    html = client.get(f"/public/units/{world.county.pk}/").content.decode()
    rows = window_rows(html)
    assert len(rows) == PAGE_TOP
    assert f"排行窗口{PAGE_TOP + EXTRA - 1}" in rows[0]  # the busiest first
    assert 'href="?all=1#league-windows"' in html


def test_whole_table_lists_every_entry_and_links_back_to_the_top(world, many_windows, client):
    html = client.get(f"/public/units/{world.county.pk}/?all=1").content.decode()
    assert len(window_rows(html)) == PAGE_TOP + EXTRA
    assert 'href="?all=1#league-windows"' not in html
    assert 'data-test="league-top"' in html


def test_short_ranking_has_no_link_to_a_whole_table(world, client):
    html = client.get(f"/public/units/{world.county.pk}/").content.decode()
    assert "?all=1" not in html


def test_api_keeps_every_entry_of_the_ranking(world, many_windows, api_for):
    body = api_for().get(f"/api/v1/public/units/{world.county.pk}").json()
    assert len(body["leagues"]["windows"]["entries"]) == PAGE_TOP + EXTRA
