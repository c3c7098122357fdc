"""Issue 19 part 6: with the test upstream killed (SIGKILL) in the middle of a batch and restarted, every record is
delivered exactly once by its idempotency key — sent = acknowledged = source records — on SQLite and PostgreSQL.
And on PostgreSQL, two workers claiming at the same moment never hold the same row (SKIP LOCKED)."""
import threading

import pytest
from django.db import connection

from bianmin.exchange import sender
from bianmin.exchange.models import OutboxRow, Status
from bianmin.ratings.models import Channel

from .exchange_helpers import link
from .rating_helpers import finished_case
from .test_exchange_outbox import _rate
from .upstream import upstream_fixture  # noqa: F401  (the `upstream` fixture)

CASES = 15


def test_every_record_is_delivered_once_when_the_upstream_dies_mid_batch(world, upstream, settings):
    settings.BIANMIN = {**settings.BIANMIN, "EXCHANGE_BACKOFF_SECONDS": 0}
    settings.BIANMIN = {**settings.BIANMIN, "EXCHANGE_MAX_ATTEMPTS": 50}
    the_link = link(world, url=upstream.url)
    for n in range(CASES):
        _rate(finished_case(world, name=f"申请人{n}"), channel=Channel.QR)
    source = OutboxRow.objects.count()
    assert source == 3 * CASES

    sender.send_link(the_link, max_batches=1)  # the acceptances
    upstream.control(mode="slow", delay=1.0)
    killer = threading.Timer(0.3, upstream.kill)  # dies while the completions are in flight
    killer.start()
    sender.send_link(the_link, max_batches=1)
    killer.join()
    assert OutboxRow.objects.filter(status=Status.PENDING).exists()
    sender.send_link(the_link, max_batches=1)  # nobody listening: retried, not lost
    upstream.restart()
    for _ in range(10):
        if not OutboxRow.objects.filter(status=Status.PENDING).exists():
            break
        sender.send_link(the_link, max_batches=1)

    assert OutboxRow.objects.filter(status=Status.SENT).count() == source
    received = upstream.received()
    assert len(received) == source == len({r["key"] for r in received})
    assert set(OutboxRow.objects.values_list("key", flat=True)) == {r["key"] for r in received}
    receipts = dict(OutboxRow.objects.values_list("key", "receipt"))
    assert all(receipts[r["key"]] == r["receipt"] for r in received)  # the upstream's receipt is kept


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SKIP LOCKED is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_get_disjoint_rows():
    from tests.world import build_world

    world = build_world()
    the_link = link(world)
    for n in range(12):
        finished_case(world, name=f"申请人{n}")
    barrier, claimed = threading.Barrier(2), []

    def worker():
        barrier.wait()
        claimed.append([r.pk for r in sender.claim(the_link.pk, 8)])
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    first, second = claimed
    assert not set(first) & set(second)
    assert len(first) + len(second) == 12  # every case's acceptance, each held by one worker
