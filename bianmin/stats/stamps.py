"""Which days of the rating rollup changed when, so that answers computed from it can be cached for as long
as they are right (SPEC §9: dashboards fast at a province's scale).

rollup.replace_days stamps every day it replaces, in the same transaction. An answer over [date_from,
date_to] is cached under a key that carries the latest stamp of those days (`version`): when any of them is
replaced — the worker's sweep of today, an exclusion after an appeal, a rebuild — the key changes and the
answer is computed again. A closed period (last month, the previous period of a month-over-month change)
keeps its key until a rating in it is excluded.

The version is read before the answer is computed: an answer computed while a replacement commits may be
stored under the older key, which only readers that saw the older state use.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone, translation

from .models import RollupDayStamp

T = TypeVar("T")


def touch(days: Iterable[dt.date]) -> None:
    """Stamp these days as replaced now (wall-clock time: it orders writes, it is not a business time)."""
    now = timezone.now()
    RollupDayStamp.objects.bulk_create([RollupDayStamp(day=d, replaced_at=now) for d in sorted(set(days))],
                                       update_conflicts=True, unique_fields=["day"], update_fields=["replaced_at"])


def version(date_from: dt.date, date_to: dt.date) -> str:
    latest = RollupDayStamp.objects.filter(day__gte=date_from, day__lte=date_to).aggregate(m=Max("replaced_at"))["m"]
    return latest.isoformat() if latest else "-"


def cached(name: str, date_from: dt.date, date_to: dt.date, parts: tuple, compute: Callable[[], T]) -> T:
    """compute(), cached under the period's version, the active language (names are translated) and `parts`
    (what else the answer depends on). BIANMIN["STATS_CACHE_SECONDS"] bounds how long renamed windows or
    staff can keep their old names; 0 turns the cache off."""
    seconds = settings.BIANMIN["STATS_CACHE_SECONDS"]
    if seconds <= 0:
        return compute()
    detail = hashlib.sha256(repr(parts).encode()).hexdigest()[:24]  # a page's ids can be long: keys stay short
    key = ":".join(["stats", name, date_from.isoformat(), date_to.isoformat(), version(date_from, date_to),
                    translation.get_language() or "-", detail])
    hit = cache.get(key)
    if hit is None:
        hit = compute()
        cache.set(key, hit, seconds)
    return hit
