"""Extension points: other apps react to ratings without the ratings app importing them.

The bad-review loop (bianmin.rectification) fills these in its AppConfig.ready().
"""
from __future__ import annotations

from collections.abc import Callable

# Called with each newly stored rating, after it is durable. A failure is logged, never raised: the
# rating is kept and the worker's sweep catches up.
after_store: list[Callable] = []
# Handles a follow-up (追评) token: (claims, RatingInput, channel, idempotency_key) → (rating, created).
followup_submit: Callable | None = None
# What happened to a bad review since (rating → dict for ratings/rate_done.html, or None without a ticket).
rater_progress: Callable | None = None
