#!/usr/bin/env python
"""A test upstream for the national data exchange: it speaks the wire protocol of docs/exchange.md.

    python bench/upstream_server.py --host 127.0.0.1 --port 8811 --store var/upstream.sqlite3 \
        [--app-key demo-app --app-secret demo-secret] [--quiet]

`--port 0` picks a free port. On start it prints exactly one line, `listening on http://HOST:PORT`, to stdout;
request logs go to stderr (none with --quiet). Standard library only, so it runs with any Python 3.11 (it needs
an OpenSSL with SM3, as `hashlib.new("sm3")` does here).

Both transport styles are served by one process, on the paths of the two profiles
(bianmin/exchange/profiles/*.json), each behaving as a separate upstream: a key is unique per style.

- batch (`gbt39046-2020`): `POST /gbt39046/records`, `GET /gbt39046/reconcile?date=YYYY-MM-DD&kind=K`.
- single (`provincial-2023`): `POST /provincial/token`, `POST /provincial/evaluation`,
  `GET /provincial/reconcile?date=YYYY-MM-DD&kind=K` (the reconciliation needs a valid X-Token).

Every record acknowledged is kept in the SQLite file given by --store, committed before the answer is written,
so a server killed with SIGKILL and started again on the same store still answers a repeated key with its first
receipt. Receipts are `R-000001`, `R-000002`, … across both styles, and never reused (not even after /_reset).
Tokens and the control settings live in memory only: after a restart every token is unknown (the exchange gets
TOKEN_EXPIRED and fetches a new one) and the mode is back to `ok`.

Control API, for tests and demos (plain JSON, no authentication; bind it to the loopback only):

- `POST /_control` with any of
    `mode`: `ok` | `slow` | `error_5xx` | `drop` | `drop_after_store` | `double_ack`,
    `delay`: seconds the `slow` mode sleeps before handling a send,
    `refuse_keys`: keys refused as invalid (replaces the previous list),
    `refuse_all`: refuse every new key,
    `refuse_message`: the validation message of a refusal (default 满意度代码不合法),
    `expire_tokens`: true invalidates every token now,
    `fail_next`: answer 503 to the next n sends, whatever the mode, then go on in the mode set;
  answers 200 with the settings now in force (`GET /_control` shows them too). An unknown setting or a bad value
  is answered 400 and changes nothing.
- `GET /_received[?style=batch|single]`: `{"records": [{key, kind, day, style, receipt, times_received, data}],
  "count": n}` in the order received. `times_received` counts every delivery of an acknowledged key, repeats
  included (not refusals, drops or 503s).
- `GET /_attempts[?key=K]`: every send of a record as seen by the server, with its outcome: `stored`,
  `duplicate`, `refused`, `invalid`, `dropped`, `error_5xx`, `token_expired`, `bad_sign`.
- `POST /_reset`: forgets every record and attempt and puts the settings back to `ok` (tokens stay valid).

The modes apply to sends only (`/gbt39046/records`, `/provincial/evaluation`), not to tokens, reconciliation or
the control API:
- `slow` sleeps `delay` seconds, then handles the send as `ok` (so a client that timed out finds it stored);
- `error_5xx` answers HTTP 503 without storing;
- `drop` closes the connection without any answer and without storing;
- `drop_after_store` stores (or counts a repeat) as usual, then closes without answering: a lost acknowledgement;
- `double_ack` repeats every result of a batch answer twice; a single-style send is answered normally (one
  record, one answer: there is nothing to repeat).

A repeated key is answered as a repeat (409 / 数据已存在) even when it is now configured to be refused: the
upstream already has it.
"""
from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import json
import re
import secrets
import signal
import socket
import sqlite3
import sys
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BATCH_SEND_PATH = "/gbt39046/records"
BATCH_RECONCILE_PATH = "/gbt39046/reconcile"
SINGLE_TOKEN_PATH = "/provincial/token"
SINGLE_SEND_PATH = "/provincial/evaluation"
SINGLE_RECONCILE_PATH = "/provincial/reconcile"

MODES = ("ok", "slow", "error_5xx", "drop", "drop_after_store", "double_ack")
TOKEN_TTL_SECONDS = 7200
MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_DELAY_SECONDS = 600

