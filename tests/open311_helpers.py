"""Helpers for the Open311 tests: a client key, a good POST, and the spec's error format read back in JSON or XML."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from bianmin.hotline.models import Open311Client

BASE = "/open311/v2"
# A fixed key, stored as issue() stores any key (its digest), so tests can post with it.
KEY = "o311_" + "k" * 43
FORM = {"service_code": "SHJZ", "description": "小区路灯坏了一个月，晚上出行不便。", "address_string": "溪东街道滨江社区3栋",
        "lat": "27.123456", "long": "113.654321", "first_name": "秀英", "last_name": "欧阳", "phone": "13588889999",
        "email": "ouyang@example.com"}


def issue(name: str = "测试客户端", key: str = KEY, **fields) -> Open311Client:
    """A client holding `key` (fields: active, jurisdiction)."""
    return Open311Client.objects.create(name=name, key_hash=Open311Client.digest(key), key_prefix=key[:12],
                                        **fields)


def post(client, fmt: str = "json", query: str = "", headers: dict | None = None, **fields):
    """POST requests.{fmt} with the good form (and KEY) changed by `fields`; a field set to None is left out."""
    data = {**FORM, "api_key": KEY, **fields}
    return client.post(f"{BASE}/requests.{fmt}{query}", {k: v for k, v in data.items() if v is not None},
                       headers=headers)


def xml_of(r) -> ET.Element:
    assert r["Content-Type"] == "text/xml; charset=utf-8", r["Content-Type"]
    assert r.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(r.content)


def error_of(r, status: int, fmt: str = "json") -> str:
    """The one error's description, after checking the spec's error format in `fmt` and the HTTP status."""
    assert r.status_code == status, r.content.decode()
    if fmt == "xml":
        root = xml_of(r)
        assert root.tag == "errors" and [e.tag for e in root] == ["error"]
        assert [c.tag for c in root[0]] == ["code", "description"]
        assert root.findtext("error/code") == str(status)
        return root.findtext("error/description")
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert isinstance(body, list) and len(body) == 1 and set(body[0]) == {"code", "description"}
    assert body[0]["code"] == status and body[0]["description"]
    return body[0]["description"]
