"""The test upstream (bench/upstream_server.py) over real HTTP: the protocol of docs/exchange.md as it answers it,
its failure modes, and that what it acknowledged survives a SIGKILL."""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from .upstream import Upstream, UpstreamError, sm3_hex, upstream_fixture  # noqa: F401  (the `upstream` fixture)

DAY = "2026-12-03"


def record(key: str, kind: str = "rating", day: str = DAY, **data: object) -> dict[str, object]:
    return {"key": key, "kind": kind, "day": day, "data": data or {"办件编号": key.split("/")[0]}}


def results_by_key(answer: dict) -> dict[str | None, dict]:
    return {result["key"]: result for result in answer["results"]}


def test_batch_new_key_is_received_and_a_repeat_answers_409_with_the_first_receipt(upstream):
    status, answer = upstream.send_batch([record("BM-1/accept", "case_accept")])
    assert status == 200
    [first] = answer["results"]
    assert first["key"] == "BM-1/accept" and first["code"] == "200" and first["message"] == ""
    assert first["receipt"].startswith("R-") and len(first["receipt"]) == len("R-000001")

    status, answer = upstream.send_batch([record("BM-1/accept", "case_accept"), record("BM-2/accept", "case_accept")])
    results = results_by_key(answer)
    assert results["BM-1/accept"]["code"] == "409"
    assert results["BM-1/accept"]["receipt"] == first["receipt"]
    assert "已存在" in results["BM-1/accept"]["message"]
    assert results["BM-2/accept"]["code"] == "200" and results["BM-2/accept"]["receipt"] != first["receipt"]

    received = {r["key"]: r for r in upstream.received()}
    assert received["BM-1/accept"]["times_received"] == 2
    assert received["BM-1/accept"]["receipt"] == first["receipt"]
    assert received["BM-1/accept"]["data"] == {"办件编号": "BM-1"}
    assert received["BM-2/accept"]["times_received"] == 1


def test_batch_refuses_configured_keys_and_incomplete_records_one_by_one(upstream):
    upstream.control(refuse_keys=["BM-1/rating/first"])
    status, answer = upstream.send_batch([
        record("BM-1/rating/first"),
        record("BM-2/rating/first"),
        {"key": "BM-3/rating/first", "kind": "rating", "day": DAY},  # no data
        {"kind": "rating", "day": DAY, "data": {}},                   # no key
        {"key": "BM-4/rating/first", "day": DAY, "data": {}},         # no kind
        "not a record",
    ])
    assert status == 200
    results = answer["results"]
    assert [r["code"] for r in results] == ["400", "200", "400", "400", "400", "400"]
    assert results[0]["message"] == "满意度代码不合法" and results[0]["receipt"] == ""
    assert "data" in results[2]["message"] and "key" in results[3]["message"] and "kind" in results[4]["message"]
    assert [r["key"] for r in upstream.received()] == ["BM-2/rating/first"]
    assert [a["outcome"] for a in upstream.attempts("BM-1/rating/first")] == ["refused"]

    upstream.control(refuse_all=True, refuse_message="评价渠道代码不合法")
    _, answer = upstream.send_batch([record("BM-5/rating/first"), record("BM-2/rating/first")])
    results = results_by_key(answer)
    assert results["BM-5/rating/first"] == {"key": "BM-5/rating/first", "code": "400", "receipt": "",
                                            "message": "评价渠道代码不合法"}
    assert results["BM-2/rating/first"]["code"] == "409"  # already received: a repeat, not a refusal


def test_single_style_token_signature_repeat_and_expiry(upstream):
    bad = upstream.token(secret="wrong-secret")
    assert bad == {"success": False, "errorMessage": "签名错误"}
    token_answer = upstream.token()
    assert token_answer["success"] is True and token_answer["expiresIn"] == 7200
    token = token_answer["token"]

    status, answer = upstream.send_single(token, "BM-1/rating/first", "rating", DAY, {"projectNo": "BM-1"})
    assert status == 200 and answer["success"] is True and answer["errorMessage"] == ""
    receipt = answer["serviceCode"]
    assert receipt.startswith("R-")

    _, answer = upstream.send_single(token, "BM-1/rating/first", "rating", DAY, {"projectNo": "BM-1"})
    assert answer == {"success": False, "serviceCode": receipt, "errorMessage": "数据已存在"}

    _, answer = upstream.send_single(token, "BM-2/rating/first", "rating", DAY, {"projectNo": "BM-2"},
                                     secret="wrong-secret")
    assert answer["success"] is False and answer["errorMessage"] == "签名错误"

    # The signature covers the exact body text: a body changed after signing is refused.
    body = json.dumps({"projectNo": "BM-2"}).encode()
    headers = upstream.single_headers(token, body, key="BM-2/rating/first", kind="rating", day=DAY)
    _, answer = upstream.request("POST", "/provincial/evaluation", body=body + b" ", headers=headers)
    assert answer["errorMessage"] == "签名错误"

    upstream.control(refuse_keys=["BM-3/rating/first"])
    _, answer = upstream.send_single(token, "BM-3/rating/first", "rating", DAY, {"projectNo": "BM-3"})
    assert answer["success"] is False and answer["errorMessage"] == "满意度代码不合法"
    assert not any(marker in answer["errorMessage"] for marker in ("已存在", "重复"))

    _, answer = upstream.send_single("no-such-token", "BM-4/rating/first", "rating", DAY, {})
    assert answer == {"success": False, "errorCode": "TOKEN_EXPIRED", "errorMessage": "令牌已过期"}
    upstream.control(expire_tokens=True)
    _, answer = upstream.send_single(token, "BM-4/rating/first", "rating", DAY, {})
    assert answer["errorCode"] == "TOKEN_EXPIRED"

    [stored] = upstream.received()
    assert stored["key"] == "BM-1/rating/first" and stored["style"] == "single" and stored["times_received"] == 2
    assert stored["day"] == DAY and stored["kind"] == "rating" and stored["data"] == {"projectNo": "BM-1"}


