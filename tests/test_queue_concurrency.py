"""Two clerks calling at the same moment never get the same ticket (issue 16): the claim is a conditional UPDATE
in the database, not a process lock, so it holds across several servers. On PostgreSQL two threads with their own
connections race for real; SQLite serialises writers, so there the test of the conditional update itself
(tests/test_queue_calling.py::test_the_claim_is_a_conditional_update) stands in."""
import threading

import pytest
from django.db import connection, connections

from bianmin.queueing import ordering, services
from bianmin.queueing.models import QueueEvent, QueueTicket

from .queue_helpers import at, civil_window, take

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)")

ROUNDS = 6


@pytest.mark.django_db(transaction=True)
def test_two_clerks_never_get_the_same_ticket(world, monkeypatch):
    window2 = civil_window(world)
    for minute in range(ROUNDS * 2):
        take(world, minute)
    real = ordering.ranked_for
    barrier = threading.Barrier(2, timeout=20)

    def ranked_together(window, *, now):
        # Both clerks rank the same waiting list, then claim at the same moment.
        order = real(window, now=now)
        barrier.wait()
        return order

    monkeypatch.setattr(ordering, "ranked_for", ranked_together)
    got: dict[str, list[int]] = {"a": [], "b": []}
    failures: list[BaseException] = []

    def clerk(name, user, window):
        try:
            for round_ in range(ROUNDS):
                found = services.call(user, window.pk, now=at(30 + round_))
                got[name].append(found[0].pk)
                services.act(user, found[0].pk, "finish", now=at(30.5 + round_))
        except BaseException as exc:  # reported below: an exception in a thread would otherwise vanish
            failures.append(exc)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=clerk, args=("a", world.clerk_a, world.window_a)),
               threading.Thread(target=clerk, args=("b", world.clerk_a2, window2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not failures, failures
    both = got["a"] + got["b"]
    assert len(both) == ROUNDS * 2 and len(set(both)) == ROUNDS * 2, got
    assert QueueEvent.objects.filter(action="call").count() == ROUNDS * 2
    assert not QueueTicket.objects.filter(status="waiting").exists()
