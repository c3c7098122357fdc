"""Which status an appointment may go to from which (pure Python, no Django: tested without a database)."""
from __future__ import annotations

BOOKED = "booked"
CHECKED_IN = "checked_in"
SERVED = "served"
CANCELLED = "cancelled"
NO_SHOW = "no_show"
MOVED = "moved"

TRANSITIONS: dict[str, frozenset[str]] = {
    BOOKED: frozenset({CHECKED_IN, SERVED, CANCELLED, NO_SHOW, MOVED}),
    # A checked-in visitor who never answers the calls is a no-show too (the queue's skip).
    CHECKED_IN: frozenset({SERVED, NO_SHOW}),
    SERVED: frozenset(),
    CANCELLED: frozenset(),
    NO_SHOW: frozenset(),
    MOVED: frozenset(),
}

# Statuses that give the place in the slot back.
RELEASES_SEAT = frozenset({CANCELLED, NO_SHOW, MOVED})


def allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
