"""Calling and acting on tickets (queueing.services): recall with cool-down, no-show after N recalls, skip, park
and unpark, transfer back into the new window's queue at the original place, finish, the next service of a visit,
the "N ahead" SMS once, and the end-of-day abandon."""
import pytest

from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.hall.models import HallSettings
from bianmin.queueing import selectors, services
from bianmin.queueing.models import QueueEvent, QueueTicket

from .queue_helpers import at, civil_window, take


def call(world, minute, set_now, user=None, window=None):
    set_now(at(minute))
    found = services.call(user or world.clerk_a, window or world.window_a.pk)
    return found[0] if found else None


def test_call_takes_the_oldest_and_records_who_and_where(world, set_now):
    first, second = take(world, 0), take(world, 1)
    ticket = call(world, 5, set_now)
    assert ticket.pk == first.pk and ticket.status == "called"
    assert ticket.window == world.window_a and ticket.served_by == world.clerk_a.staff
    assert ticket.called_at == at(5) and ticket.last_called_at == at(5)
    event = QueueEvent.objects.get(ticket=ticket, action="call")
    assert (event.actor, event.window, event.from_status, event.to_status) == (
        world.clerk_a, world.window_a, "waiting", "called")
    QueueTicket.objects.filter(pk=second.pk).update(status="finished")
    services.act(world.clerk_a, ticket.pk, "finish")
    assert call(world, 6, set_now) is None  # nobody waits: None, not an error


def test_default_window_is_the_clerks_a_post(world, set_now):
    take(world, 0)
    set_now(at(1))
    ticket, _reason = services.call(world.clerk_a)
    assert ticket.window == world.window_a
    with pytest.raises(InvalidInput):
        services.call(world.clerk_a2)  # no sign-in, no A post: must name a window


def test_a_busy_window_settles_its_ticket_first(world, set_now):
    take(world, 0)
    take(world, 1)
    call(world, 2, set_now)
    with pytest.raises(Conflict):
        call(world, 3, set_now)


def test_the_claim_is_a_conditional_update(world, set_now, monkeypatch):
    """Someone else called the first candidate between the ranking and the claim: the next one is claimed."""
    first, second = take(world, 0), take(world, 1)
    from bianmin.queueing import ordering

    real = ordering.ranked_for

    def ranked_then_stolen(window, *, now):
        order = real(window, now=now)
        QueueTicket.objects.filter(pk=first.pk).update(status="called")  # the other clerk's UPDATE won
        return order

    monkeypatch.setattr(ordering, "ranked_for", ranked_then_stolen)
    ticket = call(world, 2, set_now)
    assert ticket.pk == second.pk
    assert not QueueEvent.objects.filter(ticket=first, action="call").exists()


def test_recall_cool_down_and_no_show_after_max_recalls(world, set_now):
    HallSettings.objects.create(site=world.site_a, recall_cooldown_seconds=60, max_recalls=2)
    take(world, 0)
    ticket = call(world, 1, set_now)
    with pytest.raises(Conflict) as early:
        services.act(world.clerk_a, ticket.pk, "recall", now=at(1.5))
    assert early.value.code == "cooling_down"
    assert services.act(world.clerk_a, ticket.pk, "recall", now=at(2)).recalls == 1
    assert services.act(world.clerk_a, ticket.pk, "recall", now=at(3)).recalls == 2
    gone = services.act(world.clerk_a, ticket.pk, "recall", now=at(4))
    assert gone.status == "no_show" and gone.finished_at == at(4)
    assert list(ticket.events.values_list("action", flat=True)) == ["issue", "call", "recall", "recall", "skip"]
    assert [r["recall"] for r in selectors.recent_calls(world.site_a)] == [False, True, True]


def test_skip_is_a_no_show(world, set_now):
    take(world, 0)
    ticket = call(world, 1, set_now)
    assert services.act(world.clerk_a, ticket.pk, "skip", {"reason": "未到"}, now=at(2)).status == "no_show"
    with pytest.raises(Conflict):
        services.act(world.clerk_a, ticket.pk, "finish", now=at(3))


def test_park_and_unpark_keep_the_place_at_that_window(world, set_now):
    window2 = civil_window(world)
    first = take(world, 0)
    take(world, 1)
    ticket = call(world, 2, set_now, user=world.clerk_a2, window=window2.pk)
    assert ticket.pk == first.pk
    assert services.act(world.clerk_a2, ticket.pk, "park", {"reason": "回去取复印件"}, now=at(3)).status == "parked"
    take(world, 4)
    back = services.act(world.clerk_a2, ticket.pk, "unpark", now=at(10))
    assert back.status == "waiting" and back.window == window2 and back.queued_at == at(0)
    assert call(world, 11, set_now, user=world.clerk_a2, window=window2.pk).pk == first.pk


