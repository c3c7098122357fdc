#!/usr/bin/env python
"""Kill -9 check of rating ingest (issue 20): no rating acknowledged with 201 is lost when the server dies mid-burst.

    .venv/bin/python bench/killcheck.py [--db sqlite|postgres] [--seconds 1.5] [--connections 16]

On a throwaway database (SQLite in a temporary directory; PostgreSQL `bianmin_killcheck_<pid>` on BENCH_PG_URL's
server) with the county linked to a paused upstream (every rating writes its outbox row), it
  1. builds the schema (no migrations: as the test suite does), a small world and completed cases with tokens;
  2. starts gunicorn (gthread workers: the fast lane's group commit is in play) and sends ratings over many
     connections; after --seconds it kills the whole server with SIGKILL, mid-burst;
  3. checks the database: every rating answered 201 is stored, with its case and level, and every stored rating has
     its outbox row (the two commit together);
  4. starts the server again and sends every token that was sent but not acknowledged once more: each is answered
     201 (it was not stored) or 200 (it was, the answer was lost) — never an error — and afterwards each case sent
     holds exactly one rating.
Prints one JSON line with the figures and exits 1 if a check fails. tests/test_ratings_killcheck.py runs it (CI, on
SQLite and PostgreSQL).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import throwaway  # noqa: E402 (bench/throwaway.py, a sibling module)
from ratings import ServerConfig, gunicorn  # noqa: E402 (bench/ratings.py, a sibling script)

PG_BASE = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bianmin_bench").rsplit("/", 1)[0]
LEVELS = ["very_satisfied", "satisfied", "basic", "satisfied", "very_dissatisfied"]


def child_setup(out: Path, cases: int) -> None:
    """In a child process on the throwaway database: schema, world, cases, tokens."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
    import django
    from django.conf import settings

    django.setup()

    class NoMigrations(dict):
        def __contains__(self, item):
            return True

        def __getitem__(self, item):
            return None

    settings.MIGRATION_MODULES = NoMigrations()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    from bianmin.cases.models import Case
    from bianmin.core import timeutil
    from bianmin.exchange.models import ExchangeLink
    from bianmin.ratings import eligibility, tokens
    from tests.world import build_world

    world = build_world()
    ExchangeLink.objects.create(unit=world.county, profile="gbt39046-2020", url="http://127.0.0.1:9", active=False)
    now = timeutil.now()
    rows = [Case(number=f"KILL{i:07d}", site=world.site_a, window=world.window_a, item=world.item_committed,
                 handling_type=world.item_committed.handling_type, status="completed", applicant_name="测试群众",
                 applicant_phone=f"139{i:08d}", handled_by=world.clerk_a, accepted_at=now, completed_at=now,
                 result="准予办理", approved=True, delivery="window") for i in range(cases)]
    Case.objects.bulk_create(rows, batch_size=2000)
    ids = list(Case.objects.filter(number__startswith="KILL").order_by("id").values_list("id", flat=True))
    expires = int(eligibility.rating_deadline(rows[0], "complete").timestamp())
    toks = [tokens.encode(tokens.TokenClaims(pk, "complete", expires), settings.SECRET_KEY) for pk in ids]
    out.write_text(json.dumps({"case_ids": ids, "tokens": toks}))


def level_of(i: int) -> str:
    return LEVELS[i % len(LEVELS)]


async def burst(url: str, items: list[tuple[str, str]], connections: int, seconds: float | None, kill) -> dict:
    """Send each (token, level) once; returns the answers by position, (status, rating id or None), and the
    positions whose request was written (answered or not)."""
    host, port = url.split("//")[1].split(":")
    answers: dict[int, tuple[int, int | None]] = {}
    sent: set[int] = set()
    state = {"next": 0}
    started = time.monotonic()

    async def one():
        reader = writer = None
        while state["next"] < len(items):
            if seconds is not None and time.monotonic() - started > seconds:
                return
            i = state["next"]
            state["next"] += 1
            body = json.dumps({"token": items[i][0], "level": items[i][1]}).encode()
            request = (b"POST /api/v1/ratings HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                       b"Content-Length: %d\r\n\r\n" % (host.encode(), len(body))) + body
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, int(port))
                writer.write(request)
                sent.add(i)
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.split(b"\r\n")
                status = int(lines[0].split()[1])
                length = next(int(line.split(b":")[1]) for line in lines if line.lower().startswith(b"content-length"))
                payload = await reader.readexactly(length)
                close = any(line.lower() == b"connection: close" for line in lines)
            except (OSError, asyncio.IncompleteReadError, StopIteration):
                writer = None
                if seconds is None:
                    raise
                continue
            answers[i] = (status, json.loads(payload).get("id") if status in (200, 201) else None)
            if close:
                writer.close()
                writer = None

    async def killer():
        await asyncio.sleep(seconds)
        kill()

    tasks = [one() for _ in range(connections)]
    if seconds is not None:
        tasks.append(killer())
    await asyncio.gather(*tasks)
    return {"answers": answers, "sent": sent}


