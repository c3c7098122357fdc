#!/usr/bin/env python
"""Analytics at scale: dashboard queries over a province's year of ratings, beside plain GROUP BYs.

    .venv/bin/python bench/stats_scale.py [--ratings 10000000] [--reuse] [--skip-rebuild] [--drop]
    (also `bench/run.py --only stats [--stats-ratings N] [--stats-reuse]`)

On PostgreSQL (server of BENCH_PG_URL), in the throwaway database `bianmin_bench_stats`:
  1. unless --reuse finds a complete data set of the same size there: drops and creates the database,
     migrates it and writes a province (1 province, 14 cities, 100 counties, 1,200 townships, a site per
     county and township, ~4,400 windows, two staff each, 300 items) with N completed cases (clocks, ~10 %
     with a supplement request) and N first ratings over the last 365 days — set-based SQL, see
     bench/stats_data.py;
  2. builds the rollups with the product's own `bianmin.stats.rollup.rebuild()` and times it (with --reuse
     too, so that rollups the product added since are filled; --skip-rebuild keeps the stored ones);
  3. for the province, the busiest county and the busiest window, over the last 365 days of data, times
     each dashboard question through the product (metrics.summary + rows, ranking.league, a monthly trend
     from the rollups) and the same question as a plain GROUP BY over the raw ratings table, in the same
     run: one warm-up, then --runs runs (median and p95); checks that both give the same figures;
     for every product question over the 200 ms aim, EXPLAIN (ANALYZE, BUFFERS) of its slowest SQL
     statement is written to --explain-dir;
  4. prints Markdown tables (docs/benchmarks.md, "Analytics at 10 million ratings").
The database is kept for a later --reuse unless --drop is given. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PG_BASE = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/bianmin_bench").rsplit("/", 1)[0]
DB = os.environ.get("BENCH_STATS_DB", "bianmin_bench_stats")  # another name: a second data set beside it
AIM_MS = 200.0
PAGE = 50  # league rows per page, as the league page (the dashboard shows 10, the API 100 by default)
TZ = "Asia/Shanghai"


def log(message: str) -> None:
    print(message, flush=True)


def psql(sql: str, db: str = "postgres") -> str:
    out = subprocess.run(["psql", f"{PG_BASE}/{db}", "-Atc", sql], capture_output=True, text=True, check=False)
    return out.stdout.strip() if out.returncode == 0 else ""


def stored_facts() -> dict | None:
    """The facts of a complete earlier generation in the bench database, if any."""
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'") != "1":
        return None
    raw = psql("SELECT value FROM bench_meta WHERE key = 'facts'", DB)
    return json.loads(raw) if raw else None


# ======================================================================= set-up

def setup_django() -> None:
    os.environ["DATABASE_URL"] = f"{PG_BASE}/{DB}"
    os.environ.setdefault("BIANMIN_VAR_DIR", tempfile.mkdtemp(prefix="bianmin-bench-stats-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bianmin.settings")
    os.environ.setdefault("CONN_MAX_AGE", "60")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import logging

    logging.disable(logging.WARNING)


def prepare(args) -> dict:
    """Generate (or reuse) the data and build the rollups; returns the facts of the data set."""
    facts = stored_facts() if args.reuse else None
    if facts and facts.get("cases") != args.ratings:
        log(f"--reuse: the stored data set has {facts.get('cases'):,} ratings, not {args.ratings:,}: generating")
        facts = None
    if facts is None:
        psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{DB}"')
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)  # on --reuse: applies migrations added since (new rollup tables …)
    if facts is None:
        import stats_data

        migrate_s = time.perf_counter() - t0
        log(f"generating {args.ratings:,} cases and ratings (seed {args.seed})")
        t0 = time.perf_counter()
        facts = stats_data.generate(connection, args.ratings, args.seed, log)
        facts.update(generate_s=time.perf_counter() - t0, migrate_s=migrate_s, seed=args.seed,
                     generated_at=time.strftime("%Y-%m-%d %H:%M %Z"))
        save_facts(facts)
        log(f"generated in {facts['generate_s']:.0f} s")
    else:
        log(f"reusing the data set generated {facts.get('generated_at')} ({facts['cases']:,} cases and ratings)")
    if args.generate_only:
        return facts
    if facts.get("rebuild_s") is None or not args.skip_rebuild:
        from bianmin.stats import rollup

        log("rollup.rebuild() …")
        t0 = time.perf_counter()
        with progress("stats_dailyrollup", "day"):
            days = rollup.rebuild()
        facts["rebuild_s"] = time.perf_counter() - t0
        facts["rebuild_days"] = days
        facts["rebuilt_at"] = time.strftime("%Y-%m-%d %H:%M %Z")
        with connection.cursor() as cur:
            for table in rollup_tables():
                cur.execute(f"VACUUM (ANALYZE) {table}")
        save_facts(facts)
        log(f"rebuilt {days} days in {facts['rebuild_s']:.0f} s")
    facts["sweep_day_s"] = time_sweep_of_a_day()
    facts["sizes"] = table_sizes()
    return facts


def time_sweep_of_a_day(runs: int = 3) -> list[float]:
    """What the worker pays when new ratings arrive on the busiest (last) day: replace that day's rows of
    both rollups and refresh its month (idempotent, so it can be repeated on the stored data)."""
    from django.db import transaction
    from django.db.models import Max

    from bianmin.stats import case_rollup, rollup
    from bianmin.stats.models import DailyRollup

    last = DailyRollup.objects.aggregate(m=Max("day"))["m"]
    if last is None:
        return []
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        with transaction.atomic():
            rollup.replace_days([last])
            case_rollup.replace_days([last])
        times.append(time.perf_counter() - t0)
    log(f"sweep of one day ({last}): {', '.join(f'{t:.2f}' for t in times)} s")
    return times


@contextmanager
def progress(table: str, column: str, every_s: float = 60.0):
    """Log, from another connection, how far a long call has got (distinct days written so far)."""
    import threading

    done = threading.Event()

    def watch():
        t0 = time.perf_counter()
        while not done.wait(every_s):
            n = psql(f"SELECT count(DISTINCT {column}) || ' days, ' || count(*) || ' rows' FROM {table}", DB)
            log(f"  … {time.perf_counter() - t0:.0f} s: {table} {n}")

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()


def rollup_tables() -> list[str]:
    """Every table of the stats app (the lead adds rollups there; they are vacuumed and sized too)."""
    from django.apps import apps

    return [m._meta.db_table for m in apps.get_app_config("stats").get_models()]


def save_facts(facts: dict) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb)")
        cur.execute("INSERT INTO bench_meta VALUES ('facts', %s) ON CONFLICT (key) DO UPDATE SET value = "
                    "EXCLUDED.value", [json.dumps(facts, default=str)])


def table_sizes() -> dict:
    from django.db import connection

    sizes = {}
    with connection.cursor() as cur:
        for table in ["ratings_rating", "cases_case", "core_clock", "cases_caseevent", *rollup_tables()]:
            cur.execute(f"SELECT (SELECT count(*) FROM {table}), pg_total_relation_size(%s::regclass)", [table])
            rows, size = cur.fetchone()
            sizes[table] = {"rows": max(rows, 0), "bytes": size}
        cur.execute("SELECT pg_database_size(current_database())")
        sizes["database"] = {"bytes": cur.fetchone()[0]}
    return sizes


# ======================================================================= measuring

@contextmanager
def capture_queries():
    """Every SQL statement run inside, with its time: where a product call spends its time."""
    from django.db import connection

    queries = []

    def wrapper(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - t0) * 1000, sql, params))

    with connection.execute_wrapper(wrapper):
        yield queries


def backend_cpu_s() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (not its parallel workers)."""
    from django.db import connection

    global _BACKEND
    if _BACKEND is None:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            _BACKEND = cur.fetchone()[0]
    try:
        fields = Path(f"/proc/{_BACKEND}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the server runs elsewhere
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


_BACKEND = None


def measure(fn, runs: int) -> dict:
    """Wall time of each run (median, p95), and the CPU this process and its database backend spent per run
    on average: on a busy machine wall times stretch, CPU times much less."""
    fn()  # warm-up: caches, plans, Python imports
    times, queries, result = [], [], None
    cpu0, db0 = time.process_time(), backend_cpu_s()
    for k in range(runs):
        with capture_queries() as captured:
            t0 = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - t0) * 1000)
        if k == runs - 1:
            queries = captured
    app_cpu, db_cpu = (time.process_time() - cpu0) / runs * 1000, (backend_cpu_s() - db0) / runs * 1000
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, -(-95 * len(ordered) // 100) - 1))]  # nearest rank
    slowest = max(queries, default=(0.0, "", None), key=lambda q: q[0])
    return {"median_ms": statistics.median(times), "p95_ms": p95, "result": result, "queries": len(queries),
            "slowest": slowest, "app_cpu_ms": app_cpu, "db_cpu_ms": db_cpu}


def explain(sql: str, params) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(r[0] for r in cur.fetchall())


def cold(run):
    """run with an empty cache every time: the product caches league tables until their period's rollup days
    change (bianmin/stats/stamps.py), and the questions measure the work, not the cache."""
    from django.core.cache import cache

    def wrapped():
        cache.clear()
        return run()
    return wrapped


def after_sweep(run, day: dt.date):
    """run as the first view after the worker's sweep replaced `day` (its stamp moves on, so answers cached
    over periods that hold it are computed again; others stay cached)."""
    from bianmin.stats import stamps

    def wrapped():
        stamps.touch([day])
        return run()
    return wrapped


def remembered(run):
    """run, keeping its last result in .last (a second question checked against the same raw answer)."""
    def wrapped():
        wrapped.last = run()
        return wrapped.last
    wrapped.last = None
    return wrapped


def raw(sql: str, params: list):
    from django.db import connection

    def run():
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    return run


def local_bounds(date_from: dt.date, date_to: dt.date) -> list:
    """[start of date_from, start of the day after date_to) in local time, as the product's __date filters mean."""
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    return [dt.datetime.combine(date_from, dt.time(0), tzinfo=tz),
            dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(0), tzinfo=tz)]


