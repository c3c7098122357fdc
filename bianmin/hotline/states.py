"""Hotline work-order states and the transitions between them (SPEC §7). Pure Python, no Django.

received ─answer (answered at intake, counts for first-call resolution)──────────────────────→ closed
received ─dispatch→ dispatched ─accept→ accepted ─reply→ replied ─revisit→ revisited ─close→ closed
                    dispatched/accepted ─return (reason)→ returned ─dispatch (re-route)→ dispatched
replied ─revisit: reached but not resolved→ accepted (re-opened to the same department)
replied ─revisit: not reached→ replied (another attempt, or close when the caller cannot be reached)
received/dispatched/accepted/returned ─merge→ merged (a duplicate, closed into its master order)
accepted: request_extension / approve_extension / reject_extension keep the status.

First responsibility: the department an order is dispatched to owns it from acceptance until it
replies or returns it; a return needs a reason and only the dispatcher moves the order on.
"""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"  # taken by an agent, not yet dispatched
    DISPATCHED = "dispatched"  # sent to a department, waiting for it to accept (签收)
    ACCEPTED = "accepted"  # the department owns it (首办负责)
    RETURNED = "returned"  # sent back by the department as mis-routed; the dispatcher re-routes it
    REPLIED = "replied"  # the department's answer is in; waiting for the return visit
    REVISITED = "revisited"  # the caller confirmed it resolved
    CLOSED = "closed"
    MERGED = "merged"  # a duplicate, closed into its master order


class Action(StrEnum):
    ANSWER = "answer"
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    RETURN = "return"
    REPLY = "reply"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REJECT_EXTENSION = "reject_extension"
    REVISIT = "revisit"
    CLOSE = "close"
    MERGE = "merge"
    LINK = "link"
    ATTACH = "attach"


S, A = Status, Action
FINAL = frozenset({S.CLOSED, S.MERGED})
OPEN = frozenset(set(Status) - FINAL)
_BEFORE_REPLY = (S.RECEIVED, S.DISPATCHED, S.ACCEPTED, S.RETURNED)

# action → {from status: to status}; None as target means "the status does not change".
TRANSITIONS: dict[Action, dict[Status, Status | None]] = {
    A.ANSWER: {S.RECEIVED: S.CLOSED},
    A.DISPATCH: {S.RECEIVED: S.DISPATCHED, S.RETURNED: S.DISPATCHED},
    A.ACCEPT: {S.DISPATCHED: S.ACCEPTED},
    A.RETURN: {S.DISPATCHED: S.RETURNED, S.ACCEPTED: S.RETURNED},
    A.REPLY: {S.ACCEPTED: S.REPLIED},
    A.REQUEST_EXTENSION: {S.ACCEPTED: None},
    A.APPROVE_EXTENSION: {S.ACCEPTED: None},
    A.REJECT_EXTENSION: {S.ACCEPTED: None},
    A.REVISIT: {S.REPLIED: None},  # the target depends on the outcome, see revisit_target()
    A.CLOSE: {S.REPLIED: S.CLOSED, S.REVISITED: S.CLOSED},
    A.MERGE: {s: S.MERGED for s in _BEFORE_REPLY},
    A.LINK: {s: None for s in Status},  # a repeat call may be linked to any order, open or closed
    A.ATTACH: {s: None for s in OPEN},
}


class IllegalTransition(Exception):
    def __init__(self, action: str, status: str):
        super().__init__(f"{action} is not allowed in status {status}")
        self.action, self.status = action, status


def revisit_target(reached: bool, resolved: bool | None) -> Status:
    """Not reached: still waiting for a visit; resolved: revisited; reached but unresolved: re-opened."""
    if not reached:
        return S.REPLIED
    return S.REVISITED if resolved else S.ACCEPTED


def target(action: Action | str, current: Status | str, *, reached: bool = False,
           resolved: bool | None = None) -> Status:
    """The status after `action` from `current`; IllegalTransition if the table does not allow it."""
    try:
        action, current = Action(action), Status(current)
    except ValueError as exc:
        raise IllegalTransition(str(action), str(current)) from exc
    table = TRANSITIONS[action]
    if current not in table:
        raise IllegalTransition(action, current)
    if action is A.REVISIT:
        return revisit_target(reached, resolved)
    nxt = table[current]
    return current if nxt is None else nxt


def allowed_actions(current: Status | str) -> list[Action]:
    current = Status(current)
    return [a for a, table in TRANSITIONS.items() if current in table]
