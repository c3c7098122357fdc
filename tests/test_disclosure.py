"""The public disclosure portal (/public/, /api/v1/public/units): figures for everyone, no sign-in, no personal
data, served from the cache (SPEC §9 以公开为常态, §11)."""
import datetime as dt
import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from bianmin.cases import services as case_services
from bianmin.catalog.guides import publish_guide
from bianmin.core import timeutil
from bianmin.core.masking import mask_id_number, mask_name, mask_phone
from bianmin.core.rates import Rate
from bianmin.disclosure import periods, public_cache
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Level
from bianmin.rectification.models import Ticket
from bianmin.rectification.states import Outcome, Status
from bianmin.stats import metrics, ranking, rollup
from bianmin.stats.metrics import Target

from .stats_helpers import raw_rating

pytestmark = pytest.mark.django_db

API = "/api/v1/public/units"
RATER_NAME = "欧阳娜娜"
RATER_PHONE = "13912345678"
RATER_ID = "110105199003071234"
COMMENT = "窗口推诿扯皮，让我跑了三趟才办成"


@pytest.fixture(autouse=True)
def empty_cache():
    """Reports and rate-limit counters live in the process-wide cache: start every test without them."""
    cache.clear()
    yield
    cache.clear()


def page_url(unit) -> str:
    return f"/public/units/{unit.pk}/"


def _ratings(world):
    """Ratings this month, last month and ten months ago at the county centre (window 1, clerk 王小红) and the
    township centre; one rating in the neighbouring county."""
    today = timeutil.today()
    last_month = periods.first_of_month(today, 1)
    long_ago = periods.first_of_month(today, 10) + dt.timedelta(days=3)
    staffed = {"window": world.window_a, "staff": world.clerk_a.staff, "item": world.item_committed}
    raw_rating(world.site_a, today, Level.VERY_SATISFIED, **staffed)
    raw_rating(world.site_a, today, Level.SATISFIED, **staffed)
    raw_rating(world.site_a, today, Level.DISSATISFIED, real_name=True, **staffed)
    raw_rating(world.site_b, today, Level.BASIC)
    raw_rating(world.site_a, last_month, Level.VERY_SATISFIED, **staffed)
    raw_rating(world.site_b, last_month, Level.VERY_DISSATISFIED)
    raw_rating(world.site_a, long_ago, Level.SATISFIED)
    raw_rating(world.site_a, today, Level.VERY_SATISFIED, is_default=True, channel="system")  # apart
    raw_rating(world.site_other, today, Level.VERY_SATISFIED)
    rollup.sweep()


def _bad_review_with_personal_data(world):
    """A real-name bad review whose case, rating and ticket carry the rater's name, phone, ID number and words."""
    case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                       applicant={"name": RATER_NAME, "phone": RATER_PHONE, "id_number": RATER_ID},
                                       window_id=world.window_a.pk)
    case_services.transition(case.pk, "accept", world.clerk_a, {})
    case_services.transition(case.pk, "complete", world.clerk_a, {"result": "准予办理", "delivery": "window"})
    rating, _ = rating_services.submit_with_token(rating_services.rating_link(case).token,
                                                  level=Level.VERY_DISSATISFIED, comment=COMMENT)
    Ticket.objects.filter(rating=rating).update(outcome_note=f"已电话联系{RATER_NAME}（{RATER_PHONE}）")
    rollup.sweep()
    return rating


def _cells(figure_rows, key):
    return {c["period"]: c for c in next(f for f in figure_rows if f["key"] == key)["cells"]}


def _expected_numbers(target, period):
    s = metrics.summary(target, period.date_from, period.date_to)
    return {key: (getattr(s, key).value if isinstance(getattr(s, key), Rate) else getattr(s, key))
            for key in metrics.LABELS}


# ---------------------------------------------------------------- anonymous access and the figures

