"""How other apps react to ratings and comments without the ratings app importing them (issue 14: explicit
wiring instead of module-level lists that other apps fill in).

- `rating_stored` and `comment_stored` are Django signals, sent once a new rating or comment is durable, with
  `send_robust`: a receiver that fails is logged, never raised — the row is kept and the worker's sweep repeats
  what the receiver missed (bianmin.rectification opens tickets for bad reviews and complaints this way).
- `followup_submit` and `rater_progress` are answers only the bad-review loop can give (a 追评 through a ticket's
  token; what happened to a bad review since). Each is a `Provider` (bianmin/core/providers.py): one function,
  provided once by the app that owns the answer in its AppConfig.ready(), with a typed signature and a clear
  state when nobody provides it.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from django.dispatch import Signal

from bianmin.core.providers import Provider

logger = logging.getLogger("bianmin.ratings")

# sender=Rating, rating=<the stored Rating>
rating_stored = Signal()
# sender=Comment, comment=<the stored Comment>
comment_stored = Signal()

# (claims, RatingInput, channel, idempotency_key) → (rating, created)
followup_submit: Provider[Callable[..., tuple]] = Provider("followup_submit")
# rating → dict for ratings/rate_done.html, or None when the bad review has no ticket
rater_progress: Provider[Callable[..., dict | None]] = Provider("rater_progress")


def send(signal: Signal, sender, **named) -> None:
    """Send `signal`; a receiver's failure is logged with the row it was about, never raised."""
    for receiver, outcome in signal.send_robust(sender=sender, **named):
        if isinstance(outcome, Exception):
            row = next(iter(named.values()), None)
            logger.error("%s receiver %s failed for %s %s", sender.__name__, getattr(receiver, "__qualname__", receiver),
                         type(row).__name__, getattr(row, "pk", None), exc_info=outcome)
