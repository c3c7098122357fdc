"""Daily rollups of ratings (SPEC §9, DESIGN rule 5): dashboards read these, never the raw ratings table."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    SITE = "site", _("服务场所")
    WINDOW = "window", _("窗口")
    STAFF = "staff", _("工作人员")
    ITEM = "item", _("事项")
    DEPARTMENT = "department", _("部门")
    # One row per unit on the rating's unit path (province, city, county, township …), so a subtree's
    # figures for a day are a single row keyed by that unit, whatever its depth.
    REGION = "region", _("区域")
    CHANNEL = "channel", _("评价渠道")


class RollupKey(models.Model):
    """What a rollup row is about: one local calendar day and one key of one dimension, within a unit path
    and a site. Each rollup adds its own `dimension` (with its choices) and its counts."""

    day = models.DateField()
    key = models.CharField(max_length=40)  # the object's id, or the channel code
    unit_path = models.CharField(max_length=255, default="")
    # The site the rows' records belong to (0: none, e.g. an online item rating; always 0 on region rows).
    # Kept so that a centre manager, whose scope is one site and not the unit it hangs off, can be shown
    # the windows, staff and items of that site only. A plain integer, not a foreign key: rollups are
    # derived data and must never block deleting or archiving what they summarise.
    site_key = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class RatingCounts(models.Model):
    """The counts of first ratings (not follow-ups) a rollup row holds, for one key of one dimension."""

    dimension = models.CharField(max_length=12, choices=Dimension.choices)

    # Counted ratings: neither excluded nor default good ratings.
    ratings = models.PositiveIntegerField(default=0)
    very_satisfied = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)
    dissatisfied = models.PositiveIntegerField(default=0)
    very_dissatisfied = models.PositiveIntegerField(default=0)
    bad = models.PositiveIntegerField(default=0)
    real_name_bad = models.PositiveIntegerField(default=0)
    # Reported apart, never part of the counts above (SPEC §5).
    default_good = models.PositiveIntegerField(default=0)
    # Excluded after an approved malicious finding or an upheld appeal; kept so that the sweep can tell
    # when raw data and rollup disagree about a day.
    excluded = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


def _rollup_indexes(prefix: str) -> list[models.Index]:
    return [
        # Pattern operator classes so that PostgreSQL can use the index for `unit_path LIKE '/1/7/%'`
        # under any collation (a county's league tables: ~1 s → ~30 ms at 10 M ratings, see
        # docs/benchmarks.md). Other databases ignore opclasses.
        models.Index(fields=["dimension", "unit_path", "day"], name=f"{prefix}_dim_path_prefix",
                     opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "date_ops"]),
        models.Index(fields=["dimension", "key", "day"], name=f"{prefix}_dim_key_day"),
        models.Index(fields=["dimension", "site_key", "day"], name=f"{prefix}_dim_site_day"),
    ]


class DailyRollup(RollupKey, RatingCounts):
    """Counts of the first ratings of one local calendar day for one key of one dimension.

    `unit_path` is the path of the unit the rows' ratings belong to (for region rows: the key unit's own
    path), so every dimension can be cut to a subtree with one `startswith`. The key is unique together
    with unit_path and site_key because an item, a channel or a staff member can be rated in several
    units and sites on the same day, and a subtree or site query must be able to tell those apart.
    """

    class Meta:
        verbose_name = _("每日评价汇总")
        verbose_name_plural = _("每日评价汇总")
        constraints = [models.UniqueConstraint(fields=["day", "dimension", "key", "unit_path", "site_key"],
                                               name="one_rollup_per_day_key")]
        indexes = [  # as _rollup_indexes (pattern opclasses for subtree queries), with their original names
            models.Index(fields=["dimension", "unit_path", "day"], name="rollup_dim_path_prefix",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "date_ops"]),
            models.Index(fields=["dimension", "key", "day"]),
            models.Index(fields=["dimension", "site_key", "day"])]


class MonthlyRollup(RollupKey, RatingCounts):
    """The DailyRollup rows of one calendar month added up (`day` is the 1st), for the dimensions whose
    league tables and comparisons sum many keys over long periods (months.MONTHLY_DIMENSIONS).

    Derived from DailyRollup only, and brought up to date whenever a day of its month is replaced
    (months.replace_keeping_months), so it can never disagree with the daily rows. A period reads whole months here and its partial first
    and last months from the daily rows: a province's league of 8,800 staff over a year sums ~100,000
    monthly rows instead of 1.5 million daily ones.
    """

    class Meta:
        verbose_name = _("每月评价汇总")
        verbose_name_plural = _("每月评价汇总")
        constraints = [models.UniqueConstraint(fields=["day", "dimension", "key", "unit_path", "site_key"],
                                               name="one_monthly_rollup_per_key")]
        indexes = _rollup_indexes("monthly")


class CaseDimension(models.TextChoices):
    SITE = "site", _("服务场所")
    WINDOW = "window", _("窗口")
    ITEM = "item", _("事项")
    REGION = "region", _("区域")


class DailyCaseRollup(RollupKey):
    """Counts of the counter cases completed on one local calendar day, for one key of one dimension.

    Keys, unit_path and site_key mean what they mean in DailyRollup. A case belongs to the day it was
    completed; `rated` follows its ratings, so a rating or an exclusion arriving later recomputes the
    case's completion day (see case_rollup.py).
    """

    dimension = models.CharField(max_length=12, choices=CaseDimension.choices)

    completed = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)  # completed after the case's due moment
    instant = models.PositiveIntegerField(default=0)  # 即办件
    rated = models.PositiveIntegerField(default=0)  # with a counted rating (not default good, not excluded)
    one_visit = models.PositiveIntegerField(default=0)  # completed without a request for supplements (补正)
    # Time compression (S000:L418): working days used from acceptance to completion, and the item's
    # statutory limit in working days, summed over the cases that have a statutory limit in days.
    limit_cases = models.PositiveIntegerField(default=0)
    used_workdays = models.PositiveBigIntegerField(default=0)
    statutory_workdays = models.PositiveBigIntegerField(default=0)
    # Counter rules (issue 18): cases closed by a return (退回件), urgent cases (急办件) and those of them late, and
    # the working days special procedures (特别程序) paused the closed cases' clocks.
    returned = models.PositiveIntegerField(default=0)
    urgent = models.PositiveIntegerField(default=0)
    urgent_late = models.PositiveIntegerField(default=0)
    special_workdays = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("每日办件汇总")
        verbose_name_plural = _("每日办件汇总")
        constraints = [models.UniqueConstraint(fields=["day", "dimension", "key", "unit_path", "site_key"],
                                               name="one_case_rollup_per_day_key")]
        indexes = [models.Index(fields=["dimension", "key", "day"]),
                   models.Index(fields=["dimension", "site_key", "day"])]


class WorkdayOrdinal(models.Model):
    """Working days numbered from the calendar's first covered day (case_rollup.workday_ordinals), so that
    the database can count the working days a case took as a difference of two numbers. Derived from the
    calendar and rewritten whenever the calendar changes; nothing else reads it."""

    day = models.DateField(primary_key=True)
    ordinal = models.PositiveIntegerField()


class DailyQueueRollup(models.Model):
    """Queue figures of one local day (issue 16 §7): one row per site, window and hour of issue, filled by
    queue_rollup.py from the queue tickets and appointments; the dashboard and the summary API read only this.

    Tickets count on the window that called them (after a transfer: the window they went to), window_key 0
    for tickets no window ever took (still waiting, abandoned) and for the appointments, which are counted on
    the hour of their slot. Durations are kept as sums of seconds so any set of rows adds up to exact averages.
    """

    day = models.DateField()
    site_key = models.BigIntegerField()  # a plain integer, as RollupKey.site_key: derived data blocks nothing
    window_key = models.BigIntegerField(default=0)
    hour = models.PositiveSmallIntegerField()  # local hour the ticket was issued (appointments: slot start)
    unit_path = models.CharField(max_length=255, default="")  # the site's unit path, for subtree queries
    # The site's wait target (HallSettings.wait_target_minutes) when the day was counted: a later change of the
    # target does not rewrite what was within target on past days until they are rebuilt.
    target_minutes = models.PositiveSmallIntegerField(default=30)

    tickets = models.PositiveIntegerField(default=0)  # issued
    green_lane = models.PositiveIntegerField(default=0)  # issued in the green lane (绿色通道)
    called = models.PositiveIntegerField(default=0)  # called at least once (every no-show included)
    waited = models.PositiveIntegerField(default=0)  # called with a recorded first-call time: the wait is known
    wait_seconds = models.PositiveBigIntegerField(default=0)  # issue → first call, summed over `waited`
    wait_max_seconds = models.PositiveIntegerField(default=0)
    waited_in_target = models.PositiveIntegerField(default=0)  # called within target_minutes of issue
    served = models.PositiveIntegerField(default=0)  # finished after a call
    service_seconds = models.PositiveBigIntegerField(default=0)  # first call → finished, summed over `served`
    no_show = models.PositiveIntegerField(default=0)  # skipped as no-show (过号)
    abandoned = models.PositiveIntegerField(default=0)  # left or closed uncalled (已放弃)
    estimated = models.PositiveIntegerField(default=0)  # called tickets that were given a wait estimate range
    estimate_hit = models.PositiveIntegerField(default=0)  # … whose real wait fell inside that range
    appointments = models.PositiveIntegerField(default=0)  # booked for the day (not cancelled or moved)
    appointments_checked_in = models.PositiveIntegerField(default=0)
    appointments_no_show = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("每日排队汇总")
        verbose_name_plural = _("每日排队汇总")
        constraints = [models.UniqueConstraint(fields=["day", "site_key", "window_key", "hour"],
                                               name="one_queue_rollup_per_hour")]
        indexes = [models.Index(fields=["site_key", "day"], name="queue_rollup_site_day"),
                   models.Index(fields=["unit_path", "day"], name="queue_rollup_path_prefix",
                                opclasses=["varchar_pattern_ops", "date_ops"])]


class StatsCursor(models.Model):
    """The single row (pk=1) the rollup sweep locks and advances; holding its lock serialises workers."""

    last_rating_id = models.BigIntegerField(default=0)
    last_recount_at = models.DateTimeField(null=True, blank=True)
    # Cases completed at or after this moment (less a safety margin) have their day recomputed next sweep.
    last_case_sweep_at = models.DateTimeField(null=True, blank=True)
    # The queue rollup's watermarks: tickets, queue events and appointments above these ids have their day
    # recomputed next sweep; the recount compares raw and rolled-up counts at most every STATS_RECOUNT_SECONDS.
    last_ticket_id = models.BigIntegerField(default=0)
    last_queue_event_id = models.BigIntegerField(default=0)
    last_appointment_id = models.BigIntegerField(default=0)
    last_queue_recount_at = models.DateTimeField(null=True, blank=True)


class RollupDayStamp(models.Model):
    """When the DailyRollup rows of a day were last replaced (stamps.py). A cached answer over a period is
    valid while no day of the period has a later stamp: the cache key carries the period's latest stamp."""

    day = models.DateField(primary_key=True)
    replaced_at = models.DateTimeField()

    class Meta:
        verbose_name = _("汇总日更新时间")
        verbose_name_plural = _("汇总日更新时间")
