"""Helpers for statistics tests: ratings written straight to the table (fast, any day), and an independent
from-scratch computation of what the rollups must contain."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from bianmin.ratings.models import BAD_LEVELS, Rating

TZ = ZoneInfo("Asia/Shanghai")


def raw_rating(site, day: dt.date, level: str, *, hour: int = 10, channel: str = "window_device", stage="complete",
               window=None, staff=None, item=None, real_name=False, is_default=False, excluded=False) -> Rating:
    department = item.accepting_unit if item else None
    return Rating.objects.create(
        level=level, channel=channel, stage=stage, site=site, window=window, staff=staff, item=item,
        department=department, unit_path=site.unit.path if site else "", real_name=real_name,
        is_default=is_default, excluded=excluded,
        created_at=dt.datetime.combine(day, dt.time(hour, 30), tzinfo=TZ))


def expected_rollups() -> set[tuple]:
    """What DailyRollup must hold, computed rating by rating in Python (not with the code under test)."""
    rows: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for r in Rating.objects.exclude(stage="followup"):
        day = r.created_at.astimezone(TZ).date()
        keys = [(dim, getattr(r, field)) for dim, field in
                [("site", "site_id"), ("window", "window_id"), ("staff", "staff_id"), ("item", "item_id"),
                 ("department", "department_id"), ("channel", "channel")] if getattr(r, field) is not None]
        targets = [(day, dim, str(key), r.unit_path, r.site_id or 0) for dim, key in keys]
        parts = [p for p in r.unit_path.strip("/").split("/") if p]
        targets += [(day, "region", p, "/" + "/".join(parts[:i + 1]) + "/", 0) for i, p in enumerate(parts)]
        for target in targets:
            c = rows[target]
            if r.excluded:
                c["excluded"] += 1
            elif r.is_default:
                c["default_good"] += 1
            else:
                c["ratings"] += 1
                c[r.level] += 1
                if r.level in BAD_LEVELS:
                    c["bad"] += 1
                    c["real_name_bad"] += int(r.real_name)
    return {key + tuple(sorted((k, v) for k, v in c.items() if v)) for key, c in rows.items()}


def stored_rollups() -> set[tuple]:
    from bianmin.stats.models import DailyRollup
    from bianmin.stats.rollup import COUNT_FIELDS

    return {(r.day, r.dimension, r.key, r.unit_path, r.site_key)
            + tuple(sorted((f, getattr(r, f)) for f in COUNT_FIELDS if getattr(r, f)))
            for r in DailyRollup.objects.all()}


def expected_monthly() -> set[tuple]:
    """What MonthlyRollup must hold: the expected daily rows of its dimensions added up per month."""
    from bianmin.stats.months import MONTHLY_DIMENSIONS

    sums: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    for day, dim, key, path, site, *counts in expected_rollups():
        if dim in MONTHLY_DIMENSIONS:
            for field, n in counts:
                sums[(day.replace(day=1), dim, key, path, site)][field] += n
    return {key + tuple(sorted(c.items())) for key, c in sums.items()}


def stored_monthly() -> set[tuple]:
    from bianmin.stats.models import MonthlyRollup
    from bianmin.stats.rollup import COUNT_FIELDS

    return {(r.day, r.dimension, r.key, r.unit_path, r.site_key)
            + tuple(sorted((f, getattr(r, f)) for f in COUNT_FIELDS if getattr(r, f)))
            for r in MonthlyRollup.objects.all()}
