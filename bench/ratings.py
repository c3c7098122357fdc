#!/usr/bin/env python
"""Rating ingest benchmark: ratings/s through the real HTTP API beside the raw single-row INSERT rate.

    .venv/bin/python bench/ratings.py [--db sqlite|postgres|both] [--configs sync:2,gthread:2x4,...]
    (part of `make bench`; `bench/run.py --only ratings` runs just this one)

For each database (SQLite in a temporary BIANMIN_VAR_DIR; PostgreSQL in the throwaway database
`bianmin_bench_ratings` on the server of BENCH_PG_URL, dropped and created again) it
  1. migrates, builds a small world (tests/world.py: sites, a window, items, clerks; the county linked to a paused
     upstream, so that each rating writes its national-exchange outbox row as in production), bulk-creates completed
     cases and writes one rating token per case to a file (the claims services.rating_link puts in);
  2. measures the raw single-row INSERT rate of the ratings table on the same database: a loop of INSERTs of a
     complete rating row, autocommit (one row per transaction, committed when execute() returns), through
     the driver cursor of Django's connection (so with the app's PRAGMAs / connection settings), with 1
     connection and with 4 concurrent connections; records the SQL of one API request and the CPU of one
     request in-process (the Django application called as WSGI) and of the service call alone;
  3. for each server configuration (gunicorn sync or gthread workers, or granian; CONN_MAX_AGE=60 unless `/0` is
     given; the ratings' fast lane on unless `:full` is given) starts the server (DEBUG off, no access log) on that
     database, warms it up, then lets wrk (or, if wrk is
     missing, a lean asyncio client) send POST /api/v1/ratings {"token","level"} over C keep-alive
     connections, each token used once, 1 in 100 ratings bad, until a fixed number of ratings (about
     --seconds of work) has been answered; counts 201s, non-2xx and socket errors; measures the CPU used
     by gunicorn, by PostgreSQL, by the client and by anything else; stops gunicorn and checks that the
     ratings table holds exactly the ratings answered 201 (every id answered is there, nothing more);
  4. prints Markdown tables (see docs/benchmarks.md).

Not part of the test suite. Everything it starts is stopped and every temporary file and database removed,
also on failure or Ctrl-C.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
PG_BASE = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bianmin_bench").rsplit("/", 1)[0]
PG_DB = "bianmin_bench_ratings"
CLK = os.sysconf("SC_CLK_TCK")

# `:full` switches the ratings' fast lane off (BIANMIN_RATING_FAST_LANE=0): every request takes Django's full path, as
# before issue 20.
DEFAULT_CONFIGS = ("sync:2:full,gthread:2x4:full,granian:2x8:full,sync:2,gthread:2x8,granian:2x4,granian:2x8,"
                   "granian:2x16")
RAW_THREADS = 4


# ======================================================================= child: set-up and in-process

def _django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)


def child_setup(out_dir: Path, n_cases: int, raw_seconds: float) -> dict:
    """Runs in a child process with DATABASE_URL / BIANMIN_VAR_DIR / SECRET_KEY of the benchmark."""
    _django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    sys.path.insert(0, str(ROOT / "tests"))
    from bianmin.cases.models import Case
    from bianmin.core import timeutil
    from bianmin.ratings import eligibility, services, tokens
    from tests.world import build_world

    world = build_world()
    # The county reports to an upstream (issue 19): every rating writes its outbox row in its own transaction, as
    # in production. The link is paused (no worker runs here, nothing is sent).
    from bianmin.exchange.models import ExchangeLink

    ExchangeLink.objects.create(unit=world.county, profile="gbt39046-2020", url="http://127.0.0.1:9", active=False)
    now = timeutil.now()
    t0 = time.perf_counter()
    rows = [Case(number=f"BENCH{i:08d}", site=world.site_a, window=world.window_a, item=world.item_committed,
                 handling_type=world.item_committed.handling_type, status="completed",
                 applicant_name="测试群众", applicant_phone=f"138{i:08d}", handled_by=world.clerk_a,
                 accepted_at=now, completed_at=now, result="准予办理", approved=True, delivery="window")
            for i in range(n_cases)]
    Case.objects.bulk_create(rows, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:  # as autovacuum soon would after such a load (here, not during a run)
            cur.execute("ANALYZE cases_case")
    ids = list(Case.objects.filter(number__startswith="BENCH").order_by("id").values_list("id", flat=True))
    assert len(ids) == n_cases
    make_cases_s = time.perf_counter() - t0

    # Tokens with exactly the claims services.rating_link puts in (checked on the first case).
    stage = "complete"
    expires = int(eligibility.rating_deadline(rows[0], stage).timestamp())
    first = Case.objects.get(pk=ids[0])
    assert services.rating_link(first).token == tokens.encode(tokens.TokenClaims(ids[0], stage, expires),
                                                              settings.SECRET_KEY)
    t0 = time.perf_counter()
    all_tokens = [tokens.encode(tokens.TokenClaims(pk, stage, expires), settings.SECRET_KEY) for pk in ids]
    tokens_s = time.perf_counter() - t0

    # Layout of the cases: probe (query count, in-process timings), raw INSERTs, then the API pool.
    n_probe = 2 + 3 * 600
    n_raw = min(30_000, (n_cases - n_probe) // 3)
    probe, raw, pool = ids[:n_probe], ids[n_probe:n_probe + n_raw], slice(n_probe + n_raw, None)
    (out_dir / "tokens.txt").write_text("\n".join(all_tokens[pool]) + "\n")
    (out_dir / "case_ids.json").write_text(json.dumps(ids[pool]))
    result = {"database": connection.vendor, "cases": n_cases, "pool": len(ids[pool]),
              "make_cases_s": make_cases_s, "tokens_per_s": n_cases / tokens_s}
    result["db_version"] = _db_version(connection)
    result.update(_raw_inserts(raw, raw_seconds))
    result.update(_probe(probe, all_tokens[:n_probe]))
    return result


def _db_version(connection) -> str:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            version = "PostgreSQL " + cur.fetchone()[0].split()[0]
            cur.execute("SHOW synchronous_commit")
            return version + f" (synchronous_commit={cur.fetchone()[0]})"
        cur.execute("PRAGMA journal_mode")
        mode = cur.fetchone()[0]
        cur.execute("PRAGMA synchronous")
        sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(cur.fetchone()[0])
        return f"SQLite {sqlite3.sqlite_version} (journal_mode={mode}, synchronous={sync})"


def _raw_inserts(case_ids: list[int], seconds: float) -> dict:
    """Single-row INSERTs of a complete ratings row (the columns the API writes, RETURNING id as Django
    does), autocommit: each one its own transaction, committed when execute() returns."""
    import threading

    from django.db import connection, connections

    from bianmin.core import timeutil
    from bianmin.ratings.models import Rating

    fields = [f for f in Rating._meta.concrete_fields if not f.primary_key]
    cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    mark = "?" if connection.vendor == "sqlite" else "%s"  # the driver's own placeholder
    sql = (f"INSERT INTO {Rating._meta.db_table} ({cols}) VALUES ({', '.join([mark] * len(fields))}) "
           "RETURNING id")
    from bianmin.cases.models import Case

    case = Case.objects.select_related("site__unit", "item", "window", "handled_by__staff").get(pk=case_ids[0])
    template = Rating(level="satisfied", is_bad=False, channel="qr", stage="complete", case=case, item=case.item,
                      staff=case.handled_by.staff, window=case.window, site=case.site,
                      department_id=case.item.accepting_unit_id, unit_path=case.site.unit.path, real_name=True,
                      rater_name=case.applicant_name, rater_phone=case.applicant_phone, created_at=timeutil.now())
    i_case = [f.attname for f in fields].index("case_id")
    i_created = [f.attname for f in fields].index("created_at")

    def params(conn, case_id):
        values = [f.get_db_prep_save(getattr(template, f.attname), conn) for f in fields]
        values[i_case] = case_id
        values[i_created] = conn.ops.adapt_datetimefield_value(timeutil.now())
        return values

    def loop(conn, ids, out, key):
        conn.ensure_connection()
        assert conn.get_autocommit()
        cur = conn.connection.cursor()  # the driver's cursor: no Django wrapper in the loop
        cur.execute("SELECT 1")
        done = 0
        start = time.perf_counter()
        deadline = start + seconds
        for case_id in ids:
            cur.execute(sql, params(conn, case_id))
            cur.fetchone()
            done += 1
            if done % 16 == 0 and time.perf_counter() > deadline:
                break
        out[key] = (done, time.perf_counter() - start)
        cur.close()

    result = {}
    half = len(case_ids) // 2
    out: dict = {}
    loop(connection, case_ids[:half], out, 0)
    done, elapsed = out[0]
    result["raw_1"] = {"rows": done, "seconds": elapsed, "per_s": done / elapsed}

    rest = case_ids[half:]
    chunk = len(rest) // RAW_THREADS
    out = {}

    def worker(k):
        conn = connections["default"]  # thread-local: a connection of its own
        try:
            loop(conn, rest[k * chunk:(k + 1) * chunk], out, k)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(RAW_THREADS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    rows = sum(v[0] for v in out.values())
    result[f"raw_{RAW_THREADS}"] = {"rows": rows, "seconds": wall, "per_s": rows / wall}
    return result


def _probe(case_ids: list[int], toks: list[str]) -> dict:
    """SQL of one request on the full path, and the CPU of a rating in-process: the application called as WSGI
    (what a gunicorn worker runs, minus its HTTP parsing) through the fast lane and through Django's full path, and
    the full path's service call alone."""
    import io

    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bianmin.ratings import services
    from bianmin.wsgi import application as with_lane

    full_path = get_wsgi_application()

    def post(application, token: str) -> None:
        body = json.dumps({"token": token, "level": "satisfied"}).encode()
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/ratings", "SCRIPT_NAME": "", "QUERY_STRING": "",
                   "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1",
                   "SERVER_PROTOCOL": "HTTP/1.1", "CONTENT_TYPE": "application/json",
                   "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
                   "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
                   "wsgi.run_once": False, "wsgi.version": (1, 0), "REMOTE_ADDR": "127.0.0.1"}
        status = []
        b"".join(application(environ, lambda s, h, e=None: status.append(s)))
        assert status[0].startswith("201"), status

    post(full_path, toks[1])  # warm
    with CaptureQueriesContext(connection) as ctx:
        post(full_path, toks[0])
    queries = [q["sql"] for q in ctx.captured_queries]

    n = (len(toks) - 2) // 3
    batches = [toks[2 + k * n:2 + (k + 1) * n] for k in range(3)]
    t0 = time.process_time()
    for tok in batches[0]:
        post(full_path, tok)
    wsgi_ms = (time.process_time() - t0) / n * 1000
    t0 = time.process_time()
    for tok in batches[1]:
        services.submit_with_token(tok, level="satisfied")
    service_ms = (time.process_time() - t0) / n * 1000
    t0 = time.process_time()
    for tok in batches[2]:
        post(with_lane, tok)
    lane_ms = (time.process_time() - t0) / n * 1000
    return {"queries": queries, "inprocess_wsgi_ms": wsgi_ms, "inprocess_service_ms": service_ms,
            "inprocess_lane_ms": lane_ms}


