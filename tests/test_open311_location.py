"""POST lat/long and email: checked (400 in the spec's error format, nothing stored), stored on the work order;
GET answers carry lat/long where the request may be published, and never the e-mail (nor name or phone)."""
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction

from bianmin.hotline import open311
from bianmin.hotline.models import WorkOrder

from .hotline_helpers import intake
from .open311_helpers import BASE, FORM, error_of, issue, post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def key(db):
    return issue()


def filed(r) -> WorkOrder:
    assert r.status_code == 201, r.content.decode()
    return WorkOrder.objects.get(number=r.json()[0]["service_request_id"])


def test_coordinates_are_stored_on_the_order_and_answered_as_numbers(hw, client):
    order = filed(post(client, lat="27.1234567", long="-113.6543214"))
    assert (order.latitude, order.longitude) == (Decimal("27.123457"), Decimal("-113.654321"))
    row = client.get(f"{BASE}/requests/{order.number}.json").json()[0]
    assert (row["lat"], row["long"]) == (27.123457, -113.654321)
    assert order.place.endswith("（坐标 27.123457,-113.654321）")  # the dispatchers read the place text


@pytest.mark.parametrize("lat, long", [("90", "180"), ("-90", "-180"), ("+0.5", "0"), ("89.999999999", "1")])
def test_coordinates_at_the_edges_are_accepted(hw, client, lat, long):
    order = filed(post(client, lat=lat, long=long))
    assert -90 <= order.latitude <= 90 and -180 <= order.longitude <= 180


@pytest.mark.parametrize("fields, word", [
    ({"lat": "90.000001"}, "lat"),
    ({"lat": "-91"}, "lat"),
    ({"long": "180.5"}, "long"),
    ({"long": "-1000"}, "long"),
    ({"lat": "1e1"}, "lat"),
    ({"lat": "nan"}, "lat"),
    ({"long": "inf"}, "long"),
    ({"lat": "27,1"}, "lat"),
    ({"lat": "0x1A"}, "lat"),
    ({"lat": "٢٧"}, "lat"),  # Arabic-Indic digits
    ({"lat": "1" * 400}, "lat"),
    ({"lat": "27.1", "long": ""}, "lat and long"),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_coordinates_are_a_400_in_the_spec_format_and_store_nothing(hw, client, fields, word, fmt):
    assert word in error_of(post(client, fmt, **fields), 400, fmt)
    assert not WorkOrder.objects.exists()


def test_the_database_refuses_coordinates_out_of_range(hw, client):
    order = filed(post(client))
    for field, value in (("latitude", Decimal("90.5")), ("longitude", Decimal("-180.5"))):
        with pytest.raises(IntegrityError), transaction.atomic():
            WorkOrder.objects.filter(pk=order.pk).update(**{field: value})


def test_the_email_is_checked_and_stored(hw, client):
    assert filed(post(client)).caller_email == FORM["email"]
    assert filed(post(client, email="")).caller_email == ""


@pytest.mark.parametrize("email", ["ouyang", "ouyang@", "@example.com", "a b@example.com", "ouyang@example",
                                   "<script>@example.com", "x@" + "a" * 250 + ".com",
                                   "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "com"])  # valid form, over 254
def test_a_bad_email_is_a_400_that_does_not_repeat_it(hw, client, email):
    description = error_of(post(client, email=email), 400)
    assert "email" in description and email not in description
    assert not WorkOrder.objects.exists()


def test_no_get_answer_ever_carries_the_email_name_or_phone(hw, client):
    number = filed(post(client)).number
    answers = []
    for fmt in ("json", "xml"):
        for path in (f"/requests.{fmt}", f"/requests/{number}.{fmt}", f"/requests.{fmt}?service_request_id={number}"):
            r = client.get(BASE + path)
            assert r.status_code == 200 and number in r.content.decode()
            answers.append(r.content.decode())
    text = "\n".join(answers)
    for leak in (FORM["email"], "ouyang@", FORM["phone"], "欧阳秀英", "email", "phone"):
        assert leak not in text, leak


def test_coordinates_are_published_only_with_a_published_request(hw, client, api_for):
    """What was said on the phone is not for publication, nor is a confidential caller's request."""
    web = filed(post(client))
    phone = WorkOrder.objects.get(number=intake(api_for(hw.agent))["number"])
    WorkOrder.objects.filter(pk=phone.pk).update(latitude=Decimal("27.1"), longitude=Decimal("113.6"))
    phone.refresh_from_db()
    assert (open311.request_out(web)["lat"], open311.request_out(web)["long"]) == (27.123456, 113.654321)
    assert (open311.request_out(phone)["lat"], open311.request_out(phone)["long"]) == (None, None)
    web.confidential = True
    assert (open311.request_out(web)["lat"], open311.request_out(web)["long"]) == (None, None)
    WorkOrder.objects.filter(pk=web.pk).update(confidential=True)
    error_of(client.get(f"{BASE}/requests/{web.number}.json"), 404)
