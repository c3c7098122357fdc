"""Small helpers for case tests: register and act through the JSON API as a given user."""
import json


def post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def register(client, item, name="刘德华", phone="13812345678", **extra):
    body = {"item_code": item.code, "applicant": {"name": name, "phone": phone, **extra.pop("applicant", {})}, **extra}
    r = post(client, "/api/v1/cases", body)
    assert r.status_code == 201, r.content
    return r.json()


def act(client, case_id, action, body=None, expect=200):
    r = post(client, f"/api/v1/cases/{case_id}/{action}", body)
    assert r.status_code == expect, r.content.decode()
    return r.json()
