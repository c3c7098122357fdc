"""Database-side clock operations: start, pause, resume, extend, stop and refresh; and the one place that
answers "what state is this clock in at a moment" (`state_of`) and "which clocks are overdue now / finished
late" for querysets (`overdue_now`, `finished_late`), so pages, API answers, exports, figures and sweeps agree.

The arithmetic is in worktime.clock; this module loads the facts from the tables, stores the
derived due/yellow moments and keeps pauses and extensions as rows. Callers run inside their
own transaction (the owning case's service function).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from . import timeutil
from .models import Clock, ClockExtension, ClockPause
from .worktime.clock import ClockFacts, ClockState, LimitUnit, Pause, Warning, evaluate
from .worktime.loader import get_calendar


def _share(clock: Clock | None = None) -> float:
    """The share of its limit at which a clock turns yellow: its own (an urgent case's) or the setting."""
    if clock is not None and clock.warning_share:
        return clock.warning_share
    return settings.BIANMIN["WARNING_SHARE"]


def facts_of(clock: Clock) -> ClockFacts:
    pauses = tuple(Pause(p.started.astimezone(timezone.get_current_timezone()),
                         p.ended.astimezone(timezone.get_current_timezone()) if p.ended else None)
                   for p in clock.pauses.all())
    stopped_at = clock.stopped_at if clock.status == Clock.Status.STOPPED and clock.stopped_at else None
    frozen = (clock.due_at, clock.yellow_at) if stopped_at and clock.due_at and clock.yellow_at else None
    return ClockFacts(start=timezone.localtime(clock.start), amount=clock.amount, unit=LimitUnit(clock.unit),
                      extension=clock.extension, pauses=pauses,
                      stopped_at=timezone.localtime(stopped_at) if stopped_at else None,
                      not_before=timezone.localtime(clock.not_before) if clock.not_before else None,
                      stopped_due=tuple(timezone.localtime(m) for m in frozen) if frozen else None)


def state_of(clock: Clock, now: dt.datetime | None = None) -> ClockState:
    """The clock's state at `now` (default: this moment). A stopped clock is frozen at its stop: its warning,
    overdue days and `finished_late` say how the work ended, whenever it is looked at."""
    return evaluate(get_calendar(), facts_of(clock), timezone.localtime(now or timeutil.now()), _share(clock))


def _field(prefix: str, name: str) -> str:
    return f"{prefix}__{name}" if prefix else name


def overdue_now(prefix: str = "", now: dt.datetime | None = None) -> Q:
    """Q for rows whose clock (at `prefix`, e.g. "clock" from a Case) is overdue at `now`: not stopped and past
    its due moment. Paused clocks have no due moment and are never overdue. The same rule as `state_of`."""
    return (Q(**{_field(prefix, "due_at__lt"): now or timeutil.now()})
            & ~Q(**{_field(prefix, "status"): Clock.Status.STOPPED}))


def finished_late(prefix: str = "") -> Q:
    """Q for rows whose clock stopped after its due moment (work finished late). The same rule as `state_of`."""
    return Q(**{_field(prefix, "status"): Clock.Status.STOPPED,
                _field(prefix, "stopped_at__gt"): F(_field(prefix, "due_at"))})


def finished_on_time(prefix: str = "") -> Q:
    return Q(**{_field(prefix, "status"): Clock.Status.STOPPED,
                _field(prefix, "stopped_at__lte"): F(_field(prefix, "due_at"))})


def warning_is(level: str, prefix: str = "", now: dt.datetime | None = None) -> Q:
    """Q for rows whose clock (at `prefix`) shows `level` ("none", "yellow", "red") at `now`: the same answer as
    `state_of(clock, now).warning`, so a filtered list agrees with every page. Red is overdue now (running) or
    finished late (frozen at the stop); yellow is past the warning share and not overdue, for a finished clock at
    its stop; none is the rest, including rows without a clock."""
    now = now or timeutil.now()
    red = overdue_now(prefix, now) | finished_late(prefix)
    running_yellow = (~Q(**{_field(prefix, "status"): Clock.Status.STOPPED})
                      & Q(**{_field(prefix, "yellow_at__lte"): now, _field(prefix, "due_at__gte"): now}))
    finished_yellow = finished_on_time(prefix) & Q(**{_field(prefix, "stopped_at__gte"): F(_field(prefix, "yellow_at"))})
    if level == Warning.RED:
        return red
    if level == Warning.YELLOW:
        return running_yellow | finished_yellow
    has_clock = Q(**{_field(prefix, "isnull"): False}) if prefix else Q()
    without = Q(**{_field(prefix, "isnull"): True}) if prefix else Q(pk__in=[])
    return without | (has_clock & ~red & ~running_yellow & ~finished_yellow)


def refresh(clock: Clock, now: dt.datetime | None = None) -> ClockState:
    """Recompute and store due/yellow moments after any change of facts."""
    state = state_of(clock, now)
    clock.due_at, clock.yellow_at = state.due_at, state.yellow_at
    if clock.status != Clock.Status.STOPPED:
        clock.status = Clock.Status.PAUSED if state.paused else Clock.Status.RUNNING
        clock.warning = state.warning.value
    clock.save()
    return state


def start_clock(start: dt.datetime, amount: int, unit: str, purpose: str = "",
                warning_share: float | None = None) -> Clock:
    clock = Clock.objects.create(start=start, amount=amount, unit=LimitUnit(unit).value, purpose=purpose,
                                 warning_share=warning_share)
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
    """Stop the clock at `at`: its due moment, warning and lateness are frozen there (a pause still open ends
    at the stop, which may move the due moment)."""
    at = at or timeutil.now()
    if clock.status == Clock.Status.STOPPED:
        return state_of(clock, at)
    clock.pauses.filter(ended__isnull=True).update(ended=at)
    # The due moment as the clock stands at its stop (still running, pauses ended): stored, it is what the stopped
    # clock keeps, whatever the calendar says later (an official year replacing a provisional one).
    running = state_of(clock, at)
    clock.status, clock.stopped_at = Clock.Status.STOPPED, at
    clock.due_at, clock.yellow_at = running.due_at, running.yellow_at
    state = state_of(clock, at)
    clock.warning = state.warning.value
    clock.save()
    return state
