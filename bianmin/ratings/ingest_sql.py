"""The SQL of the ratings' fast lane (ingest.py): one read of the case, one write of the rating and its outbox row.

Built once per process from the models' metadata (table and column names, every column's value as Django would
store it), run on the driver's own cursor: at hundreds of ratings a second the ORM's query building and model
instances were most of a rating's cost (docs/benchmarks.md).

- `load_case` reads, in one statement, everything a rating copies from its case and what `check_open` needs, and
  the visit's queue ticket (the same columns as `services.rating_for_case` takes from a Case; a test keeps them
  equal).
- `write_batch` inserts ratings in one transaction (bianmin.core.group_commit): per rating `INSERT … ON CONFLICT DO
  NOTHING RETURNING id` — a rating that runs into the (case, stage) or idempotency-key constraint comes back
  without an id and takes the full path, which finds its twin or refuses it — and, when the rating's jurisdiction
  reports upstream, its row of the national exchange's outbox in the same transaction (PostgreSQL: in the same
  statement, a data-modifying CTE).
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import sqlite3
import threading
import time
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from bianmin.cases.models import Case
from bianmin.core import group_commit, outbox

from .models import Rating

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class CaseRow:
    """What the fast lane knows of a case: the attributes eligibility.py reads, and what a rating copies."""

    id: int
    number: str
    status: str
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    site_id: int
    unit_path: str
    item_id: int
    department_id: int | None
    window_id: int | None
    staff_id: int | None
    rater_name: str
    rater_phone: str
    queue_ticket_id: int | None


@dataclass(slots=True)
class Write:
    """One rating to insert (its bound values, in order), and its outbox row's values by column but the new rating's
    id (None: no upstream)."""

    case_id: int
    stage: str
    key: str | None
    rating: list
    outbox: dict | None


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


# The columns the fast lane sets per rating, and per outbox row (ingest.py fills them; the rest are model defaults).
RATING_BOUND = ["level", "is_bad", "channel", "stage", "case_id", "item_id", "staff_id", "window_id", "site_id",
                "department_id", "queue_ticket_id", "unit_path", "real_name", "rater_name", "rater_phone",
                "idempotency_key", "created_at"]
OUTBOX_BOUND = ["link_id", "kind", "event", "key", "order_key", "day", "site_id", "unit_path", "created_at",
                "next_attempt_at"]


class InsertPlan:
    """The INSERT of every concrete column of `model` but the id. The columns named in `bound` get a placeholder
    per row (in that order); every other column gets its value in `template` as a literal of the statement. Fewer
    parameters make a shorter statement that the driver parses once and caches (psycopg caches up to 50)."""

    def __init__(self, model, template, bound: list[str], mark: str, cast: bool = False,
                 expressions: dict[str, str] | None = None):
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.bound = [f.attname for f in fields if f.attname in bound]  # the placeholders' order
        self.names = [f.attname for f in fields]
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        self.values = []
        for f in fields:
            if expressions and f.attname in expressions:
                self.values.append(expressions[f.attname])
            elif f.attname in bound:
                self.values.append(f"CAST({mark} AS {f.db_type(connection)})" if cast else mark)
            else:
                literal = _literal(f, getattr(template, f.attname))
                self.values.append(f"CAST({literal} AS {f.db_type(connection)})" if cast else literal)

    def params(self, values: dict) -> list:
        return [values[name] for name in self.bound]


def _literal(field, value) -> str:
    """A constant of our own (a model default: empty text, zero, false, null, an empty JSON object) as SQL."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict | list):
        value = json.dumps(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no literal for {field.name}={value!r}")


class Statements:
    """The fast lane's statements for the database of `connection` (built on first use in each process)."""

    def __init__(self):
        self.vendor = connection.vendor
        self.begin = "BEGIN IMMEDIATE" if self.vendor == "sqlite" else "BEGIN"
        mark = "?" if self.vendor == "sqlite" else "%s"  # the driver's own placeholder
        self.mark = mark
        site = Case._meta.get_field("site").related_model
        unit = site._meta.get_field("unit").related_model
        item = Case._meta.get_field("item").related_model
        ticket_rel = Case._meta.get_field("queue_tickets")
        ticket = ticket_rel.related_model
        staff_rel = Case._meta.get_field("handled_by").related_model._meta.get_field("staff")
        staff = staff_rel.related_model
        c = "c."
        self.case_sql = (
            f"SELECT {c}{_col(Case, 'id')}, {c}{_col(Case, 'number')}, {c}{_col(Case, 'status')}, "
            f"{c}{_col(Case, 'created_at')}, {c}{_col(Case, 'accepted_at')}, {c}{_col(Case, 'completed_at')}, "
            f"{c}{_col(Case, 'site')}, u.{_col(unit, 'path')}, {c}{_col(Case, 'item')}, "
            f"i.{_col(item, 'accepting_unit')}, {c}{_col(Case, 'window')}, s.{_col(staff, 'id')}, "
            f"{c}{_col(Case, 'applicant_name')}, {c}{_col(Case, 'applicant_phone')}, "
            f"(SELECT t.{_col(ticket, 'id')} FROM {_table(ticket)} t "
            f"WHERE t.{connection.ops.quote_name(ticket_rel.field.column)} = {c}{_col(Case, 'id')} "
            f"ORDER BY t.{_col(ticket, 'id')} DESC LIMIT 1) "
            f"FROM {_table(Case)} c "
            f"JOIN {_table(site)} st ON st.{_col(site, 'id')} = {c}{_col(Case, 'site')} "
            f"JOIN {_table(unit)} u ON u.{_col(unit, 'id')} = st.{_col(site, 'unit')} "
            f"JOIN {_table(item)} i ON i.{_col(item, 'id')} = {c}{_col(Case, 'item')} "
            f"LEFT JOIN {_table(staff)} s ON s.{connection.ops.quote_name(staff_rel.field.column)} = "
            f"{c}{_col(Case, 'handled_by')} AND {c}{_col(Case, 'handled_by')} IS NOT NULL "
            f"WHERE {c}{_col(Case, 'id')} = {mark}")

        now = dt.datetime.now(dt.UTC)
        self.mark = mark
        self.rating = InsertPlan(Rating, Rating(answers={}), RATING_BOUND, mark, cast=self.vendor == "postgresql")
        self.rating_table = _table(Rating)
        self.returning = f"RETURNING {_col(Rating, 'id')}, {_col(Rating, 'case')}, {_col(Rating, 'stage')}"
        self._sql: dict[tuple[int, int], str] = {}
        # The outbox's table belongs to the exchange app, above this one: its model comes through the hook
        # (bianmin.core.outbox) and only its shape is read here; which rows to write, with which keys, too.
        OutboxRow = outbox.row_model()
        self.outbox = None
        if OutboxRow is not None:
            template = OutboxRow(record_id=0, day=now.date(), created_at=now, next_attempt_at=now)
            self.outbox_table = _table(OutboxRow)
            self.outbox = InsertPlan(OutboxRow, template, OUTBOX_BOUND, mark, cast=self.vendor == "postgresql",
                                     expressions={"record_id": "r.id"})
            self.outbox_with_id = InsertPlan(OutboxRow, template, [*OUTBOX_BOUND, "record_id"], mark)

    def insert(self, ratings: int, rows: int) -> str:
        """The statement inserting `ratings` ratings (and on PostgreSQL `rows` outbox rows with them), returning
        (id, case, stage) of each rating stored; a rating that conflicts is left out (ON CONFLICT DO NOTHING)."""
        key = (ratings, rows)
        found = self._sql.get(key)
        if found is None:
            found = self._sql[key] = self._insert(ratings, rows)
        return found

    def _insert(self, ratings: int, rows: int) -> str:
        one = "(" + ", ".join(self.rating.values) + ")"
        insert = (f"INSERT INTO {self.rating_table} ({self.rating.columns}) VALUES {', '.join([one] * ratings)} "
                  f"ON CONFLICT DO NOTHING {self.returning}")
        if not rows:
            return insert
        # PostgreSQL: one statement. The outbox rows' values arrive as a VALUES list keyed by (case, stage) and take
        # the new ratings' ids from r; no row for a rating that conflicted.
        bound = self.outbox.bound
        v_row = "(" + ", ".join([f"CAST({self.mark} AS bigint)", f"CAST({self.mark} AS text)",
                                 *(v for v, name in zip(self.outbox.values, self.outbox.names, strict=True)
                                   if name in bound)]) + ")"
        select = ", ".join("r.id" if name == "record_id" else f"v.{name}" if name in bound else value
                           for value, name in zip(self.outbox.values, self.outbox.names, strict=True))
        return (f"WITH r AS ({insert}), o AS (INSERT INTO {self.outbox_table} ({self.outbox.columns}) "
                f"SELECT {select} FROM r JOIN (VALUES {', '.join([v_row] * rows)}) "
                f"AS v(case_id, stage, {', '.join(bound)}) ON v.case_id = r.case_id AND v.stage = r.stage "
                "ON CONFLICT DO NOTHING) SELECT id, case_id, stage FROM r")

    def insert_outbox(self, rows: int) -> str:
        """SQLite: the outbox rows of the ratings just stored."""
        key = (0, rows)
        found = self._sql.get(key)
        if found is None:
            one = "(" + ", ".join(self.outbox_with_id.values) + ")"
            found = self._sql[key] = (f"INSERT INTO {self.outbox_table} ({self.outbox_with_id.columns}) VALUES "
                                      f"{', '.join([one] * rows)} ON CONFLICT DO NOTHING")
        return found

    def adapt_datetime(self, value: dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)

    def adapt_date(self, value: dt.date):
        return connection.ops.adapt_datefield_value(value)


_statements: dict[str, Statements] = {}


def statements(db=None) -> Statements:
    vendor = (db or connection).vendor
    found = _statements.get(vendor)
    if found is None:
        found = _statements[vendor] = Statements()
    return found


def _cursor(sql: Statements, raw):
    """The driver's cursor. On PostgreSQL one that binds on the server, so that the lane's few statements are
    prepared once per connection (psycopg prepares a statement at its first execution with prepare=True) instead of
    parsed and planned for every rating: planning the case's five-table join cost more than running it."""
    if sql.vendor == "postgresql":
        import psycopg

        return psycopg.Cursor(raw)
    return raw.cursor()


def _run(sql: Statements, cur, statement: str, params) -> None:
    if sql.vendor == "postgresql":
        cur.execute(statement, params, prepare=True)
    else:
        cur.execute(statement, params)


def _aware(value):
    """PostgreSQL's driver hands back an aware datetime; SQLite's a naive one in UTC (Django's converter), or text."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def load_case(case_id: int, db=None) -> CaseRow | None:
    db = db or connections[DEFAULT_DB_ALIAS]
    sql = statements(db)
    db.ensure_connection()
    cur = _cursor(sql, db.connection)
    try:
        _run(sql, cur, sql.case_sql, (case_id,))
        row = cur.fetchone()
    finally:
        cur.close()
    if row is None:
        return None
    return CaseRow(id=row[0], number=row[1], status=row[2], created_at=_aware(row[3]), accepted_at=_aware(row[4]),
                   completed_at=_aware(row[5]), site_id=row[6], unit_path=row[7], item_id=row[8],
                   department_id=row[9], window_id=row[10], staff_id=row[11], rater_name=row[12],
                   rater_phone=row[13], queue_ticket_id=row[14])


def write_batch(jobs: list[group_commit.Job]) -> None:
    """Insert every job's rating (and outbox row) in one transaction; a job's result is the new rating's id, or
    None when the rating ran into one of its unique constraints (nothing of it was written)."""
    db = connections[DEFAULT_DB_ALIAS]  # the leader's own connection
    sql = statements(db)
    db.ensure_connection()
    if db.in_atomic_block:  # inside a caller's transaction (tests): a savepoint of it, through Django
        with transaction.atomic():
            cur = _cursor(sql, db.connection)
            try:
                _insert(sql, jobs, cur)
            finally:
                cur.close()
        return
    raw = db.connection
    # BEGIN … COMMIT on the driver's connection (Django's connection stays in autocommit): Django's transaction
    # bookkeeping cost as much CPU as the INSERTs. (On SQLite the leader holds the writers' file lock: `_gate`.)
    if sql.vendor == "sqlite":
        _own_checkpoints(db, raw)
    cur = _cursor(sql, raw)
    try:
        cur.execute(sql.begin)
        try:
            _insert(sql, jobs, cur)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
    finally:
        cur.close()
    if sql.vendor == "sqlite" and writer_lock(sql, db) is not _NO_LOCK:  # (not an in-memory database)
        _checkpointer.wrote(db.settings_dict["NAME"])



WAL_AUTOCHECKPOINT_PAGES = 10_000  # ~40 MB: SQLite's own checkpoint becomes the rare fallback (default 1,000)


def _own_checkpoints(db, raw) -> None:
    """SQLite copies the WAL into the database (a checkpoint, with an fsync: 20 ms here) inside the COMMIT that
    crosses its threshold, so the leader would hold every writer of the process through it. On the lane's
    connections the threshold is raised and a thread of the process checkpoints instead (Checkpointer); the raised
    threshold still bounds the WAL if that thread falls behind or other writes on the connection go on alone."""
    if db.__dict__.get("_lane_raw") is not raw:  # (a new connection since)
        raw.execute(f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}")
        db.__dict__["_lane_raw"] = raw


class Checkpointer:
    """Once a second, if the lane wrote since, a PASSIVE checkpoint on a connection of its own: it copies what no
    reader still needs and never blocks a reader or a writer. One daemon thread per process, started on first use."""

    INTERVAL = 1.0

    def __init__(self):
        self._lock = threading.Lock()
        self._dirty: set[str] = set()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def wrote(self, path: str) -> None:
        with self._lock:
            self._dirty.add(str(path))
            if self._thread is None or self._pid != os.getpid():  # (a forked worker has no thread yet)
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        connections_by_path: dict[str, sqlite3.Connection] = {}
        while True:
            time.sleep(self.INTERVAL)
            with self._lock:
                dirty, self._dirty = self._dirty, set()
            for path in dirty:
                try:
                    conn = connections_by_path.get(path)
                    if conn is None:
                        conn = connections_by_path[path] = sqlite3.connect(path, timeout=20, isolation_level=None,
                                                                           check_same_thread=False)
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    logger.warning("SQLite checkpoint of %s failed; the next one retries", path, exc_info=True)


_checkpointer = Checkpointer()


MAX_ROWS = 64  # ratings per statement (a batch larger than this takes several)


def _insert(sql: Statements, jobs: list[group_commit.Job], cur) -> None:
    """Multi-row INSERTs: the leader's work per batch is a few calls into the driver whatever its size."""
    pending, seen = [], set()
    for job in jobs:
        write: Write = job.params
        job.result = None
        marks = {(write.case_id, write.stage)} | ({("key", write.key)} if write.key else set())
        if marks & seen:
            continue  # the same rating twice in one batch (a double tap): the second takes the full path
        seen |= marks
        pending.append(job)
    for start in range(0, len(pending), MAX_ROWS):
        _insert_rows(sql, pending[start:start + MAX_ROWS], cur)


def _insert_rows(sql: Statements, jobs: list[group_commit.Job], cur) -> None:
    writes: list[Write] = [job.params for job in jobs]
    with_rows = [w for w in writes if w.outbox is not None]
    params = [value for w in writes for value in w.rating]
    postgres = sql.vendor == "postgresql"
    if postgres:
        for w in with_rows:
            params += [w.case_id, w.stage, *sql.outbox.params(w.outbox)]
    _run(sql, cur, sql.insert(len(writes), len(with_rows) if postgres else 0), params)
    stored = {(case_id, stage): rating_id for rating_id, case_id, stage in cur.fetchall()}
    for job, w in zip(jobs, writes, strict=True):
        job.result = stored.get((w.case_id, w.stage))
    if not postgres and with_rows:
        rows = [w for w in with_rows if (w.case_id, w.stage) in stored]
        if rows:
            values = [v for w in rows for v in sql.outbox_with_id.params({**w.outbox,
                                                                         "record_id": stored[(w.case_id, w.stage)]})]
            _run(sql, cur, sql.insert_outbox(len(rows)), values)


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _FileLock:
    """An exclusive flock on a file beside the SQLite database, shared by every process that writes to it."""

    def __init__(self, path: str):
        self.path, self.fd = path, None

    def __enter__(self):
        if self.fd is None:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        return False


_locks: dict[str, object] = {}


_NO_LOCK = _NoLock()


def writer_lock(sql: Statements, db):
    if sql.vendor != "sqlite":
        return _NO_LOCK
    name = str(db.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        return _NO_LOCK
    found = _locks.get(name)
    if found is None:
        found = _locks[name] = _FileLock(name + ".writer-lock")
    return found


def _gate():
    """On SQLite the leaders of all processes queue on a file lock before they take their queue: the kernel wakes
    the next one when it is released, where SQLite's busy handler sleeps 1–100 ms between tries (the database stood
    idle while writers slept), and what arrives meanwhile joins the batch."""
    db = connections[DEFAULT_DB_ALIAS]
    return writer_lock(statements(db), db)


committer = group_commit.GroupCommitter(write_batch, _gate)
