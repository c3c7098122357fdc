"""THE calling order (queueing/ordering.py): appointments due now, then walk-ins past the wait target, then the
green lane with its run cap, then arrival order; each choice with the words the clerk's screen shows."""
import datetime as dt

import pytest

from bianmin.queueing import ordering, services
from bianmin.queueing.ordering import Candidate, rank

from .queue_helpers import at, civil_window, take

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def c(pk, minutes_ago, **kw):
    return Candidate(id=pk, queued_at=NOW - dt.timedelta(minutes=minutes_ago), **kw)


def ids(order):
    return [(cand.id, code) for cand, code in order]


def test_arrival_order_for_ordinary_tickets():
    assert ids(rank([c(2, 5), c(1, 10), c(3, 1)], now=NOW)) == [(1, "ordinary"), (2, "ordinary"), (3, "ordinary")]


def test_appointment_due_now_goes_first_green_lane_next():
    due = c(4, 1, appointment_start=NOW + dt.timedelta(minutes=5))
    later = c(5, 2, appointment_start=NOW + dt.timedelta(minutes=40))  # checked in early: a walk-in until due
    order = rank([c(1, 10), c(2, 8, green=True), due, later], now=NOW)
    assert ids(order) == [(4, "appointment"), (2, "green"), (1, "ordinary"), (5, "ordinary")]


def test_green_lane_run_cap_lets_the_oldest_ordinary_ticket_through():
    tickets = [c(1, 10), c(2, 8, green=True), c(3, 7, green=True)]
    assert ids(rank(tickets, now=NOW, green_run=1, green_lane_run=2))[0] == (2, "green")
    assert ids(rank(tickets, now=NOW, green_run=2, green_lane_run=2))[0] == (1, "green_cap")
    assert ids(rank(tickets, now=NOW, green_run=5, green_lane_run=0))[0] == (2, "green")  # 0: no cap


def test_aging_puts_a_long_wait_before_the_green_lane():
    order = rank([c(1, 31), c(2, 40, green=True), c(3, 2)], now=NOW, wait_target_minutes=30)
    assert ids(order) == [(1, "aged"), (2, "green"), (3, "ordinary")]


def test_reason_texts():
    assert ordering.reason_text("appointment") == "预约到时"
    assert ordering.reason_text("green") == "绿色通道"
    assert ordering.reason_text("ordinary") == "按取号顺序"
    assert ordering.reason_text("aged", wait_target_minutes=30) == "等候已超30分钟"
    assert ordering.reason_text("green_cap", green_lane_run=2) == "绿色通道已连续叫号2次，轮到普通号"


# ---------------------------------------------------------------- through the database

@pytest.fixture
def window2(world):
    return civil_window(world)


def test_a_window_calls_only_what_it_serves(world, window2):
    instant = take(world, 0, item=world.item_instant)  # only the comprehensive window 1 serves it
    committed = take(world, 1)
    question = take(world, 2, item=None)
    mine = [t.pk for t, _code in ordering.ranked_for(window2, now=at(5))]
    assert mine == [committed.pk]
    everything = [t.pk for t, _code in ordering.ranked_for(world.window_a, now=at(5))]
    assert everything == [instant.pk, committed.pk, question.pk]


def test_the_reason_comes_back_with_the_call(world, set_now):
    set_now(at(5))
    take(world, 0)
    take(world, 1, priority="elderly")
    ticket, reason = services.call(world.clerk_a, world.window_a.pk)
    assert ticket.priority == "elderly" and reason == "绿色通道"
    assert ticket.events.get(action="call").reason == "绿色通道"


def test_run_cap_counts_calls_at_the_window(world, set_now):
    old = take(world, 0)
    greens = [take(world, 1 + i, priority="elderly", phone=f"1380000000{i}") for i in range(3)]
    called = []
    for minute in (5, 6, 7):
        set_now(at(minute))
        ticket, reason = services.call(world.clerk_a, world.window_a.pk)
        called.append((ticket.pk, reason))
        services.act(world.clerk_a, ticket.pk, "finish")
    assert called == [(greens[0].pk, "绿色通道"), (greens[1].pk, "绿色通道"),
                      (old.pk, "绿色通道已连续叫号2次，轮到普通号")]


def test_appointment_ticket_due_now_is_called_first(world, set_now):
    from bianmin.appointments.models import Appointment

    world.item_committed.bookable = True
    world.item_committed.save()
    take(world, 0)
    Appointment.objects.create(site=world.site_a, item=world.item_committed, date=at(0).date(),
                               start=dt.time(9, 30), end=dt.time(10, 0), name="预约人", phone="13900000001",
                               code="AB12CD", token="t" * 40)
    booked = take(world, 20, appointment_code="AB12CD")
    assert booked.appointment is not None and booked.source == "appointment"
    set_now(at(22))  # 9:22, the slot starts at 9:30: due within the lead time
    ticket, reason = services.call(world.clerk_a, world.window_a.pk)
    assert ticket.pk == booked.pk and reason == "预约到时"


def test_the_history_keeps_the_reason_in_chinese_and_the_reader_gets_their_language(world, set_now):
    from django.utils import translation

    set_now(at(5))
    take(world, 0, priority="military")
    with translation.override("en"):
        ticket, reason = services.call(world.clerk_a, world.window_a.pk)
        assert reason == "Green lane"
        stored = ticket.events.get(action="call").reason
        assert stored == "绿色通道" and ordering.localized(stored) == "Green lane"
        assert ordering.localized("别的原因") == "别的原因"
