"""Opening hours and the duty rota (issue 16 point 1): hall.hours on working days, make-up days, rest days with a
duty day, closed days and lunch-time windows; the manager's page that edits them and the public hours API."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.core.errors import InvalidInput, PermissionDenied
from bianmin.hall import hours, services
from bianmin.hall.models import DutyDay, HallSettings, OpeningSession
from bianmin.orgs.models import Window

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
WEDNESDAY = dt.date(2026, 12, 2)
SATURDAY = dt.date(2026, 12, 5)
MAKE_UP_SUNDAY = dt.date(2026, 1, 4)  # 元旦调休上班
NATIONAL_DAY = dt.date(2026, 10, 1)


def at(day, hh, mm=0):
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TZ)


def test_a_working_day_has_the_default_sessions(world):
    sessions = hours.sessions_on(world.site_a, WEDNESDAY)
    assert [(s.start, s.end) for s in sessions] == [(dt.time(8, 30), dt.time(11, 30)), (dt.time(14, 30), dt.time(17, 30))]
    assert hours.open_at(world.site_a, at(WEDNESDAY, 9))
    assert not hours.open_at(world.site_a, at(WEDNESDAY, 12))
    assert not hours.open_at(world.site_a, at(WEDNESDAY, 17, 30))


def test_a_make_up_working_day_opens_and_a_rest_day_does_not(world):
    assert hours.open_at(world.site_a, at(MAKE_UP_SUNDAY, 9))
    assert not hours.open_at(world.site_a, at(SATURDAY, 9))
    assert not hours.open_at(world.site_a, at(NATIONAL_DAY, 9))


def test_a_duty_day_opens_a_rest_day_for_its_windows_only(world):
    other = Window.objects.create(site=world.site_a, number="2", name="社保窗口")
    services.save_duty_day(world.manager_a, world.site_a, {"date": "2026-12-05", "start": "09:00", "end": "12:00",
                                                            "windows": [world.window_a.pk], "note": "周末值班"})
    assert hours.open_at(world.site_a, at(SATURDAY, 9, 30), world.window_a.pk)
    assert not hours.open_at(world.site_a, at(SATURDAY, 9, 30), other.pk)
    assert not hours.open_at(world.site_a, at(SATURDAY, 13), world.window_a.pk)


def test_a_duty_day_must_be_a_rest_day_unless_it_closes_the_hall(world):
    with pytest.raises(InvalidInput) as exc:
        services.save_duty_day(world.manager_a, world.site_a, {"date": "2026-12-02"})
    assert exc.value.field == "date" and "工作日" in exc.value.zh
    with pytest.raises(InvalidInput):
        services.save_duty_day(world.manager_a, world.site_a, {"date": "2026-01-04"})  # make-up day: working
    assert not DutyDay.objects.exists()
    services.save_duty_day(world.manager_a, world.site_a, {"date": "2026-12-02", "closed": "1", "note": "停电"})
    assert hours.sessions_on(world.site_a, WEDNESDAY) == []
    assert not hours.open_at(world.site_a, at(WEDNESDAY, 9))


def test_lunch_time_service_keeps_only_its_windows_open(world):
    other = Window.objects.create(site=world.site_a, number="2", name="社保窗口")
    services.save_sessions(world.manager_a, world.site_a, [
        {"kind": "regular", "start": "08:30", "end": "11:30"},
        {"kind": "lunch", "start": "11:30", "end": "14:30", "windows": [world.window_a.pk]},
        {"kind": "regular", "start": "14:30", "end": "17:30"},
        {"kind": "regular", "start": "", "end": ""},  # an empty row is left out
    ])
    assert OpeningSession.objects.filter(site=world.site_a).count() == 3
    assert hours.open_at(world.site_a, at(WEDNESDAY, 12), world.window_a.pk)
    assert not hours.open_at(world.site_a, at(WEDNESDAY, 12), other.pk)


def test_sessions_are_checked_and_only_the_sites_manager_may_change_them(world):
    with pytest.raises(InvalidInput):
        services.save_sessions(world.manager_a, world.site_a, [{"kind": "regular", "start": "12:00", "end": "09:00"}])
    with pytest.raises(InvalidInput):
        services.save_sessions(world.manager_a, world.site_a, [{"kind": "regular", "start": "8:30", "end": "12:00"},
                                                               {"kind": "regular", "start": "11:00", "end": "17:00"}])
    with pytest.raises(InvalidInput):
        services.save_sessions(world.manager_a, world.site_a, [{"kind": "regular", "start": "25:00", "end": "26:00"}])
    with pytest.raises(PermissionDenied):
        services.save_sessions(world.manager_b, world.site_a, [{"kind": "regular", "start": "09:00", "end": "12:00"}])
    with pytest.raises(PermissionDenied):
        services.save_sessions(world.clerk_a, world.site_a, [{"kind": "regular", "start": "09:00", "end": "12:00"}])
    assert not OpeningSession.objects.exists()


def test_the_hours_page_shows_the_defaults_and_saves_sessions_settings_and_duty_days(world, client_for, set_now):
    set_now(at(dt.date(2026, 9, 1), 10))
    client = client_for(world.manager_a)
    page = client.get("/workbench/hall/hours/").content.decode()
    assert 'value="08:30"' in page and 'value="17:30"' in page
    response = client.post("/workbench/hall/hours/", {"form": "sessions", "site": world.site_a.pk,
                                                      "kind-0": "regular", "start-0": "09:00", "end-0": "12:00",
                                                      "kind-1": "regular", "start-1": "", "end-1": ""})
    assert response.status_code == 302
    assert [(s.start, s.end) for s in hours.sessions_on(world.site_a, WEDNESDAY)] == [(dt.time(9), dt.time(12))]
    client.post("/workbench/hall/hours/", {"form": "settings", "site": world.site_a.pk, "unattended_alert_minutes": "15"})
    assert HallSettings.objects.get(site=world.site_a).unattended_alert_minutes == 15
    client.post("/workbench/hall/hours/", {"form": "duty", "site": world.site_a.pk, "date": "2026-10-01",
                                           "start": "09:00", "end": "11:00", "windows": [world.window_a.pk]})
    page = client.get("/workbench/hall/hours/").content.decode()
    assert "国庆节" in page  # the calendar's name of the day
    bad = client.post("/workbench/hall/hours/", {"form": "duty", "site": world.site_a.pk, "date": "2026-12-02"})
    assert bad.status_code == 422
    assert DutyDay.objects.filter(site=world.site_a).count() == 1


def test_another_sites_manager_cannot_edit_through_the_page(world, client_for):
    response = client_for(world.manager_b).post("/workbench/hall/hours/", {
        "form": "sessions", "site": world.site_a.pk, "kind-0": "regular", "start-0": "09:00", "end-0": "10:00"})
    assert response.status_code == 404
    assert not OpeningSession.objects.exists()


def test_the_public_hours_api(world, client_for, set_now):
    set_now(at(dt.date(2026, 9, 1), 10))
    services.save_duty_day(world.manager_a, world.site_a, {"date": "2026-10-01", "start": "09:00", "end": "11:00",
                                                            "windows": [world.window_a.pk]})
    body = client_for(None).get(f"/api/v1/sites/{world.site_a.pk}/hours").json()
    assert body["weekdays"] == [{"kind": "regular", "start": "08:30", "end": "11:30", "windows": []},
                                {"kind": "regular", "start": "14:30", "end": "17:30", "windows": []}]
    assert body["duty_days"] == [{"date": "2026-10-01", "name": "国庆节", "closed": False, "start": "09:00",
                                  "end": "11:00", "windows": [world.window_a.pk], "note": ""}]
    assert client_for(None).get("/api/v1/sites/999999/hours").status_code == 404
