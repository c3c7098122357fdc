"""Filling DailyRollup (and, from it, MonthlyRollup) from the ratings table: the worker's incremental sweep
and the on-demand rebuild.

Correctness comes from one rule: a day is always recomputed whole from the raw ratings and its rows
replaced in one transaction, together with the monthly rows of its month, so running anything twice gives
the same rows (idempotent). The rows are computed by the database (INSERT … SELECT … GROUP BY), never
ratings one by one in Python; what each count takes is the ratings app's one definition of a rating that
counts (ratings.models.COUNTED_Q and its siblings), the same Q objects Rating.objects.counted() filters on.
Which days to recompute comes from three sources:

1. ratings with an id above the watermark (StatsCursor.last_rating_id) — new ratings, cheap;
2. ratings excluded (or included again) since the last sweep: ratings.services.exclude records each change
   in RatingExclusion, and those rows are the queue of days to recount (sweep_exclusions), so figures
   follow an upheld appeal at the very next sweep, however old the rating;
3. a periodic recount, the safety net: one GROUP BY over the last BIANMIN["STATS_RECOUNT_DAYS"] days
   comparing, per day, the number of ratings and of excluded ratings in the raw table with the rollup. This
   catches ratings whose ids were handed out before the watermark moved but committed after it (PostgreSQL
   assigns ids before commit) and any change made behind the services' back.

Every write holds the lock on the one StatsCursor row, so two workers (or a worker and a rebuild)
never replace the same day at once; on SQLite the IMMEDIATE transactions serialise them anyway.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, CharField, Count, F, Max, Min, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils import timezone

from bianmin.core import timeutil
from bianmin.ratings.models import BAD_Q, COUNTED_Q, DEFAULT_GOOD_Q, EXCLUDED_Q, Level, Rating, RatingExclusion

from . import case_rollup, months, sources, stamps
from .models import DailyRollup, Dimension, StatsCursor
from .sources import first_ratings

BATCH = 5000  # new ratings per sweep transaction
DAYS_PER_CHUNK = 31  # days recomputed per transaction by the recount

# Dimension → the rating field holding its key. Region rows are derived from unit_path instead.
KEY_FIELDS = {
    Dimension.SITE: "site_id", Dimension.WINDOW: "window_id", Dimension.STAFF: "staff_id",
    Dimension.ITEM: "item_id", Dimension.DEPARTMENT: "department_id", Dimension.CHANNEL: "channel",
}
COUNT_FIELDS = months.COUNT_FIELDS


# How each count is taken from the raw first ratings: the ratings app's definitions, nothing of our own
# (tests/test_ratings_counted_rollup.py checks that the rows agree with Rating.objects.counted() & co.).
# Neither excluded nor default good ratings enter the level counts.
COUNT_FILTERS = {
    "ratings": COUNTED_Q,
    **{level: COUNTED_Q & Q(level=level) for level in Level.values},
    "bad": BAD_Q,
    "real_name_bad": BAD_Q & Q(real_name=True),
    "default_good": DEFAULT_GOOD_Q,
    "excluded": EXCLUDED_Q,
}


def write_days(days: list[dt.date]) -> int:
    """Compute and insert the rows of the given local days (after their old rows were deleted). The
    dimensions are written by INSERT … SELECT … GROUP BY in the database; region rows are derived from the
    channel rows (every rating has a channel, so they see every rating once), a few per unit and day."""
    base = (first_ratings().filter(sources.local_days("created_at", days)).order_by()
            .annotate(r_day=TruncDate("created_at"), r_site=Coalesce("site_id", 0, output_field=BigIntegerField())))
    written = 0
    for dimension, field in KEY_FIELDS.items():
        rows = (base.filter(**{f"{field}__isnull": False})
                .annotate(r_dimension=Value(dimension, output_field=CharField()),
                          r_key=Cast(field, output_field=CharField()))
                .values("r_day", "r_dimension", "r_key", "unit_path", "r_site")
                .annotate(**{f"n_{f}": Count("pk", filter=q) for f, q in COUNT_FILTERS.items()}))
        written += sources.insert_from(DailyRollup, rows, rename={
            "r_day": "day", "r_dimension": "dimension", "r_key": "key", "r_site": "site_key",
            **{f"n_{f}": f for f in COUNT_FILTERS}})
    return written + sources.write_region_rows(DailyRollup, days, Dimension.CHANNEL, COUNT_FIELDS)


def replace_days(days: Iterable[dt.date]) -> int:
    """Recompute and replace the rows of these days, and the monthly rows of their months; call inside the
    cursor lock. Returns the daily rows written."""
    days = sorted(set(days))
    stamps.touch(days)  # answers cached over these days are recomputed from now on
    return months.replace_keeping_months(days, lambda: sources.replace_days(DailyRollup, write_days, days))


def _locked_cursor() -> StatsCursor:
    if not StatsCursor.objects.filter(pk=1).exists():
        try:
            with transaction.atomic():
                StatsCursor.objects.create(pk=1)
        except IntegrityError:  # another worker created it first
            pass
    return StatsCursor.objects.select_for_update().get(pk=1)


CASE_MARGIN = dt.timedelta(minutes=10)  # completions committed this long after their timestamp are still seen


def sweep_new() -> int:
    """Recompute the days of ratings stored since the watermark, and the completion days of their cases
    and of cases completed since the last sweep, in bounded batches."""
    days_done, case_days_done = 0, set()
    while True:
        with transaction.atomic():
            cursor = _locked_cursor()
            batch = list(Rating.objects.filter(pk__gt=cursor.last_rating_id).order_by("pk")
                         .values_list("pk", "created_at", "case_id")[:BATCH])
            if not batch:
                break
            days = {timezone.localdate(created_at) for _, created_at, _ in batch}
            replace_days(days)
            case_days = case_rollup.completion_days_of(case_id for _, _, case_id in batch)
            case_rollup.replace_days(case_days)
            case_days_done |= case_days
            cursor.last_rating_id = batch[-1][0]
            cursor.save(update_fields=["last_rating_id"])
            days_done += len(days) + len(case_days)
        if len(batch) < BATCH:
            break
    return days_done + sweep_completed_cases(skip=case_days_done)


def sweep_completed_cases(skip: set[dt.date] = frozenset()) -> int:
    """Recompute the completion days of cases completed since the last sweep (less CASE_MARGIN), except
    days this sweep has just recomputed: a completion committed after that recompute is younger than the
    margin, so the next sweep still sees it (replacing a busy day of a province costs seconds)."""
    with transaction.atomic():
        cursor = _locked_cursor()
        now = timeutil.now()
        if cursor.last_case_sweep_at is None:
            # First sweep on a database that never had case rollups: everything.
            days = case_rollup.completed_since(dt.datetime.min.replace(tzinfo=dt.UTC))
        else:
            days = case_rollup.completed_since(cursor.last_case_sweep_at - CASE_MARGIN)
        for chunk in _chunks(sorted(days - skip)):
            case_rollup.replace_days(chunk)
        cursor.last_case_sweep_at = now
        cursor.save(update_fields=["last_case_sweep_at"])
    return len(days)


def _chunks(days: list[dt.date]) -> Iterable[list[dt.date]]:
    for i in range(0, len(days), DAYS_PER_CHUNK):
        yield days[i:i + DAYS_PER_CHUNK]


def dirty_days(since: dt.date) -> list[dt.date]:
    """Days from `since` on whose raw totals or excluded counts differ from the rollup's (two GROUP BYs)."""
    raw = {r["day"]: (r["total"], r["exc"]) for r in first_ratings().filter(created_at__date__gte=since)
           .annotate(day=TruncDate("created_at")).order_by().values("day")
           .annotate(total=Count("id"), exc=Count("id", filter=EXCLUDED_Q))}
    rolled = {r["day"]: (r["total"], r["exc"]) for r in DailyRollup.objects.filter(
        dimension=Dimension.CHANNEL, day__gte=since).order_by().values("day")
        .annotate(total=Sum(F("ratings") + F("default_good") + F("excluded")), exc=Sum("excluded"))}
    return sorted(day for day in raw.keys() | rolled.keys() if raw.get(day) != rolled.get(day))


