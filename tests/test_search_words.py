"""Search words counted for managers (issue 15): one daily counter per word, misses counted, no personal data, and
the search-words page for centre managers and above."""
import datetime as dt

import pytest

from bianmin.catalog import searchlog, synonyms
from bianmin.catalog.models import SearchWordDay

from .search_catalogue import demo_catalogue


@pytest.fixture
def catalogue(world):
    synonyms.clear()
    yield demo_catalogue(world)
    synonyms.clear()


def counters() -> dict[str, tuple[int, int]]:
    return {w.query: (w.count, w.misses) for w in SearchWordDay.objects.all()}


def test_portal_searches_are_counted_per_word_and_day_with_misses(catalogue, client_for):
    c = client_for()
    for q in ("低保", "低保 ", "火星移民", "DiBao", "dibao"):
        assert c.get("/search/", {"q": q}).status_code == 200
    assert counters() == {"低保": (2, 0), "火星移民": (1, 1), "dibao": (2, 0)}


def test_api_searches_are_counted_once_not_per_page(catalogue, client_for):
    c = client_for()
    assert c.get("/api/v1/items", {"q": "社保", "limit": 2}).json()
    assert c.get("/api/v1/items", {"q": "社保", "limit": 2, "offset": 2}).status_code == 200
    c.get("/search/", {"q": "社保", "page": 2})
    assert counters() == {"社保": (1, 0)}


def test_empty_queries_are_not_counted(catalogue, client_for):
    c = client_for()
    c.get("/search/", {"q": "  "})
    c.get("/api/v1/items")
    assert SearchWordDay.objects.count() == 0


@pytest.mark.parametrize("q", ["13912345678", "身份证 110105199001011234", "11010519900101123X", "电话 139 1234 5678",
                               "0571-88889999"])
def test_phone_and_id_numbers_are_never_stored(catalogue, client_for, q):
    client_for().get("/search/", {"q": q})
    assert SearchWordDay.objects.count() == 0


def test_short_numbers_such_as_item_codes_are_counted(db):
    searchlog.record("DEMO-mz01", found=True)
    assert counters() == {"demo-mz01": (1, 0)}


def test_a_counter_is_one_row_per_day(db, set_now):
    set_now(dt.datetime(2026, 11, 23, 10))
    searchlog.record("低保", found=True)
    set_now(dt.datetime(2026, 11, 24, 10))
    searchlog.record("低保", found=False)
    assert sorted(SearchWordDay.objects.values_list("day", "count", "misses")) == [
        (dt.date(2026, 11, 23), 1, 0), (dt.date(2026, 11, 24), 1, 1)]


def test_search_words_page_shows_top_and_missed_words_to_managers(catalogue, world, client_for):
    c = client_for()
    for q in ("低保", "低保", "低保", "火星移民", "公租房"):
        c.get("/search/", {"q": q})
    html = client_for(world.manager_a).get("/workbench/catalog/search-words/").content.decode()
    top = html.split('data-test="sw-top"')[1]
    missed = html.split('data-test="sw-missed"')[1].split('data-test="sw-top"')[0]
    assert top.index("低保") < top.index("公租房")
    assert "火星移民" in missed and "低保" not in missed
    assert "已收录" in top  # 低保 is in the dictionary


@pytest.mark.parametrize("persona, status", [("clerk_a", 403), ("handler", 403), ("manager_a", 200),
                                             ("manager_b", 200), ("supervisor", 200)])
def test_search_words_page_is_for_managers_and_above(world, client_for, persona, status):
    assert client_for(getattr(world, persona)).get("/workbench/catalog/search-words/").status_code == status


def test_search_words_page_links_admins_to_add_a_missed_word(catalogue, world, client_for, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client_for().get("/search/", {"q": "公租房"})
    html = client_for(admin).get("/workbench/catalog/search-words/").content.decode()
    assert "/admin/catalog/searchsynonym/add/?term=%E5%85%AC%E7%A7%9F%E6%88%BF" in html


def test_stats_dashboard_links_the_search_words_page(world, client_for):
    html = client_for(world.manager_a).get("/workbench/stats/").content.decode()
    assert "/workbench/catalog/search-words/" in html


def test_admin_adds_a_synonym_prefilled_from_the_page_and_search_uses_it(catalogue, client_for, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    c = client_for(admin)
    form = c.get("/admin/catalog/searchsynonym/add/", {"term": "公租房"}).content.decode()
    assert 'value="公租房"' in form
    r = c.post("/admin/catalog/searchsynonym/add/", {"term": "公租房", "words": "公共租赁住房", "active": "on"})
    assert r.status_code == 302
    assert client_for().get("/api/v1/items", {"q": "gongzufang"}).json()[0]["name"] == "公共租赁住房保障资格审核"
    r = c.post("/admin/catalog/searchsynonym/add/", {"term": "空的", "words": " ，"})
    assert r.status_code == 200 and "请至少填写一个事项名称中的词" in r.content.decode()