def test_anyone_sees_the_unit_tree_with_this_months_and_the_years_figures(world, client):
    _ratings(world)
    r = client.get("/public/")
    assert r.status_code == 200
    html = r.content.decode()
    for name in ("测试省", "测试市", "测试县", "青山镇", "邻县", world.site_a.name, world.site_b.name):
        assert name in html
    assert world.civil_affairs.name not in html  # departments are ranked on their region's page, not listed
    tree = r.context["r"]["tree"]
    nodes = {}

    def walk(node):
        nodes[node["id"]] = node
        for site in node["sites"]:
            nodes[("site", site["id"])] = site
        for child in node["children"]:
            walk(child)

    for top in tree:
        walk(top)
    heads = periods.by_key(periods.headline(timeutil.today()))
    for key, target in [(world.county.pk, Target(unit=world.county)), (world.township.pk, Target(unit=world.township)),
                        (world.county.parent_id, Target(unit=world.county.parent)),
                        (("site", world.site_a.pk), Target(site=world.site_a))]:
        for f in nodes[key]["figures"]:
            s = metrics.summary(target, heads[f["period"]].date_from, heads[f["period"]].date_to)
            assert (f["ratings"], f["good_rate"], f["satisfaction_index"]) == (
                s.ratings, s.good_rate.value, s.satisfaction_index), (key, f["period"])
    county_now = nodes[world.county.pk]["figures"][0]
    assert county_now["ratings"] == 4  # this month: 3 at the county centre + 1 at the township; the default apart
    assert county_now["good_rate_display"] in html


def test_unit_page_publishes_the_figures_of_metrics_summary(world, client):
    _ratings(world)
    r = client.get(page_url(world.county))
    assert r.status_code == 200
    report = r.context["r"]
    assert [p["key"] for p in report["periods"]] == ["last_30_days", "last_month", "last_12_months"]
    heads = periods.headline(timeutil.today())
    target = Target(unit=world.county)
    for period in heads:
        expected = _expected_numbers(target, period)
        published = {f["key"]: _cells(report["figures"], f["key"])[period.key]["value"] for f in report["figures"]}
        assert published == expected, period.key
    # Every figure metrics lists, with its label and definition on the page.
    html = r.content.decode()
    for row in metrics.rows(metrics.summary(target, heads[0].date_from, heads[0].date_to)):
        assert row.label in html and row.definition in html
    assert _cells(report["figures"], "ratings")["last_30_days"]["value"] == 4
    # The twelve whole months before this one: last month's 2 and the one ten months ago, not today's.
    assert _cells(report["figures"], "ratings")["last_12_months"]["value"] == 3


def test_the_trend_has_twelve_months_each_equal_to_that_months_summary(world, client):
    _ratings(world)
    trend = client.get(page_url(world.county)).context["r"]["trend"]
    months = periods.trend_months(timeutil.today())
    assert [m["month"] for m in trend] == [m.key for m in months] and len(trend) == 12
    target = Target(unit=world.county)
    for row, month in zip(trend, months):
        s = metrics.summary(target, month.date_from, month.date_to)
        assert (row["ratings"], row["bad"], row["good_rate"], row["satisfaction_index"]) == (
            s.ratings, s.bad, s.good_rate.value, s.satisfaction_index), month.key
    assert [m["ratings"] for m in trend][-2:] == [0, 2] and sum(m["ratings"] for m in trend) == 3
    assert trend[-1]["to"] == (timeutil.today().replace(day=1) - dt.timedelta(days=1)).isoformat()


