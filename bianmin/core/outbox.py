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

# rating_route(unit_path) → None, or (link id, row(case_number, stage, rating_id, created_at, site_id, unit_path) →
# the row's routing columns): for the ratings' fast lane, which inserts the row in SQL of its own (issue 20).
RatingRouter = Callable[[str], tuple[int, Callable[..., dict]] | None]

_preparer: Preparer | None = None
_rating_router: RatingRouter | None = None
_row_model: Any = None


def set_writer(preparer: Preparer | None, rating_router: RatingRouter | None = None, row_model: Any = None) -> None:
    """`row_model`: the outbox's model, whose shape (table, columns, defaults) the fast lane's SQL is built from."""
    global _preparer, _rating_router, _row_model
    _preparer, _rating_router, _row_model = preparer, rating_router, row_model


def row_model() -> Any:
    return _row_model


def rating_route(unit_path: str) -> tuple[int, Callable[..., dict]] | None:
    """Where a person's rating given in `unit_path` goes upstream, decided from memory (no query)."""
    return _rating_router(unit_path) if _rating_router is not None else None


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
