"""Shared bits of the queue tests (tests/test_queue_*.py): a fixed morning, a second window, tickets."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bianmin.orgs.models import Window, WindowPost

TZ = ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 12, 2, 9, 0, tzinfo=TZ)  # a Wednesday, the hall open 8:30–11:30


def at(minutes: float) -> dt.datetime:
    """MORNING plus `minutes`."""
    return MORNING + dt.timedelta(minutes=minutes)


def civil_window(world) -> Window:
    """Window 2 of site A: a department window of civil affairs taking the committed item only; clerk_a2 holds
    its A post."""
    window = Window.objects.create(site=world.site_a, number="2", name="民政窗口", kind=Window.Kind.SINGLE)
    window.departments.set([world.civil_affairs])
    window.items.set([world.item_committed])
    WindowPost.objects.create(window=window, staff=world.clerk_a2.staff, post=WindowPost.Post.A)
    return window


def take(world, minutes: float = 0, **kwargs):
    from bianmin.queueing import services

    kwargs.setdefault("item", world.item_committed)
    return services.issue(world.site_a, now=at(minutes), **kwargs)
