"""Bad input is a clear 4xx in Chinese and English, never a 500, and changes nothing."""
import pytest

from bianmin.core.models import Clock
from bianmin.hotline.models import Assignment, WorkOrder, WorkOrderEvent

from .hotline_helpers import CALLER, act, intake, post

pytestmark = pytest.mark.django_db


def snapshot():
    return (WorkOrder.objects.count(), WorkOrderEvent.objects.count(), Assignment.objects.count(),
            Clock.objects.count(), list(WorkOrder.objects.values_list("status", flat=True)))


def field_of(r) -> str:
    """The field a 422 names: the service's own errors carry `field`, schema errors a list of `errors`."""
    data = r.json()
    return data.get("field") or ",".join(e["field"] for e in data.get("errors", []))


def body(**changes):
    b = {"channel": "phone", "caller": dict(CALLER), "category": "SHJZ", "text": "咨询临时救助"}
    b.update(changes)
    return b


@pytest.mark.parametrize("payload, field", [
    (body(channel="pigeon"), "channel"),
    (body(channel=None), "channel"),
    (body(category="NOPE"), "category"),
    (body(category=""), "category"),
    (body(text=""), "text"),
    (body(text="长" * 2001), "text"),
    (body(type="whenever"), "type"),
    (body(caller={"name": "张三", "phone": "call-me-maybe"}), "phone"),
    (body(caller={"name": "张" * 41, "phone": "13800000000"}), "name"),
    (body(caller={"name": "张三", "phone": ""}, callback_consent=True), "phone"),
    (body(place="路" * 201), "place"),
    (body(region=999999), "region"),
])
def test_bad_intake_is_422_with_both_languages_and_creates_nothing(hw, api_for, payload, field):
    before = snapshot()
    r = post(api_for(hw.agent), "/api/v1/workorders", payload)
    assert r.status_code == 422, r.content
    assert field_of(r) == field and r.json()["message"] and r.json()["message_en"]
    assert snapshot() == before


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"', '{"channel": "phone"}',
                                 '{"channel": "phone", "caller": "张三", "category": "SHJZ", "text": "x"}',
                                 '{"channel": "phone", "caller": {"confidential": "perhaps"}, '
                                 '"category": "SHJZ", "text": "x"}',
                                 '{"channel": ["phone"], "caller": {}, "category": "SHJZ", "text": "x"}'])
def test_malformed_intake_bodies_are_4xx(hw, api_for, raw):
    before = snapshot()
    r = post(api_for(hw.agent), "/api/v1/workorders", raw=raw)
    assert 400 <= r.status_code < 500, r.content
    assert r.json()["message"] and r.json()["message_en"]
    assert snapshot() == before


def test_oversized_request_is_413(hw, api_for):
    r = post(api_for(hw.agent), "/api/v1/workorders", body(text="长" * 600_000))
    assert r.status_code == 413 and r.json()["message_en"]
    assert not WorkOrder.objects.exists()


@pytest.mark.parametrize("raw", ["{oops", "[]", "null"])
def test_malformed_action_bodies_are_422(hw, api_for, raw):
    order = intake(api_for(hw.agent))
    before = snapshot()
    r = post(api_for(hw.agent), f"/api/v1/workorders/{order['id']}/dispatch", raw=raw)
    assert r.status_code == 422 and r.json()["message_en"]
    assert snapshot() == before


@pytest.mark.parametrize("action, payload, status", [
    ("fly", {}, 404),
    ("dispatch", {"department": "abc"}, 422),
    ("dispatch", {"department": 999999}, 422),
    ("dispatch", {"note": "派" * 2001}, 422),
    ("accept", {}, 403),  # the agent is not the department
    ("reply", {"text": "x"}, 403),
    ("revisit", {"reached": True, "resolved": True, "satisfied": True}, 409),  # not replied yet
    ("close", {}, 409),
    ("merge", {"into": None}, 422),
    ("link", {"to": [1]}, 422),
])
def test_bad_actions_are_4xx_and_change_nothing(hw, api_for, action, payload, status):
    order = intake(api_for(hw.agent))
    before = snapshot()
    r = post(api_for(hw.agent), f"/api/v1/workorders/{order['id']}/{action}", payload)
    assert r.status_code == status, r.content
    assert r.json()["message"] and r.json()["message_en"]
    assert snapshot() == before


def test_unknown_order_is_404(hw, api_for):
    assert api_for(hw.agent).get("/api/v1/workorders/999999").status_code == 404
    act(api_for(hw.agent), 999999, "dispatch", expect=404)
    assert api_for(hw.agent).get("/api/v1/workorders/abc").status_code in (404, 422)


def test_figures_filters_are_checked(hw, api_for):
    agent = api_for(hw.agent)
    assert agent.get("/api/v1/workorders/figures?from=2026-12-01&to=2026-11-01").status_code == 422
    assert agent.get("/api/v1/workorders/figures?from=yesterday").status_code == 422
    assert agent.get("/api/v1/workorders/figures?department=999999").status_code == 422


def test_attachments_are_checked(hw, api_for, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path

    agent = api_for(hw.agent)
    order = intake(agent)
    bad = agent.post(f"/api/v1/workorders/{order['id']}/attachments",
                     {"file": SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")})
    assert bad.status_code == 422 and bad.json()["field"] == "file"
    ok = agent.post(f"/api/v1/workorders/{order['id']}/attachments",
                    {"file": SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff", content_type="image/jpeg")})
    assert ok.status_code == 201
    detail = agent.get(f"/api/v1/workorders/{order['id']}").json()
    assert [a["name"] for a in detail["attachments"]] == ["现场照片.jpg"]
    got = agent.get(f"/api/v1/workorders/{order['id']}/attachments/{ok.json()['id']}")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"\xff\xd8\xff"
    assert api_for(hw.handler2).get(f"/api/v1/workorders/{order['id']}/attachments/{ok.json()['id']}"
                                    ).status_code == 404
