"""Bad-review ticket states and the transitions between them (SPEC §6). Pure Python, no Django.

received → assigned (automatic, "谁办理、谁负责") → verifying (a contact attempt is recorded)
→ resolve with one outcome:
    rectified_now (立行立改) → resolved
    explained (解释说明)     → resolved
    ledger (台账, deadline)  → rectifying → (rectified) → resolved
    malicious (误评/恶意差评) → awaiting_approval → (approve_exclusion) → resolved
                                               → (reject_exclusion)  → verifying
→ feedback to the rater (required) → answered → close → closed
A follow-up rating that is still bad reopens a closed or answered ticket (→ verifying) and escalates it.
"""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    VERIFYING = "verifying"
    RECTIFYING = "rectifying"
    AWAITING_APPROVAL = "awaiting_approval"
    RESOLVED = "resolved"
    ANSWERED = "answered"
    CLOSED = "closed"


class Outcome(StrEnum):
    RECTIFIED_NOW = "rectified_now"
    LEDGER = "ledger"
    EXPLAINED = "explained"
    MALICIOUS = "malicious"


class Action(StrEnum):
    ASSIGN = "assign"
    VERIFY = "verify"
    RESOLVE = "resolve"
    PROGRESS = "progress"
    RECTIFIED = "rectified"
    APPROVE_EXCLUSION = "approve_exclusion"
    REJECT_EXCLUSION = "reject_exclusion"
    FEEDBACK = "feedback"
    CLOSE = "close"
    REOPEN = "reopen"
    ESCALATE = "escalate"
    ATTACH = "attach"


S, A = Status, Action
_OPEN = (S.ASSIGNED, S.VERIFYING, S.RECTIFYING, S.AWAITING_APPROVAL, S.RESOLVED, S.ANSWERED)

# action → {from status: to status}; None as target means "the status does not change".
TRANSITIONS: dict[Action, dict[Status, Status | None]] = {
    A.ASSIGN: {S.RECEIVED: S.ASSIGNED},
    A.VERIFY: {S.ASSIGNED: S.VERIFYING, S.VERIFYING: None, S.RECTIFYING: None},
    A.RESOLVE: {S.VERIFYING: None},  # the target depends on the outcome, see target_of()
    A.PROGRESS: {S.RECTIFYING: None},
    A.RECTIFIED: {S.RECTIFYING: S.RESOLVED},
    A.APPROVE_EXCLUSION: {S.AWAITING_APPROVAL: S.RESOLVED},
    A.REJECT_EXCLUSION: {S.AWAITING_APPROVAL: S.VERIFYING},
    A.FEEDBACK: {S.RESOLVED: S.ANSWERED, S.ANSWERED: None},
    A.CLOSE: {S.ANSWERED: S.CLOSED},
    A.REOPEN: {S.ANSWERED: S.VERIFYING, S.CLOSED: S.VERIFYING},
    A.ESCALATE: {s: None for s in _OPEN + (S.RECEIVED,)},
    A.ATTACH: {s: None for s in _OPEN},
}

OUTCOME_TARGET = {
    Outcome.RECTIFIED_NOW: S.RESOLVED,
    Outcome.EXPLAINED: S.RESOLVED,
    Outcome.LEDGER: S.RECTIFYING,
    Outcome.MALICIOUS: S.AWAITING_APPROVAL,
}


class IllegalTransition(Exception):
    def __init__(self, action: Action, status: Status):
        super().__init__(f"{action} is not allowed in status {status}")
        self.action, self.status = action, status


def target_of(action: Action, status: Status, outcome: Outcome | None = None) -> Status:
    """The status after `action` from `status`; IllegalTransition if the table does not allow it."""
    allowed = TRANSITIONS[action]
    if status not in allowed:
        raise IllegalTransition(action, status)
    if action == A.RESOLVE:
        if outcome is None:
            raise ValueError("resolve needs an outcome")
        return OUTCOME_TARGET[outcome]
    target = allowed[status]
    return status if target is None else target


def allowed_actions(status: Status) -> list[Action]:
    return [a for a, table in TRANSITIONS.items() if status in table and a not in (A.ASSIGN, A.REOPEN, A.ESCALATE)]


FINAL = frozenset({S.CLOSED})