def test_reconciliation_lists_acknowledged_keys_per_day_and_kind(upstream):
    upstream.control(refuse_keys=["BM-9/rating/first"])
    upstream.send_batch([record("BM-2/rating/first"), record("BM-1/rating/first"), record("BM-9/rating/first"),
                         record("BM-1/accept", "case_accept"), record("BM-3/rating/first", day="2026-12-04")])
    upstream.send_batch([record("BM-4/rating/first", day="20261203")])  # a compact day is read as the same day
    status, answer = upstream.request("GET", f"/gbt39046/reconcile?date={DAY}&kind=rating")
    assert status == 200
    assert answer == {"date": DAY, "kind": "rating", "count": 3,
                      "keys": ["BM-1/rating/first", "BM-2/rating/first", "BM-4/rating/first"]}
    _, answer = upstream.request("GET", f"/gbt39046/reconcile?date={DAY}&kind=case_accept")
    assert answer["keys"] == ["BM-1/accept"]
    _, answer = upstream.request("GET", "/gbt39046/reconcile?date=2026-12-05&kind=rating")
    assert answer == {"date": "2026-12-05", "kind": "rating", "count": 0, "keys": []}
    assert upstream.request("GET", "/gbt39046/reconcile?date=yesterday&kind=rating")[0] == 400

    # The provincial reconciliation needs a token, and sees only what came by the single style.
    assert upstream.request("GET", f"/provincial/reconcile?date={DAY}&kind=rating")[0] == 401
    token = upstream.token()["token"]
    upstream.send_single(token, "BM-7/rating/first", "rating", DAY, {"projectNo": "BM-7"})
    status, answer = upstream.request("GET", f"/provincial/reconcile?date={DAY}&kind=rating",
                                      headers=upstream.single_headers(token, b""))
    assert status == 200 and answer["keys"] == ["BM-7/rating/first"] and answer["count"] == 1


def test_drop_after_store_keeps_the_record_but_gives_no_answer(upstream):
    upstream.control(mode="drop_after_store")
    with pytest.raises(OSError):
        upstream.send_batch([record("BM-1/accept", "case_accept")])
    [stored] = upstream.received()
    assert stored["key"] == "BM-1/accept"

    upstream.control(mode="drop")
    with pytest.raises(OSError):
        upstream.send_batch([record("BM-2/accept", "case_accept")])
    assert [r["key"] for r in upstream.received()] == ["BM-1/accept"]  # `drop` stores nothing

    upstream.control(mode="ok")
    _, answer = upstream.send_batch([record("BM-1/accept", "case_accept")])
    assert answer["results"][0]["code"] == "409" and answer["results"][0]["receipt"] == stored["receipt"]
    assert [a["outcome"] for a in upstream.attempts()] == ["stored", "dropped", "duplicate"]


def test_failure_modes_5xx_fail_next_double_ack_and_slow(upstream):
    upstream.control(mode="error_5xx")
    status, _ = upstream.send_batch([record("BM-1/accept", "case_accept")])
    assert status == 503 and upstream.received() == []

    settings = upstream.control(mode="ok", fail_next=2)
    assert settings["fail_next"] == 2 and settings["mode"] == "ok"
    token = upstream.token()["token"]  # tokens are not sends: fail_next does not touch them
    assert upstream.send_batch([record("BM-1/accept", "case_accept")])[0] == 503
    assert upstream.send_single(token, "BM-1/rating/first", "rating", DAY, {})[0] == 503
    assert upstream.send_batch([record("BM-1/accept", "case_accept")])[1]["results"][0]["code"] == "200"

    upstream.control(mode="double_ack")
    _, answer = upstream.send_batch([record("BM-2/accept", "case_accept"), record("BM-3/accept", "case_accept")])
    assert [r["key"] for r in answer["results"]] == ["BM-2/accept", "BM-2/accept", "BM-3/accept", "BM-3/accept"]
    assert answer["results"][0] == answer["results"][1]
    _, answer = upstream.send_single(token, "BM-2/rating/first", "rating", DAY, {})
    assert answer["success"] is True  # single style: answered normally

    upstream.control(mode="slow", delay=0.3)
    with pytest.raises(OSError):  # a client that gives up early: the record is stored all the same
        upstream.send_batch([record("BM-4/accept", "case_accept")], timeout=0.1)
    deadline = time.monotonic() + 5
    while "BM-4/accept" not in {r["key"] for r in upstream.received()}:
        assert time.monotonic() < deadline, "the slow send was never stored"
        time.sleep(0.05)

    with pytest.raises(UpstreamError, match="400"):
        upstream.control(mode="sideways")
    with pytest.raises(UpstreamError, match="400"):
        upstream.control(colour="blue")

    upstream.reset()
    assert upstream.received() == [] and upstream.control()["mode"] == "ok"
    _, answer = upstream.send_batch([record("BM-9/accept", "case_accept")])
    assert answer["results"][0]["receipt"] > "R-000004"  # receipts are never reused


