"""Queue ticket state machine: pure Python, no Django, unit-tested without a database.

    waiting ──call──▶ called ──start──▶ serving ──finish──▶ finished
       ▲                │ ▲ recall (cool-down; after max_recalls recalls the next recall is a no-show)
       │                │ └─┘
       │                ├──skip──▶ no_show
       ├──transfer──────┤ (called/serving → waiting at another window, keeping the original place)
       ├──unpark── parked ◀──park── called/serving
       └──abandon──▶ abandoned (end of day: waiting and parked tickets nobody called)

Several services in one visit ("next"): finishing one service with a next item finishes this ticket and opens a
linked ticket (same number, `previous` pointing here) waiting for the next item's windows at the citizen's
original place. Each service thus keeps its own window, clerk, case, times and rating, and the figures count each
wait and service once; the citizen keeps the number in hand and the phone page follows the chain.
"""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    PARKED = "parked"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    ABANDONED = "abandoned"


class Action(StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    SKIP = "skip"
    PARK = "park"
    UNPARK = "unpark"
    TRANSFER = "transfer"
    FINISH = "finish"
    NEXT = "next"  # finish this service and queue the visit's next one (a linked ticket)
    ABANDON = "abandon"


S, A = Status, Action

TRANSITIONS: dict[Action, dict[Status, Status]] = {
    A.CALL: {S.WAITING: S.CALLED},
    A.RECALL: {S.CALLED: S.CALLED},
    A.START: {S.CALLED: S.SERVING},
    A.SKIP: {S.CALLED: S.NO_SHOW},
    A.PARK: {S.CALLED: S.PARKED, S.SERVING: S.PARKED},
    A.UNPARK: {S.PARKED: S.WAITING},
    A.TRANSFER: {S.CALLED: S.WAITING, S.SERVING: S.WAITING},
    A.FINISH: {S.CALLED: S.FINISHED, S.SERVING: S.FINISHED},
    A.NEXT: {S.CALLED: S.FINISHED, S.SERVING: S.FINISHED},
    A.ABANDON: {S.WAITING: S.ABANDONED, S.PARKED: S.ABANDONED},
}

ACTIVE = frozenset({S.WAITING, S.CALLED, S.SERVING, S.PARKED})
FINAL = frozenset({S.FINISHED, S.NO_SHOW, S.ABANDONED})


class IllegalTransition(Exception):
    def __init__(self, action: str, status: str):
        super().__init__(f"{action} is not allowed from {status}")
        self.action, self.status = action, status


class CoolingDown(Exception):
    """A recall sooner than the cool-down after the last call: the display is still showing the number."""

    def __init__(self, seconds_left: int):
        super().__init__(f"recall allowed in {seconds_left} s")
        self.seconds_left = seconds_left


def target(action: Action | str, current: Status | str) -> Status:
    """The status after `action` from `current`, or IllegalTransition."""
    try:
        action, current = Action(action), Status(current)
    except ValueError as exc:
        raise IllegalTransition(str(action), str(current)) from exc
    table = TRANSITIONS[action]
    if current not in table:
        raise IllegalTransition(action, current)
    return table[current]


def allowed(current: Status | str) -> list[Action]:
    """The actions open from `current` (the buttons a clerk's screen offers)."""
    return [action for action, table in TRANSITIONS.items() if current in table]


def recall_outcome(*, recalls: int, max_recalls: int, seconds_since_call: float, cooldown_seconds: int) -> Status:
    """What a recall does: CoolingDown if the last call is too recent; NO_SHOW once the ticket has already been
    recalled `max_recalls` times (the citizen did not come after N recalls); else it stays CALLED (recalled)."""
    if seconds_since_call < cooldown_seconds:
        raise CoolingDown(int(cooldown_seconds - seconds_since_call + 0.999))
    if recalls >= max_recalls:
        return S.NO_SHOW
    return S.CALLED