# ======================================================================= lean client (no wrk)

def lean_client(url: str, tokens_path: Path, offset: int, count: int, connections: int, out_path: Path) -> None:
    """Fallback load generator: asyncio, raw sockets, HTTP/1.1 keep-alive (reconnects when the server
    closes, as gunicorn's sync workers do). Writes the same JSON as bench/ratings.lua."""
    host, port = url.split("//")[1].split(":")
    port = int(port.rstrip("/"))
    with open(tokens_path) as fh:
        toks = [line.strip() for line in fh][offset:offset + count]
    levels = ["very_satisfied", "satisfied", "very_satisfied", "basic", "satisfied"]  # as bench/ratings.lua
    state = {"next": 0, "ok": 0, "answered": 0, "ids": [], "statuses": {}, "lat": [], "errors": 0}

    async def one_conn():
        reader = writer = None
        while state["next"] < len(toks):
            i = state["next"]
            state["next"] += 1
            level = "dissatisfied" if (i + 1) % 100 == 0 else levels[(i + 1) % 5]
            body = json.dumps({"token": toks[i], "level": level}, separators=(",", ":")).encode()
            req = (b"POST /api/v1/ratings HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                   b"Content-Length: %d\r\n\r\n" % (host.encode(), len(body))) + body
            t = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                writer.write(req)
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                status = int(lines[0].split()[1])
                length, close = 0, False
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"connection" and value.strip().lower() == b"close":
                        close = True
                payload = await reader.readexactly(length)
            except (OSError, asyncio.IncompleteReadError):
                state["errors"] += 1
                writer = None
                continue
            state["lat"].append(time.perf_counter() - t)
            state["answered"] += 1
            if status == 201:
                state["ok"] += 1
                state["ids"].append(json.loads(payload)["id"])
            else:
                state["statuses"][str(status)] = state["statuses"].get(str(status), 0) + 1
            if close:
                writer.close()
                writer = None

    async def main():
        await asyncio.gather(*(one_conn() for _ in range(connections)))

    t0 = time.perf_counter()
    asyncio.run(main())
    duration = time.perf_counter() - t0
    lat = sorted(state["lat"]) or [0.0]

    def pct(p):
        return int(lat[min(len(lat) - 1, int(len(lat) * p / 100))] * 1e6)

    out_path.write_text(json.dumps({
        "duration_us": int(duration * 1e6), "sent": state["next"], "answered": state["answered"], "ok": state["ok"],
        "fillers": 0, "fillers_answered": 0,
        "errors": {"connect": 0, "read": state["errors"], "write": 0, "timeout": 0},
        "latency_us": {"p50": pct(50), "p90": pct(90), "p99": pct(99), "max": int(lat[-1] * 1e6)},
        "statuses": state["statuses"], "ids": state["ids"]}))


# ======================================================================= parent: orchestration

@dataclass
class ServerConfig:
    """`sync:W` or `gthread:WxT`, optionally `/A` for CONN_MAX_AGE=A (default 60: persistent connections), and
    `:full` for the full path only (the ratings' fast lane off)."""

    kind: str  # sync | gthread
    workers: int
    threads: int = 1
    conn_max_age: int = 60
    fast_lane: bool = True

    @classmethod
    def parse(cls, text: str) -> ServerConfig:
        text, _, age = text.partition("/")
        full = text.endswith(":full")
        text = text.removesuffix(":full")
        kind, _, spec = text.partition(":")
        if kind in ("gthread", "granian"):
            workers, _, threads = spec.partition("x")
            config = cls(kind, int(workers), int(threads or 2))
        elif kind == "sync":
            config = cls("sync", int(spec))
        else:
            raise SystemExit(f"unknown server configuration {text!r}: use sync:W, gthread:WxT or granian:WxT")
        if age:
            config.conn_max_age = int(age)
        config.fast_lane = not full
        return config

    @property
    def label(self) -> str:
        if self.kind == "granian":
            label = f"granian, {self.workers} workers × {self.threads} blocking threads"
        else:
            label = f"{self.workers} sync workers" if self.kind == "sync" else \
                f"{self.workers} gthread workers × {self.threads} threads"
        label += "" if self.conn_max_age else ", new DB connection per request (CONN_MAX_AGE=0)"
        return label + ("" if self.fast_lane else ", full path only (fast lane off)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_of(pid: int, children_too: bool = False) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children_too:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime (reaped children)
    return ticks / CLK


def _procs() -> list[tuple[int, int, str]]:
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                text = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            comm = text[text.index("(") + 1:text.rindex(")")]
            ppid = int(text.rsplit(")", 1)[1].split()[1])
            out.append((int(entry), ppid, comm))
    return out


def _cpu_snapshot(gunicorn_pid: int | None) -> dict:
    procs = _procs()
    app_pids = {p for p, pp, _ in procs if gunicorn_pid and (p == gunicorn_pid or pp == gunicorn_pid)}
    pg_pids = {p for p, _, comm in procs if comm.startswith("postgres")}
    app = sum(_cpu_of(p, children_too=(p == gunicorn_pid)) for p in app_pids)
    db = sum(_cpu_of(p, children_too=(pp not in pg_pids)) for p, pp, comm in procs if p in pg_pids)
    others = {p: _cpu_of(p) for p, _, _ in procs if p not in app_pids and p not in pg_pids and p != os.getpid()}
    stat = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in stat]
    idle = values[3] + values[4]
    return {"app": app, "db": db, "others": others, "busy": (sum(values[:8]) - idle) / CLK,
            "total": sum(values[:8]) / CLK}


def _top_others(before: dict, after: dict, wall: float) -> list[str]:
    """The busiest other processes during a run (to tell a clean figure from one disturbed by other work)."""
    deltas = sorted(((cpu - before["others"].get(pid, 0.0), pid) for pid, cpu in after["others"].items()),
                    reverse=True)
    out = []
    for delta, pid in deltas[:3]:
        if delta / wall < 0.02:
            break
        try:
            name = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:60]
        except OSError:
            name = "?"
        out.append(f"{name.strip() or pid} {delta / wall:.0%}")
    return out


