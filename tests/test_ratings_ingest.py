"""The fast lane of POST /api/v1/ratings (bianmin/ratings/ingest.py, issue 20): what it takes, that it stores exactly
what the full path stores (rating, outbox row, answer and headers), and that everything else reaches the full path."""
import json
import threading

import pytest
from django.db import IntegrityError, connection
from django.test import Client

from bianmin.core import throttle
from bianmin.core.group_commit import GroupCommitter, Job
from bianmin.exchange.models import OutboxRow
from bianmin.ratings import events, ingest, ingest_sql, services
from bianmin.ratings.models import Rating
from bianmin.rectification.models import Ticket

from .exchange_helpers import link
from .rating_helpers import finished_case, link_for, rate
from .wsgi_client import WsgiClient

pytestmark = pytest.mark.django_db

RATING_FIELDS_COMPARED = [f.attname for f in Rating._meta.concrete_fields
                          if f.attname not in ("id", "case_id", "created_at", "rater_phone")]
OUTBOX_FIELDS_COMPARED = ["link_id", "kind", "event", "day", "site_id", "unit_path", "status",
                          "attempts", "last_error", "profile_name", "profile_version", "payload", "receipt",
                          "sent_at", "lease_until", "lease_token", "given_up_reason", "given_up_by_id"]


@pytest.fixture
def lane():
    """Counts the ratings the fast lane committed (the group committer's job counter)."""
    class Counter:
        start = ingest_sql.committer.jobs

        @property
        def taken(self):
            return ingest_sql.committer.jobs - self.start

    return Counter()


def token(world, api_for, **case):
    return link_for(api_for(world.clerk_a), finished_case(world, **case))["token"]


def test_a_simple_rating_is_stored_by_the_lane_exactly_as_the_full_path_stores_it(world, api_for, lane):
    link(world)  # the county reports upstream: both paths write the outbox row
    full = rate(Client(), {"token": token(world, api_for, phone="13800000001"), "level": "satisfied",
                           "channel": "mobile", "idempotency_key": "full-1"})
    fast = rate(WsgiClient(), {"token": token(world, api_for, phone="13800000002"), "level": "satisfied",
                               "channel": "mobile", "idempotency_key": "fast-1"})
    assert (full.status_code, fast.status_code) == (201, 201) and lane.taken == 1
    by_full, by_lane = Rating.objects.get(pk=full.json()["id"]), Rating.objects.get(pk=fast.json()["id"])
    differing = {f: (getattr(by_full, f), getattr(by_lane, f)) for f in RATING_FIELDS_COMPARED
                 if getattr(by_full, f) != getattr(by_lane, f)}
    assert differing == {"idempotency_key": ("full-1", "fast-1")}
    assert by_lane.rater_phone == "13800000002" and by_lane.created_at is not None
    assert {k: v for k, v in full.json().items() if k != "id"} == {k: v for k, v in fast.json().items() if k != "id"}
    out_full = OutboxRow.objects.get(kind="rating", record_id=by_full.pk)
    out_lane = OutboxRow.objects.get(kind="rating", record_id=by_lane.pk)
    assert [getattr(out_full, f) for f in OUTBOX_FIELDS_COMPARED] == [getattr(out_lane, f)
                                                                      for f in OUTBOX_FIELDS_COMPARED]
    assert out_lane.key == f"{by_lane.case.number}/rating/complete"
    assert out_lane.order_key == by_lane.case.number and out_lane.next_attempt_at == out_lane.created_at


def test_the_lane_copies_the_visits_queue_ticket_and_the_handlers_staff_record_like_the_full_path(world, api_for):
    case = finished_case(world)
    row = ingest_sql.load_case(case.pk)
    model = services.rating_for_case(services.case_for_rating(case.pk, fields=services.RATE_FIELDS), "complete",
                                     services.clean_input("satisfied"))
    assert (row.item_id, row.staff_id, row.window_id, row.site_id, row.department_id, row.unit_path,
            row.rater_name, row.rater_phone, row.queue_ticket_id) == (
        model.item_id, model.staff_id, model.window_id, model.site_id, model.department_id, model.unit_path,
        model.rater_name, model.rater_phone, model.queue_ticket_id)
    assert ingest_sql.load_case(case.pk + 1000) is None


def test_the_lanes_answer_carries_the_headers_of_the_full_path(world, api_for):
    full = rate(Client(), {"token": token(world, api_for), "level": "satisfied"})
    fast = WsgiClient().post("/api/v1/ratings", json.dumps({"token": token(world, api_for), "level": "satisfied"}))
    varying = {"Expires", "Content-Length", "Date"}
    assert {k: v for k, v in fast.headers.items() if k not in varying} == {
        k: v for k, v in full.headers.items() if k not in varying}
    assert "Expires" in fast.headers


