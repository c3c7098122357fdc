"""Rating devices sign in as their window and rate the case just served there; paper forms are marked."""
import json

import pytest
from django.test import Client

from bianmin.ratings.models import Device, Rating

from .rating_helpers import finished_case

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def device_key(world, api_for):
    r = post(api_for(world.manager_a), "/api/v1/devices", {"window_id": world.window_a.pk, "name": "1号窗评价器"})
    assert r.status_code == 201, r.content
    return r.json()["key"]


def device_client(key):
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {key}")


def test_device_key_is_shown_once_and_only_its_hash_is_stored(world, device_key):
    device = Device.objects.get()
    assert device.key_hash == Device.hash(device_key) and device_key not in device.key_hash


def test_only_a_manager_of_the_site_registers_devices(world, api_for):
    body = {"window_id": world.window_a.pk, "name": "x"}
    assert post(api_for(world.clerk_a), "/api/v1/devices", body).status_code == 403
    assert post(api_for(world.manager_b), "/api/v1/devices", body).status_code == 403
    assert post(api_for(world.manager_a), "/api/v1/devices", {**body, "window_id": 999999}).status_code == 404
    assert not Device.objects.exists()


def test_device_sees_the_case_just_served_and_rates_it(world, device_key):
    case = finished_case(world)
    dev = device_client(device_key)
    pending = dev.get("/api/v1/devices/pending").json()["case"]
    assert pending["id"] == case.pk and "phone" not in json.dumps(pending)
    r = post(dev, "/api/v1/devices/ratings", {"case_id": case.pk, "level": "satisfied"})
    assert r.status_code == 201
    rating = Rating.objects.get()
    assert rating.channel == "window_device" and rating.device.window == world.window_a
    assert dev.get("/api/v1/devices/pending").json()["case"] is None
    again = post(dev, "/api/v1/devices/ratings", {"case_id": case.pk, "level": "very_satisfied"})
    assert again.status_code == 409 and Rating.objects.count() == 1


def test_device_cannot_rate_a_case_of_another_window(world, device_key):
    from bianmin.orgs.models import Window
    other = Window.objects.create(site=world.site_a, number="2", name="二号窗口")
    case = finished_case(world)
    case.window = other
    case.save(update_fields=["window"])
    r = post(device_client(device_key), "/api/v1/devices/ratings", {"case_id": case.pk, "level": "satisfied"})
    assert r.status_code == 403 and not Rating.objects.exists()


def test_wrong_or_revoked_device_key_is_401(world, device_key):
    case = finished_case(world)
    assert post(device_client("dev_wrong"), "/api/v1/devices/ratings",
                {"case_id": case.pk, "level": "satisfied"}).status_code == 401
    Device.objects.update(active=False)
    assert post(device_client(device_key), "/api/v1/devices/ratings",
                {"case_id": case.pk, "level": "satisfied"}).status_code == 401
    # A staff bearer token is not a device credential.
    assert not Rating.objects.exists()


@pytest.mark.parametrize("body", [{"case_id": "x", "level": "satisfied"}, {"level": "satisfied"},
                                  {"case_id": 1, "level": "meh"}, {"case_id": 10**12, "level": "satisfied"}])
def test_device_bad_input_is_4xx(world, device_key, body):
    finished_case(world)
    r = post(device_client(device_key), "/api/v1/devices/ratings", body)
    assert 400 <= r.status_code < 500 and r.json()["message_en"]
    assert not Rating.objects.exists()


def test_paper_form_is_marked_with_who_entered_it_and_never_by_the_handler(world, api_for):
    case = finished_case(world)
    assert post(api_for(world.clerk_a), f"/api/v1/cases/{case.pk}/paper-rating",
                {"level": "satisfied"}).status_code == 403
    r = post(api_for(world.clerk_a2), f"/api/v1/cases/{case.pk}/paper-rating", {"level": "basic", "comment": "纸质"})
    assert r.status_code == 201
    rating = Rating.objects.get()
    assert rating.channel == "paper" and rating.entered_by == world.clerk_a2
    assert post(api_for(world.manager_a), f"/api/v1/cases/{case.pk}/paper-rating",
                {"level": "satisfied"}).status_code == 409
