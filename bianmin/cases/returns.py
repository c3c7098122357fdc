"""退回件 (returned applications, seed 002 §四): an application found after acceptance not to meet the conditions
(after a review of the file, a site survey or an investigation) is returned with written reasons on a 退回件通知单
(two copies: the window's and the applicant's). A complex return decision is made within RETURN_DECISION_WORKDAYS
working days of the application. The applicant may ask the centre director or the leader in charge for a review
(复核), decided within RETURN_REVIEW_WORKDAYS working days, with reasons; upheld, the case goes back to processing.

The case clock stops at the return (a return is a decision, like a refusal: the case is frozen as it stood). An
upheld review reopens it: the days between the return and the decision are a pause (ClockPause REVIEW), because the
applicant's file was with neither the window nor a department, and the case has the rest of its time left.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from bianmin.core import clocks, timeutil
from bianmin.core.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.core.inputs import choice, text, text_list
from bianmin.core.models import Clock, ClockPause
from bianmin.core.worktime.clock import LimitUnit
from bianmin.core.worktime.loader import get_calendar

from . import handover, urgency
from .models import Case, Notice, ReturnedApplication, ReturnGround
from .moves import move
from .notices import issue
from .states import Action


def decision_due(case: Case) -> dt.date:
    """The last day for a return decision: RETURN_DECISION_WORKDAYS working days after the application, which is
    formally made at acceptance (a case registered but not accepted is refused at the counter, not returned)."""
    applied = timezone.localtime(case.accepted_at or case.created_at).date()
    return get_calendar().add_working_days(applied, settings.BIANMIN["RETURN_DECISION_WORKDAYS"])


def open_return(case: Case) -> ReturnedApplication | None:
    return case.returns.order_by("-returned_at", "-id").first()


def return_application(case: Case, actor, data: dict) -> Case:
    reasons = text_list(data, "reasons", "退回原因", "reasons for the return")
    ground = (choice(data, "ground", ReturnGround, "退回情形", "ground of the return")
              if data.get("ground") not in (None, "") else ReturnGround.NOT_QUALIFIED)
    note = text(data, "note", "说明", "Note", required=False, max_len=500)
    now = timeutil.now()
    due = decision_due(case)
    within = timezone.localtime(now).date() <= due
    old = case.status
    if case.clock:
        clocks.stop(case.clock, now)
        handover.follow_case(case, now)
    move(case, Action.RETURN_APPLICATION, actor, reason="；".join(reasons),
         data={"ground": ground, "reasons": reasons, "decision_due": due.isoformat(), "within_limit": within,
               "from": old},
         fields={"completed_at": now})
    notice = issue(case, Notice.Kind.RETURN, actor,
                   {"ground": ground, "reasons": reasons, "note": note,
                    "review_workdays": settings.BIANMIN["RETURN_REVIEW_WORKDAYS"]}, now.year)
    ReturnedApplication.objects.create(case=case, ground=ground, reasons=reasons, note=note, returned_by=actor,
                                       returned_at=now, decision_due=due, within_limit=within, notice=notice)
    return case


def request_review(case: Case, actor, data: dict) -> Case:
    """The applicant's request for a review, entered by the staff who receive it (the applicant brings the notice)."""
    reason = text(data, "reason", "复核理由", "Reason for the review", max_len=2000)
    returned = open_return(case)
    if returned is None:  # a status without its register row: data from before the register existed
        raise Conflict("没有找到该办件的退回记录。", "No return of this case is on record.")
    if returned.review_requested_at is not None:
        raise Conflict("该退回已复核，不能再次申请复核。", "This return has already been reviewed; it is reviewed once.")
    now = timeutil.now()
    review_clock = clocks.start_clock(now, settings.BIANMIN["RETURN_REVIEW_WORKDAYS"], LimitUnit.WORKDAYS.value,
                                      purpose="return_review")
    returned.review_reason, returned.review_requested_at, returned.review_requested_by = reason, now, actor
    returned.review_clock = review_clock
    returned.save()
    due = clocks.state_of(review_clock, now).due_date
    return move(case, Action.REQUEST_REVIEW, actor, reason=reason,
                data={"review_due": due.isoformat() if due else None})


def may_request_review(case: Case) -> bool:
    """One review per return: a return already reviewed (and dismissed) is not reviewed again."""
    returned = open_return(case)
    return returned is not None and returned.review_requested_at is None


def may_decide(actor, case: Case) -> bool:
    """The centre director or the leader in charge (seed 002 §四 2(3)): the same people who designate urgent cases,
    the managers of the site or above it."""
    return urgency.may_designate(actor, case.site)


def decide_review(case: Case, actor, data: dict) -> Case:
    if not may_decide(actor, case):
        raise PermissionDenied("复核由中心主任或主管领导决定。",
                               "A review is decided by the centre director or the leader in charge.")
    upheld = data.get("upheld")
    if isinstance(upheld, str) and upheld.lower() in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        upheld = upheld.lower() in ("true", "1", "yes", "on")
    if not isinstance(upheld, bool):
        raise InvalidInput("请选择复核结论（撤销退回或维持退回）。", "upheld must be true or false.", field="upheld")
    reasons = text(data, "reasons", "复核意见", "Reasons for the decision", max_len=2000)
    returned = open_return(case)
    if returned is None:
        raise Conflict("没有找到该办件的退回记录。", "No return of this case is on record.")
    now = timeutil.now()
    late = bool(returned.review_clock and clocks.stop(returned.review_clock, now).finished_late)
    returned.review_decided_at, returned.review_decided_by = now, actor
    returned.review_upheld, returned.review_reasons = upheld, reasons
    returned.save()
    fields: dict = {}
    if upheld:
        fields["completed_at"] = None
        if case.clock:
            _reopen(case.clock, now)
    move(case, Action.DECIDE_REVIEW, actor, reason=reasons, upheld=upheld,
         data={"upheld": upheld, "late": late}, fields=fields)
    issue(case, Notice.Kind.REVIEW, actor, {"upheld": upheld, "reasons": reasons,
                                            "return_notice": returned.notice.number if returned.notice else ""},
          now.year)
    return case


def _reopen(clock: Clock, at: dt.datetime) -> None:
    """Run a stopped case clock again after an upheld review: the time since its stop is a pause."""
    stopped = clock.stopped_at or at
    ClockPause.objects.create(clock=clock, reason=ClockPause.Reason.REVIEW, started=stopped, ended=at)
    clock.status, clock.stopped_at = Clock.Status.RUNNING, None
    clocks.refresh(clock, at)
