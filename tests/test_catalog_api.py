"""Public catalogue API: search by Chinese or pinyin, full guides, secret and unpublished items hidden."""
import datetime as dt

import pytest
from django.utils import timezone

from bianmin.catalog.guides import publish_guide
from bianmin.catalog.models import Item

from .world import make_item

H = {"HTTP_HOST": "localhost"}


@pytest.fixture
def published(world):
    for item in Item.objects.all():
        publish_guide(item)
    return world


def codes(client, **params):
    r = client.get("/api/v1/items", params, **H)
    assert r.status_code == 200, r.content
    return [row["code"] for row in r.json()]


def test_only_published_items_are_listed(world, client):
    assert codes(client) == []
    publish_guide(world.item_committed)
    assert codes(client) == [world.item_committed.code]


@pytest.mark.parametrize("q", ["护照", "申领", "hz", "HZ", "huzhao", "hu zhao", "hzsl", "ITEM-INSTANT-1"])
def test_search_by_chinese_pinyin_initials_or_code(published, client, q):
    assert codes(client, q=q) == [published.item_instant.code]


def test_search_summary_fields(published, client):
    (row,) = client.get("/api/v1/items", {"q": "生活保障"}, **H).json()
    assert row["name"] == "最低生活保障申请" and row["item_type_label"] == "行政确认"
    assert row["handling_type"] == "committed" and row["handling_type_label"] == "承诺件"
    assert row["committed_limit"] == {"amount": 5, "unit": "workdays"}
    assert row["accepting_unit"] == "测试县民政局" and row["flags"]["at_most_once"] is False


def test_names_starting_with_the_letters_come_first(published, client):
    relief = make_item("ITEM-RELIEF-1", "社会救助申请", published.civil_affairs, "committed")
    publish_guide(relief)
    found = codes(client, q="sh")  # 社会… starts with "sh"; 最低生活…, 护照申领… only contain it
    assert found[0] == relief.code and published.item_committed.code in found and len(found) == 4
    assert published.item_reported.code not in found


def test_limit_and_offset_page_through_results(published, client):
    everything = codes(client)
    assert len(everything) == 4
    assert codes(client, limit=2) + codes(client, limit=2, offset=2) == everything
    assert codes(client, offset=10) == []


def test_secret_item_is_hidden_from_search_and_detail(published, client):
    item = published.item_instant
    item.secret = True
    item.save()
    assert codes(client, q="hz") == [] and item.code not in codes(client)
    r = client.get(f"/api/v1/items/{item.code}", **H)
    assert r.status_code == 404 and r.json()["message"] and r.json()["message_en"]


def test_full_guide_is_the_version_in_effect(published, client):
    item = published.item_committed
    r = client.get(f"/api/v1/items/{item.code}", **H)
    assert r.status_code == 200
    body = r.json()
    assert body["version"] == 1 and body["effective_date"] == timezone.localdate().isoformat()
    assert body["conditions"] == ["申请人为本县户籍居民"]
    assert [(m["name"], m["role_label"], m["form_label"]) for m in body["materials"]] == [
        ("居民身份证", "主件", "原件"), ("户口簿", "附件", "复印件")]
    assert body["statutory_limit"] == {"amount": 20, "unit": "workdays"}
    assert body["procedure"][0] == "申请" and body["consult_phone"] == "0000-1234567"


def test_future_version_is_not_served_before_its_date(world, client):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    publish_guide(world.item_joint, effective_date=tomorrow)
    assert codes(client) == []
    assert client.get(f"/api/v1/items/{world.item_joint.code}", **H).status_code == 404
    publish_guide(world.item_committed)
    world.item_committed.name = "最低生活保障待遇申请"
    world.item_committed.save()
    publish_guide(world.item_committed, effective_date=tomorrow)
    body = client.get(f"/api/v1/items/{world.item_committed.code}", **H).json()
    assert body["version"] == 1 and body["name"] == "最低生活保障申请"


def test_unknown_code_is_404_json(world, client):
    r = client.get("/api/v1/items/NO-SUCH-ITEM", **H)
    assert r.status_code == 404
    assert r.json()["code"] == "not_found" and "事项" in r.json()["message"] and r.json()["message_en"]


@pytest.mark.parametrize("params,field", [
    ({"q": "护" * 101}, "q"),
    ({"limit": 101}, "limit"),
    ({"limit": 0}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"offset": -1}, "offset"),
])
def test_bad_search_input_is_422_with_bilingual_message(world, client, params, field):
    r = client.get("/api/v1/items", params, **H)
    assert r.status_code == 422
    body = r.json()
    assert body["message"] and body["message_en"] and field in body["message"]
    assert [e["field"] for e in body["errors"]] == [field]
