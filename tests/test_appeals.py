"""申诉复核: the rated person or unit appeals once; a county/city reviewer upholds or dismisses."""
import json

import pytest

from bianmin.core.models import Notification
from bianmin.rectification.models import Appeal

from .ticket_helpers import bad_rating

pytestmark = pytest.mark.django_db


def appeal(client, rating, reason="评价人误将“办结”当成“退件”", expect=201):
    r = client.post(f"/api/v1/ratings/{rating.pk}/appeals", data=json.dumps({"reason": reason}),
                    content_type="application/json")
    assert r.status_code == expect, r.content.decode()
    return r.json()


def decide(client, appeal_id, decision, reason="经查证", expect=200):
    r = client.post(f"/api/v1/appeals/{appeal_id}/decide", data=json.dumps({"decision": decision, "reason": reason}),
                    content_type="application/json")
    assert r.status_code == expect, r.content.decode()
    return r.json()


def test_rated_staff_appeals_and_supervisor_upholds(world, api_for):
    rating = bad_rating(world)
    body = appeal(api_for(world.clerk_a), rating)
    assert body["status"] == "pending" and body["due"]
    assert Notification.objects.filter(user=world.supervisor, text__contains="申诉").exists()
    decide(api_for(world.clerk_a), body["id"], "upheld", expect=403)  # not one's own appeal
    decide(api_for(world.manager_a), body["id"], "upheld", expect=403)  # managers do not review
    decided = decide(api_for(world.supervisor), body["id"], "upheld", "录音证实为误评")
    assert decided["status"] == "upheld"
    rating.refresh_from_db()
    assert rating.excluded and "申诉成立" in rating.excluded_reason
    # Both sides see the decision.
    assert Notification.objects.filter(user=world.clerk_a, text__contains="申诉成立").exists()
    ids = [a["id"] for a in api_for(world.clerk_a).get("/api/v1/appeals").json()["items"]]
    assert body["id"] in ids


def test_dismissed_appeal_keeps_the_rating_counted(world, api_for):
    rating = bad_rating(world)
    body = appeal(api_for(world.manager_a), rating)
    decide(api_for(world.supervisor), body["id"], "dismissed", "证据不足")
    rating.refresh_from_db()
    assert not rating.excluded
    decide(api_for(world.supervisor), body["id"], "upheld", expect=409)  # decided once


def test_repeated_appeal_on_one_rating_is_refused(world, api_for):
    rating = bad_rating(world)
    appeal(api_for(world.clerk_a), rating)
    r = appeal(api_for(world.manager_a), rating, expect=409)
    assert r["code"] == "already_appealed" and Appeal.objects.count() == 1


def test_outsiders_cannot_appeal(world, api_for):
    rating = bad_rating(world)
    appeal(api_for(world.manager_b), rating, expect=403)
    appeal(api_for(world.clerk_a2), rating, expect=403)  # a colleague, not the rated person
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("reason", ["", "  ", "x" * 2001])
def test_appeal_needs_a_reason(world, api_for, reason):
    appeal(api_for(world.clerk_a), bad_rating(world), reason=reason, expect=422)


def test_decision_must_be_upheld_or_dismissed(world, api_for):
    body = appeal(api_for(world.clerk_a), bad_rating(world))
    decide(api_for(world.supervisor), body["id"], "maybe", expect=422)
    assert Appeal.objects.get().status == "pending"


def test_appeal_with_evidence_files(world, api_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    rating = bad_rating(world)
    r = api_for(world.clerk_a).post(f"/api/v1/ratings/{rating.pk}/appeals", data={
        "reason": "见录音", "files": [SimpleUploadedFile("call.mp3", b"ID3...", content_type="audio/mpeg")]})
    assert r.status_code == 201, r.content
    assert Appeal.objects.get().attachments.get().name == "call.mp3"
    bad = api_for(world.clerk_a).post(f"/api/v1/ratings/{bad_rating(world).pk}/appeals", data={
        "reason": "x", "files": [SimpleUploadedFile("evil.exe", b"MZ", content_type="application/octet-stream")]})
    assert bad.status_code == 422 and Appeal.objects.count() == 1
