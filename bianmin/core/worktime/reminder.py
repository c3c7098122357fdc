"""Remind administrators to enter next year's official holiday schedule.

The State Council publishes each year's holiday schedule late in the year before; until someone pastes its notice
on the admin page (worktime/official.py), deadlines that reach into that year are computed on the provisional
calendar derived from the law and marked 暂定 (SPEC §3). From REMIND_FROM_MONTH on, the worker tells every active
superuser once, with a link to the paste-the-notice page.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from bianmin.core import timeutil
from bianmin.core.models import CalendarYear, Notification
from bianmin.core.notify import notify

REMIND_FROM_MONTH = 10


def message(year: int) -> str:
    return (f"{year} 年节假日安排尚未录入：在此之前，{year} 年按《全国年节及纪念日放假办法》暂定推算，"
            f"跨入该年的办理期限均标为“暂定”。国务院办公厅公布放假安排通知后，请在后台“日历年度 → 粘贴国务院节假日通知”"
            f"录入，确认后相关期限将自动重新计算。")


def remind_next_year() -> int:
    today = timeutil.now().date()
    year = today.year + 1
    if today.month < REMIND_FROM_MONTH or CalendarYear.objects.filter(year=year).exists():
        return 0
    text = message(year)
    already = set(Notification.objects.filter(text=text).values_list("user_id", flat=True))
    admins = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(pk__in=already)
    return notify(admins, text, reverse("admin:core_calendaryear_official"))
