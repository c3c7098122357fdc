"""The hook through which a domain change reaches the national exchange's outbox (issue 19, SPEC §10).

Ratings, cases, tickets and complaints sit below `bianmin.exchange` and never import it (DESIGN: no app imports a
higher one). They call `outbox.record(kind, obj, event=…)` inside the transaction of their change; the exchange app
registers the one writer at start-up (ExchangeConfig.ready). The writer inserts the outbox row in that same
transaction, so a change and its row commit or roll back together; an error in the writer is not swallowed.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

# prepare(kind, obj, event) → None when no row is due (no upstream for the record's jurisdiction, a kind its
# profile does not take, a rating nobody gave), else a function that inserts the row (called after obj is saved).
Preparer = Callable[[str, Any, str], Callable[[], None] | None]

_preparer: Preparer | None = None


def set_writer(preparer: Preparer | None) -> None:
    global _preparer
    _preparer = preparer


def prepare(kind: str, obj: Any, *, event: str = "") -> Callable[[], None] | None:
    """Whether `obj` must go upstream, decided before it is saved (from memory, no query): the caller that would
    otherwise need no transaction (a rating in autocommit) opens one only when a row is due."""
    return _preparer(kind, obj, event) if _preparer is not None else None


def record(kind: str, obj: Any, *, event: str = "") -> None:
    """Queue `obj` for the upstream platform as a record of `kind` (rating, case_accept, case_special,
    case_complete, rectification, complaint); `event` tells events of the same object apart."""
    write = prepare(kind, obj, event=event)
    if write is not None:
        write()
