"""Open311 GeoReport v2 conformance: the fields of each resource as the spec lists them, the status mapping,
errors as `[{"code", "description"}]` with the HTTP status, JSON and XML (no other format), no caller's personal
data in any GET, POST (with an api_key) creating a work order through the hotline services, the per-address
limit on POST; and the same endpoints driven by a real Open311 client from PyPI (`georeport`) against a live
server, in JSON and XML. The api_key, jurisdictions, XML, coordinates and e-mail, and CORS have their own
tests/test_open311_*.py."""
import datetime as dt
import re

import pytest
from django.core.cache import cache

from bianmin.core.models import Notification
from bianmin.hotline import open311
from bianmin.hotline.models import DispatchCategory, WorkOrder, WorkOrderEvent
from bianmin.hotline.services import PUBLIC_ACCOUNT

from .hotline_helpers import act, intake
from .open311_helpers import KEY, issue

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
# GeoReport v2: the fields of GET services, GET service definition, GET requests, POST requests.
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
POST_FIELDS = {"service_request_id", "service_notice", "account_id"}
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")

NAME, PHONE = "欧阳秀英", "13588889999"
LEAKS = [NAME, PHONE, "135****9999", "欧**英", "ouyang@example.com", "Ouyang"]


@pytest.fixture(autouse=True)
def open311_client(db):
    """The application the POSTs come from: GeoReport v2 POST requires an api_key."""
    return issue()


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()  # the per-address POST limit counts in the cache
    yield
    cache.clear()


def submit(client, expect=201, **fields):
    data = {"service_code": "SHJZ", "description": "小区路灯坏了一个月，晚上出行不便。", "address_string": "溪东街道滨江社区3栋",
            "lat": "27.123456", "long": "113.654321", "first_name": "秀英", "last_name": "欧阳", "phone": PHONE,
            "email": "ouyang@example.com", "device_id": "dev-1", "account_id": "acc-1", "api_key": KEY}
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    r = client.post(f"{BASE}/requests.json", data)
    assert r.status_code == expect, r.content.decode()
    assert r["Content-Type"].startswith("application/json")
    return r.json()


def error_of(r, status):
    assert r.status_code == status, r.content.decode()
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert isinstance(body, list) and len(body) == 1 and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == status and body[0]["description"]
    return body[0]["description"]


# ---------------------------------------------------------------- services

def test_services_are_the_active_dispatch_categories(hw, client):
    hw.household.active = False
    hw.household.save()
    hw.estate.keywords = "房产证，过户,抵押"
    hw.estate.description = "不动产登记的咨询"
    hw.estate.save()
    r = client.get(f"{BASE}/services.json")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    services = r.json()
    assert {s["service_code"] for s in services} == {"SHJZ", "BDC", "CKTS", "XNTS"}
    for s in services:
        assert set(s) == SERVICE_FIELDS
        assert s["metadata"] is False and s["type"] == "realtime"
        assert isinstance(s["keywords"], str) and isinstance(s["group"], str)
    estate = next(s for s in services if s["service_code"] == "BDC")
    assert estate == {"service_code": "BDC", "service_name": "不动产登记", "description": "不动产登记的咨询",
                      "metadata": False, "type": "realtime", "keywords": "房产证, 过户, 抵押", "group": "咨询"}


def test_service_definition_has_no_attributes(hw, client):
    r = client.get(f"{BASE}/services/BDC.json")
    assert r.status_code == 200 and r.json() == {"service_code": "BDC", "attributes": []}
    error_of(client.get(f"{BASE}/services/NOPE.json"), 404)
    assert client.get(f"{BASE}/services/HJ.json").status_code == 200
    hw.household.active = False
    hw.household.save()
    error_of(client.get(f"{BASE}/services/HJ.json"), 404)


@pytest.mark.parametrize("path", ["/services.csv", "/services/BDC.html", "/requests.yaml", "/requests/RX1.txt"])
def test_formats_other_than_json_and_xml_are_a_clear_400(hw, client, path):
    assert "json or xml" in error_of(client.get(BASE + path), 400)


def test_unknown_addresses_and_methods_answer_in_open311_form(hw, client):
    error_of(client.get(f"{BASE}/discovery.json"), 404)
    error_of(client.get(f"{BASE}/nothing/here"), 404)
    error_of(client.post(f"{BASE}/services.json"), 405)
    error_of(client.delete(f"{BASE}/requests.json"), 405)
    error_of(client.put(f"{BASE}/requests/RX1.json"), 405)


# ---------------------------------------------------------------- POST requests

