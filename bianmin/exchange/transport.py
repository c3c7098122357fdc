"""Talking to an upstream over HTTP (docs/exchange.md): the `batch` and `single` styles, token authentication
with SM3 signatures, and the classification of every answer into delivered / refused / retry.

Each outcome is per record: `Delivered(receipt)` (including "already received"), `Refused(message)` (the upstream
says the record is wrong: a dead letter, not retried), `Retry(message)` (network, timeout, 5xx, unreadable answer,
a record missing from a batch answer). Secrets come from the environment and are never logged.
"""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from .profiles import Profile


@dataclass(frozen=True)
class Delivered:
    receipt: str


@dataclass(frozen=True)
class Refused:
    message: str


@dataclass(frozen=True)
class Retry:
    message: str


Outcome = Delivered | Refused | Retry


@dataclass(frozen=True)
class Envelope:
    key: str
    kind: str
    day: str  # ISO date
    data: dict


class TransportError(Exception):
    """The whole request failed (no connection, timeout, 5xx, unreadable answer): retry every record in it."""


def sm3(text: str) -> str:
    return hashlib.new("sm3", text.encode("utf-8")).hexdigest()


class Client:
    """One upstream, one persistent connection for a sweep."""

    def __init__(self, url: str, profile: Profile, *, credentials_env: str = "", timeout: float = 10.0):
        parts = urlsplit(url)
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port
        self.base = parts.path.rstrip("/")
        self.profile = profile
        self.timeout = timeout
        self.app_key = os.environ.get(f"{credentials_env}_APP_KEY", "") if credentials_env else ""
        self.app_secret = os.environ.get(f"{credentials_env}_APP_SECRET", "") if credentials_env else ""
        self.token = ""
        self._conn: http.client.HTTPConnection | None = None

    # ------------------------------------------------------------ plumbing
    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            self._conn = cls(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """(status, parsed JSON or None). Network failures raise TransportError; the connection is dropped."""
        try:
            conn = self._connection()
            conn.request(method, self.base + path, body=body,
                         headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
            response = conn.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            raise TransportError(f"network: {type(exc).__name__}: {exc}"[:300]) from None
        if response.status >= 500:
            raise TransportError(f"HTTP {response.status}")
        try:
            return response.status, json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise TransportError(f"HTTP {response.status}: unreadable answer") from None

    # ------------------------------------------------------------ authentication (single style)
    def _signed_headers(self, body: str) -> dict:
        if self.profile.transport.get("auth") != "token_sm3":
            return {}
        if not self.token:
            self.refresh_token()
        stamp = str(int(time.time() * 1000))
        return {"X-Token": self.token, "X-Timestamp": stamp, "X-Sign": sm3(self.app_key + stamp + body + self.app_secret)}

    def refresh_token(self) -> None:
        stamp = int(time.time() * 1000)
        body = json.dumps({"appKey": self.app_key, "timestamp": stamp,
                           "sign": sm3(self.app_key + str(stamp) + self.app_secret)})
        status, answer = self._request("POST", self.profile.transport["token_path"], body.encode())
        if not isinstance(answer, dict) or not answer.get("success") or not answer.get("token"):
            message = answer.get("errorMessage", "") if isinstance(answer, dict) else ""
            raise TransportError(f"token refused: {message or status}")
        self.token = str(answer["token"])

    # ------------------------------------------------------------ sending
    def send(self, envelopes: list[Envelope]) -> dict[str, Outcome]:
        if self.profile.style == "single":
            return {e.key: self._send_one(e) for e in envelopes}
        return self._send_batch(envelopes)

    def _send_batch(self, envelopes: list[Envelope]) -> dict[str, Outcome]:
        body = json.dumps({"profile": self.profile.name, "version": self.profile.version,
                           "records": [{"key": e.key, "kind": e.kind, "day": e.day, "data": e.data}
                                       for e in envelopes]}, ensure_ascii=False).encode()
        try:
            status, answer = self._request("POST", self.profile.transport["send_path"], body)
        except TransportError as exc:
            return {e.key: Retry(str(exc)) for e in envelopes}
        if status >= 400 or not isinstance(answer, dict) or not isinstance(answer.get("results"), list):
            message = f"HTTP {status}: {str(answer)[:200]}"
            outcome = Refused(message) if 400 <= status < 500 and len(envelopes) == 1 else Retry(message)
            return {e.key: outcome for e in envelopes}
        outcomes: dict[str, Outcome] = {}
        for result in answer["results"]:
            if not isinstance(result, dict) or result.get("key") in outcomes:
                continue  # an acknowledgement given twice counts once
            code = str(result.get("code", ""))
            if code in ("200", "409"):
                outcomes[result["key"]] = Delivered(str(result.get("receipt", ""))[:100])
            elif code.startswith("4"):
                outcomes[result["key"]] = Refused(str(result.get("message", "")) or f"code {code}")
        return {e.key: outcomes.get(e.key, Retry("no acknowledgement for this record")) for e in envelopes}

    def _send_one(self, envelope: Envelope, *, retried: bool = False) -> Outcome:
        body = json.dumps(envelope.data, ensure_ascii=False)
        try:
            headers = {**self._signed_headers(body), "Idempotency-Key": envelope.key,
                       "X-Record-Kind": envelope.kind, "X-Record-Day": envelope.day}
            status, answer = self._request("POST", self.profile.transport["send_path"], body.encode(), headers)
        except TransportError as exc:
            return Retry(str(exc))
        if not isinstance(answer, dict):
            return Retry(f"HTTP {status}: unreadable answer")
        expired = status == 401 or answer.get("errorCode") == "TOKEN_EXPIRED"
        if expired and not retried:
            self.token = ""
            return self._send_one(envelope, retried=True)
        if answer.get("success") is True:
            return Delivered(str(answer.get("serviceCode", ""))[:100])
        message = str(answer.get("errorMessage", "")) or f"HTTP {status}"
        if any(marker in message for marker in self.profile.transport.get("duplicate_markers", ())):
            return Delivered(str(answer.get("serviceCode", ""))[:100])
        if expired:
            return Retry(message)
        return Refused(message[:500])

    # ------------------------------------------------------------ reconciliation
    def acknowledged_keys(self, day: str, kind: str) -> list[str]:
        query = urlencode({"date": day, "kind": kind})
        headers = self._signed_headers("") if self.profile.transport.get("auth") == "token_sm3" else {}
        status, answer = self._request("GET", f"{self.profile.transport['reconcile_path']}?{query}", None, headers)
        if status >= 400 or not isinstance(answer, dict) or not isinstance(answer.get("keys"), list):
            raise TransportError(f"reconciliation answer HTTP {status}")
        return [str(k) for k in answer["keys"]]
