"""Database-side clock operations: start, pause, resume, extend, stop and refresh.

The arithmetic is in worktime.clock; this module loads the facts from the tables, stores the
derived due/yellow moments and keeps pauses and extensions as rows. Callers run inside their
own transaction (the owning case's service function).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from . import timeutil

from .models import Clock, ClockExtension, ClockPause
from .worktime.clock import ClockFacts, ClockState, LimitUnit, Pause, evaluate
from .worktime.loader import get_calendar


def _share() -> float:
    return settings.BIANMIN["WARNING_SHARE"]


def facts_of(clock: Clock) -> ClockFacts:
    pauses = tuple(Pause(p.started.astimezone(timezone.get_current_timezone()),
                         p.ended.astimezone(timezone.get_current_timezone()) if p.ended else None)
                   for p in clock.pauses.all())
    return ClockFacts(start=timezone.localtime(clock.start), amount=clock.amount, unit=LimitUnit(clock.unit),
                      extension=clock.extension, pauses=pauses)


def state_of(clock: Clock, now: dt.datetime | None = None) -> ClockState:
    return evaluate(get_calendar(), facts_of(clock), timezone.localtime(now or timeutil.now()), _share())


def refresh(clock: Clock, now: dt.datetime | None = None) -> ClockState:
    """Recompute and store due/yellow moments after any change of facts."""
    state = state_of(clock, now)
    clock.due_at, clock.yellow_at = state.due_at, state.yellow_at
    if clock.status != Clock.Status.STOPPED:
        clock.status = Clock.Status.PAUSED if state.paused else Clock.Status.RUNNING
        clock.warning = state.warning.value
    clock.save()
    return state


def start_clock(start: dt.datetime, amount: int, unit: str, purpose: str = "") -> Clock:
    clock = Clock.objects.create(start=start, amount=amount, unit=LimitUnit(unit).value, purpose=purpose)
    refresh(clock, start)
    return clock


def pause(clock: Clock, reason: str, at: dt.datetime | None = None) -> None:
    if clock.pauses.filter(ended__isnull=True).exists():
        return
    ClockPause.objects.create(clock=clock, reason=reason, started=at or timeutil.now())
    refresh(clock, at)


def resume(clock: Clock, at: dt.datetime | None = None) -> None:
    clock.pauses.filter(ended__isnull=True).update(ended=at or timeutil.now())
    refresh(clock, at)


def extend(clock: Clock, amount: int, reason: str, approver, requested_by) -> ClockState:
    ClockExtension.objects.create(clock=clock, amount=amount, reason=reason, approver=approver,
                                  requested_by=requested_by)
    clock.extension += amount
    return refresh(clock)


def stop(clock: Clock, at: dt.datetime | None = None) -> ClockState:
    at = at or timeutil.now()
    clock.pauses.filter(ended__isnull=True).update(ended=at)
    state = state_of(clock, at)
    clock.status, clock.stopped_at = Clock.Status.STOPPED, at
    clock.warning = state.warning.value
    clock.save()
    return state
