"""The first start of `make run`: `manage.py migrate` then `manage.py demo` on an empty database (bench/run.py).

Each step runs as its own process, as `make run` runs it, on a throwaway database (SQLite in a temporary
directory; PostgreSQL `<BENCH_PG_URL database>_demo`, created and dropped). Wall time and the CPU time of the
step's process are both reported: on a shared machine the wall time grows with the other work, the CPU time
much less.
"""
from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(args: list[str], env: dict) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode:
        sys.stderr.write(out.stdout + out.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_one(db: str, pg_url: str) -> dict:
    from throwaway import database  # bench/throwaway.py

    with database(db, pg_url, "_demo") as env:
        migrate = _timed(["migrate", "--noinput", "-v0"], env)
        demo = _timed(["demo", "--quiet"], env)
    return {"database": db, "migrate_s": migrate[0], "migrate_cpu_s": migrate[1], "demo_s": demo[0],
            "demo_cpu_s": demo[1]}


def run(dbs: list[str], pg_url: str) -> list[dict]:
    return [run_one(db, pg_url) for db in dbs]


def markdown(rows: list[dict]) -> str:
    lines = ["First start of `make run` (empty database; wall time, CPU time of the process in brackets):", "",
             "| database | `migrate` | `demo` (6 months of history) | together |", "|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {'SQLite' if r['database'] == 'sqlite' else 'PostgreSQL'} | {r['migrate_s']:.1f} s "
                     f"({r['migrate_cpu_s']:.1f} s) | {r['demo_s']:.1f} s ({r['demo_cpu_s']:.1f} s) | "
                     f"{r['migrate_s'] + r['demo_s']:.1f} s |")
    return "\n".join(lines)
