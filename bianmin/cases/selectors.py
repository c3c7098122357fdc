"""Read queries for cases, always scoped to what the signed-in person may see (DESIGN rule 3)."""
from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from bianmin.core import clocks, timeutil
from bianmin.core.worktime.clock import Warning
from bianmin.orgs.roles import Action

from .models import Case
from .states import OPEN


def visible_cases(user, action: str = Action.VIEW_CASE) -> QuerySet[Case]:
    """Cases at the person's sites or below their unit, handed to their department, or forwarded to their site."""
    return (Case.objects.for_user(user, action).distinct()
            .select_related("site", "item", "window", "clock", "handled_by", "handover_department"))


def open_cases(user) -> QuerySet[Case]:
    return visible_cases(user).filter(status__in=[s.value for s in OPEN])


def with_states(cases, now: dt.datetime | None = None) -> list[Case]:
    """The cases as a list, each with `clock_state` (its clock's state at `now`, None before acceptance) for the
    rows of the workbench: finished cases frozen at completion, running ones live."""
    now = now or timeutil.now()
    rows = list(cases)
    for case in rows:
        case.clock_state = clocks.state_of(case.clock, now) if case.clock_id else None
    return rows


def queue(user, today: dt.date | None = None) -> dict[str, list[Case]]:
    """The clerk's queue of open cases: overdue (red), due soon (yellow), today's new cases, everything else.
    Each case goes into the bucket of its clock's state (`state_of`), the state its page shows."""
    today = today or timeutil.today()
    buckets: dict[str, list[Case]] = {"overdue": [], "due_soon": [], "today": [], "open": []}
    open_ = open_cases(user).prefetch_related("clock__pauses").order_by("clock__due_at", "created_at")[:500]
    for case in with_states(open_):
        warning = case.clock_state.warning if case.clock_state else Warning.NONE
        if warning == Warning.RED:
            buckets["overdue"].append(case)
        elif warning == Warning.YELLOW:
            buckets["due_soon"].append(case)
        elif timezone.localtime(case.created_at).date() == today:
            buckets["today"].append(case)
        else:
            buckets["open"].append(case)
    return buckets


def get_case(user, case_id: int) -> Case | None:
    return visible_cases(user).filter(pk=case_id).first()
