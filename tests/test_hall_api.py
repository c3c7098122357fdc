"""The hall's API contract (issue 16): public sites, windows with who is on duty and hours; staff signing in and
out through the API; bad input answered 4xx in both languages with nothing changed."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.hall.models import Presence
from bianmin.orgs.models import Site, WindowPost

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def test_sites_are_public(world, client_for):
    body = client_for(None).get("/api/v1/sites").json()
    site = next(s for s in body if s["id"] == world.site_a.pk)
    assert site == {"id": world.site_a.pk, "name": "测试县政务服务中心", "unit": "测试县", "kind": world.site_a.kind}
    Site.objects.filter(pk=world.site_b.pk).update(status="closed")
    assert world.site_b.pk not in [s["id"] for s in client_for(None).get("/api/v1/sites").json()]


def test_windows_show_who_is_on_duty_without_phones(world, client_for, api_for, set_now):
    set_now(dt.datetime(2026, 12, 2, 9, tzinfo=TZ))
    staff = world.clerk_a.staff
    staff.phone = "13800138000"
    staff.save()
    [window] = client_for(None).get(f"/api/v1/sites/{world.site_a.pk}/windows").json()
    assert window == {"id": world.window_a.pk, "name": str(world.window_a), "staff_on_duty": []}
    signed = api_for(world.clerk_a).post("/api/v1/attendance/sign", {"kind": "in"}, content_type="application/json")
    assert signed.status_code == 200 and signed.json()["window"] == world.window_a.pk
    assert Presence.objects.get().source == "api"
    [window] = client_for(None).get(f"/api/v1/sites/{world.site_a.pk}/windows").json()
    assert window["staff_on_duty"] == [f"王小红（{staff.work_id}）"]
    assert "13800138000" not in str(window)
    assert client_for(None).get("/api/v1/sites/0/windows").status_code == 404


def test_signing_through_the_api_is_checked(world, api_for, set_now):
    set_now(dt.datetime(2026, 12, 2, 9, tzinfo=TZ))
    clerk = api_for(world.clerk_a)

    def sign(body):
        return clerk.post("/api/v1/attendance/sign", body, content_type="application/json")

    for body, status in (({"kind": "sideways"}, 422), ({}, 422), ({"kind": "out"}, 409),
                         ({"kind": "in", "window": 999999}, 422), ({"kind": "in", "window": "x"}, 422)):
        response = sign(body)
        assert response.status_code == status, body
        assert response.json()["message"] and response.json()["message_en"]
    assert Presence.objects.count() == 0
    WindowPost.objects.create(window=world.window_a, staff=world.clerk_a2.staff, post="B")
    assert api_for(world.clerk_a2).post("/api/v1/attendance/sign", {"kind": "in", "window": world.window_a.pk},
                                        content_type="application/json").status_code == 200
    assert sign({"kind": "in"}).status_code == 200
    assert sign({"kind": "out"}).status_code == 200
    assert api_for(world.supervisor).post("/api/v1/attendance/sign", {"kind": "in"},
                                          content_type="application/json").status_code == 403
    assert api_for(None).post("/api/v1/attendance/sign", {"kind": "in"},
                              content_type="application/json").status_code == 401