def wait_until_quiet(limit_s: float) -> float:
    """Wait (at most limit_s) until the machine is quiet; returns how long we waited."""
    start = time.time()
    while time.time() - start < limit_s and background_busy(1.0) > 0.15:
        time.sleep(2)
    return time.time() - start


@contextmanager
def gunicorn(env: dict, config: ServerConfig, tmp: Path):
    port = _free_port()
    if config.kind == "granian":  # Rust HTTP server in front of the same WSGI application (pip install granian)
        cmd = [str(VENV_BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(config.workers), "--blocking-threads", str(config.threads), "--backlog", "2048",
               "--no-access-log", "--log-level", "warning", "bianmin.wsgi:application"]
    else:
        cmd = [str(VENV_BIN / "gunicorn"), "bianmin.wsgi", "-w", str(config.workers), "-b", f"127.0.0.1:{port}",
               "--worker-class", config.kind, "--backlog", "2048", "--log-level", "warning",
               "--error-logfile", str(tmp / "gunicorn.log"), "--graceful-timeout", "10", "--timeout", "60"]
    if config.kind == "gthread":
        cmd += ["--threads", str(config.threads)]
    env = dict(env, CONN_MAX_AGE=str(config.conn_max_age), BIANMIN_RATING_FAST_LANE="1" if config.fast_lane else "0")
    log_file = open(tmp / "gunicorn.log", "ab")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True, stdout=log_file, stderr=log_file)
    log_file.close()
    try:
        deadline = time.time() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + _tail(tmp / "gunicorn.log"))
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("gunicorn did not start:\n" + _tail(tmp / "gunicorn.log")) from None
                time.sleep(0.1)
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        try:  # workers left behind by a killed master  # noqa: SIM105 (the pass below says nothing is left)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text().splitlines()[-lines:])
    except OSError:
        return "(no log)"