def test_post_creates_a_web_work_order_through_the_hotline(hw, client):
    body = submit(client)
    assert isinstance(body, list) and len(body) == 1 and set(body[0]) == POST_FIELDS
    answer = body[0]
    assert answer["account_id"] is None and answer["service_request_id"].startswith("RX")
    assert answer["service_request_id"] in answer["service_notice"]
    order = WorkOrder.objects.get(number=answer["service_request_id"])
    assert (order.channel, order.status, order.category, order.region) == ("web", "received", hw.social,
                                                                           hw.base.county)
    assert (order.caller_name, order.caller_phone, order.callback_consent) == (NAME, PHONE, True)
    assert order.place == "溪东街道滨江社区3栋 （坐标 27.123456,113.654321）"
    assert order.created_by.username == PUBLIC_ACCOUNT and not order.created_by.is_active
    event = WorkOrderEvent.objects.get(order=order)
    assert (event.action, event.actor, event.data["via"]) == ("receive", None, "open311")
    # The hotline's dispatchers are told at once; the agent dispatches as for any call.
    assert Notification.objects.filter(user=hw.agent, text__contains=order.number).exists()


def test_post_accepts_coordinates_alone_an_address_id_and_a_media_url(hw, client):
    one = submit(client, address_string="", first_name="", last_name="", phone="", email="")
    order = WorkOrder.objects.get(number=one[0]["service_request_id"])
    assert order.place == "（坐标 27.123456,113.654321）" and order.callback_consent is False
    two = submit(client, lat="", long="", address_string="", address_id="A-1001",
                 media_url="https://example.org/photo.jpg", first_name="John", last_name="Smith", phone="+86 13900001111")
    order = WorkOrder.objects.get(number=two[0]["service_request_id"])
    assert order.place == "地址编号 A-1001" and "（附图：https://example.org/photo.jpg）" in order.text
    assert (order.caller_name, order.caller_phone) == ("John Smith", "86 13900001111")


def test_a_public_efficiency_complaint_leaves_the_rank_to_the_dispatcher(hw, client, api_for):
    number = submit(client, service_code="XNTS", description="某局办事拖延两个月")[0]["service_request_id"]
    order = WorkOrder.objects.get(number=number)
    assert order.respondent_rank == "" and order.order_type == hw.efficiency.default_type
    agent = api_for(hw.agent)
    assert act(agent, order.pk, "dispatch", expect=422)["field"] == "respondent_rank"
    assert act(agent, order.pk, "dispatch", {"respondent_rank": "staff"})["department"] == "测试县派驻纪检组"


def test_the_public_cannot_choose_the_type_or_answer_its_own_request(hw, client):
    number = submit(client, type="urgent", answered_at_intake="1", answer="自己答复")[0]["service_request_id"]
    order = WorkOrder.objects.get(number=number)
    assert (order.order_type, order.status, order.answered_at_intake) == ("ordinary", "received", False)


@pytest.mark.parametrize("fields, word", [
    ({"service_code": None}, "service_code"),
    ({"service_code": ""}, "service_code"),
    ({"service_code": "NOPE"}, "service_code"),
    ({"description": ""}, "description"),
    ({"description": "长" * 2001}, "description"),
    ({"lat": "", "long": "", "address_string": ""}, "location"),
    ({"long": ""}, "lat and long"),
    ({"lat": "north"}, "lat"),
    ({"lat": "91"}, "lat"),
    ({"long": "-181"}, "long"),
    ({"phone": "call-me"}, "phone"),
    ({"first_name": "名" * 30, "last_name": "姓" * 30}, "first_name/last_name"),
    ({"address_string": "路" * 200}, "address_string"),
    ({"media_url": "javascript:alert(1)"}, "media_url"),
])
def test_bad_posts_are_400_with_the_parameter_named_and_store_nothing(hw, client, fields, word):
    data = {"service_code": "SHJZ", "description": "路灯坏了", "address_string": "滨江社区", "lat": "27.1",
            "long": "113.6", "api_key": KEY, **fields}
    r = client.post(f"{BASE}/requests.json", {k: v for k, v in data.items() if v is not None})
    assert word in error_of(r, 400)
    assert not WorkOrder.objects.exists()


def test_a_json_body_is_not_the_spec_and_is_refused(hw, client):
    r = client.post(f"{BASE}/requests.json", data=f'{{"service_code": "SHJZ", "api_key": "{KEY}"}}',
                    content_type="application/json")
    assert "form-encoded" in error_of(r, 400) and not WorkOrder.objects.exists()


def test_posts_are_limited_per_address(hw, client, settings):
    settings.BIANMIN = {**settings.BIANMIN, "PUBLIC_RATE_PER_MINUTE": 2}
    submit(client)
    submit(client, expect=400, service_code="NOPE")  # refused posts count too
    error_of(client.post(f"{BASE}/requests.json", {"service_code": "SHJZ", "description": "x",
                                                   "address_string": "y"}), 429)
    assert WorkOrder.objects.count() == 1
    # Reading is not limited by it.
    assert client.get(f"{BASE}/services.json").status_code == 200