def test_transfer_goes_back_into_the_new_windows_queue_at_its_place(world, set_now):
    window2 = civil_window(world)
    first = take(world, 0)
    second = take(world, 1)
    take(world, 2)
    ticket = call(world, 3, set_now)  # window 1 calls the first
    assert ticket.pk == first.pk
    with pytest.raises(InvalidInput):
        services.act(world.clerk_a, ticket.pk, "transfer", {"window": window2.pk}, now=at(4))  # no reason
    moved = services.act(world.clerk_a, ticket.pk, "transfer", {"window": window2.pk, "reason": "需民政窗口审核"},
                         now=at(4))
    assert moved.status == "waiting" and moved.window == window2 and moved.called_at == at(3)
    assert "需民政窗口审核" in moved.events.get(action="transfer").reason
    # Window 2 now meets it before the ticket that arrived after it.
    nxt = call(world, 5, set_now, user=world.clerk_a2, window=window2.pk)
    assert nxt.pk == first.pk and nxt.recalls == 0
    assert call(world, 6, set_now).pk == second.pk  # window 1 goes on with its own line


def test_transfer_to_another_site_is_refused(world, set_now):
    from bianmin.orgs.models import Window

    other = Window.objects.create(site=world.site_b, number="1", name="综合", kind=Window.Kind.COMPREHENSIVE)
    take(world, 0)
    ticket = call(world, 1, set_now)
    with pytest.raises(InvalidInput):
        services.act(world.clerk_a, ticket.pk, "transfer", {"window": other.pk, "reason": "x"}, now=at(2))


def test_finish_and_the_next_service_of_the_visit(world, set_now):
    first = take(world, 0)
    take(world, 1)
    ticket = call(world, 2, set_now)
    services.act(world.clerk_a, ticket.pk, "start", now=at(3))
    follow = services.act(world.clerk_a, ticket.pk, "finish", {"next_item": world.item_instant.pk}, now=at(10))
    first.refresh_from_db()
    assert first.status == "finished" and first.finished_at == at(10)
    assert follow.previous == first and follow.number == first.number and follow.status == "waiting"
    assert follow.item == world.item_instant and follow.queued_at == at(0)  # the citizen's original place
    assert selectors.ticket_by_token(first.token).pk == follow.pk  # the phone page follows the visit
    assert call(world, 11, set_now).pk == follow.pk


def test_finish_with_an_unknown_next_item_changes_nothing(world, set_now):
    take(world, 0)
    ticket = call(world, 1, set_now)
    with pytest.raises(InvalidInput):
        services.act(world.clerk_a, ticket.pk, "finish", {"next_item": 999999}, now=at(2))
    ticket.refresh_from_db()
    assert ticket.status == "called" and not QueueTicket.objects.filter(previous=ticket).exists()


def test_ahead_sms_is_sent_once(world, set_now, memory_sms, django_capture_on_commit_callbacks):
    HallSettings.objects.create(site=world.site_a, sms_when_ahead=2)
    for minute in range(4):
        take(world, minute)
    watched = take(world, 4, phone="13812345678")
    assert watched.ahead_at_issue == 4 and watched.ahead_sms_at is None
    for minute in (5, 6, 7):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = call(world, minute, set_now)
        services.act(world.clerk_a, ticket.pk, "finish", now=at(minute + 0.5))
    texts = [m for m in memory_sms if m["to"] == "13812345678"]
    assert len(texts) == 1 and watched.number in texts[0]["text"]
    assert "前面还有2人" in texts[0]["text"]


def test_close_day_abandons_what_nobody_called(world, set_now):
    waiting = take(world, 0)
    parked = take(world, 1)
    done = take(world, 2)
    ticket = call(world, 3, set_now)
    services.act(world.clerk_a, ticket.pk, "park", now=at(4))
    assert ticket.pk == waiting.pk
    QueueTicket.objects.filter(pk=done.pk).update(status="finished")
    assert services.close_day(at(60)) == 0  # still open today
    assert services.close_day(at(0).replace(hour=18)) == 2
    statuses = dict(QueueTicket.objects.values_list("pk", "status"))
    assert statuses == {waiting.pk: "abandoned", parked.pk: "abandoned", done.pk: "finished"}
    assert QueueEvent.objects.filter(action="abandon").count() == 2


def test_only_clerks_of_the_site_act(world, set_now):
    take(world, 0)
    ticket = call(world, 1, set_now)
    with pytest.raises(NotFound):
        services.act(world.manager_b, ticket.pk, "finish")
    with pytest.raises(PermissionDenied):
        services.act(world.supervisor, ticket.pk, "finish")
    with pytest.raises(NotFound):
        services.call(world.manager_b, world.window_a.pk)
    assert services.act(world.manager_a, ticket.pk, "finish").status == "finished"