def test_league_tables_rank_sites_windows_and_departments_but_not_staff(world, api_for):
    _ratings(world)
    body = api_for().get(f"{API}/{world.county.pk}").json()
    year = periods.by_key(periods.headline(timeutil.today()))["last_12_months"]
    leagues = body["leagues"]
    assert set(leagues) == {"from", "to", "definition", "sites", "windows", "departments"}
    assert (leagues["from"], leagues["to"]) == (year.date_from.isoformat(), year.date_to.isoformat())
    for level, key in (("site", "sites"), ("window", "windows"), ("department", "departments")):
        expected = ranking.league(Target(unit=world.county), level, year.date_from, year.date_to)
        assert [(e["rank"], e["id"], e["ratings"], e["good_rate"]) for e in leagues[key]["entries"]] == [
            (e["rank"], e["id"], e["ratings"], e["good_rate"]) for e in expected]
    assert [e["name"] for e in leagues["sites"]["entries"]] == [world.site_a.name, world.site_b.name]
    window = leagues["windows"]["entries"][0]
    assert (window["name"], window["site"]) == ("1号 综合窗口", world.site_a.name)
    assert leagues["departments"]["entries"][0]["name"] == world.civil_affairs.name
    assert "staff" not in json.dumps(body)
    assert world.clerk_a.staff.name not in json.dumps(body, ensure_ascii=False)


def test_rectification_status_counts_tickets_by_stage(world, client, api_for):
    for phone in ("13800000031", "13800000032", "13800000033", "13800000034"):
        _bad_review_with_personal_data_at(world, phone)
    t1, t2, t3, _open = Ticket.objects.order_by("pk")
    Ticket.objects.filter(pk=t1.pk).update(status=Status.CLOSED)
    Ticket.objects.filter(pk=t2.pk).update(status=Status.ANSWERED)
    Ticket.objects.filter(pk=t3.pk).update(status=Status.RESOLVED, outcome=Outcome.MALICIOUS,
                                           exclusion_approved_by=world.supervisor)
    expected = {"received": 4, "in_progress": 1, "rectified": 1, "closed": 1, "excluded": 1}
    body = api_for().get(f"{API}/{world.county.pk}").json()
    assert body["rectification"]["last_30_days"] == expected
    assert body["rectification"]["last_12_months"] == dict.fromkeys(expected, 0)  # whole months only
    assert body["rectification"]["last_month"] == dict.fromkeys(expected, 0)
    assert body["rectification"]["last_30_days"] == client.get(page_url(world.county)).context["r"]["rectification"][
        "by_period"]["last_30_days"]
    assert api_for().get(f"{API}/{world.other_county.pk}").json()["rectification"]["last_30_days"]["received"] == 0


def _bad_review_with_personal_data_at(world, phone):
    case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                       applicant={"name": RATER_NAME, "phone": phone}, window_id=world.window_a.pk)
    case_services.transition(case.pk, "accept", world.clerk_a, {})
    case_services.transition(case.pk, "complete", world.clerk_a, {"result": "准予办理", "delivery": "window"})
    rating_services.submit_with_token(rating_services.rating_link(case).token, level=Level.DISSATISFIED,
                                      comment=COMMENT)


def test_api_figures_equal_metrics_summary_and_rates_are_shares(world, api_for):
    _ratings(world)
    r = api_for().get(f"{API}/{world.county.pk}")
    assert r.status_code == 200
    body = r.json()
    assert (body["id"], body["name"], body["code"], body["level"]) == (world.county.pk, "测试县", "990101000", "county")
    assert [p["id"] for p in body["parents"]] == [world.county.parent.parent_id, world.county.parent_id]
    for period in periods.headline(timeutil.today()):
        assert body["figures"][period.key] == _expected_numbers(Target(unit=world.county), period)
    assert body["figures"]["last_30_days"]["good_rate"] == 0.5  # 2 good of 4
    assert body["figures"]["last_month"]["coverage"] is None  # nothing to count: null, not 0
    assert set(body["definitions"]) == set(metrics.LABELS)
    assert [c["id"] for c in body["children"]] == [world.township.pk]  # not the civil-affairs department
    assert [s["id"] for s in body["sites"]] == [world.site_a.pk]


def test_the_unit_list_gives_top_units_and_their_children(world, api_for):
    body = api_for().get(API).json()
    province = world.county.parent.parent
    assert [(u["id"], u["children"]) for u in body["units"]] == [(province.pk, [world.county.parent_id])]


