"""The outside probe's inputs (issue 14 §2): each answered a 500; each is now a clear 4xx, in Chinese and English,
with nothing stored — on SQLite and on PostgreSQL alike (PostgreSQL text cannot hold NUL; SQLite integers end at
2^63). The boundary that refuses them is one place: bianmin/core/middleware.py (text, size) and the API's
integer rule (bianmin/api.py, bianmin/core/inputs.py)."""
import json
import re
from urllib.parse import urlencode

import pytest
from django.core.cache import cache

from bianmin.core.models import Clock
from bianmin.hotline.models import Open311Client, WorkOrder, WorkOrderEvent

from .hotline_helpers import intake, post

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # > 2^64
HUGER = "99999999999999999999999"
CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN = re.compile(r"[A-Za-z]{3}")


@pytest.fixture
def client(client_for):
    return client_for(None)


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()  # Open311's per-address POST limit counts in the cache
    yield
    cache.clear()


def stored() -> tuple:
    return WorkOrder.objects.count(), WorkOrderEvent.objects.count(), Clock.objects.count()


def api_refused(r, statuses=(400, 422)) -> dict:
    """The project's JSON error: a 4xx with `message` (中文) and `message_en` (English)."""
    assert r.status_code in statuses, (r.status_code, r.content[:300])
    body = r.json()
    assert CJK.search(body["message"]) and LATIN.search(body["message_en"]), body
    return body


def open311_refused(r, statuses=(400,)) -> str:
    """Open311's error list `[{"code", "description"}]`, the description in both languages."""
    assert r.status_code in statuses, (r.status_code, r.content[:300])
    body = r.json()
    assert isinstance(body, list) and body[0]["code"] == r.status_code, body
    description = body[0]["description"]
    assert CJK.search(description) and LATIN.search(description), description
    return description


def page_refused(r, statuses=(400,)) -> str:
    """A readable error page with the message in both languages."""
    assert r.status_code in statuses, (r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("text/html")
    page = r.content.decode()
    assert 'lang="zh-CN"' in page and 'lang="en"' in page, page[:500]
    return page


# ---------------------------------------------------------------- NUL bytes

def test_nul_in_the_item_search_of_the_api_is_refused(world, client):
    body = api_refused(client.get("/api/v1/items?q=%00"))
    assert body["field"] == "q"


def test_nul_in_the_portal_search_is_a_readable_400(world, client):
    page_refused(client.get("/search/?q=%00"))


def test_nul_in_an_open311_query_is_an_open311_400(hw, client):
    description = open311_refused(client.get("/open311/v2/requests.json?service_code=%00"))
    assert "service_code" in description


@pytest.fixture
def api_key(db) -> str:
    """A key of an Open311 client: POST needs one, and the probe must get past it to reach the database."""
    client = Open311Client(name="probe")
    key = client.new_key()
    client.save()
    return key


def open311_post(client, api_key, description="路灯坏了一个月。", content_type=None):
    data = {"api_key": api_key, "service_code": "SHJZ", "description": description, "address_string": "滨江社区3栋"}
    if content_type:
        return client.post("/open311/v2/requests.json", urlencode(data), content_type=content_type)
    return client.post("/open311/v2/requests.json", data)


def test_the_open311_probe_posts_get_through_with_clean_text(hw, client, api_key):
    assert open311_post(client, api_key).status_code == 201  # so the refusals below are the text's doing


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded"])
def test_nul_in_an_open311_post_is_refused_and_stores_nothing(hw, client, api_key, content_type):
    before = stored()
    r = open311_post(client, api_key, "路灯坏了\x00", content_type)
    assert "description" in open311_refused(r)
    assert stored() == before


def test_nul_in_a_json_text_field_is_refused_and_stores_nothing(hw, api_for):
    before = stored()
    client = api_for(hw.agent)
    r = post(client, "/api/v1/workorders", {"channel": "phone", "category": "SHJZ", "text": "咨询\x00临时救助",
                                             "caller": {"name": "周晓梅", "phone": "13911112222"}})
    body = api_refused(r)
    assert body["field"] == "text"
    assert stored() == before
    r = post(client, "/api/v1/workorders", {"channel": "phone", "category": "SHJZ", "text": "咨询临时救助",
                                             "caller": {"name": "周\x00晓梅", "phone": "13911112222"}})
    assert api_refused(r)["field"] == "caller.name"
    assert stored() == before


# ---------------------------------------------------------------- huge numbers

@pytest.mark.parametrize("url", [f"/api/v1/reports?offset={HUGE}", f"/api/v1/workorders?offset={HUGE}",
                                 f"/api/v1/workorders?limit=5&offset={HUGE}"])
def test_huge_paging_offsets_in_the_api_are_422(hw, api_for, url):
    body = api_refused(api_for(hw.base.supervisor).get(url), statuses=(422,))
    assert body["field"] == "offset"


def test_a_huge_page_number_in_the_portal_search_is_not_a_500(world, client):
    r = client.get(f"/search/?q=a&page={HUGE}")
    assert r.status_code in (200, 400, 404), r.status_code


def test_a_huge_id_filter_is_422(world, api_for):
    body = api_refused(api_for(world.supervisor).get(f"/api/v1/ratings?site_id={HUGER}"), statuses=(422,))
    assert body["field"] == "site_id"


def test_a_huge_id_in_a_path_is_422(hw, api_for):
    api_refused(api_for(hw.agent).get(f"/api/v1/workorders/{HUGER}"), statuses=(422,))


def test_a_huge_id_in_a_json_body_is_422_and_stores_nothing(hw, api_for):
    client = api_for(hw.agent)
    order = intake(client)
    before = stored()
    r = post(client, f"/api/v1/workorders/{order['id']}/merge", raw=f'{{"into": {HUGER}}}')
    api_refused(r, statuses=(400, 422))
    assert stored() == before


# ---------------------------------------------------------------- size

@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded"])
def test_a_20_mb_form_post_to_open311_is_413_and_stores_nothing(hw, client, api_key, content_type):
    before = stored()
    r = open311_post(client, api_key, "长" * (20 * 1024 * 1024 // 3), content_type)
    open311_refused(r, statuses=(413,))
    assert stored() == before


def test_a_big_json_body_is_413(hw, api_for):
    r = post(api_for(hw.agent), "/api/v1/workorders", raw=json.dumps({"text": "x" * 2_000_000}))
    api_refused(r, statuses=(413,))
