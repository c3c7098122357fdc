"""The worker reminds administrators, once, to enter next year's calendar from October on."""
import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from bianmin.core.models import CalendarYear, Notification
from bianmin.core.worktime.reminder import remind_next_year

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return get_user_model().objects.create_superuser("root", "root@example.org", "x")


def test_no_reminder_before_october(admin_user, set_now):
    set_now(dt.datetime(2029, 9, 30, 10))
    assert remind_next_year() == 0 and not Notification.objects.exists()


def test_reminder_once_when_next_year_is_missing(admin_user, set_now):
    set_now(dt.datetime(2029, 10, 8, 10))
    CalendarYear.objects.filter(year=2030).delete()
    assert remind_next_year() == 1
    note = Notification.objects.get(user=admin_user)
    assert "2030" in note.text and note.link == reverse("admin:core_calendaryear_official")
    # Until the notice is entered the year is provisional, not refused; the text says so and where to paste it.
    assert "暂定" in note.text and "粘贴国务院节假日通知" in note.text and "无法计算" not in note.text
    assert remind_next_year() == 0  # told once, not every sweep


def test_no_reminder_when_next_year_is_maintained(admin_user, set_now):
    set_now(dt.datetime(2029, 11, 2, 10))
    CalendarYear.objects.get_or_create(year=2030)
    assert remind_next_year() == 0