# ---------------------------------------------------------------- privacy

def test_no_rater_data_or_staff_name_reaches_pages_or_api(world, client, api_for):
    _ratings(world)
    rating = _bad_review_with_personal_data(world)
    # The data is there to leak: the rating and its case carry the rater's name, phone, ID number and words.
    assert (rating.rater_name, rating.rater_phone, rating.comment) == (RATER_NAME, RATER_PHONE, COMMENT)
    assert rating.case.applicant_id_number == RATER_ID
    outputs = [client.get(url).content.decode() for url in
               ("/public/", page_url(world.county), page_url(world.township), page_url(world.county.parent))]
    outputs += [json.dumps(api_for().get(url).json(), ensure_ascii=False) for url in
                (API, f"{API}/{world.county.pk}", f"{API}/{world.county.parent_id}")]
    assert json.loads(outputs[5])["rectification"]["last_30_days"]["received"] == 1  # there, as a count only
    secrets = [RATER_NAME, mask_name(RATER_NAME), RATER_PHONE, mask_phone(RATER_PHONE), RATER_ID,
               mask_id_number(RATER_ID), COMMENT, COMMENT[:6], world.clerk_a.staff.name, world.clerk_a.staff.work_id]
    for text in outputs:
        for secret in secrets:
            assert secret not in text


# ---------------------------------------------------------------- errors

def test_unknown_or_unpublished_unit_is_a_bilingual_404(world, client, api_for):
    for unit_id in (999999, world.civil_affairs.pk, 0, 10**30):
        page = client.get(f"/public/units/{unit_id}/")
        assert page.status_code == 404, unit_id
        assert "该单位不存在或未公开" in page.content.decode() and "No such unit" in page.content.decode()
    for unit_id in (999999, world.civil_affairs.pk):
        r = api_for().get(f"{API}/{unit_id}")
        assert r.status_code == 404
        assert r.json()["message"] == "该单位不存在或未公开。" and "No such unit" in r.json()["message_en"]
    assert "no-store" not in (api_for().get(f"{API}/999999").get("Cache-Control") or "")


@pytest.mark.parametrize("bad", ["abc", "0", "-3", "1.5", str(2**63), "9" * 40])
def test_malformed_ids_are_a_422(world, api_for, bad):
    r = api_for().get(f"{API}/{bad}")
    assert r.status_code == 422
    assert r.json()["message"] and r.json()["message_en"]


def test_only_get_is_allowed(world, client):
    assert client.post("/public/").status_code == 405
    assert client.post(page_url(world.county)).status_code == 405
    assert client.head(page_url(world.county)).status_code == 200


# ---------------------------------------------------------------- caching

def test_second_request_is_served_from_the_cache_without_queries(world, client, api_for,
                                                                  django_assert_num_queries):
    _ratings(world)
    api = api_for()
    pairs = [("/public/", client), (page_url(world.county), client), (API, api), (f"{API}/{world.county.pk}", api)]
    for url, c in pairs:
        first = c.get(url)
        assert first.status_code == 200
        with django_assert_num_queries(0):
            second = c.get(url)
        assert second.status_code == 200
        assert second.content == first.content or url.startswith("/public/")  # pages differ by their CSRF token


def test_cached_figures_stay_until_the_day_changes(world, api_for, set_now):
    _ratings(world)
    url = f"{API}/{world.county.pk}"
    before = api_for().get(url).json()["figures"]["last_30_days"]["ratings"]
    raw_rating(world.site_a, timeutil.today(), Level.SATISFIED)
    rollup.sweep()
    assert api_for().get(url).json()["figures"]["last_30_days"]["ratings"] == before  # cached
    set_now(timeutil.now() + dt.timedelta(days=1))
    assert api_for().get(url).json()["figures"]["last_30_days"]["ratings"] == before + 1


