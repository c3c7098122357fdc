"""The test upstream (bench/upstream_server.py) as a subprocess, for tests of the exchange.

    with Upstream() as upstream:            # or the fixture `upstream`, see upstream_fixture below
        link_url = upstream.url             # http://127.0.0.1:PORT
        upstream.control(mode="drop_after_store")
        ...
        assert [r["key"] for r in upstream.received()] == [...]
        upstream.kill(); upstream.restart()  # SIGKILL, then the same port and store

The server keeps what it acknowledged in its SQLite store; the control settings and tokens are lost on a restart.
"""
from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "bench" / "upstream_server.py"
STARTUP_SECONDS = 10.0
RESTART_SECONDS = 10.0

DEFAULT_APP_KEY = "demo-app"
DEFAULT_APP_SECRET = "demo-secret"


def sm3_hex(text: str | bytes) -> str:
    return hashlib.new("sm3", text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


class UpstreamError(RuntimeError):
    pass


class Upstream:
    """A test upstream in a subprocess. `store` defaults to a file in a temporary folder removed by stop()."""

    def __init__(self, store: str | os.PathLike[str] | None = None, *, host: str = "127.0.0.1", port: int = 0,
                 app_key: str = DEFAULT_APP_KEY, app_secret: str = DEFAULT_APP_SECRET) -> None:
        self._tmpdir: str | None = None
        if store is None:
            self._tmpdir = tempfile.mkdtemp(prefix="upstream-")
            store = Path(self._tmpdir) / "upstream.sqlite3"
        self.store = Path(store)
        self.host = host
        self.port = port
        self.app_key = app_key
        self.app_secret = app_secret
        self.log_path = self.store.with_name(self.store.name + ".log")
        self.process: subprocess.Popen[str] | None = None

    # ---- life cycle ------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if not self.port:
            raise UpstreamError("the upstream has not been started")
        return f"http://{self.host}:{self.port}"

    def start(self) -> Upstream:
        if self.running:
            return self
        self._spawn(self.port)
        return self

    def _spawn(self, port: int) -> None:
        command = [sys.executable, str(SERVER), "--host", self.host, "--port", str(port), "--store", str(self.store),
                   "--app-key", self.app_key, "--app-secret", self.app_secret]
        with open(self.log_path, "ab") as log:
            # stderr (the request log) goes to a file: a pipe nobody reads would fill up and stall the server.
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
                                       text=True, cwd=ROOT)
        lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=STARTUP_SECONDS)
        except queue.Empty:
            self._end(process)
            raise UpstreamError(f"the upstream did not start within {STARTUP_SECONDS} s:\n{self._log_tail()}") from None
        if not line.startswith("listening on "):
            self._end(process)
            raise UpstreamError(f"the upstream did not start (exit {process.returncode}):\n{self._log_tail()}")
        self.port = int(line.strip().rsplit(":", 1)[1])
        self.process = process

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as a crash or `kill -9` would be."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGKILL)
            self._end(self.process)
            self.process = None

    def restart(self) -> Upstream:
        """Kill the server if it runs and start it again on the same port and store."""
        if not self.port:
            return self.start()
        self.kill()
        deadline = time.monotonic() + RESTART_SECONDS
        while True:
            try:
                self._spawn(self.port)
                return self
            except UpstreamError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)  # the port may still be held for a moment

    def stop(self) -> None:
        """SIGTERM (the server closes its store), SIGKILL if it does not end; removes a temporary store."""
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()
            self._end(self.process)
            self.process = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    @staticmethod
    def _end(process: subprocess.Popen[str]) -> None:
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stdout is not None:
            process.stdout.close()

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def __enter__(self) -> Upstream:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ---- HTTP ------------------------------------------------------------------------------------------------

    def request(self, method: str, path: str, payload: Any = None, *, body: bytes | None = None,
                headers: dict[str, str] | None = None, timeout: float = 10.0) -> tuple[int, Any]:
        """(HTTP status, decoded JSON answer) of one request; 4xx/5xx answers are returned, not raised."""
        if body is None and payload is not None:
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=body, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
            error.close()
        return status, json.loads(raw.decode("utf-8")) if raw else None

    def _ok(self, method: str, path: str, payload: Any = None) -> Any:
        status, answer = self.request(method, path, payload)
        if status != 200:
            raise UpstreamError(f"{method} {path} answered {status}: {answer}")
        return answer

    def control(self, **settings: Any) -> dict[str, Any]:
        """Change the settings (mode, delay, refuse_keys, refuse_all, refuse_message, expire_tokens, fail_next)."""
        return self._ok("POST", "/_control", settings)

    def received(self, style: str | None = None) -> list[dict[str, Any]]:
        """The acknowledged records, in the order received: key, kind, day, style, receipt, times_received, data."""
        return self._ok("GET", "/_received" + (f"?style={style}" if style else ""))["records"]

    def attempts(self, key: str | None = None) -> list[dict[str, Any]]:
        """Every send the server saw, with its outcome (stored, duplicate, refused, dropped, error_5xx, …)."""
        path = "/_attempts"
        if key:
            path += "?" + urllib.parse.urlencode({"key": key})
        return self._ok("GET", path)["attempts"]

    def reset(self) -> dict[str, Any]:
        return self._ok("POST", "/_reset", {})

    # ---- clients of the two styles (for tests of the server itself and quick checks) -------------------------

    def send_batch(self, records: list[dict[str, Any]], **kwargs: Any) -> tuple[int, Any]:
        envelope = {"profile": "gbt39046-2020", "version": 1, "records": records}
        return self.request("POST", "/gbt39046/records", envelope, **kwargs)

    def token(self, timestamp: int | None = None, secret: str | None = None) -> dict[str, Any]:
        timestamp = int(time.time() * 1000) if timestamp is None else timestamp
        sign = sm3_hex(self.app_key + str(timestamp) + (self.app_secret if secret is None else secret))
        return self._ok("POST", "/provincial/token", {"appKey": self.app_key, "timestamp": timestamp, "sign": sign})

    def single_headers(self, token: str, body: bytes, *, key: str | None = None, kind: str | None = None,
                       day: str | None = None, secret: str | None = None) -> dict[str, str]:
        timestamp = str(int(time.time() * 1000))
        signed = (self.app_key + timestamp).encode("utf-8") + body + (secret or self.app_secret).encode("utf-8")
        headers = {"X-Token": token, "X-Timestamp": timestamp, "X-Sign": sm3_hex(signed)}
        if key is not None:
            headers["Idempotency-Key"] = key
        if kind is not None:
            headers["X-Record-Kind"] = kind
        if day is not None:
            headers["X-Record-Day"] = day
        return headers

    def send_single(self, token: str, key: str, kind: str, day: str, data: dict[str, Any], *,
                    secret: str | None = None, **kwargs: Any) -> tuple[int, Any]:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        headers = self.single_headers(token, body, key=key, kind=kind, day=day, secret=secret)
        return self.request("POST", "/provincial/evaluation", body=body, headers=headers, **kwargs)


@pytest.fixture(name="upstream")
def upstream_fixture(tmp_path):
    """A running test upstream with its store in the test's tmp_path; stopped after the test.

    Importing either name into a test module registers the fixture `upstream`. `upstream_fixture` keeps ruff
    quiet (only F401 on the import line); `from tests.upstream import upstream` makes every test argument
    `upstream` an F811 redefinition."""
    with Upstream(tmp_path / "upstream.sqlite3") as server:
        yield server


upstream = upstream_fixture