# ---------------------------------------------------------------- GET requests

@pytest.fixture
def orders(hw, client, api_for, set_now):
    """A web request replied to, a phone call in progress, a closed call, a merged duplicate, a confidential
    call, and a call from 100 days ago."""
    agent, civil = api_for(hw.agent), api_for(hw.base.handler)
    set_now(dt.datetime(2026, 8, 14, 10, 0))
    old = intake(agent, text="很久以前的来电")
    set_now(dt.datetime(2026, 11, 23, 9, 0))
    web = submit(client, description=f"路灯坏了，我是{NAME}，电话{PHONE}")[0]["service_request_id"]
    web_id = WorkOrder.objects.get(number=web).pk
    act(agent, web_id, "dispatch")
    act(civil, web_id, "reply", {"text": f"已修复路灯，已电话告知{NAME}（{PHONE}）。"})
    set_now(dt.datetime(2026, 11, 23, 10, 0))
    phone = intake(agent, caller={"name": NAME, "phone": PHONE}, text=f"{NAME}反映低保问题，电话{PHONE}",
                   place="龙泉镇泉水村")
    act(agent, phone["id"], "dispatch")
    closed = intake(agent, answered_at_intake=True, answer="已当场答复")
    dup = intake(agent, text="重复来电")
    act(agent, dup["id"], "merge", {"into": phone["id"]})
    secret = intake(agent, caller={"name": NAME, "phone": PHONE, "confidential": True}, text="举报")
    set_now(dt.datetime(2026, 11, 24, 9, 0))
    return {"old": old["number"], "web": web, "phone": phone["number"], "closed": closed["number"],
            "dup": dup["number"], "secret": secret["number"]}


def by_id(rows) -> dict:
    return {r["service_request_id"]: r for r in rows}


def test_requests_list_the_last_90_days_with_every_field_and_the_status_mapping(hw, client, orders):
    r = client.get(f"{BASE}/requests.json")
    assert r.status_code == 200
    rows = by_id(r.json())
    assert set(rows) == {orders["web"], orders["phone"], orders["closed"], orders["dup"]}  # not old, not secret
    for row in rows.values():
        assert set(row) == REQUEST_FIELDS
        assert W3C.match(row["requested_datetime"]) and W3C.match(row["updated_datetime"])
    # Coordinates only where the request came with them (online); never for what was said on the phone.
    assert [(rows[orders[k]]["lat"], rows[orders[k]]["long"]) for k in ("web", "phone", "closed", "dup")] == [
        (27.123456, 113.654321), (None, None), (None, None), (None, None)]
    assert [rows[orders[k]]["status"] for k in ("web", "phone", "closed", "dup")] == ["open", "open", "closed", "closed"]
    web = rows[orders["web"]]
    assert web["requested_datetime"] == "2026-11-23T09:00:00+08:00"
    assert web["service_code"] == "SHJZ" and web["service_name"] == "社会救助"
    assert web["agency_responsible"] == "测试县民政局"
    assert web["status_notes"].startswith("已修复路灯") and "路灯坏了" in web["description"]
    assert web["address"].startswith("溪东街道滨江社区3栋") and web["expected_datetime"] is None  # replied: stopped
    phone = rows[orders["phone"]]
    assert phone["description"] == "" and phone["address"] == ""  # said on the phone, not for publication
    assert phone["status_notes"] == "已派单待签收" and W3C.match(phone["expected_datetime"])
    assert rows[orders["dup"]]["status_notes"] == f"已并入工单 {orders['phone']}"
    assert rows[orders["closed"]]["agency_responsible"] == "12345政务服务便民热线"


def test_no_get_ever_carries_a_callers_personal_data(hw, client, orders):
    bodies = [client.get(f"{BASE}/requests.json").content.decode(),
              client.get(f"{BASE}/requests.json?service_request_id={','.join(orders.values())}").content.decode()]
    bodies += [client.get(f"{BASE}/requests/{number}.json").content.decode() for number in orders.values()]
    text = "\n".join(bodies)
    assert orders["web"] in text
    for leak in LEAKS:
        assert leak not in text, leak
    assert "［保密］" in text  # the web caller's name in their own description is redacted


def test_one_request_is_a_one_element_list(hw, client, orders):
    r = client.get(f"{BASE}/requests/{orders['web']}.json")
    assert r.status_code == 200 and len(r.json()) == 1 and r.json()[0]["service_request_id"] == orders["web"]
    assert set(r.json()[0]) == REQUEST_FIELDS
    error_of(client.get(f"{BASE}/requests/RX19990101000001.json"), 404)
    error_of(client.get(f"{BASE}/requests/{orders['secret']}.json"), 404)  # a confidential caller's order


