"""Who is at which window now: THE rule read by the queue (default calling window), the hall board and the
unattended-window alert. A staff member is at a window when their latest Presence row today (local date, up to
now) is a sign-in there. Going out (Outing) and returning write sign-out / sign-in rows, so nothing else needs
to be consulted here."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from bianmin.core import timeutil


def _day_bounds(at: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    now = at or timeutil.now()
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, now


def _latest_today(staff_ids=None, at: dt.datetime | None = None) -> dict[int, object]:
    """staff id -> their latest Presence row today (up to `at`, default now)."""
    from .models import Presence

    start, now = _day_bounds(at)
    rows = Presence.objects.filter(at__gte=start, at__lte=now)
    if staff_ids is not None:
        rows = rows.filter(staff_id__in=staff_ids)
    latest: dict[int, object] = {}
    for row in rows.order_by("staff_id", "-at", "-pk").select_related("window", "staff"):
        latest.setdefault(row.staff_id, row)
    return latest


def current_window(staff, at: dt.datetime | None = None):
    """The window `staff` is signed in at now, else None."""
    row = _latest_today([staff.pk], at).get(staff.pk)
    if row is None or row.kind != "in":
        return None
    return row.window


def default_window(staff, at: dt.datetime | None = None):
    """The window `staff` works at by default: where they are signed in now, else their A post's window."""
    found = current_window(staff, at)
    if found is not None:
        return found
    from bianmin.orgs.models import WindowPost

    post = (WindowPost.objects.filter(staff=staff, post=WindowPost.Post.A)
            .select_related("window").order_by("window__site_id", "window__number").first())
    return post.window if post else None


def on_duty(window, at: dt.datetime | None = None) -> list:
    """Staff signed in at `window` now (ordered by work id)."""
    from .models import Presence

    start, now = _day_bounds(at)
    candidates = set(Presence.objects.filter(window=window, at__gte=start, at__lte=now)
                     .values_list("staff_id", flat=True))
    if not candidates:
        return []
    latest = _latest_today(candidates, at)
    staff = [row.staff for row in latest.values() if row.kind == "in" and row.window_id == window.pk]
    return sorted(staff, key=lambda s: s.work_id)


def on_duty_by_window(site, at: dt.datetime | None = None) -> dict[int, list]:
    """window id -> staff signed in there now, for every window of `site` (one query for the board and API)."""
    from .models import Presence

    start, now = _day_bounds(at)
    staff_ids = set(Presence.objects.filter(window__site=site, at__gte=start, at__lte=now)
                    .values_list("staff_id", flat=True))
    result: dict[int, list] = {}
    if not staff_ids:
        return result
    for row in _latest_today(staff_ids, at).values():
        if row.kind == "in" and row.window_id is not None and row.window.site_id == site.pk:
            result.setdefault(row.window_id, []).append(row.staff)
    for people in result.values():
        people.sort(key=lambda s: s.work_id)
    return result
