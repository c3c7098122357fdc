"""Attendance derived from presence and the hours (issue 16 point 2): late, early, absent and on leave per day,
read by the person themselves or by their site's manager."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.hall import attendance, services
from bianmin.hall.attendance import DayFacts, assess
from bianmin.hall.models import Presence

TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 12, 2)


def at(hh, mm=0, day=DAY):
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TZ)


def facts(punches=(), leaves=(), now=None, working=True):
    return DayFacts(DAY, at(8, 30) if working else None, at(17, 30) if working else None, tuple(punches),
                    tuple(leaves), now or at(20))


# ---------------------------------------------------------------- the pure rule

def test_on_time_is_neither_late_nor_early():
    r = assess(facts([(at(8, 30), "in"), (at(17, 30), "out")]))
    assert (r.late, r.early, r.absent, r.on_leave) == (False, False, False, False)


def test_late_and_early():
    r = assess(facts([(at(8, 31), "in"), (at(11, 30), "out"), (at(14, 20), "in"), (at(17, 10), "out")]))
    assert r.late and r.early and not r.absent
    assert r.first_in == at(8, 31) and r.last_out == at(17, 10)


def test_forgetting_to_sign_out_is_not_early_leave():
    assert not assess(facts([(at(8, 0), "in")])).early


def test_absent_only_once_the_day_is_over_and_not_on_leave():
    assert assess(facts()).absent
    assert not assess(facts(now=at(10))).absent
    on_leave = assess(facts(leaves=[(at(0), at(23, 59))]))
    assert on_leave.on_leave and not on_leave.absent


def test_leave_covering_the_start_excuses_lateness():
    r = assess(facts([(at(12, 0), "in"), (at(17, 30), "out")], leaves=[(at(8, 30), at(12, 0))]))
    assert r.on_leave and not r.late


def test_a_rest_day_counts_nothing():
    r = assess(facts(working=False))
    assert not (r.working or r.late or r.early or r.absent or r.on_leave)


def test_month_is_read():
    today = dt.date(2026, 12, 15)
    assert attendance.parse_month(None, today) == (2026, 12)
    assert attendance.parse_month("2026-02", today) == (2026, 2)
    assert attendance.parse_month("2026-13", today) is None and attendance.parse_month("abc", today) is None


# ---------------------------------------------------------------- a month from the database

@pytest.fixture
def december(world, set_now):
    a = world.clerk_a.staff

    def punch(day, hh, mm, kind):
        Presence.objects.create(staff=a, window=world.window_a, kind=kind, at=at(hh, mm, dt.date(2026, 12, day)))

    punch(1, 8, 20, "in"); punch(1, 17, 40, "out")  # noqa: E702
    punch(2, 8, 45, "in"); punch(2, 17, 0, "out")  # noqa: E702
    set_now(at(9, day=dt.date(2026, 12, 1)))
    leave = services.request_leave(world.clerk_a, {"kind": "sick", "starts_at": "2026-12-04 08:00",
                                                   "ends_at": "2026-12-04 18:00", "reason": "病"})
    services.decide_leave(world.manager_a, leave.pk, "approve")
    set_now(at(20, day=dt.date(2026, 12, 4)))
    return world


@pytest.mark.django_db
def test_a_month_of_attendance(december):
    days = {r.date.day: r for r in attendance.month(december.clerk_a.staff, 2026, 12)}
    assert len(days) == 31
    assert not (days[1].late or days[1].early or days[1].absent)
    assert days[2].late and days[2].early
    assert days[3].absent
    assert days[4].on_leave and not days[4].absent
    assert not days[5].working  # Saturday
    assert days[7].working and not days[7].absent  # still to come


@pytest.mark.django_db
def test_the_attendance_api_and_who_may_read_it(december, api_for):
    work_id = december.clerk_a.staff.work_id
    own = api_for(december.clerk_a).get("/api/v1/attendance?month=2026-12").json()
    assert own["staff"]["work_id"] == work_id and own["month"] == "2026-12"
    day = next(d for d in own["days"] if d["date"] == "2026-12-02")
    assert {k: day[k] for k in ("late", "early", "absent", "on_leave")} == {
        "late": True, "early": True, "absent": False, "on_leave": False}
    assert own["totals"]["absent"] == 1 and own["totals"]["on_leave"] == 1
    assert api_for(december.manager_a).get(f"/api/v1/attendance?staff={work_id}&month=2026-12").status_code == 200
    assert api_for(december.manager_b).get(f"/api/v1/attendance?staff={work_id}&month=2026-12").status_code == 404
    assert api_for(december.clerk_a2).get(f"/api/v1/attendance?staff={work_id}").status_code == 404
    assert api_for(december.clerk_a).get("/api/v1/attendance?month=2026-99").status_code == 422
    assert api_for(december.supervisor).get("/api/v1/attendance").status_code == 403
    assert api_for(None).get("/api/v1/attendance").status_code == 401


@pytest.mark.django_db
def test_the_attendance_page(december, client_for):
    work_id = december.clerk_a.staff.work_id
    page = client_for(december.manager_a).get(f"/workbench/hall/attendance/?staff={work_id}&month=2026-12")
    text = page.content.decode()
    assert page.status_code == 200 and 'data-day="2026-12-03" class="red"' in text
    assert f'value="{december.clerk_a2.staff.work_id}"' in text  # the manager picks among the site's staff
    own = client_for(december.clerk_a).get("/workbench/hall/attendance/?month=2026-12").content.decode()
    assert 'data-day="2026-12-02" class="yellow"' in own and 'id="a-staff"' not in own
    assert client_for(december.manager_b).get(f"/workbench/hall/attendance/?staff={work_id}").status_code == 404
    assert client_for(december.clerk_a).get("/workbench/hall/attendance/?month=xx").status_code == 422
