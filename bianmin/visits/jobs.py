"""The worker's sweep for village proxy batches (seed 002: village points hand their cases to the township
weekly, on Monday by default)."""
from __future__ import annotations


def build_proxy_batches() -> int:
    """On each township's batch weekday, one batch per station of it with the cases registered before that day."""
    from . import batches

    return batches.build_due_batches()
