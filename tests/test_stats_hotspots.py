"""Hot spots (堵点难点): recurring themes in bad reviews, complaints and hotline orders, scoped, linked to their
sources, with no rater's or caller's name or phone anywhere in the output."""
import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from bianmin.core import timeutil
from bianmin.ratings import comments
from bianmin.ratings.models import Level, Rating
from bianmin.stats import hotspots, segmentation
from bianmin.stats.hotspot_sources import Kind, Record
from bianmin.stats.metrics import Target

from .hotline_helpers import intake
from .stats_helpers import TZ, raw_rating
from .ticket_helpers import bad_rating, ticket_of

PAGE = "/workbench/stats/hotspots/"
API = "/api/v1/stats/hotspots"
RECORDS_API = "/api/v1/stats/hotspots/records"


@pytest.fixture(autouse=True)
def empty_cache():
    """Results are cached by scope and period; ids repeat between tests, so every test starts afresh."""
    cache.clear()
    yield
    cache.clear()


def _bad(site, text, *, day=None, item=None, name="", phone="", level=Level.DISSATISFIED) -> Rating:
    """A bad rating with a comment, written straight to the table (no ticket)."""
    rating = raw_rating(site, day or timeutil.today(), level, item=item)
    Rating.objects.filter(pk=rating.pk).update(comment=text, rater_name=name, rater_phone=phone)
    return rating


def _record(pk, text, item=None, unit=None) -> Record:
    return Record(Kind.RATING, pk, dt.datetime(2025, 3, 1, 10, tzinfo=TZ), text, (), (), item, unit)


def _themes(body) -> dict:
    return {t["term"]: t["records"] for t in body["themes"]}


# ---------------------------------------------------------------- segmentation and counting (no database)

def test_domain_words_stay_whole():
    words = segmentation.words("办营业执照和不动产登记要跑腿，排队很久，没有一次性告知，社保卡也办不了")
    for word in ("营业执照", "不动产登记", "跑腿", "排队", "一次性告知", "社保卡"):
        assert word in words, words


def test_stop_words_single_characters_and_numbers_are_not_terms():
    terms = segmentation.terms("工作人员在窗口办理时没有反映问题，市民等了3个小时，2025年服务很差，排队")
    assert "排队" in terms
    assert not {"工作人员", "窗口", "办理", "没有", "反映", "问题", "市民", "服务"} & set(terms), terms
    assert all(len(t) >= 2 and not any(c.isdigit() for c in t) for t in terms), terms


def test_support_counts_distinct_records_not_repeats():
    records = [_record(1, "排队排队排队，排队太久了，停车难"), _record(2, "排队的人很多，停车难"),
               _record(3, "又是排队"), _record(4, "停车难"), _record(5, "叫号系统坏了")]
    analysis = hotspots.analyse_records(records, support=2)
    themes = {t.term: t.records for t in analysis.themes}
    assert themes["排队"] == 3  # four mentions in record 1 still make one record
    assert themes["停车难"] == 3
    assert "叫号" not in themes  # one record only: below the minimum support
    assert [(p.terms, p.records) for p in analysis.pairs] == [(("停车难", "排队"), 2)]
    assert analysis.themes[0].share == pytest.approx(3 / 5)


def test_a_pair_is_not_shown_when_one_term_never_occurs_without_the_other():
    records = [_record(1, "停车难，排队"), _record(2, "停车难，排队"), _record(3, "排队")]
    assert hotspots.analyse_records(records, support=2).pairs == []


def test_themes_are_counted_per_item_and_per_unit():
    item_a, item_b, unit = ("item:1", "营业执照办理"), ("item:2", "社保卡申领"), ("site:1", "测试中心")
    records = [_record(1, "排队太久", item_a, unit), _record(2, "还是排队", item_a, unit),
               _record(3, "自助机坏了", item_b, unit), _record(4, "自助机不能用", item_b, unit)]
    analysis = hotspots.analyse_records(records, support=2)
    by_item = {g.label: dict(g.themes) for g in analysis.by_item}
    assert by_item == {"营业执照办理": {"排队": 2}, "社保卡申领": {"自助机": 2}}
    assert [(g.label, g.records) for g in analysis.by_unit] == [("测试中心", 4)]
    theme = next(t for t in analysis.themes if t.term == "排队")
    assert theme.items == [("营业执照办理", 2)] and theme.units == [("测试中心", 2)]


