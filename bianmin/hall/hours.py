"""When a site is open: THE rule every hall feature reads (appointment slots, the unattended-window alert,
attendance's late and early leave).

- On a working day of the working-day calendar (make-up working days included) the site's regular sessions apply
  (default 8:30–11:30 and 14:30–17:30, seed 002), plus its lunch-time sessions;
- on a rest day (weekend, holiday) it is closed unless a DutyDay opens it for its duty windows;
- a DutyDay marked `closed` closes it on a working day (an emergency).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bianmin.core.errors import CalendarNotCovered
from bianmin.core.worktime.loader import get_calendar

DEFAULT_SESSIONS = ((dt.time(8, 30), dt.time(11, 30)), (dt.time(14, 30), dt.time(17, 30)))


@dataclass(frozen=True)
class Session:
    start: dt.time
    end: dt.time
    kind: str  # "regular", "lunch" or "duty"
    window_ids: frozenset[int] = frozenset()  # empty: every window of the site

    def serves(self, window_id: int | None) -> bool:
        return not self.window_ids or window_id in self.window_ids

    def contains(self, moment: dt.time) -> bool:
        return self.start <= moment < self.end


def is_working_day(day: dt.date) -> bool:
    try:
        return get_calendar().is_working(day)
    except CalendarNotCovered:
        return day.weekday() < 5


def settings_for(site):
    """The site's HallSettings, or an unsaved row holding the defaults."""
    from .models import HallSettings

    found = HallSettings.objects.filter(site=site).first()
    return found or HallSettings(site=site)


def sessions_on(site, day: dt.date) -> list[Session]:
    """The site's opening sessions on `day`, in time order (empty: closed)."""
    from .models import DutyDay, OpeningSession

    duty = DutyDay.objects.filter(site=site, date=day).prefetch_related("windows").first()
    if duty is not None:
        if duty.closed:
            return []
        return [Session(duty.start, duty.end, "duty", frozenset(w.pk for w in duty.windows.all()))]
    if not is_working_day(day):
        return []
    rows = list(OpeningSession.objects.filter(site=site).prefetch_related("windows").order_by("start"))
    if not rows:
        return [Session(start, end, "regular") for start, end in DEFAULT_SESSIONS]
    return [Session(r.start, r.end, r.kind, frozenset(w.pk for w in r.windows.all())) for r in rows]


def open_at(site, moment: dt.datetime, window_id: int | None = None) -> bool:
    """Is the site (or that window of it) open at `moment` (an aware datetime, read in local time)?"""
    from django.utils import timezone

    local = timezone.localtime(moment)
    return any(s.contains(local.time()) and s.serves(window_id) for s in sessions_on(site, local.date()))
