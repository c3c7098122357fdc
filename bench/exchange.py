"""The national exchange (issue 19 part 6): what the outbox adds to the cost of a rating, and the sending rate to
an upstream over real HTTP (bench/upstream_server.py on loopback), per profile style. Run by bench/run.py
(`make bench BENCH_ARGS="--only exchange"`), or alone: `.venv/bin/python bench/exchange.py [--db sqlite|postgres]`.

Each database run is a child process on a throwaway database (SQLite in a temporary directory; PostgreSQL
`<BENCH_PG_URL database>_exchange`, created and dropped). Ratings are stored through the one service every channel
uses (`ratings.services.store`): without an upstream link (no outbox row), and with one (the rating and its outbox
row in one transaction); both beside the bare `Rating.save()` of the same rows in autocommit.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bianmin_bench")


def _cases(world, n: int, tag: str) -> list:
    """n completed cases, inserted in bulk (the benchmark is of ratings, not of case handling)."""
    from bianmin.cases.models import Case
    from bianmin.core import timeutil

    now = timeutil.now()
    Case.objects.bulk_create([Case(number=f"BENCH-{tag}-{i:06d}", site=world.site_a, window=world.window_a,
                                   item=world.item_committed, handling_type="committed", status="completed",
                                   applicant_name="测试", handled_by=world.clerk_a, accepted_at=now,
                                   completed_at=now) for i in range(n)], batch_size=1000)
    return list(Case.objects.filter(number__startswith=f"BENCH-{tag}-").select_related(
        "item", "site__unit", "window", "handled_by__staff").order_by("pk"))


def _ratings_per_s(cases, how: str) -> float:
    from bianmin.ratings import services
    from bianmin.ratings.models import Channel, Stage

    data = services.clean_input("very_satisfied", None, "")
    rows = [services.rating_for_case(c, Stage.COMPLETE, data, channel=Channel.QR, queue_ticket_id=None)
            for c in cases]
    t0 = time.perf_counter()
    for rating in rows:
        if how == "bare":
            rating.save(force_insert=True)
        else:
            services.store(rating)
    return len(rows) / (time.perf_counter() - t0)


def _start_upstream(tmp: str):
    process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "upstream_server.py"), "--port", "0", "--store",
                                f"{tmp}/upstream.sqlite3", "--quiet"], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline().strip()
    return process, line.split("listening on ", 1)[1]


def child(n: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from bianmin.exchange import links, sender
    from bianmin.exchange.models import ExchangeLink, OutboxRow, Status
    from tests.world import build_world

    world = build_world()
    results = {"database": connection.vendor, "n": n}
    results["bare_per_s"] = _ratings_per_s(_cases(world, n, "bare"), "bare")
    results["store_no_link_per_s"] = _ratings_per_s(_cases(world, n, "nolink"), "store")
    tmp = tempfile.mkdtemp(prefix="bianmin-bench-upstream-")
    upstream, url = _start_upstream(tmp)
    try:
        link = ExchangeLink.objects.create(unit=world.county, profile="gbt39046-2020", url=url)
        links.forget()
        results["store_outbox_per_s"] = _ratings_per_s(_cases(world, n, "outbox"), "store")
        queued = OutboxRow.objects.filter(kind="rating").count()
        assert queued == n, queued
        for style, profile in (("batch", "gbt39046-2020"), ("single", "provincial-2023")):
            if style == "single":  # the same ratings again, one request each, signed, to the provincial interface
                os.environ["BM_BENCH_APP_KEY"], os.environ["BM_BENCH_APP_SECRET"] = "demo-app", "demo-secret"
                OutboxRow.objects.all().delete()
                ExchangeLink.objects.filter(pk=link.pk).update(profile=profile, credentials_env="BM_BENCH")
                link.refresh_from_db()
                links.forget()
                from bianmin.exchange import writer
                from bianmin.ratings.models import Rating

                for rating in Rating.objects.filter(case__number__startswith="BENCH-outbox-").select_related("case"):
                    writer.write("rating", rating, "")
            t0 = time.perf_counter()
            while OutboxRow.objects.filter(status=Status.PENDING).exists():
                sender.send_link(link, max_batches=1000)
            elapsed = time.perf_counter() - t0
            sent = OutboxRow.objects.filter(status=Status.SENT).count()
            assert sent == n, (style, sent, list(OutboxRow.objects.exclude(status=Status.SENT)
                                                 .values_list("last_error", flat=True)[:3]))
            results[f"send_{style}_per_s"] = sent / elapsed
    finally:
        upstream.kill()
        upstream.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return results


def run_one(db: str, n: int, pg_url: str = PG_URL) -> dict:
    sys.path.insert(0, str(ROOT / "bench"))
    from throwaway import database

    with database(db, pg_url, "_exchange") as env:
        out = subprocess.run([sys.executable, __file__, "--child", "--n", str(n)], env=env, capture_output=True,
                             text=True, cwd=ROOT)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"exchange benchmark on {db} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(dbs: list[str], n: int = 2000, pg_url: str = PG_URL) -> list[dict]:
    return [run_one(db, n, pg_url) for db in dbs]


def markdown(rows: list[dict]) -> str:
    lines = [f"National exchange (in-process, {rows[0]['n']} ratings per figure; sending to bench/upstream_server.py "
             "on loopback):", "",
             "| database | bare Rating.save() /s | store(), no upstream /s | store() + outbox row /s | "
             "outbox cost per rating (ms) | send, batch style (national) rows/s | send, single style (provincial, "
             "signed) rows/s |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        cost = (1 / r["store_outbox_per_s"] - 1 / r["store_no_link_per_s"]) * 1000
        lines.append(f"| {r['database']} | {r['bare_per_s']:,.0f} | {r['store_no_link_per_s']:,.0f} | "
                     f"{r['store_outbox_per_s']:,.0f} | {cost:.2f} | {r['send_batch_per_s']:,.0f} | "
                     f"{r['send_single_per_s']:,.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.n)))
    else:
        dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
        print(markdown(run(dbs, args.n)))