def drive(url: str, tmp: Path, offset: int, count: int, connections: int, cap_s: float, use_wrk: bool) -> dict:
    """Send `count` ratings (tokens offset..offset+count) and return the client's figures and its CPU time."""
    out_path = tmp / "client.json"
    out_path.unlink(missing_ok=True)
    env = dict(os.environ, BENCH_TOKENS=str(tmp / "tokens.txt"), BENCH_OFFSET=str(offset),
               BENCH_COUNT=str(count), BENCH_OUT=str(out_path))
    if use_wrk:
        cmd = ["wrk", "-t1", f"-c{connections}", f"-d{int(cap_s)}s", "--timeout", "10s",
               "-s", str(BENCH / "ratings.lua"), url]
    else:
        cmd = [sys.executable, __file__, "--client", url, "--offset", str(offset), "--count", str(count),
               "--connections", str(connections), "--tmp", str(tmp)]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        # wait4 gives the client's own CPU time (the client shares the 2 cores with server and database)
        output = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if proc.returncode is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if not out_path.exists():
        raise RuntimeError(f"load generator failed (exit {proc.returncode}):\n{output.decode(errors='replace')}")
    result = json.loads(out_path.read_text())
    result["client_cpu_s"] = usage.ru_utime + usage.ru_stime
    return result


