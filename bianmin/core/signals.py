"""Signals core sends to the apps above it (core never imports them; DESIGN: explicit signals for cross-app reactions).

clock_recomputed(sender=Clock, clock=<Clock>, at=<datetime>)
    Sent inside the transaction that confirmed a year's official holiday schedule (worktime/official.py), once for
    every running clock whose due moment was recomputed under the new calendar, just after it was stored. An owner
    whose other clocks are derived from this one re-derives them here (a case's hand-over return-by date follows the
    case's due date). Clocks owned as a case's `clock` are sent first, so a derived clock recomputed later in the
    same pass starts from the re-derived facts.
"""
from __future__ import annotations

from django.dispatch import Signal

clock_recomputed = Signal()