LEVELS = ["very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied"]
COUNTS_SQL = ("count(*) FILTER (WHERE NOT excluded AND NOT is_default) AS ratings, "
              + ", ".join(f"count(*) FILTER (WHERE NOT excluded AND NOT is_default AND level = '{lv}') AS {lv}"
                          for lv in LEVELS)
              + ", count(*) FILTER (WHERE NOT excluded AND NOT is_default AND is_bad) AS bad"
              + ", count(*) FILTER (WHERE is_default AND NOT excluded) AS default_good")
COUNTED = "stage <> 'followup' AND created_at >= %s AND created_at < %s"


def rollup_sum(qs, group: str | None = None):
    """Sums of the level counts of DailyRollup rows (optionally per `group`, e.g. month)."""
    from django.db.models import Sum

    fields = ["ratings", "bad", "default_good", *LEVELS]
    if group:
        return list(qs.order_by().values(group).annotate(**{f: Sum(f) for f in fields}).order_by(group))
    return qs.aggregate(**{f: Sum(f) for f in fields})


def monthly_trend(rows_qs, date_from, date_to):
    """12-month trend from DailyRollup rows (no metrics.trend yet): good, bad and ratings per month."""
    from django.db.models.functions import TruncMonth

    out = []
    for r in rollup_sum(rows_qs.filter(day__gte=date_from, day__lte=date_to).annotate(month=TruncMonth("day")),
                        "month"):
        out.append((r["month"].strftime("%Y-%m"), r["ratings"], r["very_satisfied"] + r["satisfied"], r["bad"]))
    return out


