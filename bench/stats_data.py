"""A province's year of completed cases and ratings, written with set-based SQL (bench/stats_scale.py uses it).

What it writes, in the real tables of a migrated PostgreSQL database, respecting their NOT NULL, unique,
check and foreign-key constraints, so that the product's code runs on it unchanged:
  - the unit tree of one province: 14 cities, 100 counties, 1,200 townships, with GB/T 2260-style 9-digit
    division codes (province 43…, cities 4301…, counties 430102…, townships 430102001…), and 20 provincial
    departments that accept the items;
  - a service site per county (政务服务中心, 8 windows) and per township (便民服务中心, 3 windows), two staff
    per window (A and B posts, each with a login), one rating device per window;
  - 300 items; the 即办件 among them carry about 60 % of the items' popularity (township centres, which take
    only the 80 most popular items, get more: about two thirds of all cases are 即办件);
  - N completed cases over the last 365 days (working days of the product's calendar), each with its
    core.Clock (accepted → due, stopped at completion; about 3 % late), a quarter of the other cases with a
    `request_supplement` CaseEvent (about 8 % of all), and N first ratings (stage `complete`, one per case,
    the fields copied from the case as ratings.services.rating_for_case does): about 97 % good, 0.5 % bad,
    1 % default good (channel `system`), a tenth of the bad ones excluded, channels mixed.
Volume is skewed: counties, townships and windows get log-normal weights, so some are ten times busier than
others; county centres take about two thirds of a county's cases.

How: the small tables are written with COPY from Python; the big ones from an UNLOGGED staging table that
one INSERT … SELECT generate_series per working day fills (weighted choices are equality joins on
pre-expanded "pick" tables), then one INSERT … SELECT per target table and chunk of ids. Secondary indexes
and foreign keys of the big tables are dropped before the load and created again after it from their saved
definitions (so the foreign keys are validated once, over the whole table). Ids grow with the completion
day, as they would in production.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import time

TZ = "Asia/Shanghai"
CITIES = 14
COUNTIES = 100
TOWNSHIPS = 1200
COUNTY_WINDOWS = 8
TOWNSHIP_WINDOWS = 3
ITEMS = 300
DEPARTMENTS = 20
WINDOW_PICKS = 1 << 18  # entries of the weighted window table (a window's share = its entries / this)
ITEM_PICKS = 1 << 16
BIG_TABLES = ("core_clock", "cases_case", "cases_caseevent", "ratings_rating")
CHUNK = 2_000_000  # ids per INSERT … SELECT from the staging table

CITY_NAMES = ["江城", "云州", "临川", "青阳", "白石", "安平", "东陵", "北岭", "南湖", "西山", "长乐", "永宁",
              "清河", "丰源"]
SYLLABLES = list("安宁平和新华兴隆昌盛永丰泰福德清河山水云龙凤桃李杨柳松竹梅石金玉宝明光东西南北中")
DEPARTMENT_NAMES = ["公安厅", "民政厅", "人力资源和社会保障厅", "自然资源厅", "住房和城乡建设厅", "交通运输厅",
                    "农业农村厅", "商务厅", "卫生健康委员会", "市场监督管理局", "医疗保障局", "税务局",
                    "教育厅", "司法厅", "财政厅", "生态环境厅", "水利厅", "文化和旅游厅", "退役军人事务厅",
                    "残疾人联合会"]
ITEM_WORDS = ["申领", "变更", "注销", "补办", "备案", "登记", "认定", "审批", "换证", "查询证明"]
ITEM_SUBJECTS = ["居民身份证", "户口迁移", "社会保障卡", "医保关系转移", "营业执照", "不动产登记", "婚姻登记",
                 "最低生活保障", "残疾人证", "养老保险", "住房公积金", "机动车驾驶证", "出生医学证明", "居住证",
                 "食品经营许可", "建筑工程施工许可", "道路运输证", "特困人员救助", "高龄津贴", "临时救助",
                 "退役军人优待证", "教师资格", "法律援助", "税务登记", "发票领用", "农村宅基地", "林木采伐",
                 "取水许可", "排污许可", "旅行社经营许可"]
# Rating channels and their shares (the rest of each case's rating fields follow the channel).
CHANNELS = [("window_device", 0.45), ("hall_tablet", 0.10), ("qr", 0.20), ("mobile", 0.10), ("pc", 0.03),
            ("sms", 0.07), ("phone", 0.03), ("paper", 0.02)]


def _name(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(n))


# ======================================================================= the tree, sites, staff, items

def build_org(rng: random.Random) -> dict:
    """Rows of the small tables, with explicit ids (the database is fresh), and the weights of windows."""
    units, sites, windows, staff, posts, users, devices = [], [], [], [], [], [], []
    next_id = {"unit": 1, "site": 1, "window": 1, "staff": 1, "user": 1}

    def new(kind: str) -> int:
        next_id[kind] += 1
        return next_id[kind] - 1

    def unit(name: str, level: str, code: str, parent: dict | None, kind: str = "region") -> dict:
        uid = new("unit")
        row = {"id": uid, "name": name, "kind": kind, "level": level, "division_code": code,
               "parent_id": parent["id"] if parent else None,
               "path": f"{parent['path'] if parent else '/'}{uid}/"}
        units.append(row)
        return row

    province = unit("示范省", "province", "430000000", None)
    departments = [unit(f"示范省{n}", "province", "", province, kind="department") for n in DEPARTMENT_NAMES]
    counties_per_city = [10, 9, 8, 8, 7, 7, 7, 7, 7, 7, 6, 6, 6, 5]
    assert len(counties_per_city) == CITIES and sum(counties_per_city) == COUNTIES
    city_codes = [f"43{c:02d}" for c in range(1, CITIES)] + ["4331"]
    counties = []
    for ci, (code, n_counties) in enumerate(zip(city_codes, counties_per_city)):
        city = unit(f"{CITY_NAMES[ci]}市", "city", f"{code}00000", province)
        # The capital and the next two cities are bigger: their counties weigh more.
        city_weight = 2.0 if ci == 0 else 1.4 if ci < 3 else 1.0
        for k in range(n_counties):
            district = k < 3  # 市辖区 02, 03, 04, then 县 21, 22 …, 县级市 81
            ccode = f"{code}{(2 + k) if district else (21 + k - 3) if k < n_counties - 1 else 81:02d}"
            suffix = "区" if district else "市" if ccode.endswith("81") else "县"
            county = unit(_name(rng, 2) + suffix, "county", f"{ccode}000", city)
            county["weight"] = city_weight * rng.lognormvariate(0, 0.6)
            counties.append(county)
    # 1,200 townships over 100 counties, 6 to 18 each, in proportion to a noisy county size.
    shares = [max(6.0, c["weight"] * rng.uniform(0.6, 1.4)) for c in counties]
    counts = [max(6, min(18, round(TOWNSHIPS * s / sum(shares)))) for s in shares]
    while sum(counts) != TOWNSHIPS:  # nudge to the exact total
        i = rng.randrange(COUNTIES)
        step = 1 if sum(counts) < TOWNSHIPS else -1
        if 6 <= counts[i] + step <= 18:
            counts[i] += step
    townships = []
    for county, n_town in zip(counties, counts):
        base = county["division_code"][:6]
        for t in range(n_town):
            street = county["name"].endswith("区") and t < n_town // 2
            tcode = f"{base}{(1 + t) if street else 100 + t:03d}"
            suffix = "街道" if street else rng.choice(["镇", "镇", "乡"])
            town = unit(_name(rng, 2) + suffix, "township", tcode, county)
            town["weight"] = rng.lognormvariate(0, 0.8)
            town["county"] = county
            townships.append(town)

    def site(u: dict, kind: str, name: str, n_windows: int, volume: float) -> None:
        sid = new("site")
        sites.append({"id": sid, "unit_id": u["id"], "name": name, "kind": kind,
                      "hall_area": 2000 if kind == "center" else 150})
        # Window weights fall with the window number (window 1 is the busiest), with noise.
        w = [rng.lognormvariate(0, 0.4) / (k + 1) ** 0.7 for k in range(n_windows)]
        for k in range(n_windows):
            wid = new("window")
            windows.append({"id": wid, "site_id": sid, "number": str(k + 1),
                            "name": "综合窗口" if k < n_windows // 2 else f"{k + 1}号窗口",
                            "kind": "comprehensive" if k < n_windows // 2 else "single",
                            "weight": volume * w[k] / sum(w), "unit_path": u["path"],
                            "site_kind": "county" if kind == "center" else "township"})
            devices.append({"id": wid, "window_id": wid, "name": f"{k + 1}号窗口评价器",
                            "key_hash": hashlib.sha256(f"bench-device-{wid}".encode()).hexdigest()})
            for post in ("A", "B"):
                stid = new("staff")
                uid = new("user")
                users.append({"id": uid, "username": f"bench_staff_{stid:05d}"})
                staff.append({"id": stid, "user_id": uid, "name": rng.choice("王李张刘陈杨赵黄周吴") + _name(rng, 2),
                              "work_id": f"S{stid:06d}", "origin_unit_id": u["id"]})
                posts.append({"window_id": wid, "staff_id": stid, "post": post})
            windows[-1]["staff"] = [s["id"] for s in staff[-2:]]
            windows[-1]["users"] = [s["user_id"] for s in staff[-2:]]

    town_weight: dict[int, float] = {}
    for t in townships:
        town_weight[t["county"]["id"]] = town_weight.get(t["county"]["id"], 0.0) + t["weight"]
    for county in counties:
        site(county, "center", f"{county['name']}政务服务中心", COUNTY_WINDOWS, county["weight"] * 0.65)
    for t in townships:
        county = t["county"]
        site(t, "township", f"{t['name']}便民服务中心", TOWNSHIP_WINDOWS,
             county["weight"] * 0.35 * t["weight"] / town_weight[county["id"]])
    return {"units": units, "departments": departments, "sites": sites, "windows": windows, "staff": staff,
            "posts": posts, "users": users, "devices": devices}


def build_items(rng: random.Random, departments: list[dict]) -> list[dict]:
    """300 items in order of popularity; instant (即办件) items are chosen so they carry about 60 % of the
    cases, the others are 承诺件 (most), 联办件 and 上报件 with a committed limit below the statutory one."""
    weights = [1 / (r + 1) ** 0.9 for r in range(ITEMS)]
    total, instant_weight = sum(weights), 0.0
    items = []
    for r in range(ITEMS):
        subject, word = ITEM_SUBJECTS[r % len(ITEM_SUBJECTS)], ITEM_WORDS[(r // len(ITEM_SUBJECTS)) % len(ITEM_WORDS)]
        if instant_weight / total < 0.6 and rng.random() < 0.8:
            handling, statutory, committed = "instant", rng.choice([1, 3, 5]), 0
            instant_weight += weights[r]
        else:
            handling = rng.choices(["committed", "joint", "reported"], [0.85, 0.1, 0.05])[0]
            statutory = rng.choice([10, 15, 20, 30])
            committed = max(1, round(statutory * rng.uniform(0.2, 0.5)))
        dept = departments[r % len(departments)]
        items.append({"id": r + 1, "basic_code": f"{r + 1:010d}", "code": f"11430000MB{r + 1:06d}",
                      "name": f"{subject}{word}", "item_type": rng.choice(["licensing", "confirmation", "benefit",
                                                                           "public_service"]),
                      "accepting_unit_id": dept["id"], "statutory_limit": statutory, "committed_limit": committed,
                      "handling_type": handling, "weight": weights[r]})
    return items


# ======================================================================= SQL helpers

def copy_rows(cur, table: str, columns: list[str], rows) -> None:
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def check_columns(cur, table: str, provided: set[str]) -> None:
    """Fail clearly if the schema grew a NOT NULL column without a default that the generator does not
    fill (a new migration): the fix is to add it to the INSERT below."""
    cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s AND is_nullable = 'NO' "
                "AND column_default IS NULL AND is_identity = 'NO'", [table])
    missing = sorted({r[0] for r in cur.fetchall()} - provided - {"id"})
    if missing:
        raise SystemExit(f"bench/stats_data.py does not fill the NOT NULL columns {missing} of {table}: "
                         "add them to its INSERT")


def save_and_drop_indexes(cur) -> list[str]:
    """Drop the foreign keys, unique constraints and secondary indexes of the big tables (not their primary
    keys) and return the statements that create them again."""
    restore, drops = [], []
    for table in BIG_TABLES:
        cur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                    "AND contype IN ('f', 'u') ORDER BY contype DESC, conname", [table])
        for name, definition in cur.fetchall():
            drops.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cur.execute("SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", [table])
        for name, definition in cur.fetchall():
            drops.append(f"DROP INDEX {name}")
            restore.insert(0, definition)  # indexes first, foreign keys last
    cur.execute("CREATE TABLE IF NOT EXISTS bench_ddl (n serial, statement text)")
    cur.execute("DELETE FROM bench_ddl")
    for statement in restore:
        cur.execute("INSERT INTO bench_ddl (statement) VALUES (%s)", [statement])
    for statement in drops:
        cur.execute(statement)
    return restore


def restore_indexes(cur, log) -> None:
    cur.execute("SELECT statement FROM bench_ddl ORDER BY n")
    for (statement,) in cur.fetchall():
        t0 = time.perf_counter()
        cur.execute(statement)
        log(f"  {time.perf_counter() - t0:6.1f} s  {statement[:110]}")
    cur.execute("DROP TABLE bench_ddl")


# ======================================================================= generation

def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Working days of the product's calendar (years it does not know: Monday to Friday)."""
    from bianmin.core.worktime.loader import get_calendar

    cal, days, day = get_calendar(), [], first
    while day <= last:
        try:
            working = cal.is_working(day)
        except Exception:  # a year the calendar does not cover
            working = day.weekday() < 5
        if working:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def day_counts(days: list[dt.date], n: int, rng: random.Random) -> list[int]:
    """Cases completed on each day: growing over the year by a quarter, Mondays busier, some noise."""
    w = [(1 + 0.25 * i / len(days)) * (1.2 if d.weekday() == 0 else 1.0) * rng.uniform(0.85, 1.15)
         for i, d in enumerate(days)]
    counts = [int(n * x / sum(w)) for x in w]
    for i in range(n - sum(counts)):
        counts[i % len(counts)] += 1
    return counts


