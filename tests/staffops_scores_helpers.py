"""Deduction and warning rows made directly (as staffops.facts would derive them), for the score and warning tests
of tests/test_staffops_scores_*.py."""
from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from bianmin.staffops.models import Deduction, EfficiencyWarning

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)  # a Friday in November 2026
_keys = itertools.count(1)


def deduction(site, *, staff=None, window=None, code="late", label="迟到", points=1, at=NOW, source="attendance",
              reversed=False, reason="", **extra) -> Deduction:
    at = at.astimezone(TZ)
    return Deduction.objects.create(
        site=site, staff=staff, window=window, rule_code=code, rule_label=label, points=points, at=at,
        month=at.date().replace(day=1), source=source, source_key=f"test:{next(_keys)}:{at.isoformat()}",
        created_at=at, reversed=reversed, reversed_at=at if reversed else None, reversed_reason=reason,
        hits_person=staff is not None, hits_window=window is not None, **extra)


def warning(site, staff=None, *, unit=None, at=NOW, reason="11月迟到4次", kind="personal",
            reason_code="late_early") -> EfficiencyWarning:
    n = next(_keys)
    return EfficiencyWarning.objects.create(
        number=f"XNGJ-T{n:05d}", kind=kind, reason_code=reason_code, reason=reason, staff=staff,
        unit=unit or (staff.origin_unit if staff else site.unit), site=site, at=at,
        period=at.astimezone(TZ).date().replace(day=1), source_key=f"test-warning:{n}")