def test_records_survive_kill_9_and_restart_on_the_same_port_and_store(upstream):
    _, answer = upstream.send_batch([record("BM-1/accept", "case_accept")])
    receipt = answer["results"][0]["receipt"]
    token = upstream.token()["token"]
    assert upstream.send_single(token, "BM-1/rating/first", "rating", DAY, {})[1]["success"] is True
    upstream.control(mode="error_5xx")
    port = upstream.port

    upstream.kill()
    with pytest.raises(OSError):
        upstream.send_batch([record("BM-2/accept", "case_accept")], timeout=1)
    upstream.restart()

    assert upstream.port == port
    assert upstream.control()["mode"] == "ok"  # settings are not persisted
    _, answer = upstream.send_batch([record("BM-1/accept", "case_accept")])
    assert answer["results"][0] == {"key": "BM-1/accept", "code": "409", "receipt": receipt, "message": "数据已存在"}
    # Tokens are in memory only: the old one is unknown after the restart.
    assert upstream.send_single(token, "BM-1/rating/first", "rating", DAY, {})[1]["errorCode"] == "TOKEN_EXPIRED"
    new_token = upstream.token()["token"]
    assert upstream.send_single(new_token, "BM-1/rating/first", "rating", DAY, {})[1]["errorMessage"] == "数据已存在"
    assert {(r["style"], r["key"]) for r in upstream.received()} == {("batch", "BM-1/accept"),
                                                                     ("single", "BM-1/rating/first")}
    _, answer = upstream.request("GET", f"/gbt39046/reconcile?date={DAY}&kind=case_accept")
    assert answer["keys"] == ["BM-1/accept"]


def test_malformed_requests_are_answered_400_and_the_server_keeps_going(upstream):
    assert upstream.request("POST", "/gbt39046/records", body=b"{not json")[0] == 400
    assert upstream.request("POST", "/gbt39046/records", body=b"\xff\xfe\x00")[0] == 400
    assert upstream.request("POST", "/gbt39046/records", body=b"")[0] == 400
    assert upstream.request("POST", "/gbt39046/records", [1, 2])[0] == 400
    status, answer = upstream.request("POST", "/gbt39046/records", {"records": 5})
    assert status == 400 and "error" in answer
    assert upstream.request("POST", "/provincial/token", body=b"nope")[0] == 400
    assert upstream.request("POST", "/provincial/token", {"appKey": 1})[1]["success"] is False
    assert upstream.request("POST", "/_control", body=b"[")[0] == 400
    assert upstream.request("GET", "/gbt39046/records")[0] == 405
    assert upstream.request("GET", "/elsewhere")[0] == 404
    token = upstream.token()["token"]
    body = b"{broken"
    headers = upstream.single_headers(token, body, key="BM-1/rating/first", kind="rating", day=DAY)
    _, answer = upstream.request("POST", "/provincial/evaluation", body=body, headers=headers)
    assert answer["success"] is False and "JSON" in answer["errorMessage"]

    for raw in (b"GARBAGE\r\n\r\n", b"POST /gbt39046/records HTTP/1.1\r\nContent-Length: nine\r\n\r\n",
                b"POST /gbt39046/records HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"records\""):
        with socket.create_connection(("127.0.0.1", upstream.port), timeout=2) as connection:
            connection.sendall(raw)
            connection.shutdown(socket.SHUT_WR)
            while connection.recv(4096):
                pass

    assert upstream.running
    assert upstream.send_batch([record("BM-1/accept", "case_accept")])[1]["results"][0]["code"] == "200"


def test_concurrent_sends_of_one_key_get_one_receipt(upstream):
    answers: list[dict] = []

    def send() -> None:
        answers.append(upstream.send_batch([record("BM-1/accept", "case_accept")])[1]["results"][0])

    threads = [threading.Thread(target=send) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a["code"] for a in answers) == ["200"] + ["409"] * 15
    assert len({a["receipt"] for a in answers}) == 1
    [stored] = upstream.received()
    assert stored["times_received"] == 16


def test_upstream_class_without_a_store_uses_a_temporary_one():
    with Upstream() as server:
        assert server.url.startswith("http://127.0.0.1:") and server.store.exists()
        assert sm3_hex("abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        store = server.store
    assert not store.exists()
