"""Sending the outbox over real HTTP to the test upstream (bench/upstream_server.py, issue 19 parts 2 and 4):
delivery with receipts, order per case, retries with backoff, dead letters with the upstream's message, lost
acknowledgements, double acknowledgements, token authentication, frozen payloads."""
import datetime as dt

import pytest

from bianmin.core import timeutil
from bianmin.exchange import sender, services
from bianmin.exchange.models import OutboxRow, Status
from bianmin.ratings.models import Channel

from .exchange_helpers import link, rows
from .rating_helpers import finished_case
from .test_exchange_outbox import _rate
from .upstream import upstream_fixture  # noqa: F401  (the `upstream` fixture)


@pytest.fixture(autouse=True)
def quick_retries(settings):
    settings.BIANMIN = {**settings.BIANMIN, "EXCHANGE_BACKOFF_SECONDS": 0}
    settings.BIANMIN = {**settings.BIANMIN, "EXCHANGE_MAX_ATTEMPTS": 4}


def send(the_link, times=1):
    for _ in range(times):
        sender.send_link(the_link)


def test_a_case_and_its_rating_are_delivered_with_receipts(world, upstream):
    the_link = link(world, url=upstream.url)
    case = finished_case(world)
    _rate(case, level="very_satisfied", channel=Channel.QR)
    send(the_link, 3)  # one message in flight per case: accept, then complete, then the rating
    sent = rows(order_key=case.number)
    assert [r.status for r in sent] == [Status.SENT] * 3
    assert all(r.receipt.startswith("R-") and r.attempts == 1 for r in sent)
    assert all((r.profile_name, r.profile_version) == ("gbt39046-2020", 1) for r in sent)
    received = upstream.received()
    assert [r["kind"] for r in received] == ["case_accept", "case_complete", "rating"]
    rating = received[2]["data"]
    assert rating["满意度代码"] == "1" and rating["评价渠道"] == "二维码" and rating["办件编号"] == case.number
    assert "13812345678" not in str(received)  # no phone number ever leaves


def test_a_refused_record_is_a_dead_letter_and_holds_back_only_its_own_case(world, upstream):
    the_link = link(world, url=upstream.url)
    first, second = finished_case(world), finished_case(world)
    upstream.control(refuse_keys=[f"{first.number}/accept"], refuse_message="受理单位代码不合法")
    send(the_link, 3)
    dead, held = rows(order_key=first.number)
    assert dead.status == Status.DEAD and "受理单位代码不合法" in dead.last_error and dead.attempts == 1
    assert held.status == Status.PENDING and held.attempts == 0  # the completion never overtakes the acceptance
    assert [r.status for r in rows(order_key=second.number)] == [Status.SENT, Status.SENT]
    # Fixed upstream (or in our data): re-sent by the exchange manager, then both go, in order.
    upstream.control(refuse_keys=[])
    services.resend(world.manager_a, dead.pk)
    send(the_link, 2)
    assert [r.status for r in rows(order_key=first.number)] == [Status.SENT, Status.SENT]
    keys = [r["key"] for r in upstream.received()]
    assert keys.index(f"{first.number}/accept") < keys.index(f"{first.number}/complete")


def test_a_5xx_is_retried_with_backoff_and_dead_after_the_last_attempt(world, upstream, settings):
    settings.BIANMIN = {**settings.BIANMIN, "EXCHANGE_BACKOFF_SECONDS": 60}
    the_link = link(world, url=upstream.url)
    case = finished_case(world)
    upstream.control(mode="error_5xx")
    before = timeutil.now()
    send(the_link)
    row = rows(order_key=case.number)[0]
    assert row.status == Status.PENDING and row.attempts == 1 and "503" in row.last_error
    assert before + dt.timedelta(seconds=29) <= row.next_attempt_at <= timeutil.now() + dt.timedelta(seconds=60)
    send(the_link)  # not due yet: nothing sent, nothing counted
    assert rows(order_key=case.number)[0].attempts == 1
    OutboxRow.objects.update(next_attempt_at=timeutil.now())
    for _ in range(3):
        send(the_link)
        OutboxRow.objects.update(next_attempt_at=timeutil.now())
    row.refresh_from_db()
    assert row.status == Status.DEAD and row.attempts == 4 and "503" in row.last_error


def test_backoff_doubles_with_jitter_up_to_the_cap(settings):
    import random

    settings.BIANMIN = {**settings.BIANMIN, "EXCHANGE_BACKOFF_SECONDS": 30, "EXCHANGE_BACKOFF_MAX_SECONDS": 3600}
    rng = random.Random(7)
    waits = [sender.backoff(n, rng).total_seconds() for n in range(1, 10)]
    assert 15 <= waits[0] <= 30 and 30 <= waits[1] <= 60 and 60 <= waits[2] <= 120
    assert all(1800 <= w <= 3600 for w in waits[7:])
    assert len({round(sender.backoff(3, random.Random(s)).total_seconds()) for s in range(10)}) > 1