DEFAULT_REFUSE_MESSAGE = "满意度代码不合法"
DUPLICATE_MESSAGE = "数据已存在"
BAD_JSON_MESSAGE = "请求体不是合法的JSON"
BAD_SIGN_MESSAGE = "签名错误"
TOKEN_EXPIRED_MESSAGE = "令牌已过期"
UNAVAILABLE_MESSAGE = "服务暂不可用"

ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
COMPACT_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})")

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    style TEXT NOT NULL,
    key TEXT NOT NULL,
    kind TEXT NOT NULL,
    day TEXT,
    payload TEXT NOT NULL,
    receipt TEXT NOT NULL,
    first_at TEXT NOT NULL,
    times_received INTEGER NOT NULL DEFAULT 1,
    seq INTEGER NOT NULL,
    PRIMARY KEY (style, key)
);
CREATE INDEX IF NOT EXISTS records_by_day ON records (style, day, kind);
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    style TEXT NOT NULL,
    key TEXT,
    kind TEXT,
    day TEXT,
    outcome TEXT NOT NULL,
    receipt TEXT
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def normalise_day(value: Any) -> str | None:
    """The record's business day as YYYY-MM-DD. `20261203` and datetimes starting with a day are accepted too;
    anything else is kept as given (it then matches no reconciliation)."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    match = ISO_DAY.match(value) or COMPACT_DAY.fullmatch(value)
    if match:
        return "-".join(match.groups())
    return value


class Store:
    """Records and attempts in SQLite; one connection, every access under one lock."""

    def __init__(self, path: str) -> None:
        self.lock = threading.Lock()
        self.conn = sqlite3.connect(path, check_same_thread=False, timeout=30)
        self.conn.row_factory = sqlite3.Row
        with self.lock:
            self.conn.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL survives a killed process (not a power cut): enough for a test server.
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.executescript(SCHEMA)
            self.conn.commit()

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    def _next_receipt(self) -> tuple[int, str]:
        row = self.conn.execute("SELECT value FROM counters WHERE name = 'receipt'").fetchone()
        seq = (row["value"] if row else 0) + 1
        self.conn.execute("INSERT INTO counters (name, value) VALUES ('receipt', ?) "
                          "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (seq,))
        return seq, f"R-{seq:06d}"

    def _log(self, style: str, key: Any, kind: Any, day: Any, outcome: str, receipt: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO attempts (at, style, key, kind, day, outcome, receipt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (now_iso(), style, _text_or_none(key), _text_or_none(kind), _text_or_none(day), outcome, receipt))

    def accept(self, style: str, key: str, kind: str, day: str | None, data: Any, refused: bool
               ) -> tuple[str, str | None]:
        """Receive one record: ("stored", receipt), ("duplicate", first receipt) or ("refused", None)."""
        with self.lock, self.conn:
            row = self.conn.execute("SELECT receipt FROM records WHERE style = ? AND key = ?",
                                    (style, key)).fetchone()
            if row is not None:
                self.conn.execute("UPDATE records SET times_received = times_received + 1 "
                                  "WHERE style = ? AND key = ?", (style, key))
                self._log(style, key, kind, day, "duplicate", row["receipt"])
                return "duplicate", row["receipt"]
            if refused:
                self._log(style, key, kind, day, "refused")
                return "refused", None
            seq, receipt = self._next_receipt()
            self.conn.execute(
                "INSERT INTO records (style, key, kind, day, payload, receipt, first_at, times_received, seq) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)",
                (style, key, kind, day, json.dumps(data, ensure_ascii=False), receipt, now_iso(), seq))
            self._log(style, key, kind, day, "stored", receipt)
            return "stored", receipt

    def log_attempts(self, style: str, entries: list[tuple[Any, Any, Any]], outcome: str) -> None:
        with self.lock, self.conn:
            for key, kind, day in entries:
                self._log(style, key, kind, day, outcome)

    def reconcile(self, style: str, day: str, kind: str) -> list[str]:
        with self.lock:
            rows = self.conn.execute("SELECT key FROM records WHERE style = ? AND day = ? AND kind = ? ORDER BY key",
                                     (style, day, kind)).fetchall()
        return [row["key"] for row in rows]

    def received(self, style: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT * FROM records"
        params: tuple[Any, ...] = ()
        if style:
            query += " WHERE style = ?"
            params = (style,)
        with self.lock:
            rows = self.conn.execute(query + " ORDER BY seq", params).fetchall()
        return [{"key": row["key"], "kind": row["kind"], "day": row["day"], "style": row["style"],
                 "receipt": row["receipt"], "times_received": row["times_received"], "first_at": row["first_at"],
                 "data": json.loads(row["payload"])} for row in rows]

    def attempts(self, key: str | None = None) -> list[dict[str, Any]]:
        query = "SELECT at, style, key, kind, day, outcome, receipt FROM attempts"
        params: tuple[Any, ...] = ()
        if key:
            query += " WHERE key = ?"
            params = (key,)
        with self.lock:
            rows = self.conn.execute(query + " ORDER BY id", params).fetchall()
        return [dict(row) for row in rows]

    def clear(self) -> None:
        """Forget records and attempts; the receipt counter goes on, so receipts are never reused."""
        with self.lock, self.conn:
            self.conn.execute("DELETE FROM records")
            self.conn.execute("DELETE FROM attempts")


def _text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class Settings:
    """The control settings (in memory only)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.mode = "ok"
            self.delay = 0.0
            self.refuse_keys: set[str] = set()
            self.refuse_all = False
            self.refuse_message = DEFAULT_REFUSE_MESSAGE
            self.fail_next = 0

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {"mode": self.mode, "delay": self.delay, "refuse_keys": sorted(self.refuse_keys),
                    "refuse_all": self.refuse_all, "refuse_message": self.refuse_message,
                    "fail_next": self.fail_next}

    def update(self, changes: dict[str, Any]) -> None:
        """Check every change first, then apply them all (a bad value changes nothing). ValueError says why."""
        known = {"mode", "delay", "refuse_keys", "refuse_all", "refuse_message", "expire_tokens", "fail_next"}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(unknown)}")
        if "mode" in changes and changes["mode"] not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        if "delay" in changes:
            delay = changes["delay"]
            if isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= MAX_DELAY_SECONDS:
                raise ValueError(f"delay must be a number of seconds from 0 to {MAX_DELAY_SECONDS}")
        if "refuse_keys" in changes:
            keys = changes["refuse_keys"]
            if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
                raise ValueError("refuse_keys must be a list of strings")
        for flag in ("refuse_all", "expire_tokens"):
            if flag in changes and not isinstance(changes[flag], bool):
                raise ValueError(f"{flag} must be true or false")
        if "refuse_message" in changes and (not isinstance(changes["refuse_message"], str)
                                            or not changes["refuse_message"].strip()):
            raise ValueError("refuse_message must be a non-empty string")
        if "fail_next" in changes:
            count = changes["fail_next"]
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError("fail_next must be a whole number from 0")
        with self.lock:
            if "mode" in changes:
                self.mode = changes["mode"]
            if "delay" in changes:
                self.delay = float(changes["delay"])
            if "refuse_keys" in changes:
                self.refuse_keys = set(changes["refuse_keys"])
            if "refuse_all" in changes:
                self.refuse_all = changes["refuse_all"]
            if "refuse_message" in changes:
                self.refuse_message = changes["refuse_message"]
            if "fail_next" in changes:
                self.fail_next = changes["fail_next"]

    def for_send(self) -> tuple[str, float]:
        """The behaviour for one send (mode, delay); a pending `fail_next` is used up here."""
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return "error_5xx", 0.0
            return self.mode, self.delay

    def refusal(self, key: str) -> str | None:
        with self.lock:
            if self.refuse_all or key in self.refuse_keys:
                return self.refuse_message
            return None


