"""Leave requests (issue 16 point 2): asked by the staff member with a named cover, decided by the site's manager,
every status change with its history row; nobody decides their own leave or another site's."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.core.models import Notification
from bianmin.hall import services
from bianmin.hall.models import LeaveEvent, LeaveRequest

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def asked(world, set_now):
    set_now(dt.datetime(2026, 12, 2, 9, tzinfo=TZ))
    return services.request_leave(world.clerk_a, {"kind": "annual", "starts_at": "2026-12-07 08:30",
                                                  "ends_at": "2026-12-08 17:30", "reason": "探亲",
                                                  "cover": world.clerk_a2.staff.pk})


def test_a_request_reaches_the_sites_manager(world, asked):
    assert asked.status == "requested" and asked.site == world.site_a and asked.cover == world.clerk_a2.staff
    assert Notification.objects.filter(user=world.manager_a, link="/workbench/hall/leave/").exists()
    assert not Notification.objects.filter(user=world.manager_b).exists()
    assert list(LeaveEvent.objects.filter(leave=asked).values_list("from_status", "to_status")) == [("", "requested")]


def test_the_manager_approves_with_history(world, asked):
    services.decide_leave(world.manager_a, asked.pk, "approve")
    asked.refresh_from_db()
    assert asked.status == "approved"
    events = list(LeaveEvent.objects.filter(leave=asked).values_list("actor__username", "from_status", "to_status"))
    assert events[-1] == ("manager_a", "requested", "approved")
    with pytest.raises(Conflict):
        services.decide_leave(world.manager_a, asked.pk, "reject", "晚了")


def test_rejecting_needs_a_reason(world, asked):
    with pytest.raises(InvalidInput):
        services.decide_leave(world.manager_a, asked.pk, "reject", "")
    services.decide_leave(world.manager_a, asked.pk, "reject", "年底人手紧张")
    assert LeaveRequest.objects.get(pk=asked.pk).status == "rejected"


def test_who_may_decide(world, asked):
    with pytest.raises(PermissionDenied):
        services.decide_leave(world.clerk_a, asked.pk, "approve")  # their own, and not a manager
    with pytest.raises(PermissionDenied):
        services.decide_leave(world.clerk_a2, asked.pk, "cancel")  # not theirs to cancel
    with pytest.raises(NotFound):
        services.decide_leave(world.manager_b, asked.pk, "approve")  # another site's
    own = services.request_leave(world.manager_a, {"kind": "personal", "starts_at": "2026-12-10 08:30",
                                                   "ends_at": "2026-12-10 12:00", "reason": "办事"})
    with pytest.raises(PermissionDenied):
        services.decide_leave(world.manager_a, own.pk, "approve")
    assert LeaveRequest.objects.filter(status="requested").count() == 2


def test_the_requester_cancels(world, asked):
    services.decide_leave(world.manager_a, asked.pk, "approve")
    services.decide_leave(world.clerk_a, asked.pk, "cancel")
    assert LeaveRequest.objects.get(pk=asked.pk).status == "cancelled"


def test_bad_requests_are_refused(world, asked):
    base = {"kind": "sick", "starts_at": "2026-12-15 08:30", "ends_at": "2026-12-15 17:30", "reason": "看病"}
    for change in ({"kind": "holiday"}, {"ends_at": "2026-12-14 08:00"}, {"starts_at": "明天"}, {"reason": ""},
                   {"cover": world.clerk_a.staff.pk}, {"cover": world.manager_b.staff.pk}, {"cover": "x"}):
        with pytest.raises(InvalidInput):
            services.request_leave(world.clerk_a, {**base, **change})
    with pytest.raises(Conflict):  # overlaps the request already made
        services.request_leave(world.clerk_a, {**base, "starts_at": "2026-12-08 08:30", "ends_at": "2026-12-08 12:00"})
    assert LeaveRequest.objects.count() == 1


def test_the_leave_page(world, asked, client_for):
    manager = client_for(world.manager_a)
    page = manager.get("/workbench/hall/leave/").content.decode()
    assert f'data-leave="{asked.pk}"' in page and "批准" in page
    assert manager.post(f"/workbench/hall/leave/{asked.pk}/approve/").status_code == 302
    assert LeaveRequest.objects.get(pk=asked.pk).status == "approved"
    assert client_for(world.manager_b).post(f"/workbench/hall/leave/{asked.pk}/cancel/").status_code == 404
    assert client_for(world.clerk_a).post(f"/workbench/hall/leave/{asked.pk}/bogus/").status_code == 404
    clerk = client_for(world.clerk_a2)
    response = clerk.post("/workbench/hall/leave/", {"kind": "sick", "starts_at": "2026-12-09T08:30",
                                                     "ends_at": "2026-12-09T17:30", "reason": "体检"})
    assert response.status_code == 302
    assert LeaveRequest.objects.filter(staff=world.clerk_a2.staff).count() == 1
    assert clerk.post("/workbench/hall/leave/", {"kind": "sick", "reason": "x"}).status_code == 422


def test_the_transition_table():
    from bianmin.hall import states

    assert states.next_status("requested", "approve") == "approved"
    assert states.next_status("approved", "cancel") == "cancelled"
    assert states.next_status("rejected", "approve") is None
    assert states.next_status("cancelled", "cancel") is None
