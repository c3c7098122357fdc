"""The queue API contract (issue 16): shapes and status codes, the public rate limit, who may call and act."""
import pytest

from bianmin.queueing.models import QueueTicket

from .queue_helpers import at, civil_window


@pytest.fixture
def morning(set_now):
    return set_now(at(0))


def post(client, url, body=None):
    return client.post(url, body if body is not None else {}, content_type="application/json")


def take(client, world, **body):
    return post(client, "/api/v1/queue/tickets", {"site": world.site_a.pk, "item": world.item_committed.pk, **body})


def test_take_and_follow_a_ticket(world, api_for, morning):
    public = api_for(None)
    first = take(public, world)
    assert first.status_code == 201, first.json()
    body = first.json()
    assert set(body) >= {"id", "number", "ahead", "token"} and body["ahead"] == 0 and body["number"] == "A001"
    second = take(public, world, priority="elderly").json()
    assert second["ahead"] == 0  # the green lane goes before the walk-in
    third = take(public, world).json()
    assert third["ahead"] == 2
    follow = public.get(f"/api/v1/queue/tickets/{third['token']}").json()
    assert {k: follow[k] for k in ("number", "status", "ahead", "window")} == {
        "number": third["number"], "status": "waiting", "ahead": 2, "window": None}
    assert follow["estimate_low"] <= follow["estimate_high"]
    assert public.get("/api/v1/queue/tickets/nope").status_code == 404


def test_call_act_and_the_public_queue(world, api_for, client_for, morning, set_now):
    public, clerk = api_for(None), api_for(world.clerk_a)
    mine = take(public, world).json()
    set_now(at(10))
    called = post(clerk, "/api/v1/queue/call").json()["ticket"]  # default window: clerk_a's A post
    assert called["id"] == mine["id"] and called["window"] == "1" and called["reason"] == "按取号顺序"
    assert called["status"] == "called" and "phone" not in called
    assert public.get(f"/api/v1/queue/tickets/{mine['token']}").json()["window"] == "1"
    hall = public.get(f"/api/v1/sites/{world.site_a.pk}/queue").json()
    assert hall == {"waiting": 0, "calling": [{"number": mine["number"], "window": "1"}], "average_wait_minutes": 10.0}
    set_now(at(12))
    recalled = post(clerk, f"/api/v1/queue/tickets/{mine['id']}/recall")
    assert recalled.status_code == 200 and recalled.json()["ticket"]["recalls"] == 1
    finished = post(clerk, f"/api/v1/queue/tickets/{mine['id']}/finish").json()["ticket"]
    assert finished["status"] == "finished"
    assert post(clerk, "/api/v1/queue/call", {"window": world.window_a.pk}).json() == {"ticket": None}
    assert public.get(f"/api/v1/sites/{world.site_a.pk}/queue").json()["calling"] == []


def test_transfer_through_the_api(world, api_for, morning, set_now):
    window2 = civil_window(world)
    clerk = api_for(world.clerk_a)
    mine = take(api_for(None), world, item=world.item_instant.pk).json()
    set_now(at(1))
    post(clerk, "/api/v1/queue/call", {"window": world.window_a.pk})
    refused = post(clerk, f"/api/v1/queue/tickets/{mine['id']}/transfer", {"window": window2.pk})
    assert refused.status_code == 422 and refused.json()["field"] == "reason"
    moved = post(clerk, f"/api/v1/queue/tickets/{mine['id']}/transfer", {"window": window2.pk, "reason": "转民政"})
    assert moved.status_code == 200 and moved.json()["ticket"]["window"] == "2"
    assert moved.json()["ticket"]["status"] == "waiting"


@pytest.mark.parametrize(("persona", "status"), [
    ("clerk_a", 200), ("clerk_a2", 200), ("manager_a", 200), ("manager_b", 404), ("supervisor", 403),
    ("handler", 404), ("outsider", 404), (None, 401),
])
def test_who_may_act_on_a_ticket(world, api_for, morning, persona, status):
    ticket = take(api_for(None), world).json()
    QueueTicket.objects.filter(pk=ticket["id"]).update(status="called", window=world.window_a)
    user = getattr(world, persona) if persona else None
    answer = post(api_for(user), f"/api/v1/queue/tickets/{ticket['id']}/skip")
    assert answer.status_code == status, answer.content
    assert QueueTicket.objects.get(pk=ticket["id"]).status == ("no_show" if status == 200 else "called")


@pytest.mark.parametrize(("persona", "status"), [
    ("clerk_a", 200), ("manager_a", 200), ("manager_b", 404), ("supervisor", 403), ("outsider", 403), (None, 401),
])
def test_who_may_call_at_a_window(world, api_for, morning, persona, status):
    take(api_for(None), world)
    user = getattr(world, persona) if persona else None
    answer = post(api_for(user), "/api/v1/queue/call", {"window": world.window_a.pk})
    assert answer.status_code == status, answer.content
    assert QueueTicket.objects.filter(status="called").count() == (1 if status == 200 else 0)


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"priority": "vip"}, 422, "priority"),
    ({"item": 999999}, 422, "item"),
    ({"site": 999999}, 422, "site"),
    ({"site": "abc"}, 422, None),
    ({"phone": "123"}, 422, "phone"),
    ({"appointment_code": "NOPE99"}, 404, None),
])
def test_bad_tickets_are_refused(world, api_for, morning, body, status, field):
    answer = take(api_for(None), world, **body)
    assert answer.status_code == status, answer.content
    data = answer.json()
    assert data["message"] and data["message_en"]
    if field:
        assert data.get("field") == field
    assert not QueueTicket.objects.exists()


def test_bad_actions(world, api_for, morning):
    clerk = api_for(world.clerk_a)
    ticket = take(api_for(None), world).json()
    assert post(clerk, f"/api/v1/queue/tickets/{ticket['id']}/finish").status_code == 409  # still waiting
    assert post(clerk, f"/api/v1/queue/tickets/{ticket['id']}/fly").status_code == 404
    assert post(clerk, "/api/v1/queue/tickets/999999/finish").status_code == 404
    assert post(clerk, "/api/v1/queue/call", {"window": 999999}).status_code == 404
    bad_json = clerk.post(f"/api/v1/queue/tickets/{ticket['id']}/skip", "{", content_type="application/json")
    assert bad_json.status_code in (400, 422)
    assert api_for(None).get("/api/v1/sites/999999/queue").status_code == 404


def test_taking_tickets_is_rate_limited(world, api_for, morning, settings):
    settings.BIANMIN = {**settings.BIANMIN, "PUBLIC_RATE_PER_MINUTE": 3}
    public = api_for(None)
    codes = [take(public, world, phone=f"1380000000{i}").status_code for i in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    assert QueueTicket.objects.count() == 3
    limited = take(public, world, phone="13800000009").json()
    assert limited["code"] == "rate_limited" and limited["message_en"]
