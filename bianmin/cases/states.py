"""Case (办件) state machine: pure Python, no Django, unit-tested without a database.

The table says which action moves a case from which status to which; guards that need data
(materials listed, reasons given, joint tasks finished) live in services.py and are checked
before the move. An action not in the table for the current status is an illegal transition.
"""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    REGISTERED = "registered"  # 接件登记: first contact recorded, decision pending
    CONSULTATION = "consultation"  # 咨询件: question answered, closed
    AWAITING_SUPPLEMENT = "awaiting_supplement"  # 补正: waiting for the applicant's materials
    ACCEPTED = "accepted"  # 受理: clock running, being processed at the window
    HANDED_OVER = "handed_over"  # 移交: a department is processing it
    RESULT_RETURNED = "result_returned"  # the department's result is back at the window
    FORWARDED = "forwarded"  # 上报: sent to a higher-level site, followed until done
    COMPLETED = "completed"  # 办结
    REJECTED = "rejected"  # 不予受理
    OUT_OF_REMIT = "out_of_remit"  # 不管件: routed elsewhere with an answer
    RETURNED = "returned"  # 退回件: found after acceptance not to meet the conditions, returned with written reasons
    REVIEW_REQUESTED = "review_requested"  # 复核: the applicant asked the director to review the return


class Action(StrEnum):
    ANSWER_CONSULTATION = "answer_consultation"
    ACCEPT = "accept"
    REJECT = "reject"
    ROUTE_OUT = "route_out"
    REQUEST_SUPPLEMENT = "request_supplement"
    RESUME = "resume"
    EXTEND = "extend"
    HAND_OVER = "hand_over"
    RETURN_RESULT = "return_result"
    FORWARD = "forward"
    FINISH_JOINT_TASK = "finish_joint_task"
    COMPLETE = "complete"
    RETURN_APPLICATION = "return_application"
    REQUEST_REVIEW = "request_review"
    DECIDE_REVIEW = "decide_review"
    DESIGNATE_URGENT = "designate_urgent"
    START_SPECIAL_PROCEDURE = "start_special_procedure"
    END_SPECIAL_PROCEDURE = "end_special_procedure"


S, A = Status, Action
_ACTIVE = (S.ACCEPTED, S.HANDED_OVER, S.RESULT_RETURNED, S.FORWARDED)
# Where the window itself is deciding (not a higher-level site): a return or a special procedure happens here.
_AT_THE_WINDOW = (S.ACCEPTED, S.HANDED_OVER, S.RESULT_RETURNED)

TRANSITIONS: dict[Action, dict[Status, Status | None]] = {
    # None as target means "stays where it is" (extension, joint sub-task) or "back to where it was" (resume).
    A.ANSWER_CONSULTATION: {S.REGISTERED: S.CONSULTATION},
    A.ACCEPT: {S.REGISTERED: S.ACCEPTED},
    A.REJECT: {S.REGISTERED: S.REJECTED, S.AWAITING_SUPPLEMENT: S.REJECTED},
    A.ROUTE_OUT: {S.REGISTERED: S.OUT_OF_REMIT},
    A.REQUEST_SUPPLEMENT: {S.REGISTERED: S.AWAITING_SUPPLEMENT, S.ACCEPTED: S.AWAITING_SUPPLEMENT,
                           S.HANDED_OVER: S.AWAITING_SUPPLEMENT},
    A.RESUME: {S.AWAITING_SUPPLEMENT: None},
    A.EXTEND: {s: None for s in (*_ACTIVE, S.AWAITING_SUPPLEMENT)},
    A.HAND_OVER: {S.ACCEPTED: S.HANDED_OVER},
    A.RETURN_RESULT: {S.HANDED_OVER: S.RESULT_RETURNED},
    A.FORWARD: {S.ACCEPTED: S.FORWARDED},
    A.FINISH_JOINT_TASK: {S.ACCEPTED: None, S.HANDED_OVER: None, S.RESULT_RETURNED: None},
    A.COMPLETE: {S.ACCEPTED: S.COMPLETED, S.RESULT_RETURNED: S.COMPLETED, S.FORWARDED: S.COMPLETED},
    # Seed 002 §四: a return after acceptance; the applicant may ask for a review (复核), which, upheld, sends the
    # case back to the window's processing (ACCEPTED: the window hands it over again if need be), dismissed,
    # leaves it returned (`review_target`).
    A.RETURN_APPLICATION: {s: S.RETURNED for s in _AT_THE_WINDOW},
    A.REQUEST_REVIEW: {S.RETURNED: S.REVIEW_REQUESTED},
    A.DECIDE_REVIEW: {S.REVIEW_REQUESTED: None},
    # Seed 002 §五: the centre designates an open case urgent; the case stays where it is.
    A.DESIGNATE_URGENT: {s: None for s in (S.REGISTERED, S.AWAITING_SUPPLEMENT, *_ACTIVE)},
    # GB/T 39046 表7 特别程序: the clock pauses, the case stays where it is.
    A.START_SPECIAL_PROCEDURE: {s: None for s in _AT_THE_WINDOW},
    A.END_SPECIAL_PROCEDURE: {s: None for s in _AT_THE_WINDOW},
}

FINAL = frozenset({S.CONSULTATION, S.COMPLETED, S.REJECTED, S.OUT_OF_REMIT, S.RETURNED})
OPEN = frozenset(set(Status) - FINAL)


class IllegalTransition(Exception):
    def __init__(self, action: str, status: str):
        super().__init__(f"{action} is not allowed from {status}")
        self.action, self.status = action, status


def target(action: Action | str, current: Status | str, *, resume_to: Status | str | None = None,
           upheld: bool | None = None) -> Status:
    """The status after `action` from `current`, or IllegalTransition."""
    try:
        action, current = Action(action), Status(current)
    except ValueError as exc:
        raise IllegalTransition(str(action), str(current)) from exc
    table = TRANSITIONS[action]
    if current not in table:
        raise IllegalTransition(action, current)
    nxt = table[current]
    if nxt is None:
        if action is A.DECIDE_REVIEW:
            if upheld is None:
                raise IllegalTransition(action, current)  # the decision picks the target
            return review_target(upheld)
        if action is A.RESUME:
            if not resume_to:
                raise IllegalTransition(action, current)
            return Status(resume_to)
        return current
    return nxt


def review_target(upheld: bool) -> Status:
    """Where a decided review leaves the case: back in processing when the return is overturned, else returned."""
    return S.ACCEPTED if upheld else S.RETURNED


def is_allowed(action: Action | str, current: Status | str) -> bool:
    try:
        return Status(current) in TRANSITIONS[Action(action)]
    except ValueError:
        return False


def allowed_actions(current: Status | str) -> list[Action]:
    current = Status(current)
    return [a for a, table in TRANSITIONS.items() if current in table]
