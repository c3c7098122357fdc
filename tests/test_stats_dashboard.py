"""The analytics dashboard page: figures with definitions, charts' data, drill-down, scope and bad input."""
import json

import pytest
from django.contrib.staticfiles import finders

from bianmin.core import timeutil
from bianmin.ratings.models import Level
from bianmin.stats import rollup

from .stats_helpers import raw_rating

pytestmark = pytest.mark.django_db
URL = "/workbench/stats/"


@pytest.fixture
def rated(world):
    day = timeutil.today()
    for _ in range(8):
        raw_rating(world.site_a, day, Level.VERY_SATISFIED, window=world.window_a, staff=world.clerk_a.staff)
    raw_rating(world.site_a, day, Level.DISSATISFIED, window=world.window_a, staff=world.clerk_a.staff)
    raw_rating(world.site_b, day, Level.SATISFIED)
    raw_rating(world.site_other, day, Level.VERY_DISSATISFIED)
    world.site_a.latitude, world.site_a.longitude = 30.5, 114.3
    world.site_a.save()
    rollup.sweep()
    return world


def _chart_data(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="dashboard-data" type="application/json">') + len(
        '<script id="dashboard-data" type="application/json">')
    return json.loads(html[start:html.index("</script>", start)])


def test_supervisor_sees_the_county_with_definitions_and_chart_data(rated, client_for):
    r = client_for(rated.supervisor).get(URL)
    assert r.status_code == 200
    html = r.content.decode()
    assert "测试县" in html and 'data-test="kpi-good_rate"' in html
    assert "好评数 ÷ 评价数" in html  # every figure shows how it is counted
    assert "vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()
    data = _chart_data(r)
    assert sum(p["ratings"] for p in data["trend"]["points"]) == 10  # the neighbour county is not included
    assert {d["name"]: d["value"] for d in data["levels"]}["非常满意"] == 8
    assert [c["name"] for c in data["children"]] == ["测试县政务服务中心", "青山镇"]
    assert data["map"][0]["name"] == "测试县政务服务中心" and data["map"][0]["ratings"] == 9


def test_drill_down_from_county_to_site_to_windows_and_staff(rated, client_for):
    client = client_for(rated.supervisor)
    county = client.get(URL).content.decode()
    assert f'href="?site={rated.site_a.pk}&amp;' in county and f'href="?unit={rated.township.pk}&amp;' in county
    site = client.get(URL, {"site": rated.site_a.pk})
    html = site.content.decode()
    assert site.status_code == 200
    assert 'data-test="league-window"' in html and 'data-test="league-staff"' in html
    assert "王小红" in html and "综合窗口" in html
    assert 'data-test="league-site"' not in html
    assert "测试县政务服务中心" in html and 'data-test="crumbs"' in html


def test_manager_sees_only_their_site_and_others_are_not_found(rated, client_for):
    client = client_for(rated.manager_b)
    page = client.get(URL)
    assert page.status_code == 200
    assert sum(p["ratings"] for p in _chart_data(page)["trend"]["points"]) == 1
    assert client.get(URL, {"site": rated.site_a.pk}).status_code == 404
    assert client.get(URL, {"unit": rated.county.pk}).status_code == 404
    assert client_for(rated.supervisor).get(URL, {"site": rated.site_other.pk}).status_code == 404


def test_who_may_not_see_statistics(rated, client_for):
    assert client_for(rated.clerk_a).get(URL).status_code == 403
    anonymous = client_for(None).get(URL)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


@pytest.mark.parametrize("query", [{"date_from": "2026-13-45"}, {"unit": "abc"}, {"site": "-1"},
                                   {"date_from": "2026-11-30", "date_to": "2026-11-01"},
                                   {"date_from": "1900-01-01"}, {"unit": "9" * 40}])
def test_bad_filters_are_ignored_with_a_notice_never_a_500(rated, client_for, query):
    r = client_for(rated.supervisor).get(URL, query)
    assert r.status_code == 200
    if "date_from" in query and query["date_from"] != "1900-01-01":
        assert "部分筛选条件无效" in r.content.decode()


def test_long_periods_are_shown_by_month(rated, client_for):
    r = client_for(rated.supervisor).get(URL, {"date_from": "2026-01-01", "date_to": "2026-11-30"})
    trend = _chart_data(r)["trend"]
    assert trend["monthly"] and [p["step"] for p in trend["points"]][:2] == ["2026-01", "2026-02"]
    assert len(trend["points"]) == 11


def test_echarts_is_served_from_our_static_files():
    assert finders.find("vendor/echarts/echarts.min.js")
    assert finders.find("js/stats-dashboard.js")


def test_nav_shows_statistics_to_those_who_may_see_them(rated, client_for):
    assert 'data-test="nav-stats"' in client_for(rated.supervisor).get("/workbench/").content.decode()
    assert 'data-test="nav-stats"' not in client_for(rated.clerk_a).get("/workbench/").content.decode()