def sweep_exclusions() -> int:
    """Recompute the days of ratings excluded or included since the last sweep: for each RatingExclusion not
    yet recounted, the rating's own day and its case's completion day (an exclusion changes whether the case
    counts as rated). The rows are marked in the same transaction, under the cursor lock; a row committed
    while this runs waits for the next sweep. Bounded batches, like sweep_new."""
    done = 0
    while True:
        with transaction.atomic():
            _locked_cursor()
            batch = list(RatingExclusion.objects.filter(recounted=False).order_by("pk")
                         .values_list("pk", "rating__created_at", "rating__case_id")[:BATCH])
            if not batch:
                break
            days = {timezone.localdate(created_at) for _, created_at, _ in batch}
            case_days = case_rollup.completion_days_of(case_id for _, _, case_id in batch)
            for chunk in _chunks(sorted(days)):
                replace_days(chunk)
            for chunk in _chunks(sorted(case_days)):
                case_rollup.replace_days(chunk)
            RatingExclusion.objects.filter(pk__in=[pk for pk, _, _ in batch]).update(recounted=True)
            done += len(days) + len(case_days)
        if len(batch) < BATCH:
            break
    return done


def recount(force: bool = False) -> int:
    """Repair days neither the watermark nor the exclusion queue can see (late commits, edits made behind the
    services' back), at most every STATS_RECOUNT_SECONDS seconds so a busy worker does not scan a year of
    ratings every sweep."""
    now = timeutil.now()
    interval = dt.timedelta(seconds=settings.BIANMIN["STATS_RECOUNT_SECONDS"])
    with transaction.atomic():
        cursor = _locked_cursor()
        if not force and cursor.last_recount_at and now - cursor.last_recount_at < interval:
            return 0
        since = timezone.localdate(now) - dt.timedelta(days=settings.BIANMIN["STATS_RECOUNT_DAYS"])
        days = dirty_days(since)
        for chunk in _chunks(days):
            replace_days(chunk)
        # An exclusion changes whether a case counts as rated: its completion day follows.
        case_days = set(case_rollup.dirty_days(since))
        if days:
            case_days |= case_rollup.completion_days_of(
                first_ratings().filter(created_at__date__in=days).values_list("case_id", flat=True))
        for chunk in _chunks(sorted(case_days)):
            case_rollup.replace_days(chunk)
        cursor.last_recount_at = now
        cursor.save(update_fields=["last_recount_at"])
    return len(days) + len(case_days)


