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


S, A = Status, Action
_ACTIVE = (S.ACCEPTED, S.HANDED_OVER, S.RESULT_RETURNED, S.FORWARDED)

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
}

FINAL = frozenset({S.CONSULTATION, S.COMPLETED, S.REJECTED, S.OUT_OF_REMIT})
OPEN = frozenset(set(Status) - FINAL)


class IllegalTransition(Exception):
    def __init__(self, action: str, status: str):
        super().__init__(f"{action} is not allowed from {status}")
        self.action, self.status = action, status


def target(action: Action | str, current: Status | str, *, resume_to: Status | str | None = None) -> Status:
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
        if action is A.RESUME:
            if not resume_to:
                raise IllegalTransition(action, current)
            return Status(resume_to)
        return current
    return nxt


def allowed_actions(current: Status | str) -> list[Action]:
    current = Status(current)
    return [a for a, table in TRANSITIONS.items() if current in table]
