"""Honesty checks (SPEC §5 "no coercion"): flag ratings that look staged, for a supervisor to review.

Run by the worker over ratings not yet checked, so the rating endpoint itself stays one INSERT. A flag
never hides or discounts a rating: it stays stored, counted and visible, with the flag beside it.
- device_burst: more than DEVICE_BURST_COUNT ratings from one device within DEVICE_BURST_SECONDS;
- phone_burst: more than PHONE_BURST_COUNT ratings from one phone within PHONE_BURST_SECONDS;
- window_rapid: two on-site ratings at one window within WINDOW_RAPID_SECONDS of each other (no two
  people are served in a few seconds).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction

from .models import Channel, FlagKind, Rating, RatingFlag

BATCH = 500
ON_SITE = (Channel.WINDOW_DEVICE, Channel.HALL_TABLET)


def _burst(field: str, value, at: dt.datetime, seconds: int, limit: int) -> list[int]:
    """Ids of the ratings sharing `field` in the `seconds` before `at`, if there are more than `limit`."""
    ids = list(Rating.objects.by_people().filter(**{field: value}, created_at__gt=at - dt.timedelta(seconds=seconds),
                                                 created_at__lte=at)
               .values_list("id", flat=True)[: limit + 50])
    return ids if len(ids) > limit else []


def _rapid(window_id: int, at: dt.datetime, rating_id: int, seconds: int) -> list[int]:
    gap = dt.timedelta(seconds=seconds)
    ids = list(Rating.objects.filter(window_id=window_id, channel__in=ON_SITE, created_at__gte=at - gap,
                                     created_at__lte=at + gap).exclude(pk=rating_id).values_list("id", flat=True)[:50])
    return ids + [rating_id] if ids else []


def flags_for(r: Rating) -> dict[str, list[int]]:
    """Which rule each suspicious group broke: kind → ids of the ratings in the group."""
    cfg = settings.BIANMIN
    found: dict[str, list[int]] = {}
    if r.device_id:
        found[FlagKind.DEVICE_BURST] = _burst("device_id", r.device_id, r.created_at, cfg["DEVICE_BURST_SECONDS"],
                                              cfg["DEVICE_BURST_COUNT"])
    if r.rater_phone:
        found[FlagKind.PHONE_BURST] = _burst("rater_phone", r.rater_phone, r.created_at, cfg["PHONE_BURST_SECONDS"],
                                             cfg["PHONE_BURST_COUNT"])
    if r.window_id and r.channel in ON_SITE:
        found[FlagKind.WINDOW_RAPID] = _rapid(r.window_id, r.created_at, r.pk, cfg["WINDOW_RAPID_SECONDS"])
    return {kind: ids for kind, ids in found.items() if ids}


DETAILS = {
    FlagKind.DEVICE_BURST: "同一评价器 {n} 条评价在 {s} 秒内",
    FlagKind.PHONE_BURST: "同一手机号 {n} 条评价在 {s} 秒内",
    FlagKind.WINDOW_RAPID: "同一窗口 {n} 条现场评价间隔不足 {s} 秒",
}
SECONDS = {FlagKind.DEVICE_BURST: "DEVICE_BURST_SECONDS", FlagKind.PHONE_BURST: "PHONE_BURST_SECONDS",
           FlagKind.WINDOW_RAPID: "WINDOW_RAPID_SECONDS"}


def sweep() -> int:
    """Check every unchecked rating; returns how many ratings got a new flag."""
    flagged_total = 0
    while True:
        with transaction.atomic():
            batch = list(Rating.objects.filter(checked=False).order_by("id").select_for_update(skip_locked=True)
                         .only("id", "device_id", "rater_phone", "window_id", "channel", "created_at", "is_default")
                         [:BATCH])
            if not batch:
                return flagged_total
            new_flags = []
            to_flag: set[int] = set()
            for r in batch:
                if r.is_default:
                    continue
                for kind, ids in flags_for(r).items():
                    detail = DETAILS[kind].format(n=len(ids), s=settings.BIANMIN[SECONDS[kind]])
                    new_flags += [RatingFlag(rating_id=i, kind=kind, detail=detail) for i in ids]
                    to_flag.update(ids)
            RatingFlag.objects.bulk_create(new_flags, ignore_conflicts=True)
            if to_flag:
                flagged_total += Rating.objects.filter(pk__in=to_flag, flagged=False).update(flagged=True)
            Rating.objects.filter(pk__in=[r.pk for r in batch]).update(checked=True)
        if len(batch) < BATCH:
            return flagged_total
