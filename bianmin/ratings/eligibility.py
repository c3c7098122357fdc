"""When a case may be rated, at which stage, and until when (SPEC §5 一次一评 and 补充评价).

One place for the rule, used by the rating link, the citizen page, the device, paper entry and the
invitation sweep.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from bianmin.cases.states import FINAL, Status

from .models import Stage


def configured_stages() -> list[str]:
    wanted = settings.BIANMIN["RATING_STAGES"]
    return [s for s in (Stage.RECEIVE, Stage.ACCEPT, Stage.COMPLETE) if s in wanted]


def stage_moment(case, stage: str) -> dt.datetime | None:
    """When the case reached `stage`, or None if it has not (yet)."""
    if stage == Stage.RECEIVE:
        return case.created_at
    if stage == Stage.ACCEPT:
        return case.accepted_at
    if stage == Stage.COMPLETE:
        return case.completed_at if Status(case.status) in FINAL else None
    return None


def rating_deadline(case, stage: str) -> dt.datetime | None:
    """End of the last day of the rating period for this stage (local time), None if not reached."""
    moment = stage_moment(case, stage)
    if moment is None:
        return None
    last_day = timezone.localtime(moment).date() + dt.timedelta(days=settings.BIANMIN["RATING_PERIOD_DAYS"])
    return timezone.make_aware(dt.datetime.combine(last_day, dt.time(23, 59, 59)))


def open_stages(case, now: dt.datetime) -> list[str]:
    """Configured stages the case has reached whose rating period has not ended (rated or not)."""
    out = []
    for stage in configured_stages():
        deadline = rating_deadline(case, stage)
        if deadline is not None and now <= deadline:
            out.append(stage)
    return out


def link_stage(case, rated: set[str], now: dt.datetime) -> str:
    """The stage a rating link made now should carry: the first configured stage that is open and not
    yet rated; else the first one not reached yet (a receipt printed at acceptance is then used once
    the case ends); else the last configured stage (the page will say it was rated or has expired)."""
    stages = configured_stages() or [Stage.COMPLETE]
    for stage in open_stages(case, now):
        if stage not in rated:
            return stage
    for stage in stages:
        if stage_moment(case, stage) is None:
            return stage
    return stages[-1]