def test_request_filters(hw, client, orders):
    def numbers(query):
        r = client.get(f"{BASE}/requests.json?{query}")
        assert r.status_code == 200, r.content
        return {row["service_request_id"] for row in r.json()}

    # service_request_id overrides every other filter, the date window included
    assert numbers(f"service_request_id={orders['old']},{orders['web']}&status=closed&service_code=CKTS") == {
        orders["old"], orders["web"]}
    assert numbers("status=closed") == {orders["closed"], orders["dup"]}
    assert numbers("status=open") == {orders["web"], orders["phone"]}
    assert numbers("status=open,closed") == numbers("")
    assert numbers("service_code=BDC") == set()
    assert numbers("service_code=SHJZ,BDC") == numbers("")
    assert numbers("start_date=2026-08-01T00:00:00Z&end_date=2026-08-31T00:00:00Z") == {orders["old"]}
    assert numbers("start_date=2026-11-23T09:30:00%2B08:00&end_date=2026-11-24T00:00:00%2B08:00") == {
        orders["phone"], orders["closed"], orders["dup"]}
    assert numbers("start_date=2026-11-23T01:30:00Z") == {orders["phone"], orders["closed"], orders["dup"]}
    assert numbers("end_date=2026-11-23") == set()  # the 90 days before the start of that day


@pytest.mark.parametrize("query, word", [
    ("status=pending", "status"),
    ("start_date=yesterday", "start_date"),
    ("end_date=2026-02-30T00:00:00Z", "end_date"),
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z", "90 days"),
    ("start_date=2026-11-01T00:00:00Z&end_date=2026-10-01T00:00:00Z", "start_date"),
])
def test_bad_request_filters_are_400(hw, client, orders, query, word):
    assert word in error_of(client.get(f"{BASE}/requests.json?{query}"), 400)


def test_at_most_1000_requests_are_listed(hw, client, orders, monkeypatch):
    monkeypatch.setattr(open311, "MAX_REQUESTS", 2)
    rows = client.get(f"{BASE}/requests.json").json()
    assert [r["service_request_id"] for r in rows] == [orders["dup"], orders["closed"]]  # newest first


# ---------------------------------------------------------------- a real Open311 client

@pytest.mark.django_db(transaction=True)
def test_a_real_open311_client_lists_services_and_follows_requests(live_server, api_for):
    """`georeport` (PyPI) reads, in JSON and in XML; it cannot create requests, so the POST is made with
    `requests` (its own HTTP library) exactly as the spec's form-encoded POST, with the client's api_key."""
    import requests
    from georeport import GeoReport

    from .world import build_hotline_world, build_world

    hw = build_hotline_world(build_world())
    root = f"{live_server.url}/open311/v2"  # the autouse open311_client holds KEY
    form = {"service_code": "BDC", "description": "想咨询房产证加名怎么办理", "address_string": "溪西街道西关路",
            "first_name": "明", "last_name": "谢", "phone": "13900002222", "email": "xie@example.com"}
    assert requests.post(f"{root}/requests.json", data=form, timeout=10).status_code == 403  # no api_key
    posted = requests.post(f"{root}/requests.json", data={**form, "api_key": KEY}, timeout=10)
    assert posted.status_code == 201
    number = posted.json()[0]["service_request_id"]
    act(api_for(hw.agent), WorkOrder.objects.get(number=number).pk, "dispatch")

    client = GeoReport(root)
    services = client.get_service_list()
    assert {s["service_code"] for s in services} == set(DispatchCategory.objects.values_list("code", flat=True))
    assert client.get_service_definition("BDC") == {"service_code": "BDC", "attributes": []}
    listed = client.get_service_requests(service_code="BDC", status="open")
    assert [r["service_request_id"] for r in listed] == [number]
    one = client.get_service_request(number)
    assert one["status"] == "open" and one["agency_responsible"] == "测试县自然资源局"
    assert "13900002222" not in str(listed) + str(one) and "谢明" not in str(one)
    assert "xie@example.com" not in str(listed) + str(one)

    # The same answers in the spec's XML, read by the client's own XML parser; and within the county's jurisdiction.
    xml = GeoReport(root, jurisdiction="990101000", output_format="xml")
    assert {s["service_code"] for s in xml.get_service_list()} == {s["service_code"] for s in services}
    assert xml.get_service_definition("BDC") == {"service_code": "BDC", "attributes": None}
    assert xml.get_service_requests(service_code="BDC", status="open")["service_request_id"] == number
    in_xml = xml.get_service_request(number)
    assert {k: v for k, v in in_xml.items() if v is not None} == {
        k: str(v) for k, v in one.items() if v not in (None, "")}
    with pytest.raises(requests.HTTPError):
        GeoReport(root, jurisdiction="990199000").get_service_list()  # no such jurisdiction: 404
