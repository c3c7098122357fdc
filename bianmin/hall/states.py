"""The leave request's transitions: pure Python, no Django (DESIGN: states.py)."""
from __future__ import annotations

REQUESTED, APPROVED, REJECTED, CANCELLED = "requested", "approved", "rejected", "cancelled"

# (from status, action) → to status. Approve and reject are the manager's; cancel is the requester's own
# (before or after approval: plans change, and an approved leave that will not be taken must free the rota).
TRANSITIONS: dict[tuple[str, str], str] = {
    (REQUESTED, "approve"): APPROVED,
    (REQUESTED, "reject"): REJECTED,
    (REQUESTED, "cancel"): CANCELLED,
    (APPROVED, "cancel"): CANCELLED,
}
MANAGER_ACTIONS = frozenset({"approve", "reject"})
OWNER_ACTIONS = frozenset({"cancel"})
ACTIONS = MANAGER_ACTIONS | OWNER_ACTIONS


def next_status(status: str, action: str) -> str | None:
    """The status after `action`, or None when the action is not allowed from `status`."""
    return TRANSITIONS.get((status, action))