class Tokens:
    """Tokens handed out by /provincial/token, in memory only."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.expiry: dict[str, float] = {}

    def issue(self) -> str:
        token = secrets.token_hex(16)
        with self.lock:
            now = time.monotonic()
            self.expiry = {t: at for t, at in self.expiry.items() if at > now}
            self.expiry[token] = now + TOKEN_TTL_SECONDS
        return token

    def valid(self, token: str | None) -> bool:
        if not token:
            return False
        with self.lock:
            expires = self.expiry.get(token)
            return expires is not None and expires > time.monotonic()

    def expire_all(self) -> None:
        with self.lock:
            self.expiry.clear()

    def count(self) -> int:
        with self.lock:
            now = time.monotonic()
            return sum(1 for at in self.expiry.values() if at > now)


class HttpError(Exception):
    def __init__(self, status: int, payload: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.payload = payload


class Drop(Exception):
    """Close the connection without answering."""


class UpstreamServer(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = 128  # the listen backlog: many senders at once must not see SYNs dropped

    def __init__(self, address: tuple[str, int], store: Store, app_key: str, app_secret: str, quiet: bool) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.store = store
        self.settings = Settings()
        self.tokens = Tokens()
        self.app_key = app_key
        self.app_secret = app_secret
        self.quiet = quiet
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    server: UpstreamServer
    server_version = "bianmin-test-upstream/1"
    # One request per connection: a `drop` then never meets a pooled connection reused by the client.
    protocol_version = "HTTP/1.0"
    timeout = 60  # seconds a connection may sit idle mid-request before its thread lets it go

    # ---- plumbing -------------------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            sys.stderr.write(f"{now_iso()} {self.address_string()} {format % args}\n")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found by http.server itself (a bad request line, a header too long): JSON like the rest."""
        self.log_error("code %d, message %s", code, message)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self._json(code, {"error": message or self.responses.get(code, ("error",))[0]})

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _dispatch(self, method: str) -> None:
        try:
            self._route(method)
        except Drop:
            self.close_connection = True
            self.log_message("%s %s dropped without an answer", method, self.path)
        except HttpError as exc:
            with contextlib.suppress(OSError):
                self._json(exc.status, exc.payload)
        except OSError:
            self.close_connection = True  # the client went away
        except Exception as exc:  # never let one request take the server down
            self.log_error("internal error on %s %s: %r", method, self.path, exc)
            with contextlib.suppress(OSError):
                self._json(500, {"error": f"internal error: {type(exc).__name__}"})

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunked_body()
        length_text = self.headers.get("Content-Length")
        if not length_text:
            return b""
        try:
            length = int(length_text)
        except ValueError:
            raise HttpError(400, {"error": "bad Content-Length"}) from None
        if length < 0:
            raise HttpError(400, {"error": "bad Content-Length"})
        if length > MAX_BODY_BYTES:
            raise HttpError(413, {"error": f"body larger than {MAX_BODY_BYTES} bytes"})
        return self.rfile.read(length)

    def _chunked_body(self) -> bytes:
        chunks = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise HttpError(400, {"error": "bad chunked body"}) from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise HttpError(413, {"error": f"body larger than {MAX_BODY_BYTES} bytes"})
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _header(self, name: str) -> str:
        """A header's value; bytes sent as UTF-8 (http.server reads them as Latin-1) are decoded as UTF-8."""
        value = self.headers.get(name) or ""
        try:
            return value.encode("latin-1").decode("utf-8").strip()
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value.strip()

    def _header_bytes(self, name: str) -> bytes:
        value = self.headers.get(name) or ""
        try:
            return value.strip().encode("latin-1")
        except UnicodeEncodeError:
            return value.strip().encode("utf-8")

    @staticmethod
    def _parse_json(body: bytes) -> Any:
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return _MALFORMED

    def _route(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        query = parse_qs(url.query)
        routes = {
            ("POST", BATCH_SEND_PATH): self._batch_send,
            ("GET", BATCH_RECONCILE_PATH): lambda: self._reconcile("batch", query),
            ("POST", SINGLE_TOKEN_PATH): self._single_token,
            ("POST", SINGLE_SEND_PATH): self._single_send,
            ("GET", SINGLE_RECONCILE_PATH): lambda: self._reconcile("single", query),
            ("POST", "/_control"): self._control,
            ("GET", "/_control"): lambda: self._json(200, self._settings_answer()),
            ("GET", "/_received"): lambda: self._received(query),
            ("GET", "/_attempts"): lambda: self._attempts(query),
            ("POST", "/_reset"): self._reset,
        }
        handler = routes.get((method, path))
        if handler is not None:
            handler()
        elif any(known == path for _, known in routes):
            self._body()
            raise HttpError(405, {"error": f"{method} not allowed on {path}"})
        else:
            raise HttpError(404, {"error": f"no such path: {path}"})

    def _send_behaviour(self, style: str, entries: list[tuple[Any, Any, Any]]) -> str:
        """Apply the mode to a send before it is handled; returns the mode the send goes on in."""
        mode, delay = self.server.settings.for_send()
        if mode == "slow" and delay > 0:
            time.sleep(delay)
        if mode == "drop":
            self.server.store.log_attempts(style, entries, "dropped")
            raise Drop
        if mode == "error_5xx":
            self.server.store.log_attempts(style, entries, "error_5xx")
            if style == "batch":
                raise HttpError(503, {"error": UNAVAILABLE_MESSAGE})
            raise HttpError(503, {"success": False, "errorCode": "UNAVAILABLE", "errorMessage": UNAVAILABLE_MESSAGE})
        return mode

    # ---- batch style ----------------------------------------------------------------------------------------

    def _batch_send(self) -> None:
        envelope = self._parse_json(self._body())
        records = envelope.get("records") if isinstance(envelope, dict) else None
        entries = [(item.get("key"), item.get("kind"), normalise_day(item.get("day", item.get("date"))))
                   for item in (records if isinstance(records, list) else []) if isinstance(item, dict)]
        mode = self._send_behaviour("batch", entries)
        if envelope is _MALFORMED:
            raise HttpError(400, {"error": BAD_JSON_MESSAGE})
        if not isinstance(records, list):
            raise HttpError(400, {"error": "请求体缺少records数组"})
        results = [self._batch_record(item) for item in records]
        if mode == "drop_after_store":
            raise Drop
        if mode == "double_ack":
            results = [result for result in results for _ in range(2)]
        self._json(200, {"results": results})

    def _batch_record(self, item: Any) -> dict[str, Any]:
        store = self.server.store
        if not isinstance(item, dict):
            store.log_attempts("batch", [(None, None, None)], "invalid")
            return {"key": None, "code": "400", "receipt": "", "message": "记录不是JSON对象"}
        key, kind, data = item.get("key"), item.get("kind"), item.get("data")
        day = normalise_day(item.get("day", item.get("date")))
        missing = [name for name, value in (("key", key), ("kind", kind))
                   if not isinstance(value, str) or not value.strip()]
        if not isinstance(data, dict):
            missing.append("data")
        if missing:
            store.log_attempts("batch", [(key, kind, day)], "invalid")
            return {"key": key if isinstance(key, str) else None, "code": "400", "receipt": "",
                    "message": f"缺少必填项或格式错误：{'、'.join(missing)}"}
        refusal = self.server.settings.refusal(key)
        outcome, receipt = store.accept("batch", key, kind, day, data, refused=refusal is not None)
        if outcome == "stored":
            return {"key": key, "code": "200", "receipt": receipt, "message": ""}
        if outcome == "duplicate":
            return {"key": key, "code": "409", "receipt": receipt, "message": DUPLICATE_MESSAGE}
        return {"key": key, "code": "400", "receipt": "", "message": refusal}

    # ---- single style ---------------------------------------------------------------------------------------

    def _single_token(self) -> None:
        payload = self._parse_json(self._body())
        if not isinstance(payload, dict):
            raise HttpError(400, {"success": False, "errorMessage": BAD_JSON_MESSAGE})
        app_key, timestamp, sign = payload.get("appKey"), payload.get("timestamp"), payload.get("sign")
        if (not isinstance(app_key, str) or not isinstance(sign, str) or isinstance(timestamp, bool)
                or not isinstance(timestamp, int | float | str)):
            self._json(200, {"success": False, "errorMessage": "缺少参数appKey、timestamp或sign"})
            return
        if app_key != self.server.app_key:
            self._json(200, {"success": False, "errorMessage": "appKey不存在"})
            return
        expected = sm3_hex((app_key + str(timestamp) + self.server.app_secret).encode("utf-8"))
        if not hmac.compare_digest(sign.strip().lower().encode(), expected.encode()):
            self._json(200, {"success": False, "errorMessage": BAD_SIGN_MESSAGE})
            return
        self._json(200, {"success": True, "token": self.server.tokens.issue(), "expiresIn": TOKEN_TTL_SECONDS})

    def _signature_ok(self, body: bytes) -> bool:
        sign = self._header("X-Sign").lower()
        if not sign:
            return False
        signed = (self.server.app_key.encode("utf-8") + self._header_bytes("X-Timestamp") + body
                  + self.server.app_secret.encode("utf-8"))
        return hmac.compare_digest(sign.encode("utf-8", "replace"), sm3_hex(signed).encode())

    def _single_send(self) -> None:
        body = self._body()
        key, kind = self._header("Idempotency-Key"), self._header("X-Record-Kind")
        day = normalise_day(self._header("X-Record-Day"))
        mode = self._send_behaviour("single", [(key or None, kind or None, day)])
        store = self.server.store
        if not self.server.tokens.valid(self._header("X-Token")):
            store.log_attempts("single", [(key or None, kind or None, day)], "token_expired")
            self._json(200, {"success": False, "errorCode": "TOKEN_EXPIRED", "errorMessage": TOKEN_EXPIRED_MESSAGE})
            return
        if not self._signature_ok(body):
            store.log_attempts("single", [(key or None, kind or None, day)], "bad_sign")
            self._json(200, {"success": False, "errorCode": "SIGN_ERROR", "errorMessage": BAD_SIGN_MESSAGE})
            return
        data = self._parse_json(body)
        problem = None
        if not isinstance(data, dict):
            problem = BAD_JSON_MESSAGE
        elif not key:
            problem = "缺少Idempotency-Key"
        elif not kind:
            problem = "缺少X-Record-Kind"
        if problem:
            store.log_attempts("single", [(key or None, kind or None, day)], "invalid")
            self._json(200, {"success": False, "errorCode": "BAD_REQUEST", "errorMessage": problem})
            return
        refusal = self.server.settings.refusal(key)
        outcome, receipt = store.accept("single", key, kind, day, data, refused=refusal is not None)
        if mode == "drop_after_store":
            raise Drop
        if outcome == "stored":
            self._json(200, {"success": True, "serviceCode": receipt, "errorMessage": ""})
        elif outcome == "duplicate":
            self._json(200, {"success": False, "serviceCode": receipt, "errorMessage": DUPLICATE_MESSAGE})
        else:
            self._json(200, {"success": False, "errorCode": "VALIDATION_FAILED", "errorMessage": refusal})

    # ---- reconciliation -------------------------------------------------------------------------------------

    def _reconcile(self, style: str, query: dict[str, list[str]]) -> None:
        if style == "single" and not self.server.tokens.valid(self._header("X-Token")):
            raise HttpError(401, {"success": False, "errorCode": "TOKEN_EXPIRED",
                                  "errorMessage": TOKEN_EXPIRED_MESSAGE})
        date = (query.get("date") or [""])[0].strip()
        kind = (query.get("kind") or [""])[0].strip()
        day = normalise_day(date)
        if not day or not ISO_DAY.fullmatch(day):
            raise HttpError(400, {"error": "date应为YYYY-MM-DD"})
        if not kind:
            raise HttpError(400, {"error": "缺少kind"})
        keys = self.server.store.reconcile(style, day, kind)
        self._json(200, {"date": day, "kind": kind, "count": len(keys), "keys": keys})

    # ---- control --------------------------------------------------------------------------------------------

    def _settings_answer(self) -> dict[str, Any]:
        return {**self.server.settings.snapshot(), "tokens": self.server.tokens.count()}

    def _control(self) -> None:
        changes = self._parse_json(self._body())
        if not isinstance(changes, dict):
            raise HttpError(400, {"error": "the body must be a JSON object of settings"})
        try:
            self.server.settings.update(changes)
        except ValueError as exc:
            raise HttpError(400, {"error": str(exc)}) from None
        if changes.get("expire_tokens"):
            self.server.tokens.expire_all()
        self._json(200, self._settings_answer())

    def _received(self, query: dict[str, list[str]]) -> None:
        style = (query.get("style") or [""])[0] or None
        records = self.server.store.received(style)
        self._json(200, {"records": records, "count": len(records)})

    def _attempts(self, query: dict[str, list[str]]) -> None:
        key = (query.get("key") or [""])[0] or None
        attempts = self.server.store.attempts(key)
        self._json(200, {"attempts": attempts, "count": len(attempts)})

    def _reset(self) -> None:
        self._body()
        self.server.store.clear()
        self.server.settings.reset()
        self._json(200, {"reset": True, **self._settings_answer()})


_MALFORMED = object()  # what _parse_json returns for a body that is not JSON


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A test upstream speaking the exchange protocol "
                                                 "of docs/exchange.md (for tests and demos only).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8811, help="0 picks a free port")
    parser.add_argument("--store", required=True, help="the SQLite file that keeps what was received")
    parser.add_argument("--app-key", default="demo-app")
    parser.add_argument("--app-secret", default="demo-secret")
    parser.add_argument("--quiet", action="store_true", help="no request log on stderr")
    args = parser.parse_args(argv)

    store = Store(args.store)
    try:
        server = UpstreamServer((args.host, args.port), store, args.app_key, args.app_secret, args.quiet)
    except OSError as exc:
        store.close()
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr, flush=True)
        return 1

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"listening on http://{host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