class Db:
    """Throwaway database of one benchmark run, reachable from the parent without Django."""

    def __init__(self, kind: str, tmp: Path):
        self.kind, self.tmp = kind, tmp
        if kind == "postgres":
            self.url = f"{PG_BASE}/{PG_DB}"
            self._psql(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)', "postgres")
            self._psql(f'CREATE DATABASE "{PG_DB}"', "postgres")
        else:
            self.path = tmp / "bench.sqlite3"
            self.url = f"sqlite:///{self.path}"

    def _psql(self, sql: str, db: str | None = None) -> str:
        out = subprocess.run(["psql", f"{PG_BASE}/{db or PG_DB}", "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                             capture_output=True, text=True, check=False)
        if out.returncode:
            raise RuntimeError(out.stderr)
        return out.stdout

    def ratings(self) -> dict[int, int]:
        """case id → rating id of every case rating stored."""
        sql = "SELECT case_id, id FROM ratings_rating WHERE case_id IS NOT NULL"
        if self.kind == "postgres":
            return {int(c): int(i) for c, i in (line.split("|") for line in self._psql(sql).split())}
        with sqlite3.connect(self.path) as conn:
            return dict(conn.execute(sql).fetchall())

    def drop(self) -> None:
        if self.kind == "postgres":
            self._psql(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)', "postgres")


def measure(proc, url: str, tmp: Path, db: Db, case_ids: list[int], offset: int, count: int, config: ServerConfig,
            args) -> dict:
    """One measured run: `count` ratings with the tokens from `offset` on, the CPU it cost, the check of the table."""
    before = _cpu_snapshot(proc.pid)
    r = drive(url, tmp, offset, count, args.connections, args.seconds * 6 + 10, args.wrk)
    after = _cpu_snapshot(proc.pid)
    # Every rating sent has been answered (the run is count-bound), so the table must hold exactly the 201s.
    handed_out = set(case_ids[offset:offset + r["sent"]])
    rows = {rid for cid, rid in db.ratings().items() if cid in handed_out}
    acked = set(r["ids"])
    secs = r["duration_us"] / 1e6
    wall = after["total"] - before["total"]  # CPU-seconds the machine had in the interval (all cores)
    app, dbcpu = after["app"] - before["app"], after["db"] - before["db"]
    cpu = {"app": app / wall, "db": dbcpu / wall, "client": r["client_cpu_s"] / wall,
           "busy": (after["busy"] - before["busy"]) / wall}
    # CPU used by anything else on the machine during the run (about 0 for a clean figure)
    cpu["other"] = max(0.0, cpu["busy"] - cpu["app"] - cpu["db"] - cpu["client"])
    return {
        "config": config.label, "kind": config.kind, "workers": config.workers, "threads": config.threads,
        "conn_max_age": config.conn_max_age, "connections": args.connections, "sent": r["sent"], "ok": r["ok"],
        "seconds": secs, "per_s": r["ok"] / secs, "non_2xx": sum(r["statuses"].values()), "statuses": r["statuses"],
        "errors": sum(r["errors"].values()), "latency_ms": {k: v / 1000 for k, v in r["latency_us"].items()},
        "rows": len(rows), "lost": len(acked - rows), "unacknowledged_rows": len(rows - acked),
        "rows_equal_201": len(rows) == r["ok"] and acked <= rows, "cpu": cpu,
        "other_processes": _top_others(before, after, wall),
        "client_us_per_request": r["client_cpu_s"] / max(r["answered"] + r["fillers_answered"], 1) * 1e6,
        "app_ms_per_rating": app / max(r["ok"], 1) * 1000, "db_ms_per_rating": dbcpu / max(r["ok"], 1) * 1000,
    }


def run_database(kind: str, configs: list[ServerConfig], args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bianmin-bench-ratings-"))
    db = None
    try:
        db = Db(kind, tmp)
        env = dict(os.environ, DATABASE_URL=db.url, BIANMIN_VAR_DIR=str(tmp), SECRET_KEY=secrets.token_urlsafe(40),
                   DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost", LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
                   CONN_MAX_AGE="60")
        env.pop("DJANGO_SETTINGS_MODULE", None)
        if args.wait_quiet:
            wait_until_quiet(args.wait_quiet)
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--setup", "--cases", str(args.cases), "--tmp", str(tmp),
                              "--raw-seconds", str(args.raw_seconds)], env=env, cwd=ROOT, capture_output=True,
                             text=True, check=False)
        if out.returncode:
            raise RuntimeError(f"set-up on {kind} failed:\n{out.stderr[-4000:]}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["setup_s"] = time.perf_counter() - t0
        case_ids = json.loads((tmp / "case_ids.json").read_text())
        log(f"[{kind}] set-up {result['setup_s']:.0f} s: {result['cases']:,} cases; raw INSERT "
            f"{result['raw_1']['per_s']:,.0f}/s (1 conn), {result[f'raw_{RAW_THREADS}']['per_s']:,.0f}/s "
            f"({RAW_THREADS} conns); full path: {len(result['queries'])} queries per rating, in-process app CPU "
            f"{result['inprocess_wsgi_ms']:.2f} ms/request, of which the service "
            f"{result['inprocess_service_ms']:.2f} ms; fast lane: {result['inprocess_lane_ms']:.2f} ms/request")
        offset = 0
        runs = []
        for config in configs:
            with gunicorn(env, config, tmp) as (proc, url):
                # Warm-up: every worker imports the URLconf, builds the API schema, opens its connection; then
                # a short run to estimate the rate, so that a measured run lasts about --seconds.
                w = drive(url, tmp, offset, 50 * config.workers * config.threads, args.connections, 60, args.wrk)
                offset += w["sent"]
                e = drive(url, tmp, offset, 1500, args.connections, 60, args.wrk)
                offset += e["sent"]
                estimate = e["ok"] / (e["duration_us"] / 1e6) if e["ok"] else 100
                for attempt in range(1, 5):
                    count = int(min(max(estimate * args.seconds, 1000), len(case_ids) - offset))
                    if count < 100:
                        raise RuntimeError("out of rating tokens; raise --cases")
                    if args.wait_quiet:
                        waited = wait_until_quiet(args.wait_quiet)
                        if waited > 2:
                            log(f"[{kind}] waited {waited:.0f} s for other work to finish")
                    run = measure(proc, url, tmp, db, case_ids, offset, count, config, args)
                    offset += run["sent"]
                    run["warmup_ok"], run["attempt"] = w["ok"] + e["ok"], attempt
                    log(f"[{kind}] {config.label}: {run['per_s']:,.0f} ratings/s ({run['ok']:,} × 201 in "
                        f"{run['seconds']:.1f} s), non-2xx {run['non_2xx']}, errors {run['errors']}, p50 "
                        f"{run['latency_ms']['p50']:.1f} ms, rows {run['rows']:,} "
                        f"{'= 201s' if run['rows_equal_201'] else '≠ 201s!'}; CPU app {run['cpu']['app']:.0%} db "
                        f"{run['cpu']['db']:.0%} client {run['cpu']['client']:.0%} other {run['cpu']['other']:.0%}"
                        + (f"; busiest other processes: {', '.join(run['other_processes'])}"
                           if run["other_processes"] else ""))
                    # On a shared machine (--wait-quiet) a run disturbed by other work is repeated.
                    if not args.wait_quiet or run["cpu"]["other"] <= 0.10:
                        break
                    log(f"[{kind}] disturbed by other work; measuring again")
            runs.append(run)
        result["runs"] = runs
        result["client"] = "wrk" if args.wrk else "asyncio client (bench/ratings.py --client)"
        return result
    finally:
        if db is not None:
            db.drop()
        shutil.rmtree(tmp, ignore_errors=True)


def background_busy(seconds: float = 2.0) -> float:
    """Share of the machine's CPU busy with other work, measured before a benchmark starts."""
    def sample():
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
        return sum(values) - values[3] - values[4], sum(values)

    busy0, total0 = sample()
    time.sleep(seconds)
    busy1, total1 = sample()
    return (busy1 - busy0) / max(total1 - total0, 1)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def markdown(results: list[dict]) -> str:
    out = []
    client = results[0]["client"] if results else "-"
    conns = results[0]["runs"][0]["connections"] if results and results[0]["runs"] else "-"
    out.append(f"Rating ingest through `POST /api/v1/ratings` (gunicorn, {conns} keep-alive connections from "
               f"{client}; every token used once; 201s only) beside raw single-row INSERTs into the ratings table "
               "(autocommit, one row per transaction), same database, same run:\n")
    out.append("| database | best API ratings/s (server) | raw INSERT/s, 1 connection | "
               f"raw INSERT/s, {RAW_THREADS} connections | API ÷ raw (1 conn) | API ÷ raw ({RAW_THREADS} conns) |")
    out.append("|---|---|---|---|---|---|")
    for res in results:
        best = max(res["runs"], key=lambda r: r["per_s"])
        raw1, rawn = res["raw_1"]["per_s"], res[f"raw_{RAW_THREADS}"]["per_s"]
        out.append(f"| {res['db_version']} | **{best['per_s']:,.0f}** ({best['config']}) | {raw1:,.0f} | "
                   f"{rawn:,.0f} | {best['per_s'] / raw1:.2f} | {best['per_s'] / rawn:.2f} |")
    out.append("")
    out.append("| database | server | ratings/s | 201s | non-2xx | socket errors | rows stored = 201s | "
               "latency p50 / p99 (ms) | CPU app / db / client / other (% of machine) | CPU ms per rating app / db |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for res in results:
        for r in res["runs"]:
            check = "yes" if r["rows_equal_201"] else f"**no** ({r['rows']:,} rows, {r['lost']} lost)"
            cpu = r["cpu"]
            out.append(f"| {res['database']} | {r['config']} | {r['per_s']:,.0f} | {r['ok']:,} | {r['non_2xx']} | "
                       f"{r['errors']} | {check} | {r['latency_ms']['p50']:.1f} / {r['latency_ms']['p99']:.1f} | "
                       f"{cpu['app']:.0%} / {cpu['db']:.0%} / {cpu['client']:.0%} / {cpu['other']:.0%} | "
                       f"{r['app_ms_per_rating']:.2f} / {r['db_ms_per_rating']:.2f} |")
    out.append("")
    out.append("| database | SQL per rating, full path | app CPU per request in-process, full path (ms) | "
               "of which the service call (ms) | app CPU per request in-process, fast lane (ms) | "
               "load generator CPU per request (µs) |")
    out.append("|---|---|---|---|---|---|")
    for res in results:
        client_us = sum(r["client_us_per_request"] for r in res["runs"]) / max(len(res["runs"]), 1)
        out.append(f"| {res['database']} | {len(res['queries'])} | {res['inprocess_wsgi_ms']:.2f} | "
                   f"{res['inprocess_service_ms']:.2f} | {res['inprocess_lane_ms']:.2f} | {client_us:.0f} |")
    return "\n".join(out)


def run(dbs: list[str], args) -> list[dict]:
    configs = [ServerConfig.parse(c) for c in args.configs.split(",") if c]
    return [run_database(db, configs, args) for db in dbs]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", type=int, default=100_000, help="completed cases (= rating tokens) per database")
    parser.add_argument("--seconds", type=float, default=8.0, help="target length of each measured API run")
    parser.add_argument("--raw-seconds", type=float, default=3.0, help="length of each raw INSERT loop")
    parser.add_argument("--connections", type=int, default=32, help="concurrent client connections")
    parser.add_argument("--configs", default=DEFAULT_CONFIGS,
                        help="server configurations: sync:W or gthread:WxT, comma-separated")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="on a shared machine: before each measured run wait up to SECONDS for other work to stop, "
                             "and repeat (up to 3 times) a run in which other processes used over 10 %% of the CPU")
    parser.add_argument("--no-wrk", dest="wrk", action="store_false", default=bool(shutil.which("wrk")),
                        help="use the built-in asyncio client even if wrk is installed")


def stop_on_sigterm() -> None:
    """`kill` (SIGTERM) ends the benchmark like Ctrl-C: through the finally blocks that stop gunicorn and wrk (they
    run in sessions of their own) and remove the temporary files and databases."""
    def handler(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # started in the background by a shell
        signal.signal(signal.SIGINT, handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    add_arguments(parser)
    # internal modes
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    parser.add_argument("--offset", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        print(json.dumps(child_setup(Path(args.tmp), args.cases, args.raw_seconds)))
        return
    if args.client:
        lean_client(args.client, Path(args.tmp) / "tokens.txt", args.offset, args.count, args.connections,
                    Path(os.environ["BENCH_OUT"]))
        return
    stop_on_sigterm()
    if not args.wrk:
        log("wrk not found (apt-get install wrk): using the built-in asyncio client, which costs more CPU")
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    busy = background_busy()
    results = run(dbs, args)
    print(f"machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
          f"{time.strftime('%Y-%m-%d %H:%M %Z')} · CPU busy before start {busy:.0%}")
    print(markdown(results))
    if args.json:
        print(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main()