def test_a_lost_acknowledgement_is_resent_and_counted_once(world, upstream):
    the_link = link(world, url=upstream.url)
    case = finished_case(world)
    upstream.control(mode="drop_after_store")
    send(the_link)
    accept = rows(order_key=case.number)[0]
    assert accept.status == Status.PENDING and accept.attempts == 1
    upstream.control(mode="ok")
    send(the_link, 2)
    assert [r.status for r in rows(order_key=case.number)] == [Status.SENT, Status.SENT]
    stored = {r["key"]: r for r in upstream.received()}
    assert len(stored) == 2 and stored[f"{case.number}/accept"]["times_received"] == 2


def test_an_acknowledgement_given_twice_counts_once(world, upstream):
    the_link = link(world, url=upstream.url)
    finished_case(world)
    upstream.control(mode="double_ack")
    send(the_link, 2)
    assert [r.attempts for r in rows()] == [1, 1]
    assert all(r.status == Status.SENT for r in rows())


def test_the_provincial_profile_signs_in_with_a_token_and_refreshes_it(world, upstream, monkeypatch):
    monkeypatch.setenv("BM_EXCHANGE_TEST_APP_KEY", "demo-app")
    monkeypatch.setenv("BM_EXCHANGE_TEST_APP_SECRET", "demo-secret")
    the_link = link(world, url=upstream.url, profile="provincial-2023", credentials_env="BM_EXCHANGE_TEST")
    case = finished_case(world)
    send(the_link)
    upstream.control(expire_tokens=True)
    _rate(case, level="very_satisfied", channel=Channel.QR)
    send(the_link, 3)
    assert [r.status for r in rows()] == [Status.SENT] * 3
    rating = next(r for r in upstream.received() if r["kind"] == "rating")["data"]
    assert rating["satisfaction"] == "5" and rating["pf"] == "3" and rating["projectNo"] == case.number


def test_wrong_credentials_are_retried_not_lost(world, upstream, monkeypatch):
    monkeypatch.setenv("BM_EXCHANGE_TEST_APP_KEY", "demo-app")
    monkeypatch.setenv("BM_EXCHANGE_TEST_APP_SECRET", "wrong")
    the_link = link(world, url=upstream.url, profile="provincial-2023", credentials_env="BM_EXCHANGE_TEST")
    finished_case(world)
    send(the_link)
    row = rows()[0]
    assert row.status == Status.PENDING and "签名错误" in row.last_error
    assert "wrong" not in row.last_error  # the secret is never written down


def test_a_record_the_profile_cannot_express_is_a_dead_letter_with_the_report(world, upstream):
    the_link = link(world, url=upstream.url, profile="provincial-2023")
    case = finished_case(world)
    OutboxRow.objects.all().delete()
    _rate(case, channel=Channel.PHONE)
    send(the_link)
    row = rows()[0]
    assert row.status == Status.DEAD and "pf" in row.last_error and row.payload is None
    assert upstream.received() == []


def test_the_payload_is_frozen_at_the_first_attempt(world, upstream):
    the_link = link(world, url=upstream.url)
    case = finished_case(world)
    upstream.control(mode="error_5xx")
    send(the_link)
    row = rows(order_key=case.number)[0]
    frozen = dict(row.payload)
    world.civil_affairs.name = "改名后的民政局"
    world.civil_affairs.save()
    upstream.control(mode="ok")
    send(the_link, 2)
    row.refresh_from_db()
    assert row.payload == frozen and row.status == Status.SENT
    assert upstream.received()[0]["data"]["受理单位名称"] == "测试县民政局"


def test_a_paused_link_queues_but_sends_nothing(world, upstream):
    link(world, url=upstream.url, active=False)
    finished_case(world)
    assert sender.send_all() == 0
    assert all(r.status == Status.PENDING for r in rows()) and len(rows()) == 2


def test_claims_never_hand_the_same_row_to_two_workers(world):
    the_link = link(world)
    for _ in range(3):
        finished_case(world)
    first = sender.claim(the_link.pk, 50)
    second = sender.claim(the_link.pk, 50)
    assert len(first) == 3 and second == []  # one per case: its acceptance; the completions wait their turn
    assert len({r.order_key for r in first}) == 3


def test_rows_held_behind_dead_letters_do_not_starve_later_cases(world):
    the_link = link(world)
    held = [finished_case(world, name=f"申请人{n}") for n in range(6)]
    OutboxRow.objects.filter(key__endswith="/accept").update(status=Status.DEAD)  # each case's completion waits
    fresh = finished_case(world, name="新申请人")
    claimed = sender.claim(the_link.pk, 1)  # a window of 4 rows: all held ones; the next window has the fresh case
    assert [r.key for r in claimed] == [f"{fresh.number}/accept"]
    assert all(r.status == Status.PENDING for c in held for r in rows(order_key=c.number, key__endswith="/complete"))
