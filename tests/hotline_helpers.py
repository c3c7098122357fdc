"""Helpers for hotline tests: intake and actions through the JSON API (the `hw` fixture is in conftest)."""
import json

CALLER = {"name": "周晓梅", "phone": "13911112222", "confidential": False}


def post(client, url, body=None, raw=None):
    data = raw if raw is not None else json.dumps(body if body is not None else {})
    return client.post(url, data=data, content_type="application/json")


def intake(client, category="SHJZ", expect=201, **extra):
    body = {"channel": "phone", "caller": dict(CALLER), "category": category,
            "text": "家中老人生病，想了解临时救助怎么申请。"}
    if "caller" in extra:
        body["caller"].update(extra.pop("caller"))
    body.update(extra)
    r = post(client, "/api/v1/workorders", body)
    assert r.status_code == expect, r.content.decode()
    return r.json()


def act(client, order_id, action, body=None, expect=200):
    r = post(client, f"/api/v1/workorders/{order_id}/{action}", body)
    assert r.status_code == expect, r.content.decode()
    return r.json()


def get(client, order_id, expect=200):
    r = client.get(f"/api/v1/workorders/{order_id}")
    assert r.status_code == expect, r.content.decode()
    return r.json()