def raw_trend_sql(where: str) -> str:
    return (f"SELECT to_char(date_trunc('month', created_at AT TIME ZONE '{TZ}'), 'YYYY-MM') AS month, "
            "count(*) FILTER (WHERE NOT excluded AND NOT is_default), "
            "count(*) FILTER (WHERE NOT excluded AND NOT is_default AND level IN ('very_satisfied', 'satisfied')), "
            "count(*) FILTER (WHERE NOT excluded AND NOT is_default AND is_bad) "
            f"FROM ratings_rating WHERE {where} AND {COUNTED} GROUP BY 1 ORDER BY 1")


def raw_league_sql(column: str, where: str) -> str:
    return (f"SELECT {column}, {COUNTS_SQL} FROM ratings_rating WHERE {where} AND {COUNTED} AND {column} IS NOT NULL "
            f"GROUP BY {column} ORDER BY 2 DESC")


def questions(date_from: dt.date, date_to: dt.date) -> tuple[list[dict], dict]:
    """The dashboard questions: (scope, question, product callable, raw callable, agreement check)."""
    from django.db.models import Sum

    from bianmin.orgs.models import Unit, Window
    from bianmin.stats import metrics, ranking
    from bianmin.stats.models import DailyRollup, Dimension

    province = Unit.objects.filter(parent__isnull=True, kind=Unit.Kind.REGION).order_by("pk").first()
    counties = list(Unit.objects.filter(level=Unit.Level.COUNTY, kind=Unit.Kind.REGION).values_list("pk", flat=True))
    in_period = {"day__gte": date_from, "day__lte": date_to}
    busiest = (DailyRollup.objects.filter(dimension=Dimension.REGION, key__in=[str(pk) for pk in counties], **in_period)
               .values("key").annotate(n=Sum("ratings")).order_by("-n").first())
    county = Unit.objects.get(pk=int(busiest["key"]))
    top_window = (DailyRollup.objects.filter(dimension=Dimension.WINDOW, **in_period).values("key")
                  .annotate(n=Sum("ratings")).order_by("-n").first())
    window = Window.objects.select_related("site").get(pk=int(top_window["key"]))
    site = window.site
    bounds = local_bounds(date_from, date_to)
    trend, source = product_trend()
    facts = {"province": province.name, "county": f"{county.name} ({county.division_code})",
             "county_ratings": busiest["n"], "window": f"{site.name} {window}", "window_ratings": top_window["n"],
             "trend_source": source}

    def region_trend(unit):
        if trend:
            return lambda: trend(metrics.Target(unit=unit), date_from, date_to)
        return lambda: monthly_trend(DailyRollup.objects.filter(dimension=Dimension.REGION, key=str(unit.pk)),
                                     date_from, date_to)

    page = dashboard_page(date_from, date_to)
    qs: list[dict] = []
    for label, unit in (("province", province), ("county", county)):
        target = metrics.Target(unit=unit)
        prefix = [unit.path + "%"]
        where = "unit_path LIKE %s"
        qs.append({"scope": label, "question": "summary (metrics.summary + rows)",
                   "product": lambda t=target: metrics.rows(metrics.summary(t, date_from, date_to)),
                   "raw": raw(f"SELECT {COUNTS_SQL} FROM ratings_rating WHERE {where} AND {COUNTED}", prefix + bounds),
                   "check": check_summary})
        for level, column in (("site", "site_id"), ("window", "window_id"), ("staff", "staff_id")):
            league_raw = remembered(raw(raw_league_sql(column, where), prefix + bounds))
            qs.append({"scope": label, "question": f"league of {level}s, a page of {PAGE} with total and 流动红旗 "
                                                   "(ranking.league_page, as the dashboard and API)",
                       "product": lambda t=target, lv=level: ranking.league_page(t, lv, date_from, date_to,
                                                                                 limit=PAGE, red_flag=True),
                       "raw": league_raw, "check": check_league_page})
            qs.append({"scope": label, "question": f"whole league of {level}s, as in reports (ranking.league; "
                                                   "raw: the GROUP BY above)",
                       "product": lambda t=target, lv=level: ranking.league(t, lv, date_from, date_to),
                       "raw": None, "check": lambda product, _, r=league_raw: check_league(product, r.last)})
        # The year's previous period holds no data here; the last six months against the six before show what
        # the change against a full previous period costs (its table is ranked whole, the page's rows read).
        half = (date_to - dt.timedelta(days=181), date_to)
        qs.append({"scope": label, "question": f"league of staffs with change, last 6 months against the 6 before, "
                                               f"a page of {PAGE} (ranking.league_with_change)",
                   "product": lambda t=target, h=half: ranking.league_with_change(t, "staff", *h, limit=PAGE),
                   "raw": None, "check": None})
        qs.append({"scope": label, "question": "the same, seen again (both tables from the cache)", "warm": True,
                   "product": lambda t=target, h=half: ranking.league_with_change(t, "staff", *h, limit=PAGE),
                   "raw": None, "check": None})
        qs.append({"scope": label, "question": "12-month trend (good, bad, ratings)", "product": region_trend(unit),
                   "raw": raw(raw_trend_sql(where), prefix + bounds), "check": check_trend})
        if page:
            qs.append({"scope": label, "question": "whole dashboard page (GET /workbench/stats/)",
                       "product": page({"unit": unit.pk}), "raw": None, "check": None})
            qs.append({"scope": label, "question": "whole dashboard page, seen again (league tables from the cache)",
                       "warm": True, "product": page({"unit": unit.pk}), "raw": None, "check": None})
            qs.append({"scope": label, "question": "whole dashboard page after a sweep (the period's tables again, "
                                                   "the previous period's from the cache)", "warm": True,
                       "product": after_sweep(page({"unit": unit.pk}), date_to), "raw": None, "check": None})
    window_rows = DailyRollup.objects.filter(dimension=Dimension.WINDOW, key=str(window.pk))
    qs.append({"scope": "window", "question": "summary (window rollup rows)",
               "product": lambda: rollup_sum(window_rows.filter(**in_period)),
               "raw": raw(f"SELECT {COUNTS_SQL} FROM ratings_rating WHERE window_id = %s AND {COUNTED}",
                          [window.pk] + bounds), "check": check_window_summary})
    qs.append({"scope": "window", "question": f"league of staff of its site, a page of {PAGE} (ranking.league_page)",
               "product": lambda: ranking.league_page(metrics.Target(site=site), "staff", date_from, date_to,
                                                      limit=PAGE, red_flag=True),
               "raw": raw(raw_league_sql("staff_id", "site_id = %s"), [site.pk] + bounds),
               "check": check_league_page})
    qs.append({"scope": "window", "question": "12-month trend (window rollup rows)",
               "product": lambda: monthly_trend(window_rows, date_from, date_to),
               "raw": raw(raw_trend_sql("window_id = %s"), [window.pk] + bounds), "check": check_trend})
    if page:
        qs.append({"scope": "window", "question": "whole dashboard page of its site (GET /workbench/stats/)",
                   "product": page({"site": site.pk}), "raw": None, "check": None})
    return qs, facts


