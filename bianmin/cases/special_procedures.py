"""特别程序 (special procedures): expert review (论证), public notice (公告), site survey (现场勘察), hearing (听证),
testing/inspection and quarantine (检验检测检疫) pause the case clock (SPEC §3) from their start to their end, with a
planned length in working days and a 特别程序告知书 to the applicant, and are recorded as GB/T 39046 表7 wants them:
种类, 启动时间, 结束时间, 时限, 结果. One runs at a time; a case cannot be completed while one is open.
"""
from __future__ import annotations

from django.utils import timezone

from bianmin.core import clocks, outbox, timeutil
from bianmin.core.errors import Conflict
from bianmin.core.inputs import choice, integer, text
from bianmin.core.models import ClockPause
from bianmin.core.worktime.loader import get_calendar

from . import handover
from .models import Case, Notice, SpecialProcedure
from .moves import move
from .notices import issue
from .states import Action

MAX_PLANNED_WORKDAYS = 250

# How each kind pauses the clock (core.models.ClockPause.Reason): the pause reason the clock reports.
PAUSE_REASON = {
    SpecialProcedure.Kind.EXPERT_REVIEW: ClockPause.Reason.SPECIAL,
    SpecialProcedure.Kind.PUBLIC_NOTICE: ClockPause.Reason.PUBLIC_NOTICE,
    SpecialProcedure.Kind.SITE_SURVEY: ClockPause.Reason.SURVEY,
    SpecialProcedure.Kind.HEARING: ClockPause.Reason.HEARING,
    SpecialProcedure.Kind.INSPECTION: ClockPause.Reason.INSPECTION,
}


def open_procedure(case: Case) -> SpecialProcedure | None:
    return case.special_procedures.filter(ended_at__isnull=True).first()


def start(case: Case, actor, data: dict) -> Case:
    kind = choice(data, "kind", SpecialProcedure.Kind, "特别程序种类", "kind of special procedure")
    planned = integer(data, "planned_workdays", "特别程序时限（工作日）", "Planned length (working days)",
                      lo=1, hi=MAX_PLANNED_WORKDAYS)
    note = text(data, "note", "启动说明", "Note", required=False, max_len=500)
    if case.clock is None:
        raise Conflict("办件尚未受理，不能启动特别程序。", "The case is not accepted; no special procedure can start.")
    if open_procedure(case) is not None:
        raise Conflict("已有特别程序正在进行，请先结束。", "A special procedure is already running; end it first.")
    if case.clock.pauses.filter(ended__isnull=True).exists():
        raise Conflict("办件时限已暂停（等待补正），不能启动特别程序。",
                       "The case clock is already paused; no special procedure can start now.")
    now = timeutil.now()
    planned_end = get_calendar().add_working_days(timezone.localtime(now).date(), planned)
    clocks.pause(case.clock, PAUSE_REASON[SpecialProcedure.Kind(kind)], now)
    handover.follow_case(case, now)
    procedure = SpecialProcedure.objects.create(case=case, kind=kind, note=note, planned_workdays=planned,
                                                planned_end=planned_end, started_at=now, started_by=actor)
    outbox.record("case_special", case, event=f"{procedure.pk}/start")  # GB/T 39046 表7, in this transaction
    move(case, Action.START_SPECIAL_PROCEDURE, actor, reason=note,
         data={"kind": kind, "planned_workdays": planned, "planned_end": planned_end.isoformat()})
    issue(case, Notice.Kind.SPECIAL, actor,
          {"kind": kind, "planned_workdays": planned, "planned_end": planned_end.isoformat(), "note": note}, now.year)
    return case


def end(case: Case, actor, data: dict) -> Case:
    result = text(data, "result", "特别程序结果", "Result of the procedure", max_len=2000)
    procedure = open_procedure(case)
    if procedure is None:
        raise Conflict("没有正在进行的特别程序。", "No special procedure is running.")
    now = timeutil.now()
    clocks.resume(case.clock, now)
    handover.follow_case(case, now)
    used = get_calendar().working_days_between(timezone.localtime(procedure.started_at).date(),
                                               timezone.localtime(now).date())
    procedure.ended_at, procedure.ended_by, procedure.result, procedure.workdays_used = now, actor, result, used
    procedure.save()
    outbox.record("case_special", case, event=f"{procedure.pk}/end")
    state = clocks.state_of(case.clock, now)
    return move(case, Action.END_SPECIAL_PROCEDURE, actor, reason=result,
                data={"kind": procedure.kind, "workdays_used": used, "overran": used > procedure.planned_workdays,
                      "due_date": state.due_date.isoformat() if state.due_date else None})


def overran(procedure: SpecialProcedure, today=None) -> bool:
    """A procedure past its planned end (running) or that took longer than planned (ended)."""
    if procedure.ended_at is not None:
        return (procedure.workdays_used or 0) > procedure.planned_workdays
    return (today or timezone.localtime(timeutil.now()).date()) > procedure.planned_end
