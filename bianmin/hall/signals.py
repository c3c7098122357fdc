"""What the hall tells other apps, without importing them (issue 14: no import cycles; staff assessment depends on
the hall, never the other way round)."""
from __future__ import annotations

from django.dispatch import Signal

# Attendance facts changed: sent with `pairs`, a set of (staff id, local date) whose punches or approved leave
# changed (a clock-in import, a leave decision). Staff assessment re-derives those months' deductions.
attendance_changed = Signal()
