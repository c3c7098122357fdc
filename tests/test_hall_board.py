"""The manager's hall board: every window of the site now, who is at it (A/B), who is on leave or out, and empty
windows in red during opening hours."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.hall import services
from bianmin.orgs.models import Window, WindowPost

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(hh, mm=0, day=dt.date(2026, 12, 2)):
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TZ)


@pytest.fixture
def hall(world, set_now):
    second = Window.objects.create(site=world.site_a, number="2", name="社保窗口")
    WindowPost.objects.create(window=world.window_a, staff=world.clerk_a2.staff, post="B")
    WindowPost.objects.create(window=second, staff=world.clerk_a2.staff, post="A")
    set_now(at(9))
    services.sign(world.clerk_a2, "in", world.window_a.pk)  # B covers window 1
    leave = services.request_leave(world.clerk_a, {"kind": "sick", "starts_at": "2026-12-02 08:00",
                                                   "ends_at": "2026-12-02 18:00", "reason": "病"})
    services.decide_leave(world.manager_a, leave.pk, "approve")
    return world, second


def test_the_board_shows_each_window_now(hall, client_for):
    world, second = hall
    page = client_for(world.manager_a).get("/workbench/hall/board/").content.decode()
    one = page.split(f'data-window="{world.window_a.pk}"')[1].split("</section>")[0]
    two = page.split(f'data-window="{second.pk}"')[1].split("</section>")[0]
    assert "李明" in one and ">B<" in one  # B at window 1
    assert "王小红" in one and "请假至" in one  # A on leave
    assert "无人在岗" in two  # window 2's A post is at window 1: window 2 is empty, in red
    assert page.count('data-test="empty-window"') == 1


def test_outside_opening_hours_nothing_is_red(hall, client_for, set_now):
    world, _second = hall
    set_now(at(12, 30))
    page = client_for(world.manager_a).get("/workbench/hall/board/").content.decode()
    assert 'data-test="empty-window"' not in page and "未在办公时间" in page


def test_only_the_sites_managers_see_the_board(hall, client_for):
    world, _second = hall
    assert client_for(world.manager_b).get(f"/workbench/hall/board/?site={world.site_a.pk}").status_code == 404
    assert client_for(world.clerk_a2).get("/workbench/hall/board/").status_code == 403
