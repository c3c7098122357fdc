"""The dashboard's queue section: headline figures, the waiting-time chart by hour (its data and its table for
screen readers), the figures per window of a site or per site of a unit, all within the viewer's scope."""
from __future__ import annotations

import json

import pytest
from django.contrib.staticfiles import finders

from bianmin.stats import queue_rollup

from .stats_queue_helpers import DAY, known_day, ticket

pytestmark = pytest.mark.django_db
URL = "/workbench/stats/"
PERIOD = {"date_from": DAY.isoformat(), "date_to": DAY.isoformat()}


@pytest.fixture
def queued(world):
    known_day(world)
    ticket(world.site_b, "14:10", wait=12)
    queue_rollup.rebuild(DAY, DAY)
    return world


def _queue_data(html: str) -> dict:
    start = html.index('<script id="queue-data" type="application/json">') + len(
        '<script id="queue-data" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])


def _section(html: str) -> str:
    return html.split('data-test="queue"')[1].split("</section>")[0]


def test_the_manager_sees_the_queue_of_their_centre(queued, client_for):
    r = client_for(queued.manager_a).get(URL, PERIOD)
    assert r.status_code == 200
    html = r.content.decode()
    section = _section(html)
    assert 'data-test="queue-kpi-average_wait_minutes"' in section and "19.0" in section
    assert "等候≤30分钟占比" in section and "80.0%" in section
    assert 'data-test="chart-queue-hours"' in section and 'role="img"' in section
    # The chart's numbers are in a table too (screen readers, no script), one row per hour.
    assert section.count('data-test="queue-hour"') == 2
    assert section.count('data-test="queue-row"') == 2 and "1号 综合窗口" in section
    data = _queue_data(html)
    assert [(h["hour"], h["tickets"], h["average_wait_minutes"]) for h in data["hours"]] == [
        ("09:00", 3, 30.0), ("10:00", 4, 2.5)]
    assert data["target_minutes"] == 30
    assert "js/stats-queue.js" in html and finders.find("js/stats-queue.js")
    assert "<script>" not in html.split('id="queue-data"')[1]  # no inline script (CSP)


def test_the_other_centres_manager_sees_only_their_own_queue(queued, client_for):
    client = client_for(queued.manager_b)
    section = _section(client.get(URL, PERIOD).content.decode())
    assert "1号 综合窗口" not in section and section.count('data-test="queue-row"') == 1
    assert [h["hour"] for h in _queue_data(client.get(URL, PERIOD).content.decode())["hours"]] == ["14:00"]
    assert client.get(URL, {**PERIOD, "site": queued.site_a.pk}).status_code == 404


def test_the_supervisor_sees_the_sites_of_the_county(queued, client_for):
    section = _section(client_for(queued.supervisor).get(URL, PERIOD).content.decode())
    assert section.count('data-test="queue-row"') == 2
    assert queued.site_a.name in section and queued.site_b.name in section
    assert f'href="?site={queued.site_a.pk}&amp;' in section
    assert "邻县" not in section


def test_an_empty_period_says_so(world, client_for):
    html = client_for(world.manager_a).get(URL, PERIOD).content.decode()
    assert 'data-test="queue-empty"' in html and 'data-test="chart-queue-hours"' not in html


def test_the_queue_section_in_english(queued, client_for):
    client = client_for(queued.manager_a)
    client.cookies["django_language"] = "en"
    html = client.get(URL, PERIOD, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Queue and appointments" in html and "Average wait (minutes)" in html and "Waited ≤ 30 min" in html