def product_trend():
    """The product's monthly trend if it has one (metrics.trend, else breakdown.trend), else None."""
    from bianmin.stats import metrics

    if getattr(metrics, "trend", None):
        return metrics.trend, "metrics.trend"
    try:
        from bianmin.stats import breakdown

        return breakdown.trend, "breakdown.trend (monthly for a year)"
    except (ImportError, AttributeError):
        return None, "DailyRollup region rows by month (in the benchmark: the product has no trend yet)"


def dashboard_page(date_from: dt.date, date_to: dt.date):
    """GET of the staff dashboard page as a superuser (every query the page makes, and its rendering), or None
    if the product has no such page."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("stats:dashboard")
    except NoReverseMatch:
        return None
    user, _ = get_user_model().objects.get_or_create(username="bench_admin", defaults={"is_superuser": True,
                                                                                         "is_staff": True})
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def get(params):
        def run():
            response = client.get(url, {**params, "date_from": date_from.isoformat(), "date_to": date_to.isoformat()})
            assert response.status_code == 200, response.status_code
            return len(response.content)
        return run

    return get


# Agreement checks: the product's answer and the raw GROUP BY must give the same figures.

def check_summary(product, raw_rows) -> bool:
    figures = {row.key: row.raw for row in product}
    r = raw_rows[0]
    return figures["ratings"] == r[0] and figures["good"] == r[1] + r[2] and figures["bad"] == r[6] \
        and figures["default_good"] == r[7]


def check_window_summary(product, raw_rows) -> bool:
    r = raw_rows[0]
    return (product["ratings"] or 0) == r[0] and (product["bad"] or 0) == r[6] and \
        (product["very_satisfied"] or 0) + (product["satisfied"] or 0) == r[1] + r[2]


def check_league(product, raw_rows) -> bool:
    mine = {e["id"]: (e["ratings"], e["good"], e["bad"]) for e in product}
    theirs = {r[0]: (r[1], r[2] + r[3], r[7]) for r in raw_rows if r[1]}
    return mine == theirs


def check_league_page(product, raw_rows) -> bool:
    """A page agrees when each of its entries has the raw counts and its total is the raw number of keys."""
    theirs = {r[0]: (r[1], r[2] + r[3], r[7]) for r in raw_rows if r[1]}
    return (product.total == len(theirs) and len(product.entries) == min(PAGE, len(theirs))
            and all(theirs.get(e["id"]) == (e["ratings"], e["good"], e["bad"]) for e in product.entries))


def check_trend(product, raw_rows) -> bool | None:
    if isinstance(product, dict) and "points" in product:  # breakdown.trend: every month, empty ones too
        points = [(p["step"], p["ratings"], p["good"], p["bad"]) for p in product["points"] if p["ratings"]]
        return points == [tuple(r) for r in raw_rows if r[1]]
    try:
        return [tuple(p)[:4] for p in product] == [tuple(r) for r in raw_rows]
    except (TypeError, KeyError):  # a trend of another shape: not compared
        return None


class CpuMeter:
    """Share of the machine's CPU used by other work (not this process, not its database backend) between
    start() and stop(): PostgreSQL's parallel workers of a raw query count as other work, so this is an
    upper bound."""

    def __init__(self) -> None:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            self.backend = cur.fetchone()[0]
        self.tick = os.sysconf("SC_CLK_TCK")

    def _sample(self):
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
        busy, total = sum(values) - values[3] - values[4], sum(values)
        try:
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
            backend = (int(fields[11]) + int(fields[12]))
        except OSError:
            backend = 0
        mine = sum(os.times()[:2]) * self.tick
        return busy, total, backend + mine

    def start(self) -> None:
        self.first = self._sample()

    def stop(self) -> float:
        busy, total, ours = self._sample()
        busy0, total0, ours0 = self.first
        return max(0.0, ((busy - busy0) - (ours - ours0)) / max(total - total0, 1))


def run_questions(qs: list[dict], runs: int, explain_dir: Path, wait_quiet: float = 0) -> list[dict]:
    import ratings as ingest_bench  # bench/ratings.py: the machine-quiet helpers

    results = []
    explain_dir.mkdir(parents=True, exist_ok=True)
    meter = CpuMeter()
    for n, q in enumerate(qs, 1):
        waited = ingest_bench.wait_until_quiet(wait_quiet) if wait_quiet else 0.0
        meter.start()
        p = measure(q["product"] if q.get("warm") else cold(q["product"]), runs)
        r = measure(q["raw"], runs) if q["raw"] else {"median_ms": None, "p95_ms": None, "result": None,
                                                        "db_cpu_ms": None}
        other = meter.stop()
        agree = q["check"](p["result"], r["result"]) if q["check"] else None
        row = {"scope": q["scope"], "question": q["question"], "product_median": p["median_ms"],
               "product_p95": p["p95_ms"], "raw_median": r["median_ms"], "raw_p95": r["p95_ms"],
               "queries": p["queries"], "slowest_ms": p["slowest"][0], "slowest_sql": p["slowest"][1],
               "agree": agree, "other_cpu": other, "waited_s": waited, "app_cpu": p["app_cpu_ms"],
               "db_cpu": p["db_cpu_ms"], "raw_db_cpu": r["db_cpu_ms"]}
        if p["median_ms"] > AIM_MS and p["slowest"][1]:
            path = explain_dir / f"{n:02d}-{q['scope']}-{q['question'].split(' (')[0].replace(' ', '_')}.txt"
            plan = explain(p["slowest"][1], p["slowest"][2])
            sql, params = p["slowest"][1][:3000], str(p["slowest"][2])[:1000]
            path.write_text(f"-- {q['scope']}: {q['question']}; slowest of {p['queries']} statements, "
                            f"{p['slowest'][0]:.0f} ms\n{sql}\n-- params: {params}\n\n{plan}\n")
            row["explain"] = str(path)
        log(f"  {q['scope']:8} {q['question']:45} product {p['median_ms']:8.1f} ms (p95 {p['p95_ms']:8.1f}, "
            f"{p['queries']} SQL, slowest {p['slowest'][0]:7.1f})   raw {fmt_ms(r['median_ms']):>8} ms "
            f"(p95 {fmt_ms(r['p95_ms']):>8})   same figures: {agree}; "
            f"CPU app/db {p['app_cpu_ms']:.0f}/{p['db_cpu_ms']:.0f} ms, raw db {fmt_ms(r['db_cpu_ms'])} ms; "
            f"other work {other:.0%} of the CPU")
        results.append(row)
    return results


# ======================================================================= report

def fmt_ms(ms: float | None) -> str:
    if ms is None:
        return "–"
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}"


def markdown(facts: dict, targets: dict, results: list[dict], runs: int, period: tuple) -> str:
    gib = 1024 ** 3
    sizes = facts["sizes"]
    lines = [
        f"Data: {facts['cases']:,} completed cases and as many first ratings, {period[0]} – {period[1]} "
        f"({facts['working_days']} working days); {facts['units']:,} units, {facts['sites']:,} sites, "
        f"{facts['windows']:,} windows, {facts['staff']:,} staff, {facts['items']} items. Database "
        f"{sizes['database']['bytes'] / gib:.1f} GiB.",
        "",
        "| step | time |",
        "|---|---|",
        f"| generate (set-based SQL: staging {facts.get('staging_s', 0):.0f} s, load {facts.get('load_s', 0):.0f} s, "
        f"indexes and foreign keys {facts.get('indexes_s', 0):.0f} s, VACUUM ANALYZE {facts.get('vacuum_s', 0):.0f} s)"
        f" | {facts['generate_s']:.0f} s |",
        f"| `rollup.rebuild()` ({facts.get('rebuild_days')} days) | {facts['rebuild_s']:.0f} s |",
        f"| a sweep's replacement of one busy day (ratings and case rollups, daily rows and their month; "
        f"{len(facts.get('sweep_day_s') or [])} runs) | "
        f"{' / '.join(f'{t:.2f}' for t in facts.get('sweep_day_s') or []) or '–'} s |",
        "",
        "| table | rows | size with indexes |",
        "|---|---|---|",
    ]
    for table, s in sizes.items():
        if table != "database":
            lines.append(f"| {table} | {s['rows']:,} | {s['bytes'] / gib:.2f} GiB |")
    lines += ["", f"Targets: province {targets['province']}; busiest county {targets['county']} "
                  f"({targets['county_ratings']:,} counted ratings); busiest window {targets['window']} "
                  f"({targets['window_ratings']:,}). Trend: {targets['trend_source']}.", "",
              "| scope | question | product median / p95 (ms) | SQL statements (slowest, ms) | "
              "product CPU app / db (ms) | raw GROUP BY median / p95 (ms) | raw CPU db (ms) | same figures | "
              "other work (CPU) |",
              "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        flag = " **over 200 ms**" if r["product_median"] > AIM_MS else ""
        same = {True: "yes", False: "**no**", None: "–"}[r["agree"]]
        lines.append(f"| {r['scope']} | {r['question']} | {fmt_ms(r['product_median'])} / "
                     f"{fmt_ms(r['product_p95'])}{flag} | {r['queries']} ({fmt_ms(r['slowest_ms'])}) | "
                     f"{fmt_ms(r['app_cpu'])} / {fmt_ms(r['db_cpu'])} | "
                     f"{fmt_ms(r['raw_median'])} / {fmt_ms(r['raw_p95'])} | {fmt_ms(r['raw_db_cpu'])} | {same} | "
                     f"{r['other_cpu']:.0%} |")
    lines += ["", f"Median and p95 (nearest rank) of {runs} runs after one warm-up run, one request at a time, "
                  "in-process (no HTTP). CPU: mean per run of this process (app) and of its PostgreSQL backend (db; "
                  "parallel workers not included); other work: share of the machine's CPU used by other processes "
                  "during the question (PostgreSQL's parallel workers included). Every run starts with an empty "
                  "cache except where the question says \"seen again\"."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ratings", type=int, default=10_000_000, help="cases and ratings to generate")
    parser.add_argument("--reuse", action="store_true", help="keep the data set in the bench database if it is "
                                                            "complete and of the same size")
    parser.add_argument("--skip-rebuild", action="store_true", help="with --reuse: keep the stored rollups")
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    parser.add_argument("--generate-only", action="store_true",
                        help="generate (or reuse) the data set and stop: no rebuild, no questions")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="on a shared machine: before each question wait up to SECONDS for other work to stop")
    parser.add_argument("--markdown", type=Path, help="also write the Markdown tables to this file")
    parser.add_argument("--explain-dir", type=Path, default=Path(tempfile.gettempdir()) / "bianmin-stats-explain")
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH))
    from run import machine

    started = time.perf_counter()
    log(f"machine: {machine()}")
    facts = prepare(args)
    if args.generate_only:
        log(f"data set ready in {DB}; total time: {time.perf_counter() - started:.0f} s")
        return

    from django.db.models import Max
    from django.utils import timezone

    from bianmin.ratings.models import Rating

    last = timezone.localdate(Rating.objects.aggregate(m=Max("created_at"))["m"])
    period = (last - dt.timedelta(days=364), last)
    qs, targets = questions(*period)
    log(f"period {period[0]} – {period[1]}; {targets}")
    results = run_questions(qs, args.runs, args.explain_dir, args.wait_quiet)
    text = markdown(facts, targets, results, args.runs, period)
    print("\n" + text)
    over = [r for r in results if r["product_median"] > AIM_MS]
    if over:
        print(f"\n{len(over)} product questions over {AIM_MS:.0f} ms; plans of their slowest statements:")
        for r in over:
            print(f"  {r['explain']}")
    if args.markdown:
        args.markdown.write_text(text + "\n" + json.dumps({"facts": facts, "targets": targets, "results": [
            {k: v for k, v in r.items()} for r in results]}, indent=1, default=str) + "\n")
    if args.drop:
        from django.db import connections

        connections.close_all()
        psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        log(f"dropped {DB}")
    log(f"total time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
