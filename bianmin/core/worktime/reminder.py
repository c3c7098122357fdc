"""Remind administrators to maintain next year's working-day calendar before it is needed.

The State Council publishes each year's holiday schedule late in the year before; until someone enters
it (or a newer chinese-calendar release seeds it), deadlines that reach into that year are refused
rather than guessed (SPEC §3). From REMIND_FROM_MONTH on, the worker tells every active superuser once.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from bianmin.core import timeutil
from bianmin.core.models import CalendarYear, Notification
from bianmin.core.notify import notify

REMIND_FROM_MONTH = 10


def message(year: int) -> str:
    return (f"{year} 年工作日历尚未维护：跨入 {year} 年的办理时限将无法计算。"
            f"请在国务院办公厅公布放假安排后录入。")


def remind_next_year() -> int:
    today = timeutil.now().date()
    year = today.year + 1
    if today.month < REMIND_FROM_MONTH or CalendarYear.objects.filter(year=year).exists():
        return 0
    text = message(year)
    already = set(Notification.objects.filter(text=text).values_list("user_id", flat=True))
    admins = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(pk__in=already)
    return notify(admins, text, reverse("admin:core_calendaryear_changelist"))
