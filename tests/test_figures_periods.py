"""Reading the figures (issue #15 item 3): one default period for the dashboard, the API, the hot spots and
the portal, named in words on every page; plain counts shown as numbers, rates with their fraction; the
ranking's confidence bound explained beside its column; the portal's 近12个月 is twelve whole months; and
收到差评 beside 差评数 says why the two differ."""
import datetime as dt
import re

import pytest
from django.core.cache import cache

from bianmin.core import timeutil
from bianmin.disclosure import periods as portal_periods
from bianmin.ratings.models import Level, Rating
from bianmin.rectification.models import Ticket
from bianmin.rectification.states import Outcome, Status
from bianmin.stats import api as stats_api
from bianmin.stats import periods, rollup
from bianmin.stats.views_dashboard import presets

from .stats_helpers import raw_rating
from .ticket_helpers import bad_rating, ticket_of

DASHBOARD = "/workbench/stats/"
TODAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


# ---------------------------------------------------------------- the one default period

def test_the_default_period_is_the_last_30_days_today_included():
    assert periods.default_period(TODAY) == (dt.date(2026, 11, 3), TODAY)


@pytest.mark.parametrize(("date_from", "date_to", "words"), [
    (dt.date(2026, 11, 3), TODAY, "近30天：11月3日—12月2日"),
    (dt.date(2026, 11, 1), dt.date(2026, 11, 30), "2026年11月（上一个完整月）"),
    (dt.date(2026, 10, 1), dt.date(2026, 10, 31), "2026年10月"),
    (dt.date(2026, 12, 1), TODAY, "2026年12月（本月至今：12月1日—12月2日）"),
    (dt.date(2025, 12, 20), dt.date(2026, 1, 5), "2025年12月20日—2026年1月5日"),
    (dt.date(2026, 11, 5), dt.date(2026, 11, 5), "2026年11月5日"),
])
def test_every_period_is_named_in_words(date_from, date_to, words):
    assert periods.describe(date_from, date_to, TODAY) == words


def test_the_api_default_is_the_same_period():
    assert stats_api.period(None, None) == periods.default_period()


def test_the_twelve_months_preset_is_twelve_whole_months():
    by_label = {label: (start, end) for label, start, end in presets(TODAY)}
    assert by_label["近12个月"] == (dt.date(2025, 12, 1), dt.date(2026, 11, 30))
    assert by_label["近30天"] == periods.default_period(TODAY)


# ---------------------------------------------------------------- the dashboard

@pytest.fixture
def rated(world):
    day = timeutil.today()
    for _ in range(10):
        raw_rating(world.site_a, day, Level.VERY_SATISFIED, window=world.window_a, staff=world.clerk_a.staff)
    raw_rating(world.site_a, day, Level.DISSATISFIED, window=world.window_a, staff=world.clerk_a.staff)
    rollup.sweep()
    return world


@pytest.mark.django_db
def test_the_dashboard_defaults_to_the_last_30_days_and_says_so(rated, client_for):
    html = client_for(rated.supervisor).get(DASHBOARD).content.decode()
    date_from, date_to = periods.default_period()
    label = re.search(r'data-test="dash-period">([^<]*)<', html).group(1)
    assert label == periods.describe(date_from, date_to) and label.startswith("近30天：")
    assert f'name="date_from" value="{date_from.isoformat()}"' in html  # the fields show it too


@pytest.mark.django_db
def test_plain_counts_are_numbers_and_rates_keep_their_fraction(rated, client_for):
    html = client_for(rated.supervisor).get(DASHBOARD).content.decode()

    def cell(key):
        row = re.search(rf'data-test="figure-{key}">(.*?)</tr>', html, re.S).group(1)
        return re.sub(r"<[^>]+>", "", row.split("</td>")[1]).strip()

    assert cell("ratings") == "11"  # once "11 (11 / 1)"
    assert cell("overdue") == "0"
    assert cell("good_rate") == "90.9% (10 / 11)"


@pytest.mark.django_db
def test_the_confidence_bound_is_explained_beside_the_ranking(rated, client_for):
    html = client_for(rated.supervisor).get(DASHBOARD, {"site": rated.site_a.pk}).content.decode()
    note = re.search(r'data-test="ranking-note">(.*?)</p>', html, re.S).group(1)
    assert "95% 置信下限" in note and "评价越少" in note
    # 10 good of 11: the rate and the bound the note cites are what the table shows.
    assert "91%" in html and "62%" in html


@pytest.mark.django_db
def test_the_dashboard_in_english_names_the_period_in_english(rated, client_for):
    client = client_for(rated.supervisor)
    client.cookies["django_language"] = "en"
    html = client.get(DASHBOARD).content.decode()
    label = re.search(r'data-test="dash-period">([^<]*)<', html).group(1)
    assert label.startswith("Last 30 days") and not re.search(r"[\u4e00-\u9fff]", label)
    assert "95% lower confidence bound" in html


# ---------------------------------------------------------------- the portal

def test_the_portals_twelve_months_are_twelve_whole_months_named_with_their_dates():
    heads = portal_periods.by_key(portal_periods.headline(TODAY))
    year = heads["last_12_months"]
    assert (year.date_from, year.date_to) == (dt.date(2025, 12, 1), dt.date(2026, 11, 30))  # not 1 January – today
    assert year.range == "2025年12月—2026年11月"
    recent = heads[portal_periods.DEFAULT_KEY]
    assert (recent.date_from, recent.date_to) == periods.default_period(TODAY)
    assert recent.range == "11月3日—12月2日"
    trend = portal_periods.trend_months(TODAY)
    assert (trend[0].date_from, trend[-1].date_to) == (year.date_from, year.date_to) and len(trend) == 12


@pytest.mark.django_db
def test_the_portal_pages_show_each_period_with_its_dates(world, client):
    heads = portal_periods.by_key(portal_periods.headline(timeutil.today()))
    index = client.get("/public/").content.decode()
    assert f"{heads['last_12_months'].label}：{heads['last_12_months'].range}" in index
    assert f"{heads['last_30_days'].label}：{heads['last_30_days'].range}" in index
    unit = client.get(f"/public/units/{world.county.pk}/").content.decode()
    assert heads["last_12_months"].range in unit and heads["last_month"].range in unit


@pytest.mark.django_db
def test_received_bad_reviews_and_the_bad_count_say_why_they_differ(world, client):
    kept = ticket_of(bad_rating(world, phone="13800000061"))
    excluded = ticket_of(bad_rating(world, phone="13800000062"))
    Ticket.objects.filter(pk=excluded.pk).update(status=Status.RESOLVED, outcome=Outcome.MALICIOUS,
                                                 exclusion_approved_by=world.supervisor)
    Rating.objects.filter(pk=excluded.rating_id).update(excluded=True)
    rollup.rebuild()
    r = client.get(f"/public/units/{world.county.pk}/")
    notes = r.context["r"]["rectification"]["notes"]
    recent = next(n for n in notes if n["period"] == portal_periods.DEFAULT_KEY)["text"]
    assert "收到差评 2 件按整改工单计，差评数 1 条按评价计" in recent
    assert "认定误评/恶意差评 1 件" in recent
    assert 'data-test="reconcile"' in r.content.decode()
    assert kept.rating_id  # the other one is in both counts


@pytest.mark.django_db
def test_no_note_when_the_two_counts_agree(world, client):
    bad_rating(world, phone="13800000071")
    rollup.sweep()
    notes = client.get(f"/public/units/{world.county.pk}/").context["r"]["rectification"]["notes"]
    assert not [n for n in notes if n["period"] == portal_periods.DEFAULT_KEY]
