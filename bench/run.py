#!/usr/bin/env python
"""Benchmarks: `make bench` (or `.venv/bin/python bench/run.py [--db sqlite|postgres|both]
[--only cases|ratings|stats]`).

Runs every benchmark and prints the machine, the figures and Markdown tables to paste into
docs/benchmarks.md:
  - cases:   working-day due dates, case registration/acceptance and calendar API (in-process), clerk queue;
  - ratings: rating ingest through the HTTP API under gunicorn beside the raw single-row INSERT rate of the
             same database (bench/ratings.py; its options --seconds, --connections, --configs... work here too);
  - demo:    the first start of `make run`: `manage.py migrate` and `manage.py demo` on an empty database
             (bench/demo_load.py);
  - exchange: what the national exchange's outbox adds to a rating, and the sending rate to the test upstream
             over loopback HTTP, per profile style (bench/exchange.py);
  - stats:   only when asked for (`--only stats`, it generates 10 million ratings): dashboard queries over a
             province's year of ratings beside plain GROUP BYs, on PostgreSQL (bench/stats_scale.py).
Each database run happens in a child process with its own DATABASE_URL and a throwaway database, so
nothing touches real data. Not run by the test suite: speed is measured here, not timed in tests.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bianmin_bench")


def child(n: int) -> dict:
    """Runs inside the child process: set up Django on the configured database and measure."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
    import django

    django.setup()
    import datetime as dt
    import logging

    logging.disable(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    vendor = connection.vendor
    if vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    if vendor == "postgresql":
        # flush removed the seeded calendar; seed it again
        from bianmin.core.worktime.seed import seed_from_package

        seed_from_package()
    sys.path.insert(0, str(ROOT / "tests"))
    from bianmin.core.auth import issue_token
    from bianmin.core.worktime.loader import get_calendar
    from tests.world import build_world

    world = build_world()
    results = {"database": vendor}

    cal = get_calendar()
    start = dt.date(2026, 1, 5)
    t0 = time.perf_counter()
    for i in range(n * 10):
        cal.add_working_days(start + dt.timedelta(days=i % 300), 20)
    results["due_dates_per_s"] = n * 10 / (time.perf_counter() - t0)

    token, _ = issue_token(world.clerk_a)
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    body = json.dumps({"item_code": world.item_committed.code, "applicant": {"name": "测试", "phone": "13800001111"}})
    t0 = time.perf_counter()
    ids = []
    for _ in range(n):
        r = client.post("/api/v1/cases", data=body, content_type="application/json")
        assert r.status_code == 201, r.content
        ids.append(r.json()["id"])
    results["register_per_s"] = n / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for case_id in ids:
        r = client.post(f"/api/v1/cases/{case_id}/accept", data="{}", content_type="application/json")
        assert r.status_code == 200, r.content
    results["accept_per_s"] = n / (time.perf_counter() - t0)
    anon = Client(HTTP_HOST="localhost")
    t0 = time.perf_counter()
    for i in range(n):
        anon.get("/api/v1/calendar/due", {"start": "2026-09-30", "amount": i % 30})
    results["due_api_per_s"] = n / (time.perf_counter() - t0)
    from bianmin.cases.selectors import queue

    t0 = time.perf_counter()
    rounds = max(n // 20, 5)
    for _ in range(rounds):
        queue(world.clerk_a)
    results["queue_ms"] = (time.perf_counter() - t0) / rounds * 1000
    results["queue_cases"] = len(ids)
    return results


def run(db: str, n: int) -> dict:
    from throwaway import database  # bench/throwaway.py (this directory is on sys.path when run as a script)

    with database(db, PG_URL) as env:
        out = subprocess.run([sys.executable, __file__, "--child", "--n", str(n)], env=env, capture_output=True,
                             text=True, cwd=ROOT)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"benchmark on {db} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    """The machine and software the figures belong to."""
    import sqlite3

    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1].strip('" ')
        except OSError:
            pass
        return "?"

    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    pg = subprocess.run(["psql", PG_URL.rsplit("/", 1)[0] + "/postgres", "-Atc", "SHOW server_version"],
                        capture_output=True, text=True, check=False).stdout.strip().split(" ")[0] or "?"
    import django

    return (f"{os.cpu_count()} cores ({first('/proc/cpuinfo', 'model name')}), {mem_gib:.0f} GiB RAM, "
            f"{first('/etc/os-release', 'PRETTY_NAME=')}, kernel {platform.release()}; Python "
            f"{platform.python_version()}, Django {django.get_version()}, PostgreSQL {pg}, SQLite "
            f"{sqlite3.sqlite_version}; {time.strftime('%Y-%m-%d %H:%M %Z')}")


def main() -> None:
    import demo_load  # bench/demo_load.py
    import exchange  # bench/exchange.py
    import ratings  # bench/ratings.py (this directory is on sys.path when run as a script)

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--only", choices=["cases", "ratings", "demo", "exchange", "stats"],
                        help="run one benchmark (default: cases, ratings, demo and exchange; stats only when named)")
    parser.add_argument("--exchange-n", type=int, default=2000, help="exchange: ratings per figure")
    parser.add_argument("--stats-ratings", type=int, default=10_000_000, help="stats: ratings to generate")
    parser.add_argument("--stats-reuse", action="store_true", help="stats: reuse the data set of an earlier run")
    parser.add_argument("--n", type=int, default=300, help="cases benchmark: requests per figure")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the rating ingest results as JSON too")
    ratings.add_arguments(parser)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.n)))
        return
    if args.only == "stats":  # a run of its own: PostgreSQL only, minutes to an hour
        cmd = [sys.executable, str(ROOT / "bench" / "stats_scale.py"), "--ratings", str(args.stats_ratings)]
        cmd += (["--reuse"] if args.stats_reuse else []) + (["--wait-quiet", str(args.wait_quiet)] if args.wait_quiet
                                                             else [])
        raise SystemExit(subprocess.run(cmd, cwd=ROOT).returncode)
    ratings.stop_on_sigterm()
    started = time.perf_counter()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    busy = ratings.background_busy()
    print(f"machine: {machine()}")
    print(f"command: {' '.join([Path(sys.executable).name] + sys.argv)}; CPU busy before start: {busy:.0%}"
          + (" (other work is running: figures will be low)" if busy > 0.15 else ""))
    case_rows = [run(db, args.n) for db in dbs] if args.only in (None, "cases") else []
    rating_results = ratings.run(dbs, args) if args.only in (None, "ratings") else []
    demo_rows = demo_load.run(dbs, PG_URL) if args.only in (None, "demo") else []
    exchange_rows = exchange.run(dbs, args.exchange_n, PG_URL) if args.only in (None, "exchange") else []
    if case_rows:
        print()
        print(f"Cases and calendar (in-process, Django test client, n={args.n}):")
        print()
        print("| database | due dates/s (20 working days, pure) | GET /calendar/due req/s | POST /cases req/s | "
              f"POST /cases/{{id}}/accept req/s | clerk queue (ms, {case_rows[0]['queue_cases']} open cases) |")
        print("|---|---|---|---|---|---|")
        for r in case_rows:
            print(f"| {r['database']} | {r['due_dates_per_s']:,.0f} | {r['due_api_per_s']:,.0f} | "
                  f"{r['register_per_s']:,.0f} | {r['accept_per_s']:,.0f} | {r['queue_ms']:.1f} |")
    if rating_results:
        print()
        print(ratings.markdown(rating_results))
        if args.json:
            print(json.dumps(rating_results, indent=1, default=str))
    if demo_rows:
        print()
        print(demo_load.markdown(demo_rows))
    if exchange_rows:
        print()
        print(exchange.markdown(exchange_rows))
    print(f"\ntotal time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
