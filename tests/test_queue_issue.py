"""取号 (queueing.services.issue): numbers by kiosk group, one active ticket per phone / ID number per item, the wait
estimate stored as a range, bad input refused with nothing written."""
import datetime as dt

import pytest

from bianmin.core.errors import Conflict, InvalidInput
from bianmin.queueing import groups, services
from bianmin.queueing.models import QueueEvent, QueueTicket

from .queue_helpers import at, civil_window, take


def test_kiosk_groups_and_letters(world):
    civil_window(world)
    found = groups.kiosk_groups(world.site_a)
    assert [(g.letter, g.name) for g in found] == [("A", "综合窗口（无差别）"), ("B", "测试县民政局")]
    assert {i.pk for i in found[0].items} == {world.item_committed.pk, world.item_instant.pk, world.item_joint.pk,
                                              world.item_reported.pk}
    assert [i.pk for i in found[1].items] == [world.item_committed.pk]
    assert take(world, 0).number == "B001"  # the department line first
    assert take(world, 1, item=world.item_instant).number == "A001"
    assert take(world, 2, item=world.item_instant).number == "A002"
    assert take(world, 3, item=None).number == "A003"  # a question: the comprehensive windows


def test_ticket_fields_and_history(world):
    ticket = take(world, 0, priority="disabled", phone="13800000000", id_number="11010519491231002X")
    assert ticket.status == "waiting" and ticket.green_lane and ticket.day == dt.date(2026, 12, 2)
    assert ticket.queued_at == ticket.created_at == at(0)
    assert len(ticket.token) >= 30
    assert ticket.id_hash and "1101051949" not in ticket.id_hash
    assert QueueEvent.objects.get(ticket=ticket).action == "issue"


def test_one_active_ticket_per_phone_per_item(world):
    take(world, 0, phone="13800000000")
    with pytest.raises(Conflict):
        take(world, 1, phone="13800000000")
    take(world, 2, phone="13800000000", item=world.item_instant)  # another item is fine
    assert QueueTicket.objects.count() == 2


def test_one_active_ticket_per_id_number_per_item(world, set_now):
    first = take(world, 0, id_number="11010519491231002x")
    with pytest.raises(Conflict):
        take(world, 1, id_number="11010519491231002X")  # same number, upper-case check letter
    set_now(at(2))
    services.call(world.clerk_a, world.window_a.pk)
    services.act(world.clerk_a, first.pk, "finish")
    assert take(world, 3, id_number="11010519491231002X").status == "waiting"  # finished: may queue again


def test_estimate_is_stored_as_a_range(world):
    for minute in range(4):
        take(world, minute)
    fourth = QueueTicket.objects.order_by("pk").last()
    assert fourth.ahead_at_issue == 3
    low, high = services.DEFAULT_SERVICE_MINUTES
    assert (fourth.estimate_low, fourth.estimate_high) == (int(3 * low), int(4 * high))
    assert fourth.estimate_low < fourth.estimate_high


def test_estimate_reads_recent_service_times(world, set_now):
    # Ten finished services of 4 minutes each: the range narrows to them.
    for i in range(10):
        t = take(world, i, phone=f"139000000{i:02d}")
        set_now(at(i + 0.1))
        services.call(world.clerk_a, world.window_a.pk)
        set_now(at(i + 4.1))
        services.act(world.clerk_a, t.pk, "finish")
    assert services.service_minutes(world.site_a, at(20)) == pytest.approx((4.0, 4.0))
    take(world, 20)
    last = take(world, 21)
    assert (last.ahead_at_issue, last.estimate_low, last.estimate_high) == (1, 4, 8)


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"priority": "vip"}, "priority"),
    ({"item": 999999}, "item"),
    ({"item": "abc"}, "item"),
    ({"phone": "12345"}, "phone"),
    ({"phone": "1380000000x"}, "phone"),
    ({"id_number": "123"}, "id_number"),
    ({"source": "fax"}, "source"),
])
def test_bad_input_is_refused_and_nothing_is_written(world, kwargs, field):
    with pytest.raises(InvalidInput) as refused:
        take(world, 0, **kwargs)
    assert refused.value.field == field and refused.value.zh and refused.value.en
    assert not QueueTicket.objects.exists()


def test_item_of_another_site_is_refused(world):
    with pytest.raises(InvalidInput):
        services.issue(world.site_b, item=world.item_committed, now=at(0))


def test_online_ticket_refused_after_closing(world):
    with pytest.raises(Conflict):
        services.issue(world.site_a, item=world.item_committed, source="online",
                       now=at(0).replace(hour=18))
    assert services.issue(world.site_a, item=world.item_committed, source="online", now=at(0)).number
