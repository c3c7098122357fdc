"""The one way a case changes status: `move` sets the new status and writes the CaseEvent history row in the same
transaction (DESIGN rules 1 and 2). Every transition handler (services.py and the counter-rule modules) calls it."""
from __future__ import annotations

from typing import Any

from bianmin.core import outbox

from . import states
from .models import Case, CaseEvent
from .states import Action, Status

MAX_TEXT = 2000
# Moves the upstream platform hears of (GB/T 39046 表6 受理, 表8 办结); special procedures are recorded by
# special_procedures.py, which knows the procedure.
EXCHANGED = {Action.ACCEPT: "case_accept", Action.COMPLETE: "case_complete"}


def record(case: Case, action: str, actor, from_status: str, reason: str = "", data: dict | None = None) -> CaseEvent:
    return CaseEvent.objects.create(case=case, action=action, from_status=from_status, to_status=case.status,
                                    actor=actor, reason=reason[:MAX_TEXT], data=data or {})


def move(case: Case, action: Action, actor, *, reason: str = "", data: dict | None = None,
         fields: dict[str, Any] | None = None, upheld: bool | None = None) -> Case:
    old = case.status
    new: Status = states.target(action, old, resume_to=case.resume_to or None, upheld=upheld)
    for name, value in (fields or {}).items():
        setattr(case, name, value)
    case.status = new.value
    case.save()
    record(case, action.value, actor, old, reason, data)
    if action in EXCHANGED:
        outbox.record(EXCHANGED[action], case)  # in this transaction: the national exchange (SPEC §10)
    return case