def stored(db_url: str, sqlite_path: Path | None) -> tuple[dict[int, tuple[int, str]], set[int]]:
    """case id → (rating id, level) of every case rating; ids of ratings with an outbox row."""
    ratings_sql = "SELECT case_id, id, level FROM ratings_rating WHERE case_id IS NOT NULL"
    outbox_sql = "SELECT record_id FROM exchange_outboxrow WHERE kind = 'rating'"
    if sqlite_path is not None:
        with sqlite3.connect(sqlite_path) as conn:
            ratings = {c: (i, lv) for c, i, lv in conn.execute(ratings_sql)}
            rows = {r for (r,) in conn.execute(outbox_sql)}
        return ratings, rows

    def psql(sql):
        out = subprocess.run(["psql", db_url, "-qAt", "-F", "|", "-c", sql], capture_output=True, text=True, check=True)
        return [line.split("|") for line in out.stdout.split()]

    ratings = {int(c): (int(i), lv) for c, i, lv in psql(ratings_sql)}
    return ratings, {int(r) for (r,) in psql(outbox_sql)}


def run(kind: str, cases: int, seconds: float, connections: int) -> dict:
    with throwaway.database(kind, f"{PG_BASE}/bianmin_killcheck", suffix=f"_{os.getpid()}") as base:
        tmp, db_url = Path(base["BIANMIN_VAR_DIR"]), base["DATABASE_URL"]
        sqlite_path = Path(db_url.removeprefix("sqlite:///")) if kind == "sqlite" else None
        env = dict(base, SECRET_KEY=secrets.token_urlsafe(40), DEBUG="0", ALLOWED_HOSTS="127.0.0.1,localhost",
                   LOG_LEVEL="ERROR", CONN_MAX_AGE="60", BIANMIN_RATING_FAST_LANE="1")
        env.pop("DJANGO_SETTINGS_MODULE", None)
        t0 = time.monotonic()
        subprocess.run([sys.executable, __file__, "--setup", str(tmp / "setup.json"), "--cases", str(cases)],
                       env=env, cwd=ROOT, check=True, capture_output=True, text=True)
        setup = json.loads((tmp / "setup.json").read_text())
        toks, case_ids = setup["tokens"], setup["case_ids"]
        setup_s = time.monotonic() - t0
        config = ServerConfig.parse("gthread:2x8")
        warm, toks = toks[-64:], toks[:-64]  # tokens that warm the workers up (imports, connections, statements)
        with gunicorn(env, config, tmp) as (proc, url):
            asyncio.run(burst(url, [(t, "satisfied") for t in warm], connections, None, None))

            def kill():
                os.killpg(proc.pid, signal.SIGKILL)  # master and workers at once, mid-burst

            first = asyncio.run(burst(url, [(t, level_of(i)) for i, t in enumerate(toks)], connections, seconds,
                                      kill))
            proc.wait()
        acked = {i: rid for i, (status, rid) in first["answers"].items() if status == 201}
        ratings, outbox_ids = stored(db_url, sqlite_path)
        lost = [i for i, rid in acked.items() if ratings.get(case_ids[i], (None,))[0] != rid]
        wrong_level = [i for i in acked if ratings.get(case_ids[i], (0, ""))[1] != level_of(i)]
        without_row = sorted(set(r for r, _ in ratings.values()) - outbox_ids)
        unacked = sorted(first["sent"] - set(acked))
        with gunicorn(env, config, tmp) as (proc, url):
            again = asyncio.run(burst(url, [(toks[i], level_of(i)) for i in unacked], connections, None, None))
        statuses: dict[str, int] = {}
        for status, _ in again["answers"].values():
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        after, _ = stored(db_url, sqlite_path)
        sent_cases = {case_ids[i] for i in first["sent"]}
        result = {
            "database": kind, "setup_s": round(setup_s, 1), "burst_s": seconds, "sent": len(first["sent"]),
            "acknowledged": len(acked), "stored_after_kill": len(ratings), "acknowledged_lost": len(lost),
            "acknowledged_wrong_level": len(wrong_level), "stored_without_outbox_row": len(without_row),
            "resent": len(unacked), "resent_answers": statuses,
            "sent_cases_with_one_rating_after": len(sent_cases & set(after)), "sent_cases": len(sent_cases),
        }
        result["ok"] = (not lost and not wrong_level and not without_row and len(acked) > 0
                        and set(statuses) <= {"200", "201"} and sum(statuses.values()) == len(unacked)
                        and sent_cases <= set(after) and set(after) <= set(case_ids))
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=1.5, help="burst length before the SIGKILL")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--setup", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        child_setup(Path(args.setup), args.cases)
        return
    result = run(args.db, args.cases, args.seconds, args.connections)
    print(json.dumps(result))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
