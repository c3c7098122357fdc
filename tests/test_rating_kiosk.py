"""Rating devices: a manager registers one (key shown once, only its hash kept) or revokes it; the
window's kiosk signs in with the key and rates the case just served there, and nothing else."""
import datetime as dt

import pytest
from django.test import Client

from bianmin.cases import services as case_services
from bianmin.orgs.models import Window
from bianmin.ratings import services
from bianmin.ratings.models import Channel, Device, Rating

from .rating_helpers import finished_case

pytestmark = pytest.mark.django_db

DEVICES = "/workbench/ratings/devices/"


@pytest.fixture
def monday(set_now):
    return set_now(dt.datetime(2026, 11, 23, 10))


@pytest.fixture
def device_key(world):
    _, key = services.register_device(world.manager_a, window=world.window_a, name="1号窗口评价器")
    return key


def kiosk():
    return Client(HTTP_HOST="localhost")


def signed_in(key):
    c = kiosk()
    r = c.post("/device/", {"key": key})
    assert r.status_code == 302, r.status_code
    return c


def test_manager_registers_a_device_and_sees_the_key_once(world, client_for):
    mgr = client_for(world.manager_a)
    page = mgr.get(DEVICES)
    assert page.status_code == 200 and str(world.window_a) in page.content.decode()
    r = mgr.post(DEVICES, {"site": world.site_a.pk, "window": world.window_a.pk, "name": "1号窗口平板",
                           "kind": Channel.HALL_TABLET})
    assert r.status_code == 201 and "no-store" in r["Cache-Control"]
    html = r.content.decode()
    key = html.split('data-test="key"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert key.startswith("dev_") and "只显示这一次" in html
    device = Device.objects.get()
    assert device.key_hash == Device.hash(key) and key not in device.key_hash
    assert (device.window, device.name, device.kind, device.created_by) == (world.window_a, "1号窗口平板",
                                                                           Channel.HALL_TABLET, world.manager_a)
    listing = mgr.get(DEVICES).content.decode()
    assert "1号窗口平板" in listing and key not in listing
    assert services.device_for_key(key) == device


def test_device_pages_are_for_managers_of_the_site(world, client_for):
    assert client_for(world.clerk_a).get(DEVICES).status_code == 403
    assert client_for(world.supervisor).get(DEVICES).status_code == 403
    # manager_b cannot register a device on site A's window, whatever the form says.
    r = client_for(world.manager_b).post(DEVICES, {"site": world.site_a.pk, "window": world.window_a.pk, "name": "x"})
    assert r.status_code == 422 and Device.objects.count() == 0
    r = client_for(world.manager_a).post(DEVICES, {"window": world.window_a.pk, "name": ""})
    assert r.status_code == 422 and "请填写设备名称" in r.content.decode() and Device.objects.count() == 0


def test_deactivated_device_key_stops_working(world, client_for, device_key):
    device = Device.objects.get()
    url = f"{DEVICES}{device.pk}/deactivate/"
    assert client_for(world.manager_b).post(url).status_code == 404
    assert client_for(world.manager_a).post(url).status_code == 302
    device.refresh_from_db()
    assert not device.active and services.device_for_key(device_key) is None
    r = kiosk().post("/device/", {"key": device_key})
    assert r.status_code == 403


def test_deactivate_service_checks_permission(world, device_key):
    from bianmin.core.errors import PermissionDenied

    device = Device.objects.select_related("window__site__unit").get()
    with pytest.raises(PermissionDenied):
        services.deactivate_device(world.manager_b, device)
    with pytest.raises(PermissionDenied):
        services.deactivate_device(world.clerk_a, device)
    assert services.deactivate_device(world.manager_a, device).active is False


def test_kiosk_asks_for_the_key_and_refuses_a_wrong_one(world, device_key):
    c = kiosk()
    page = c.get("/device/").content.decode()
    assert 'data-test="device-signin"' in page and 'method="post"' in page
    r = c.post("/device/", {"key": "dev_" + "x" * 32})
    assert r.status_code == 403 and "设备密钥无效" in r.content.decode()
    assert "bianmin_device" not in r.cookies or not r.cookies["bianmin_device"].value


def test_kiosk_keeps_the_key_in_a_signed_strict_httponly_cookie(world, device_key):
    r = kiosk().post("/device/", {"key": device_key})
    assert r.status_code == 302 and device_key not in r["Location"]
    cookie = r.cookies["bianmin_device"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie.value != device_key
    assert device_key in cookie.value  # signed, not encrypted: the value carries its signature
    forged = kiosk()
    forged.cookies["bianmin_device"] = device_key  # an unsigned cookie is not accepted
    assert 'data-test="device-signin"' in forged.get("/device/").content.decode()


def test_waiting_screen_refreshes_when_nothing_is_pending(world, device_key, monday):
    html = signed_in(device_key).get("/device/").content.decode()
    assert 'data-test="device-waiting"' in html and "欢迎评价" in html
    assert 'http-equiv="refresh" content="5;url=/device/"' in html
    assert str(world.window_a) in html


def test_kiosk_shows_the_case_just_served_and_stores_the_tap(world, device_key, monday):
    case = finished_case(world, phone="13812345678", name="刘德华")
    c = signed_in(device_key)
    html = c.get("/device/").content.decode()
    assert 'data-test="pending-case"' in html and case.number in html and case.item.name in html
    assert "刘德华" not in html and "13812345678" not in html  # no applicant data on a public screen
    submission = html.split('name="submission" value="')[1].split('"')[0]
    r = c.post("/device/rate/", {"case": case.pk, "level": "very_satisfied", "submission": submission})
    assert r.status_code == 302 and r["Location"] == "/device/thanks/?level=very_satisfied"
    rating = Rating.objects.get()
    assert rating.channel == Channel.WINDOW_DEVICE and rating.device == Device.objects.get() and rating.case == case
    assert rating.level == "very_satisfied" and rating.window == world.window_a
    # A double tap (the same form again) stores nothing more.
    assert c.post("/device/rate/", {"case": case.pk, "level": "very_satisfied",
                                    "submission": submission}).status_code == 302
    assert Rating.objects.count() == 1
    thanks = c.get(r["Location"]).content.decode()
    assert "感谢您的评价" in thanks and 'content="4;url=/device/"' in thanks
    assert 'data-test="device-waiting"' in c.get("/device/").content.decode()


def test_kiosk_cannot_rate_a_case_of_another_window(world, device_key, monday):
    other_window = Window.objects.create(site=world.site_a, number="2", name="社保窗口")
    other_window.items.add(world.item_committed)
    case = case_services.register_case(world.clerk_a2, site=world.site_a, item=world.item_committed,
                                       applicant={"name": "周阿姨", "phone": "13700001111"}, window_id=other_window.pk)
    case_services.transition(case.pk, "accept", world.clerk_a2, {})
    case_services.transition(case.pk, "complete", world.clerk_a2, {"result": "准予", "delivery": "window"})
    c = signed_in(device_key)
    assert 'data-test="device-waiting"' in c.get("/device/").content.decode()  # not offered here
    r = c.post("/device/rate/", {"case": case.pk, "level": "very_satisfied"})
    assert r.status_code == 403 and "不是在本窗口办理的" in r.content.decode()
    assert Rating.objects.count() == 0


def test_kiosk_without_sign_in_cannot_rate(world, monday):
    case = finished_case(world)
    r = kiosk().post("/device/rate/", {"case": case.pk, "level": "very_satisfied"})
    assert r.status_code == 302 and r["Location"] == "/device/"
    assert Rating.objects.count() == 0
