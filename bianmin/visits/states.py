"""Home visits (上门服务) and village proxy batches: pure transition tables, no Django, unit-tested without a DB.

Guards that need data (the person sent is staff of the site, a case can be registered) live in services.py and
batches.py and are checked before the move; an action the table does not allow from the current status is an
IllegalTransition (409 in the pages).
"""
from __future__ import annotations

from enum import StrEnum


class IllegalTransition(Exception):
    pass


class VisitStatus(StrEnum):
    REQUESTED = "requested"  # 已登记: someone asked for a visit
    SCHEDULED = "scheduled"  # 已安排: who goes and when is fixed
    DONE = "done"  # 已上门: the visit took place (usually a case was registered there)
    CANCELLED = "cancelled"  # 已取消


class VisitAction(StrEnum):
    SCHEDULE = "schedule"  # also re-schedules a scheduled visit (another day, another person)
    OPEN_CASE = "open_case"  # the visit took place and a case was registered at it
    FINISH = "finish"  # the visit took place without a case (answered on the spot)
    CANCEL = "cancel"


V, VA = VisitStatus, VisitAction
VISIT_TRANSITIONS: dict[VisitAction, dict[VisitStatus, VisitStatus]] = {
    VA.SCHEDULE: {V.REQUESTED: V.SCHEDULED, V.SCHEDULED: V.SCHEDULED},
    VA.OPEN_CASE: {V.SCHEDULED: V.DONE},
    VA.FINISH: {V.SCHEDULED: V.DONE},
    VA.CANCEL: {V.REQUESTED: V.CANCELLED, V.SCHEDULED: V.CANCELLED},
}
VISIT_FINAL = frozenset({V.DONE, V.CANCELLED})


def visit_target(action: VisitAction | str, status: VisitStatus | str) -> VisitStatus:
    try:
        return VISIT_TRANSITIONS[VisitAction(action)][VisitStatus(status)]
    except (KeyError, ValueError):
        raise IllegalTransition(f"{action} is not allowed from {status}") from None


def visit_actions(status: VisitStatus | str) -> list[VisitAction]:
    return [a for a, table in VISIT_TRANSITIONS.items() if VisitStatus(status) in table]


class BatchStatus(StrEnum):
    PREPARED = "prepared"  # 已组批: built by the worker on the batch weekday or by the station's button
    SENT = "sent"  # 已报送: the station handed the box and the sheet over
    RECEIVED = "received"  # 已接收: the township signed for it


class BatchAction(StrEnum):
    SEND = "send"
    RECEIVE = "receive"


B, BA = BatchStatus, BatchAction
BATCH_TRANSITIONS: dict[BatchAction, dict[BatchStatus, BatchStatus]] = {
    BA.SEND: {B.PREPARED: B.SENT},
    BA.RECEIVE: {B.SENT: B.RECEIVED},
}


def batch_target(action: BatchAction | str, status: BatchStatus | str) -> BatchStatus:
    try:
        return BATCH_TRANSITIONS[BatchAction(action)][BatchStatus(status)]
    except (KeyError, ValueError):
        raise IllegalTransition(f"{action} is not allowed from {status}") from None