def test_the_raters_own_name_never_becomes_a_theme():
    records = [Record(Kind.RATING, i, dt.datetime(2025, 3, 1, tzinfo=TZ), "我是欧阳秀英，排队", ("欧阳秀英",),
                      ("13588889999",), None, None) for i in (1, 2)]
    assert [t.term for t in hotspots.analyse_records(records, support=2).themes] == ["排队"]


# ---------------------------------------------------------------- scope

@pytest.fixture
def two_sites(world):
    _bad(world.site_a, "叫号太慢，等了很久")
    _bad(world.site_a, "叫号屏幕看不清")
    _bad(world.site_b, "停车难，只能停路边")
    _bad(world.site_b, "停车难")
    return world


def test_a_site_manager_sees_the_themes_of_their_own_site_only(two_sites, client_for, api_for):
    w = two_sites
    body = api_for(w.manager_b).get(API).json()
    assert body["site"] == w.site_b.pk and _themes(body) == {"停车难": 2}
    page = client_for(w.manager_b).get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-term="停车难"' in html and 'data-term="叫号"' not in html
    for params in ({"site": w.site_a.pk}, {"unit": w.county.pk}, {"unit": 999999}):
        assert client_for(w.manager_b).get(PAGE, params).status_code == 404
        assert api_for(w.manager_b).get(API, params).status_code == 404


def test_a_supervisor_sees_the_whole_subtree_and_can_narrow_it(two_sites, client_for, api_for):
    w = two_sites
    assert _themes(api_for(w.supervisor).get(API).json()) == {"叫号": 2, "停车难": 2}
    assert _themes(api_for(w.supervisor).get(API, {"site": w.site_b.pk}).json()) == {"停车难": 2}
    html = client_for(w.supervisor).get(PAGE, {"scope": f"site-{w.site_a.pk}"}).content.decode()
    assert 'data-term="叫号"' in html and 'data-term="停车难"' not in html
    assert client_for(w.supervisor).get(PAGE, {"unit": w.other_county.pk}).status_code == 404


def test_people_without_the_right_are_refused(world, client_for, api_for):
    r = client_for().get(PAGE)
    assert r.status_code == 302 and reverse("login") in r["Location"]
    assert client_for(world.clerk_a).get(PAGE).status_code == 403
    assert api_for(None).get(API).status_code == 401
    assert api_for(world.clerk_a).get(API).status_code == 403
    assert api_for(world.clerk_a).get(RECORDS_API, {"term": "排队"}).status_code == 403


# ---------------------------------------------------------------- sources and their links

@pytest.fixture
def three_sources(hw, api_for):
    """One theme (自助机) in a bad review with a ticket, a complaint and a hotline order, each left by a
    person whose name and phone must never show; a second theme (预约) in two orders, one confidential."""
    w = hw.base
    rating = bad_rating(w, phone="13812345678")  # rater 刘德华 (rating_helpers.finished_case)
    Rating.objects.filter(pk=rating.pk).update(comment="自助机总是坏，刘德华电话13812345678，预约不上")
    complaint = comments.add_comment(w.manager_a, source="mailbox", is_complaint=True, target_unit=w.county,
                                     text="大厅自助机无法打印，联系人张三丰", contact_name="张三丰",
                                     contact_phone="13700001111")
    agent = api_for(hw.agent)
    order = intake(agent, category="BDC", text="不动产登记自助机不能用，我叫欧阳秀英，电话13588889999",
                   caller={"name": "欧阳秀英", "phone": "13588889999", "confidential": True})
    secret = intake(agent, category="BDC", text="网上预约一直约不上，自助机也用不了，来电人周晓梅",
                    caller={"name": "周晓梅", "phone": "13911112222"})
    return {"rating": rating, "ticket": ticket_of(rating), "complaint": complaint, "order": order["id"],
            "other_order": secret["id"], "world": w}


