"""A staffed window left without anyone during its opening hours for longer than HallSettings.unattended_alert_minutes
alerts the site's managers once per gap (the worker job "hall_unattended")."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.core import jobs
from bianmin.core.models import Notification
from bianmin.hall import services
from bianmin.hall.models import HallSettings, WindowAlert
from bianmin.orgs.models import Window

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(hh, mm=0, day=dt.date(2026, 12, 2)):
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TZ)


def alerts(user):
    return Notification.objects.filter(user=user, text__contains="无人在岗").count()


def test_the_job_is_registered():
    assert "hall_unattended" in [name for name, _job in jobs.JOBS]


def test_an_empty_window_alerts_once_per_gap(world, set_now):
    Window.objects.create(site=world.site_a, number="8", name="无人岗位的窗口")  # no posts: never alerted
    set_now(at(8, 39))
    assert services.alert_unattended() == 0  # empty since 8:30, not yet 10 minutes
    set_now(at(8, 41))
    assert services.alert_unattended() == 1
    assert alerts(world.manager_a) == 1 and alerts(world.manager_b) == 0
    set_now(at(8, 55))
    assert services.alert_unattended() == 0  # the same gap
    set_now(at(9))
    services.sign(world.clerk_a, "in")
    set_now(at(9, 20))
    assert services.alert_unattended() == 0  # somebody is there
    set_now(at(9, 30))
    services.sign(world.clerk_a, "out")
    set_now(at(9, 35))
    assert services.alert_unattended() == 0
    set_now(at(9, 41))
    assert services.alert_unattended() == 1  # a new gap, from 9:30
    assert list(WindowAlert.objects.order_by("gap_started_at").values_list("gap_started_at", flat=True)) == [
        at(8, 30), at(9, 30)]
    assert alerts(world.manager_a) == 2


def test_no_alert_while_closed_or_before_the_sites_own_limit(world, set_now):
    set_now(at(12, 30))
    assert services.alert_unattended() == 0  # lunch break
    set_now(at(9, day=dt.date(2026, 12, 5)))
    assert services.alert_unattended() == 0  # Saturday
    HallSettings.objects.create(site=world.site_a, unattended_alert_minutes=30)
    set_now(at(14, 55))
    assert services.alert_unattended() == 0
    set_now(at(15, 1))
    assert services.alert_unattended() == 1