def test_without_an_upstream_the_lane_writes_no_outbox_row(world, api_for, lane):
    r = rate(WsgiClient(), {"token": token(world, api_for), "level": "very_satisfied"})
    assert r.status_code == 201 and lane.taken == 1 and not OutboxRow.objects.exists()


def test_retries_and_second_ratings_reach_the_full_path_which_finds_the_twin_or_refuses(world, api_for, lane):
    citizen, tok = WsgiClient(), token(world, api_for)
    first = rate(citizen, {"token": tok, "level": "satisfied"}, HTTP_IDEMPOTENCY_KEY="h-9")
    again = rate(citizen, {"token": tok, "level": "satisfied"}, HTTP_IDEMPOTENCY_KEY="h-9")
    other = rate(citizen, {"token": tok, "level": "basic"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert first.json()["id"] == again.json()["id"] and Rating.objects.get().idempotency_key == "h-9"
    assert other.json()["code"] == "already_rated" and other.json()["message_en"]
    # The lane tried each (its INSERT … ON CONFLICT DO NOTHING stored nothing for the second and third).
    assert lane.taken == 3


def test_a_bad_rating_takes_the_full_path_and_its_ticket_is_opened_at_once(world, api_for, lane):
    r = rate(WsgiClient(), {"token": token(world, api_for), "level": "very_dissatisfied"})
    assert r.status_code == 201 and r.json()["is_bad"] is True and lane.taken == 0
    assert Ticket.objects.filter(rating_id=r.json()["id"]).exists()


def test_only_the_rectification_receiver_listens_to_stored_ratings(world):
    """The lane sends no rating_stored signal: it takes only good ratings, and the one receiver acts on bad ones.
    A new receiver must be wired into the lane (or make it send the signal) — this test says so."""
    names = {getattr(entry[1](), "__qualname__", "") for entry in events.rating_stored.receivers}
    assert names == {"RectificationConfig.ready.<locals>.open_ticket_if_bad"}


@pytest.mark.parametrize("body, reason", [
    ({"level": "satisfied", "comment": "很好"}, "a comment"),
    ({"level": "satisfied", "answers": {"guide_clear": "yes"}}, "a questionnaire"),
    ({"level": "satisfied", "channel": "window_device"}, "a channel a link may not name"),
    ({"level": "great"}, "an unknown level"),
    ({"level": "satisfied", "anonymous": "yes"}, "a malformed flag"),
    ({"level": "satisfied", "idempotency_key": "x" * 81}, "an over-long key"),
    ({"level": "satisfied", "idempotency_key": "a\x00b"}, "a control character"),
    ({"level": ["satisfied"]}, "a list as level"),
    ({"level": "satisfied", "channel": {"qr": 1}}, "an object as channel"),
    ({"level": "satisfied", "idempotency_key": {"k": 1}}, "an object as key"),
])
def test_anything_but_a_simple_rating_goes_the_full_way_and_gets_its_answer(world, api_for, lane, body, reason,
                                                                           caplog):
    tok = token(world, api_for)
    via_lane = rate(WsgiClient(), {"token": tok, **body})
    assert lane.taken == 0, reason
    assert not [r for r in caplog.records if r.name == "bianmin.ratings.ingest"], reason  # refused, not failed
    if via_lane.status_code == 201:
        assert Rating.objects.get().comment == body.get("comment", "")
    else:
        assert 400 <= via_lane.status_code < 500 and via_lane.json()["message_en"] and not Rating.objects.exists()


def test_a_staff_session_goes_the_full_way_and_a_clerk_cannot_rate_their_own_case(world, api_for, lane):
    tok = token(world, api_for)
    web = Client()
    web.force_login(world.clerk_a)
    cookie = f"sessionid={web.cookies['sessionid'].value}"
    r = rate(WsgiClient(), {"token": tok, "level": "very_satisfied"}, HTTP_COOKIE=cookie)
    assert r.status_code == 403 and r.json()["code"] == "own_case" and lane.taken == 0
    assert not Rating.objects.exists()


def test_a_bad_token_is_refused_by_the_full_path_and_counted_against_the_address(world, api_for, lane, settings):
    settings.BIANMIN = {**settings.BIANMIN, "PUBLIC_RATE_PER_MINUTE": 2}
    citizen = WsgiClient(REMOTE_ADDR="10.9.9.9")
    for _ in range(2):
        assert rate(citizen, {"token": "not-a-token", "level": "satisfied"}).status_code == 422
    assert throttle.is_limited("rate-bad-token", "10.9.9.9")
    # Now even a good token from that address is turned away, as on the full path.
    assert rate(citizen, {"token": token(world, api_for), "level": "satisfied"}).status_code == 429
    assert lane.taken == 0 and not Rating.objects.exists()


def test_an_expired_or_not_yet_open_rating_is_refused_by_the_full_path(world, api_for, lane):
    from .rating_helpers import accepted_case

    case = accepted_case(world)
    tok = services.rating_link(case, stage="complete").token
    r = rate(WsgiClient(), {"token": tok, "level": "satisfied"})
    assert r.status_code == 409 and r.json()["code"] == "not_yet" and lane.taken == 0


def test_when_the_shared_commit_fails_each_request_is_stored_by_the_full_path(world, api_for, monkeypatch):
    def failing(jobs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(ingest_sql.committer, "_run_batch", failing)
    r = rate(WsgiClient(), {"token": token(world, api_for), "level": "satisfied"})
    assert r.status_code == 201 and Rating.objects.filter(pk=r.json()["id"]).exists()


def test_the_lane_can_be_switched_off(world, api_for, lane, settings):
    settings.BIANMIN = {**settings.BIANMIN, "RATING_FAST_LANE": False}
    assert rate(WsgiClient(), {"token": token(world, api_for), "level": "satisfied"}).status_code == 201
    assert lane.taken == 0 and Rating.objects.count() == 1


def test_other_addresses_and_methods_pass_through_to_django(world):
    r = WsgiClient().post("/api/v1/ratings/", json.dumps({"level": "satisfied"}))
    assert r.status_code in (404, 405)
    assert ingest.PATH == "/api/v1/ratings"


# ---------------------------------------------------------------- group commit

def test_concurrent_jobs_share_one_commit_and_each_gets_its_own_result():
    seen: list[list[int]] = []
    entered, release = threading.Event(), threading.Event()

    def run_batch(jobs):
        seen.append([job.params for job in jobs])
        if len(seen) == 1:  # hold the first batch until the others have queued behind it
            entered.set()
            release.wait(5)
        for job in jobs:
            job.result = job.params * 10

    committer = GroupCommitter(run_batch)
    results = {}

    def submit(n):
        results[n] = committer.submit(Job(n)).result

    first = threading.Thread(target=submit, args=(1,))
    first.start()
    entered.wait(5)
    others = [threading.Thread(target=submit, args=(n,)) for n in (2, 3, 4)]
    for t in others:
        t.start()
    while len(committer._queue) < 3:
        threading.Event().wait(0.01)
    release.set()
    for t in [first, *others]:
        t.join(5)
    assert results == {1: 10, 2: 20, 3: 30, 4: 40}
    assert seen[0] == [1] and sorted(seen[1]) == [2, 3, 4] and committer.batches == 2 and committer.jobs == 4


def test_a_failed_batch_gives_every_job_the_error_and_no_result():
    def run_batch(jobs):
        jobs[0].result = "partial"
        raise RuntimeError("disk full")

    job = GroupCommitter(run_batch).submit(Job(1))
    assert isinstance(job.error, RuntimeError) and job.done


@pytest.mark.django_db(transaction=True)
def test_a_rating_and_its_outbox_row_commit_together_or_not_at_all(world, api_for):
    """The outbox row names a link that does not exist: its foreign key fails at commit and the rating goes too."""
    link(world)
    case = finished_case(world)
    row = ingest_sql.load_case(case.pk)
    from bianmin.core import timeutil

    write = ingest._write(row, "complete", "satisfied", "qr", None, False, timeutil.now())
    assert write.outbox is not None
    write.outbox["link_id"] = 999_999
    with pytest.raises((IntegrityError, connection.Database.IntegrityError)):  # (the driver's own)
        ingest_sql.write_batch([Job(write)])
    assert not Rating.objects.exists() and not OutboxRow.objects.filter(kind="rating").exists()
    ok = ingest._write(row, "complete", "satisfied", "qr", None, False, timeutil.now())
    job = Job(ok)
    ingest_sql.write_batch([job])
    assert Rating.objects.get().pk == job.result and OutboxRow.objects.get(kind="rating").record_id == job.result


def test_one_batch_stores_many_ratings_and_leaves_out_twins_and_conflicts(world, api_for):
    """Several ratings in one multi-row statement: each gets its own id and outbox row; the second of two ratings of
    one case in the batch, and a rating of an already rated case, get none (they take the full path)."""
    from bianmin.core import timeutil

    link(world)
    cases = [finished_case(world, phone=f"1380000000{i}") for i in range(4)]
    rated = cases[3]
    assert rate(Client(), {"token": services.rating_link(rated).token, "level": "basic"}).status_code == 201
    rows = [ingest_sql.load_case(c.pk) for c in cases]
    now = timeutil.now()
    writes = [ingest._write(rows[0], "complete", "satisfied", "qr", "k-a", False, now),
              ingest._write(rows[1], "complete", "very_satisfied", "pc", None, True, now),
              ingest._write(rows[0], "complete", "satisfied", "qr", "k-b", False, now),  # same case again
              ingest._write(rows[2], "complete", "basic", "sms", "k-a", False, now),  # same key again
              ingest._write(rows[3], "complete", "satisfied", "qr", None, False, now)]  # rated before
    jobs = [Job(w) for w in writes]
    ingest_sql.write_batch(jobs)
    ids = [job.result for job in jobs]
    assert ids[0] and ids[1] and ids[0] != ids[1] and ids[2:] == [None, None, None]
    first, second = Rating.objects.get(pk=ids[0]), Rating.objects.get(pk=ids[1])
    assert (first.case_id, first.idempotency_key, first.level) == (cases[0].pk, "k-a", "satisfied")
    assert (second.case_id, second.channel, second.real_name, second.rater_phone) == (cases[1].pk, "pc", False, "")
    outbox_rows = {r.record_id: r.key for r in OutboxRow.objects.filter(kind="rating")}
    assert outbox_rows[ids[0]] == f"{cases[0].number}/rating/complete"
    assert outbox_rows[ids[1]] == f"{cases[1].number}/rating/complete"
    assert len(outbox_rows) == 3  # and the earlier rating's own


def test_the_checkpoint_thread_copies_the_lanes_writes_into_the_sqlite_database_file(tmp_path):
    """The lane's SQLite connections leave checkpoints to a thread of their process (ingest_sql.Checkpointer)."""
    import sqlite3
    import time

    path = tmp_path / "db.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute(f"PRAGMA wal_autocheckpoint={ingest_sql.WAL_AUTOCHECKPOINT_PAGES}")
    writer.execute("CREATE TABLE t (x)")
    writer.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(100)])

    def rows_in_database_file():  # immutable=1: the main file alone, without the WAL
        with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as conn:
            try:
                return conn.execute("SELECT count(*) FROM t").fetchone()[0]
            except sqlite3.OperationalError:  # the table itself is still only in the WAL
                return 0

    assert rows_in_database_file() == 0
    checkpointer = ingest_sql.Checkpointer()
    checkpointer.INTERVAL = 0.05
    checkpointer.wrote(str(path))
    deadline = time.monotonic() + 5
    while rows_in_database_file() < 100 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rows_in_database_file() == 100
    writer.close()


def test_jobs_arriving_while_the_leader_waits_at_the_gate_join_its_batch():
    """The gate (SQLite: the writers' file lock) is passed before the leader takes the queue."""
    from contextlib import contextmanager

    seen: list[list[int]] = []
    at_gate, open_gate = threading.Event(), threading.Event()

    @contextmanager
    def gate():
        at_gate.set()
        open_gate.wait(5)
        yield

    committer = GroupCommitter(lambda jobs: seen.append(sorted(job.params for job in jobs)), gate)
    threads = [threading.Thread(target=committer.submit, args=(Job(1),))]
    threads[0].start()
    at_gate.wait(5)
    threads += [threading.Thread(target=committer.submit, args=(Job(n),)) for n in (2, 3)]
    for t in threads[1:]:
        t.start()
    while len(committer._queue) < 3:
        threading.Event().wait(0.01)
    open_gate.set()
    for t in threads:
        t.join(5)
    assert seen == [[1, 2, 3]]


def test_the_sqlite_writers_lock_is_a_file_beside_a_file_database(tmp_path, settings):
    class Db:
        settings_dict = {"NAME": str(tmp_path / "x.sqlite3")}

    class Sqlite:
        vendor = "sqlite"

    lock = ingest_sql.writer_lock(Sqlite(), Db())
    with lock:
        assert (tmp_path / "x.sqlite3.writer-lock").exists()
    Db.settings_dict = {"NAME": ":memory:"}
    assert ingest_sql.writer_lock(Sqlite(), Db()) is ingest_sql._NO_LOCK