def expand(weighted: list[tuple[float, tuple]], size: int) -> list[tuple]:
    """(weight, row) → `size` rows where each row appears in proportion to its weight (at least once)."""
    total = sum(w for w, _ in weighted)
    reps = [max(1, round(size * w / total)) for w, _ in weighted]
    rows = [row for r, (_, row) in zip(reps, weighted) for _ in range(r)]
    return rows


def generate(connection, n: int, seed: int, log) -> dict:
    """Fill the database (fresh, migrated) with the province and n cases and ratings; return facts."""
    from django.utils import timezone

    rng = random.Random(seed)
    org = build_org(rng)
    items = build_items(rng, org["departments"])
    today = timezone.localdate()
    first_day, last_day = today - dt.timedelta(days=365), today - dt.timedelta(days=1)
    # Working days from well before the period (acceptance of long cases) to after it (due dates).
    all_days = working_days(first_day - dt.timedelta(days=120), last_day + dt.timedelta(days=120))
    period = [d for d in all_days if first_day <= d <= last_day]
    counts = day_counts(period, n, rng)
    facts = {"units": len(org["units"]), "sites": len(org["sites"]), "windows": len(org["windows"]),
             "staff": len(org["staff"]), "items": len(items), "cases": n, "ratings": n,
             "first_day": first_day.isoformat(), "last_day": last_day.isoformat(), "working_days": len(period)}
    now = timezone.now()
    timings = {}
    with connection.cursor() as django_cursor:
        cur = django_cursor.cursor  # the psycopg cursor, for COPY
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET work_mem = '256MB'")
        cur.execute(f"SELECT setseed({(seed % 1000) / 1000.0})")

        t0 = time.perf_counter()
        _write_org(cur, org, items, now)
        timings["org_s"] = time.perf_counter() - t0

        # Pick tables: a uniform integer k picks a window (and its staff, path …) or an item with the
        # right weights through one equality join.
        cur.execute("CREATE UNLOGGED TABLE bench_wpick (k int PRIMARY KEY, window_id bigint, site_id bigint, "
                    "unit_path varchar(255), site_kind text, staff_a bigint, staff_b bigint, user_a int, user_b int)")
        wrows = expand([(w["weight"], (w["id"], w["site_id"], w["unit_path"], w["site_kind"], *w["staff"],
                                       *w["users"])) for w in org["windows"]], WINDOW_PICKS)
        copy_rows(cur, "bench_wpick", ["k", "window_id", "site_id", "unit_path", "site_kind", "staff_a", "staff_b",
                                       "user_a", "user_b"], [(k, *row) for k, row in enumerate(wrows)])
        cur.execute("CREATE UNLOGGED TABLE bench_ipick (site_kind text, k int, item_id bigint, dept_id bigint, "
                    "handling_type text, committed_limit int, PRIMARY KEY (site_kind, k))")
        for kind, pool in (("county", items), ("township", items[:80])):  # townships handle the common items
            irows = expand([(i["weight"], (i["id"], i["accepting_unit_id"], i["handling_type"], i["committed_limit"]))
                            for i in pool], ITEM_PICKS)
            copy_rows(cur, "bench_ipick", ["site_kind", "k", "item_id", "dept_id", "handling_type", "committed_limit"],
                      [(kind, k, *row) for k, row in enumerate(irows)])
        cur.execute("CREATE UNLOGGED TABLE bench_wd (idx int PRIMARY KEY, day date)")
        copy_rows(cur, "bench_wd", ["idx", "day"], list(enumerate(all_days)))
        cur.execute("ANALYZE bench_wpick; ANALYZE bench_ipick; ANALYZE bench_wd")
        n_w = len(wrows)
        cur.execute("SELECT count(*) FROM bench_ipick WHERE site_kind = 'county'")
        n_i_county = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM bench_ipick WHERE site_kind = 'township'")
        n_i_town = cur.fetchone()[0]

        t0 = time.perf_counter()
        _stage(cur, period, all_days, counts, n_w, n_i_county, n_i_town, today, log)
        timings["staging_s"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        save_and_drop_indexes(cur)
        _load(cur, n, log)
        timings["load_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        log("creating the indexes and foreign keys again")
        restore_indexes(cur, log)
        timings["indexes_s"] = time.perf_counter() - t0
        for table in ("bench_gen", "bench_wpick", "bench_ipick", "bench_wd"):
            cur.execute(f"DROP TABLE {table}")
        _reset_sequences(cur)
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for table in ("core_clock", "cases_case", "cases_caseevent", "ratings_rating"):
            cur.execute(f"VACUUM (ANALYZE) {table}")  # what autovacuum would do after such a load
    timings["vacuum_s"] = time.perf_counter() - t0
    facts.update(timings)
    return facts


def _write_org(cur, org: dict, items: list[dict], now: dt.datetime) -> None:
    check_columns(cur, "orgs_unit", {"name", "kind", "level", "division_code", "parent_id", "path"})
    copy_rows(cur, "orgs_unit", ["id", "name", "kind", "level", "division_code", "parent_id", "path"],
              [(u["id"], u["name"], u["kind"], u["level"], u["division_code"], u["parent_id"], u["path"])
               for u in org["units"]])
    site_cols = {"unit_id", "name", "kind", "address", "hall_area", "opening_hours", "phone", "complaint_phone",
                 "status"}
    check_columns(cur, "orgs_site", site_cols)
    copy_rows(cur, "orgs_site", ["id", "unit_id", "name", "kind", "address", "hall_area", "opening_hours", "phone",
                                 "complaint_phone", "status"],
              [(s["id"], s["unit_id"], s["name"], s["kind"], "", s["hall_area"], "工作日 9:00-17:00", "", "",
                "active") for s in org["sites"]])
    check_columns(cur, "orgs_window", {"site_id", "number", "name", "kind", "sign_text"})
    copy_rows(cur, "orgs_window", ["id", "site_id", "number", "name", "kind", "sign_text"],
              [(w["id"], w["site_id"], w["number"], w["name"], w["kind"], "") for w in org["windows"]])
    user_cols = {"password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                 "is_active", "date_joined"}
    check_columns(cur, "auth_user", user_cols)
    copy_rows(cur, "auth_user", ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
                                 "is_staff", "is_active", "date_joined"],
              [(u["id"], "!", False, u["username"], "", "", "", False, True, now) for u in org["users"]])
    check_columns(cur, "orgs_staff", {"name", "work_id", "employment", "position", "photo", "phone", "active",
                                      "user_id", "origin_unit_id"})
    copy_rows(cur, "orgs_staff", ["id", "user_id", "name", "work_id", "origin_unit_id", "employment", "position",
                                  "photo", "phone", "active"],
              [(s["id"], s["user_id"], s["name"], s["work_id"], s["origin_unit_id"], "civil", "", "", "", True)
               for s in org["staff"]])
    check_columns(cur, "orgs_windowpost", {"window_id", "staff_id", "post"})
    copy_rows(cur, "orgs_windowpost", ["window_id", "staff_id", "post"],
              [(p["window_id"], p["staff_id"], p["post"]) for p in org["posts"]])
    check_columns(cur, "ratings_device", {"window_id", "name", "kind", "key_hash", "active", "created_at"})
    copy_rows(cur, "ratings_device", ["id", "window_id", "name", "kind", "key_hash", "active", "created_at"],
              [(d["id"], d["window_id"], d["name"], "window_device", d["key_hash"], True, now)
               for d in org["devices"]])
    item_cols = ["id", "basic_code", "code", "name", "item_type", "legal_basis", "channels", "procedure",
                 "statutory_limit", "statutory_unit", "committed_limit", "committed_unit", "fee_basis",
                 "fee_standard", "consult_phone", "supervision_phone", "evaluation_channels", "handling_type",
                 "at_most_once", "online", "bookable", "tolerant", "high_frequency", "secret", "search_pinyin",
                 "search_initials", "updated_at", "accepting_unit_id"]
    check_columns(cur, "catalog_item", set(item_cols))
    copy_rows(cur, "catalog_item", item_cols,
              [(i["id"], i["basic_code"], i["code"], i["name"], i["item_type"], "", json.dumps(["window", "online"]),
                json.dumps(["申请", "受理", "审查", "决定", "送达"]), i["statutory_limit"], "workdays",
                i["committed_limit"], "workdays", "", "不收费", "", "", "窗口评价器、扫码评价、网上评价、短信评价",
                i["handling_type"], i["handling_type"] == "instant", True, False, False, True, False, "", "", now,
                i["accepting_unit_id"]) for i in items])


def _stage(cur, period, all_days, counts, n_w, n_i_county, n_i_town, today, log) -> None:
    """One staging row per case with everything the four big tables need, day by day (ids grow with time)."""
    cur.execute("""CREATE UNLOGGED TABLE bench_gen (
        i bigint, window_id bigint, site_id bigint, unit_path varchar(255), staff_id bigint, user_id int,
        user_b int, item_id bigint, dept_id bigint, handling_type text, instant boolean, created_at timestamptz,
        accepted_at timestamptz, completed_at timestamptz, due_at timestamptz, yellow_at timestamptz,
        clock_amount int, clock_unit text, late boolean, supplement boolean, rated_at timestamptz, level text,
        channel text, is_default boolean, excluded boolean, real_name boolean, name text, phone text)""")
    idx_of = {d: i for i, d in enumerate(all_days)}
    end_local = dt.datetime.combine(today, dt.time(0, 0)).isoformat()
    chan_case = " ".join(f"WHEN r_ch < {sum(s for _, s in CHANNELS[:k + 1]):.4f} THEN '{c}'"
                         for k, (c, _) in enumerate(CHANNELS[:-1]))
    sql = f"""
    INSERT INTO bench_gen
    WITH g AS MATERIALIZED (
        SELECT i, random() r_w, random() r_i, random() r_t, random() r_a, random() r_u, random() r_late,
               random() r_sup, random() r_lvl, random() r_def, random() r_exc, random() r_ch, random() r_delay,
               random() r_staff, (random() * 1e8)::bigint phone_no
        FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) i
    ), c AS (
        SELECT g.*, w.window_id, w.site_id, w.unit_path, w.staff_a, w.staff_b, w.user_a, w.user_b,
               it.item_id, it.dept_id, it.handling_type, it.committed_limit AS lim,
               it.handling_type = 'instant' AS instant,
               r_late < 0.03 AS late,
               ((%(day)s::date + time '08:30' + r_t * interval '8 hours 30 minutes') AT TIME ZONE '{TZ}') AS done
        FROM g
        JOIN bench_wpick w ON w.k = floor(g.r_w * {n_w})::int
        JOIN bench_ipick it ON it.site_kind = w.site_kind
             AND it.k = floor(g.r_i * CASE w.site_kind WHEN 'county' THEN {n_i_county} ELSE {n_i_town} END)::int
    ), t AS (
        -- u: working days from acceptance to completion; within the committed limit unless late
        SELECT c.*, CASE WHEN instant THEN 0 WHEN late THEN lim + 1 + floor(r_u * 5)::int
                         ELSE floor(r_u * r_u * (lim + 1))::int END AS u
        FROM c
    ), a AS (
        SELECT t.*,
            CASE WHEN instant THEN done - CASE WHEN late THEN interval '31 minutes' + r_a * interval '60 minutes'
                                               ELSE interval '3 minutes' + r_a * interval '25 minutes' END
                 WHEN u = 0 THEN done - r_a * (done - ((%(day)s::date + time '08:30') AT TIME ZONE '{TZ}'))
                                 - interval '5 minutes'
                 ELSE ((ad.day + time '08:30' + r_a * interval '8 hours 30 minutes') AT TIME ZONE '{TZ}') END
                AS accepted,
            dd.day AS due_day, yd.day AS yellow_day
        FROM t
        JOIN bench_wd ad ON ad.idx = %(idx)s - t.u
        JOIN bench_wd dd ON dd.idx = %(idx)s - t.u + t.lim
        JOIN bench_wd yd ON yd.idx = %(idx)s - t.u + ceil(t.lim * 0.8)::int
    )
    SELECT i, window_id, site_id, unit_path, CASE WHEN r_staff < 0.8 THEN staff_a ELSE staff_b END,
           CASE WHEN r_staff < 0.8 THEN user_a ELSE user_b END, user_b, item_id, dept_id, handling_type, instant,
           accepted - interval '2 minutes' - r_delay * interval '10 minutes',
           accepted, done,
           CASE WHEN instant THEN accepted + interval '30 minutes'
                ELSE ((due_day + time '23:59:59') AT TIME ZONE '{TZ}') END,
           CASE WHEN instant THEN accepted + interval '24 minutes'
                ELSE (yellow_day::timestamp AT TIME ZONE '{TZ}') END,
           CASE WHEN instant THEN 30 ELSE lim END, CASE WHEN instant THEN 'minutes' ELSE 'workdays' END,
           late, NOT instant AND r_sup < 0.25,
           LEAST(done + CASE
                   WHEN r_def < 0.01 THEN interval '7 days'
                   WHEN r_ch < 0.55 THEN r_delay * interval '3 minutes'
                   WHEN r_ch < 0.88 THEN r_delay * interval '2 hours'
                   ELSE interval '1 hour' + r_delay * interval '2 days' END,
                 (timestamp '{end_local}' AT TIME ZONE '{TZ}') - interval '1 second'),
           CASE WHEN r_def < 0.01 THEN 'satisfied' WHEN r_lvl < 0.80 THEN 'very_satisfied'
                WHEN r_lvl < 0.97 THEN 'satisfied' WHEN r_lvl < 0.995 THEN 'basic'
                WHEN r_lvl < 0.999 THEN 'dissatisfied' ELSE 'very_dissatisfied' END,
           CASE WHEN r_def < 0.01 THEN 'system' {chan_case} ELSE '{CHANNELS[-1][0]}' END,
           r_def < 0.01, r_def >= 0.01 AND r_lvl >= 0.995 AND r_exc < 0.1,
           r_def >= 0.01 AND r_ch >= 0.55,
           (ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴'])[1 + (i %% 10)::int] || '某某',
           '13' || lpad(phone_no::text, 9, '0')
    FROM a
    """
    lo = 1
    t0 = time.perf_counter()
    for k, (day, count) in enumerate(zip(period, counts)):
        cur.execute(sql, {"lo": lo, "hi": lo + count - 1, "day": day, "idx": idx_of[day]})
        lo += count
        if k % 50 == 0 or k == len(period) - 1:
            log(f"  staged {lo - 1:,} cases ({day}), {time.perf_counter() - t0:.0f} s")
    cur.execute("CREATE INDEX ON bench_gen (i)")
    cur.execute("ANALYZE bench_gen")


def _load(cur, n: int, log) -> None:
    """Copy the staging rows into the real tables, chunk by chunk of ids."""
    clock_cols = {"start", "amount", "unit", "extension", "status", "due_at", "yellow_at", "warning", "stopped_at",
                  "purpose"}
    check_columns(cur, "core_clock", clock_cols)
    case_cols = {"number", "handling_type", "status", "resume_to", "urgent", "applicant_name", "applicant_phone",
                 "applicant_id_number", "applicant_org", "created_at", "accepted_at", "completed_at", "answer",
                 "supplement_materials", "supplement_deadline", "rejection_ground", "rejection_reason", "routed_to",
                 "result", "approved", "delivery", "delivery_address", "public_notice", "clock_id", "handled_by_id",
                 "item_id", "site_id", "window_id"}
    check_columns(cur, "cases_case", case_cols)
    check_columns(cur, "cases_caseevent", {"action", "from_status", "to_status", "reason", "data", "at", "actor_id",
                                           "case_id"})
    rating_cols = {"level", "is_bad", "channel", "stage", "platform", "unit_path", "real_name", "rater_name",
                   "rater_phone", "answers", "comment", "is_default", "flagged", "excluded", "excluded_reason",
                   "created_at", "checked", "case_id", "department_id", "device_id", "entered_by_id", "item_id",
                   "site_id", "staff_id", "window_id"}
    check_columns(cur, "ratings_rating", rating_cols)
    statements = {
        "core_clock": """
            INSERT INTO core_clock (id, start, amount, unit, extension, status, due_at, yellow_at, warning,
                                    stopped_at, purpose)
            SELECT i, accepted_at, clock_amount, clock_unit, 0, 'stopped', due_at, yellow_at,
                   CASE WHEN late THEN 'red' ELSE 'none' END, completed_at, 'case'
            FROM bench_gen WHERE i BETWEEN %(lo)s AND %(hi)s""",
        "cases_case": f"""
            INSERT INTO cases_case (id, number, handling_type, status, resume_to, urgent, applicant_name,
                applicant_phone, applicant_id_number, applicant_org, created_at, accepted_at, completed_at, answer,
                supplement_materials, supplement_deadline, rejection_ground, rejection_reason, routed_to, result,
                approved, delivery, delivery_address, public_notice, clock_id, handled_by_id, item_id, site_id,
                window_id)
            SELECT i, 'BJ' || to_char(completed_at AT TIME ZONE '{TZ}', 'YYYYMMDD') || lpad(i::text, 10, '0'),
                   handling_type, 'completed', '', false, name, phone, '', '', created_at, accepted_at,
                   completed_at, '',
                   CASE WHEN supplement THEN '["户口簿"]'::jsonb ELSE '[]'::jsonb END,
                   CASE WHEN supplement THEN (accepted_at AT TIME ZONE '{TZ}')::date + 5 END,
                   '', '', '', '准予办理', true, 'window', '', '', i, user_id, item_id, site_id, window_id
            FROM bench_gen WHERE i BETWEEN %(lo)s AND %(hi)s""",
        "cases_caseevent": f"""
            INSERT INTO cases_caseevent (action, from_status, to_status, reason, data, at, actor_id, case_id)
            SELECT 'request_supplement', 'accepted', 'awaiting_supplement', '',
                   jsonb_build_object('materials', jsonb_build_array('户口簿'),
                                      'deadline', ((accepted_at AT TIME ZONE '{TZ}')::date + 5)::text),
                   accepted_at + (completed_at - accepted_at) * 0.3, user_id, i
            FROM bench_gen WHERE supplement AND i BETWEEN %(lo)s AND %(hi)s ORDER BY i""",
        "ratings_rating": """
            INSERT INTO ratings_rating (id, level, is_bad, channel, stage, platform, unit_path, real_name,
                rater_name, rater_phone, answers, comment, is_default, flagged, excluded, excluded_reason,
                created_at, checked, case_id, department_id, device_id, entered_by_id, item_id, site_id,
                staff_id, window_id)
            SELECT i, level, level IN ('dissatisfied', 'very_dissatisfied'), channel, 'complete', false, unit_path,
                   real_name, CASE WHEN real_name THEN name ELSE '' END, CASE WHEN real_name THEN phone ELSE '' END,
                   '{}'::jsonb,
                   CASE WHEN level IN ('dissatisfied', 'very_dissatisfied') THEN '办理时间太长，排队等候久' ELSE '' END,
                   is_default, false, excluded, CASE WHEN excluded THEN '经核实为恶意差评' ELSE '' END,
                   rated_at, true, i, dept_id, CASE WHEN channel = 'window_device' THEN window_id END,
                   CASE WHEN channel = 'paper' THEN user_b END, item_id, site_id, staff_id, window_id
            FROM bench_gen WHERE i BETWEEN %(lo)s AND %(hi)s""",
    }
    for table, sql in statements.items():
        t0 = time.perf_counter()
        for lo in range(1, n + 1, CHUNK):
            cur.execute(sql, {"lo": lo, "hi": min(n, lo + CHUNK - 1)})
        log(f"  {table}: {time.perf_counter() - t0:.0f} s")


def _reset_sequences(cur) -> None:
    """Explicit ids were written: move every identity past them so the product's own inserts work."""
    for table in ("orgs_unit", "orgs_site", "orgs_window", "orgs_staff", "orgs_windowpost", "auth_user",
                  "ratings_device", "catalog_item", "core_clock", "cases_case", "cases_caseevent", "ratings_rating"):
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"GREATEST((SELECT max(id) FROM {table}), 1))")

