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
import os
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from bianmin.cases.models import Case
from bianmin.core import group_commit, outbox

from .models import Rating


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
    """One rating to insert, and its outbox row's values (None: no upstream)."""

    rating: list
    outbox: list | None


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _col(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


class InsertPlan:
    """The INSERT of every concrete column of `model` but the id: the values of `template` (as Django would store
    them), with the attributes a caller names replaced per row."""

    def __init__(self, model, template):
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.static = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in self.fields]
        self.position = {f.attname: i for i, f in enumerate(self.fields)}

    def params(self, values: dict) -> list:
        out = list(self.static)
        for name, value in values.items():
            out[self.position[name]] = value
        return out


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
        self.rating = InsertPlan(Rating, Rating(level="satisfied", channel="qr", stage="", answers={}, comment="",
                                                created_at=now))
        insert_rating = (f"INSERT INTO {_table(Rating)} ({self.rating.columns}) VALUES "
                         f"({', '.join([mark] * len(self.rating.fields))}) ON CONFLICT DO NOTHING RETURNING "
                         f"{_col(Rating, 'id')}")
        self.insert_rating = insert_rating
        # The outbox's table belongs to the exchange app, above this one: its model comes through the hook
        # (bianmin.core.outbox) and only its shape is read here; which rows to write, with which keys, too.
        OutboxRow = outbox.row_model()
        self.outbox = None
        if OutboxRow is None:
            return
        self.outbox = InsertPlan(OutboxRow, OutboxRow(link_id=0, kind="rating", record_id=0, event="", key="",
                                                      order_key="", day=now.date(), unit_path="", created_at=now,
                                                      next_attempt_at=now))
        record = self.outbox.position["record_id"]
        if self.vendor == "postgresql":
            # One statement: the outbox row takes the new rating's id; no row when the rating conflicted.
            values = ", ".join("r.id" if i == record else f"CAST(%s AS {f.db_type(connection)})"
                               for i, f in enumerate(self.outbox.fields))
            self.insert_both = (f"WITH r AS ({insert_rating}), o AS (INSERT INTO {_table(OutboxRow)} "
                                f"({self.outbox.columns}) SELECT {values} FROM r ON CONFLICT DO NOTHING) "
                                "SELECT id FROM r")
            self.record = record
        else:
            self.insert_outbox = (f"INSERT INTO {_table(OutboxRow)} ({self.outbox.columns}) VALUES "
                                  f"({', '.join([mark] * len(self.outbox.fields))}) ON CONFLICT DO NOTHING")

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
    # bookkeeping cost as much CPU as the INSERTs. On SQLite the writers of all processes queue on a file lock
    # first: the kernel wakes the next one when it is released, where SQLite's busy handler sleeps 1–100 ms
    # between tries, which left the database idle while writers slept.
    with writer_lock(sql, db):
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


def _insert(sql: Statements, jobs: list[group_commit.Job], cur) -> None:
    for job in jobs:
        write: Write = job.params
        if write.outbox is not None and sql.vendor == "postgresql":
            params = write.rating + [v for i, v in enumerate(write.outbox) if i != sql.record]
            _run(sql, cur, sql.insert_both, params)
            row = cur.fetchone()
        else:
            _run(sql, cur, sql.insert_rating, write.rating)
            row = cur.fetchone()
            if row is not None and write.outbox is not None:
                write.outbox[sql.outbox.position["record_id"]] = row[0]
                _run(sql, cur, sql.insert_outbox, write.outbox)
        job.result = row[0] if row is not None else None


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


def writer_lock(sql: Statements, db):
    if sql.vendor != "sqlite":
        return _NoLock()
    name = str(db.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        return _NoLock()
    found = _locks.get(name)
    if found is None:
        found = _locks[name] = _FileLock(name + ".writer-lock")
    return found


committer = group_commit.GroupCommitter(write_batch)