LEAKS = ["刘德华", "刘*华", "13812345678", "138****5678", "张三丰", "张*丰", "13700001111", "137****1111",
         "欧阳秀英", "欧**英", "13588889999", "135****9999", "周晓梅", "周*梅", "13911112222", "139****2222"]


def test_themes_come_from_all_three_sources(three_sources, api_for):
    w = three_sources["world"]
    body = api_for(w.supervisor).get(API).json()
    assert body["by_source"] == {"rating": 1, "complaint": 1, "hotline": 2}
    themes = _themes(body)
    assert themes["自助机"] == 4 and themes["预约"] == 2
    only_hotline = api_for(w.supervisor).get(API, {"source": "hotline"}).json()
    assert only_hotline["by_source"] == {"hotline": 2} and _themes(only_hotline)["自助机"] == 2
    assert "预约" not in _themes(only_hotline)  # the other one was in a bad review


def test_each_record_links_to_its_own_page(three_sources, client_for, api_for):
    s = three_sources
    w = s["world"]
    body = api_for(w.supervisor).get(RECORDS_API, {"term": "自助机"}).json()
    links = {(r["source"], r["id"]): [link["url"] for link in r["links"]] for r in body["records"]}
    assert body["total"] == 4
    assert links[("rating", s["rating"].pk)][0] == reverse("rectification:ticket", args=[s["ticket"].pk])
    assert links[("complaint", s["complaint"].pk)][0] == reverse("feedback:comment", args=[s["complaint"].pk])
    assert links[("hotline", s["order"])] == [reverse("hotline:order", args=[s["order"]])]
    html = client_for(w.supervisor).get(PAGE, {"term": "自助机"}).content.decode()
    assert html.count('data-test="hs-record"') == 4
    for url in (reverse("rectification:ticket", args=[s["ticket"].pk]), reverse("hotline:order", args=[s["order"]]),
                reverse("feedback:comment", args=[s["complaint"].pk])):
        assert f'href="{url}"' in html
    assert "<mark>自助机</mark>" in html


def test_a_rating_without_a_ticket_links_to_the_rating(world, api_for):
    rating = _bad(world.site_a, "预约系统打不开")
    _bad(world.site_a, "预约总是失败")
    body = api_for(world.supervisor).get(RECORDS_API, {"term": "预约"}).json()
    urls = {r["id"]: r["links"][0]["url"] for r in body["records"]}
    assert urls[rating.pk] == reverse("ratings:detail", args=[rating.pk])


def test_a_pair_lists_the_records_holding_both_terms(world, client_for):
    _bad(world.site_a, "排队太久，叫号乱")
    _bad(world.site_a, "叫号不按顺序，排队的人吵")
    _bad(world.site_a, "排队")
    html = client_for(world.supervisor).get(PAGE, {"term": "叫号 排队"}).content.decode()
    assert html.count('data-test="hs-record"') == 2


def test_no_names_or_phones_of_raters_or_callers_in_any_output(three_sources, client_for, api_for):
    w = three_sources["world"]
    outputs = [api_for(w.supervisor).get(API).content.decode()]
    for term in ("自助机", "预约"):
        outputs.append(api_for(w.supervisor).get(RECORDS_API, {"term": term}).content.decode())
        page = client_for(w.supervisor).get(PAGE, {"term": term})
        assert page.status_code == 200
        outputs.append(page.content.decode())
    outputs.append(client_for(w.manager_a).get(PAGE, {"term": "自助机"}).content.decode())
    text = "\n".join(outputs)
    assert "自助机" in text and "不动产登记" in text  # the matter itself stays readable
    for leak in LEAKS:
        assert leak not in text, leak


# ---------------------------------------------------------------- period, cap, empty state