def test_cache_headers(world, client, api_for, monkeypatch):
    monkeypatch.setitem(settings.BIANMIN, "PUBLIC_CACHE_SECONDS", 120)
    api = api_for().get(f"{API}/{world.county.pk}")
    assert api["Cache-Control"] == "public, max-age=120"
    assert "Cookie" in api["Vary"] and not api.cookies
    page = client.get(page_url(world.county))
    assert "max-age=120" in page["Cache-Control"] and "Cookie" in page["Vary"]


def test_a_page_that_sets_a_cookie_is_kept_out_of_shared_caches(world, client):
    """The header's language switch needs a CSRF cookie; a proxy must not hand one visitor's cookie to all."""
    page = client.get("/public/")
    assert settings.CSRF_COOKIE_NAME in page.cookies
    assert page["Cache-Control"] == f"private, max-age={settings.BIANMIN['PUBLIC_CACHE_SECONDS']}"
    assert "sessionid" not in page.cookies  # no session for an anonymous visitor
    cookieless = public_cache.add_headers(RequestFactory().get("/public/"), HttpResponse("x"))
    assert cookieless["Cache-Control"] == f"public, max-age={settings.BIANMIN['PUBLIC_CACHE_SECONDS']}"


def test_rate_limit_applies_to_cache_misses_only(world, client, api_for, monkeypatch):
    monkeypatch.setitem(settings.BIANMIN, "PUBLIC_RATE_PER_MINUTE", 2)
    assert client.get(page_url(world.county)).status_code == 200
    assert client.get(page_url(world.township)).status_code == 200
    limited = client.get(page_url(world.other_county))
    assert limited.status_code == 429
    assert "操作过于频繁" in limited.content.decode() and "Too many requests" in limited.content.decode()
    r = api_for().get(f"{API}/{world.other_county.pk}")
    assert r.status_code == 429 and r.json()["message_en"].startswith("Too many requests")
    for _ in range(5):  # cached pages stay open to everyone behind the same address
        assert client.get(page_url(world.county)).status_code == 200


# ---------------------------------------------------------------- language, guides, links

def test_english_page_and_api_are_cached_apart_from_chinese(world, client, api_for):
    _ratings(world)
    chinese = client.get(page_url(world.county)).content.decode()
    assert "1号 综合窗口" in chinese and '<html lang="zh-CN">' in chinese
    client.cookies["django_language"] = "en"
    english = client.get(page_url(world.county))
    assert english.status_code == 200 and english["Content-Language"] == "en"
    html = english.content.decode()
    assert '<html lang="en">' in html and "Window 1 综合窗口" in html and "1号 综合窗口" not in html
    assert "County / district" in client.get("/public/").content.decode()
    body = api_for().get(f"{API}/{world.county.pk}", {"lang": "en"}).json()
    assert body["leagues"]["windows"]["entries"][0]["name"] == "Window 1 综合窗口"
    assert api_for().get(f"{API}/{world.county.pk}").json()["leagues"]["windows"]["entries"][0]["name"] == "1号 综合窗口"


def test_unit_page_links_the_units_service_guides(world, client):
    publish_guide(world.item_committed)
    publish_guide(world.item_instant)
    world.item_instant.secret = True
    world.item_instant.save()
    county = client.get(page_url(world.county))
    guides = county.context["r"]["guides"]
    assert guides["total"] == 1
    assert [g["url"] for g in guides["items"]] == [f"/guides/{world.item_committed.code}/"]
    assert f'href="/guides/{world.item_committed.code}/"' in county.content.decode()
    assert client.get(page_url(world.township)).context["r"]["guides"]["total"] == 0


def test_portal_home_links_to_the_disclosure_portal(world, client):
    assert 'href="/public/"' in client.get("/").content.decode()


def test_only_numbers_are_published_as_figures():
    from bianmin.disclosure.report import publishable

    assert all(publishable(v) for v in (None, 0, 3, 62.5, Rate(1, 2), Rate(0, 0)))
    assert not any(publishable(v) for v in ("13912345678", True, {"name": RATER_NAME}, [1]))
