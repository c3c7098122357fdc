"""Reactions to other apps' signals (connected in StaffopsConfig.ready()): a clock-in import or a leave decision
re-derives the deductions and warnings of the months it touched, so the score is right when next read (reading
never derives). Everything else (tickets, appeals, findings, cases) is picked up by the worker's sweep."""
from __future__ import annotations

from collections import defaultdict

from bianmin.core import timeutil

from . import facts, scoring


def on_attendance_changed(sender, pairs=(), **kwargs) -> int:
    this_month = scoring.month_start(timeutil.today())
    by_month: dict = defaultdict(set)
    for staff_id, day in pairs:
        month = scoring.month_start(day)
        if month <= this_month:  # leave approved ahead: nothing to derive yet
            by_month[month].add(staff_id)
    return sum(facts.sync_month(month, sorted(ids)) for month, ids in sorted(by_month.items()))
