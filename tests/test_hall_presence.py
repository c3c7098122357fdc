"""Presence at the window and the AB posts (issue 16 point 2): signing in and out, who is at a window now, the B post
called when the A post signs out, goes out or is on approved leave, and B signed in at A's window taking its
queue (hall.presence.default_window, which the queue's call reads)."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.core.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.core.models import Notification
from bianmin.hall import presence, services
from bianmin.hall.models import Presence
from bianmin.orgs.models import Window, WindowPost

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
WEDNESDAY = dt.date(2026, 12, 2)


def at(hh, mm=0, day=WEDNESDAY):
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TZ)


@pytest.fixture
def ab(world):
    """clerk_a holds the A post of window 1 (tests/world.py); clerk_a2 is its B post."""
    WindowPost.objects.create(window=world.window_a, staff=world.clerk_a2.staff, post=WindowPost.Post.B)
    return world


def calls_to(user):
    return list(Notification.objects.filter(user=user, text__contains="顶岗"))


def test_signing_in_puts_a_person_at_their_a_post_window(ab, set_now):
    set_now(at(8, 25))
    a = ab.clerk_a.staff
    assert presence.current_window(a) is None
    assert presence.default_window(a) == ab.window_a  # not signed in: their A post
    services.sign(ab.clerk_a, "in")
    assert presence.current_window(a) == ab.window_a
    assert presence.on_duty(ab.window_a) == [a]
    set_now(at(11, 31))
    services.sign(ab.clerk_a, "out")
    assert presence.current_window(a) is None
    assert presence.on_duty(ab.window_a) == []


def test_yesterdays_sign_in_does_not_count_today(ab, set_now):
    set_now(at(9, day=dt.date(2026, 12, 1)))
    services.sign(ab.clerk_a, "in")
    set_now(at(8))
    assert presence.current_window(ab.clerk_a.staff) is None
    assert presence.on_duty(ab.window_a) == []


def test_a_signing_out_during_opening_hours_calls_b(ab, set_now):
    set_now(at(9))
    services.sign(ab.clerk_a, "in")
    set_now(at(10))
    services.sign(ab.clerk_a, "out")
    [call] = calls_to(ab.clerk_a2)
    assert "1号窗口" in call.text and call.link == "/workbench/hall/"
    assert not calls_to(ab.clerk_a)


def test_signing_out_at_closing_time_calls_nobody(ab, set_now):
    set_now(at(14, 30))
    services.sign(ab.clerk_a, "in")
    set_now(at(17, 35))
    services.sign(ab.clerk_a, "out")
    assert not calls_to(ab.clerk_a2)


def test_b_signed_in_at_as_window_takes_its_queue(ab, set_now):
    set_now(at(9))
    services.sign(ab.clerk_a2, "in", ab.window_a.pk)
    assert presence.on_duty(ab.window_a) == [ab.clerk_a2.staff]
    assert presence.default_window(ab.clerk_a2.staff) == ab.window_a
    # A signing out while B is already at the window calls nobody.
    services.sign(ab.clerk_a, "in")
    set_now(at(10))
    services.sign(ab.clerk_a, "out")
    assert not calls_to(ab.clerk_a2)


def test_going_out_signs_out_calls_b_and_returning_signs_back_in(ab, set_now):
    set_now(at(9))
    services.sign(ab.clerk_a, "in")
    set_now(at(9, 30))
    outing = services.register_outing(ab.clerk_a, {"destination": "县财政局", "purpose": "送材料",
                                                   "back_by": "2026-12-02 10:30"})
    assert presence.current_window(ab.clerk_a.staff) is None
    assert len(calls_to(ab.clerk_a2)) == 1 and "外出" in calls_to(ab.clerk_a2)[0].text
    with pytest.raises(Conflict):
        services.register_outing(ab.clerk_a, {"destination": "x", "purpose": "y", "back_by": "2026-12-02 11:00"})
    set_now(at(10, 20))
    services.return_from_outing(ab.clerk_a, outing.pk)
    outing.refresh_from_db()
    assert outing.returned_at == at(10, 20)
    assert presence.current_window(ab.clerk_a.staff) == ab.window_a
    with pytest.raises(Conflict):
        services.return_from_outing(ab.clerk_a, outing.pk)


def test_an_approved_leave_calls_b_and_the_named_cover(ab, set_now):
    set_now(at(9))
    cover = ab.manager_a.staff
    leave = services.request_leave(ab.clerk_a, {"kind": "sick", "starts_at": "2026-12-03 08:30",
                                                "ends_at": "2026-12-03 17:30", "reason": "发烧", "cover": cover.pk})
    assert not calls_to(ab.clerk_a2)
    services.decide_leave(ab.manager_a, leave.pk, "approve")
    assert len(calls_to(ab.clerk_a2)) == 1
    assert len(calls_to(ab.manager_a)) == 1


def test_signing_is_checked(ab, set_now):
    set_now(at(9))
    other = Window.objects.create(site=ab.site_a, number="9", name="不动产窗口")
    with pytest.raises(InvalidInput):
        services.sign(ab.clerk_a, "in", other.pk)  # not one of their posts
    with pytest.raises(InvalidInput):
        services.sign(ab.clerk_a, "sideways")
    with pytest.raises(Conflict):
        services.sign(ab.clerk_a, "out")  # not signed in
    services.sign(ab.clerk_a, "in")
    with pytest.raises(Conflict):
        services.sign(ab.clerk_a, "in")  # already there
    with pytest.raises(PermissionDenied):
        services.sign(ab.supervisor, "in")  # no staff record
    assert Presence.objects.count() == 1


def test_the_workbench_sign_in_page(ab, client_for, set_now):
    set_now(at(9))
    client = client_for(ab.clerk_a2)
    page = client.get("/workbench/hall/").content.decode()
    assert "签到" in page and str(ab.window_a) in page
    assert client.post("/workbench/hall/sign/", {"kind": "in", "window": ab.window_a.pk}).status_code == 302
    assert presence.current_window(ab.clerk_a2.staff) == ab.window_a
    assert 'data-test="presence-state"><span class="badge ok">' in client.get("/workbench/hall/").content.decode()
    client.post("/workbench/hall/sign/", {"kind": "in", "window": "abc"})
    assert Presence.objects.count() == 1