def sweep() -> int:
    """The worker job: new ratings first (what users wait for), then exclusions, then the periodic repair."""
    return sweep_new() + sweep_exclusions() + recount()


def rebuild(date_from: dt.date | None = None, date_to: dt.date | None = None) -> int:
    """Recompute every day in [date_from, date_to] (default: all days with ratings or rollups)."""
    full = date_from is None and date_to is None
    max_id = Rating.objects.aggregate(m=Max("pk"))["m"] or 0
    rebuild_started = timeutil.now()
    if date_from is None or date_to is None:
        raw = first_ratings().aggregate(lo=Min("created_at"), hi=Max("created_at"))
        rolled = DailyRollup.objects.aggregate(lo=Min("day"), hi=Max("day"))
        case_lo, case_hi = case_rollup.span()
        los = [d for d in (raw["lo"] and timezone.localdate(raw["lo"]), rolled["lo"], case_lo) if d]
        his = [d for d in (raw["hi"] and timezone.localdate(raw["hi"]), rolled["hi"], case_hi) if d]
        date_from = date_from or (min(los) if los else None)
        date_to = date_to or (max(his) if his else None)
    if date_from is None or date_to is None:
        return 0
    total, day = 0, date_from
    while day <= date_to:
        # One calendar month per transaction, so that each month's monthly rows are computed once.
        last = min(months.month_end(day), date_to)
        chunk = [day + dt.timedelta(days=i) for i in range((last - day).days + 1)]
        with transaction.atomic():
            _locked_cursor()
            replace_days(chunk)
            case_rollup.replace_days(chunk)
        total += len(chunk)
        day = chunk[-1] + dt.timedelta(days=1)
    if full:
        # Everything up to max_id is now in the rollup; ratings committed later with smaller ids are found
        # by the recount, so the sweep need not redo the whole history.
        with transaction.atomic():
            cursor = _locked_cursor()
            cursor.last_rating_id = max(cursor.last_rating_id, max_id)
            if cursor.last_case_sweep_at is None:
                cursor.last_case_sweep_at = rebuild_started
            cursor.save(update_fields=["last_rating_id", "last_case_sweep_at"])
    return total