def test_an_empty_period_shows_an_empty_state(two_sites, client_for, api_for):
    w = two_sites
    params = {"date_from": "2020-01-01", "date_to": "2020-01-31"}
    html = client_for(w.supervisor).get(PAGE, params).content.decode()
    assert 'data-test="hs-empty"' in html and 'data-test="hs-themes"' not in html
    body = api_for(w.supervisor).get(API, {"from": "2020-01-01", "to": "2020-01-31"}).json()
    assert (body["records"], body["themes"], body["capped"]) == (0, [], False)


def test_records_outside_the_period_are_not_read(world, api_for):
    old = timeutil.today() - dt.timedelta(days=60)
    _bad(world.site_a, "停车难", day=old)
    _bad(world.site_a, "停车难", day=old)
    _bad(world.site_a, "停车难")
    assert "停车难" not in _themes(api_for(world.supervisor).get(API).json())  # default: the last 30 days
    body = api_for(world.supervisor).get(API, {"from": old.isoformat()}).json()
    assert _themes(body)["停车难"] == 3


def test_the_page_says_when_only_the_newest_records_were_read(world, client_for, settings):
    settings.BIANMIN = {**settings.BIANMIN, "HOTSPOT_MAX_RECORDS": 3}
    for hour in range(8, 13):
        raw = _bad(world.site_a, "停车难")
        Rating.objects.filter(pk=raw.pk).update(created_at=dt.datetime.combine(timeutil.today(), dt.time(hour),
                                                                               tzinfo=TZ))
    html = client_for(world.supervisor).get(PAGE).content.decode()
    assert 'data-test="hs-capped"' in html
    analysis = hotspots.analyse(Target(unit=world.county), timeutil.today(), timeutil.today())
    assert (analysis.records, analysis.capped) == (3, True)
    assert analysis.since.astimezone(TZ).hour == 10  # the third newest
    found = hotspots.records_with(Target(unit=world.county), timeutil.today(), timeutil.today(), "停车难",
                                  since=analysis.since)
    assert len(found) == 3


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("params", [
    {"from": "2025-13-01"}, {"to": "yesterday"}, {"unit": "abc"}, {"from": "2025-03-02", "to": "2025-03-01"},
    {"from": "1990-01-01", "to": "2025-01-01"}, {"source": "weibo"}, {"unit": "1", "site": "1"},
])
def test_bad_api_input_is_a_422_in_both_languages(world, api_for, params):
    r = api_for(world.supervisor).get(API, params)
    assert r.status_code == 422, r.content.decode()
    assert r.json()["message"] and r.json()["message_en"]


BAD_RECORD_QUERIES = [{}, {"term": ""}, {"term": "x" * 41}, {"term": "排队 叫号 停车"}, {"term": "排队\t"},
                      {"term": "排队", "page": "0"}]


def test_bad_record_queries_are_a_422(world, api_for):
    client = api_for(world.supervisor)
    for params in BAD_RECORD_QUERIES:
        r = client.get(RECORDS_API, params)
        assert r.status_code == 422, (params, r.content.decode())
        assert r.json()["message"] and r.json()["message_en"]


BAD_PAGE_FILTERS = [{"scope": "unit-abc"}, {"date_from": "2025-13-01"}, {"source": "weibo"}, {"term": "x" * 41},
                    {"date_from": "2025-03-02", "date_to": "2025-03-01"}, {"term": "排队 叫号 停车"}]


def test_bad_page_filters_are_dropped_and_the_page_says_so(two_sites, client_for):
    client = client_for(two_sites.supervisor)
    for params in BAD_PAGE_FILTERS:
        r = client.get(PAGE, params)
        assert r.status_code == 200, params
        html = r.content.decode()
        assert 'data-test="filter-error"' in html and 'data-term="停车难"' in html, params


def test_a_period_longer_than_ten_years_is_refused_on_the_page(two_sites, client_for):
    r = client_for(two_sites.supervisor).get(PAGE, {"date_from": "1990-01-01", "date_to": "2025-01-01"})
    assert r.status_code == 200 and 'data-test="period-error"' in r.content.decode()


def test_hotspots_are_in_the_openapi_schema(db, client_for):
    paths = client_for().get("/api/v1/openapi.json").json()["paths"]
    assert {API, RECORDS_API} <= paths.keys()
