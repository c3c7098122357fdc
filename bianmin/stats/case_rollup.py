"""Filling DailyCaseRollup from the cases table (the case half of SPEC §9: coverage, 按时办结率, 即办件比率,
time compression, 一次办结率).

Same rule as rollup.py: a day is recomputed whole from the raw rows and replaced in one transaction, so
anything run twice gives the same rows. Callers hold the StatsCursor lock. Which days to recompute:
- the days of cases completed since the last sweep (less a margin for transactions that committed late);
- the completion days of cases whose ratings are new or changed (a rating makes a case "rated");
- a periodic recount comparing completed/rated counts per day with the raw tables.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate
from django.utils import timezone

from bianmin.cases.models import CaseEvent, SpecialProcedure
from bianmin.cases.states import Action as CaseAction
from bianmin.cases.states import Status as CaseStatus
from bianmin.catalog.models import HandlingType, ItemType
from bianmin.core.clocks import finished_late
from bianmin.core.worktime.clock import LimitUnit
from bianmin.core.worktime.loader import get_calendar

from . import sources
from .models import CaseDimension, DailyCaseRollup, WorkdayOrdinal
from .sources import completed_cases, has_counted_rating

COUNT_FIELDS = ("completed", "late", "instant", "rated", "one_visit", "limit_cases", "used_workdays",
                "statutory_workdays", "returned", "urgent", "urgent_late", "special_workdays")
KEY_FIELDS = {CaseDimension.SITE: "site_id", CaseDimension.WINDOW: "window_id", CaseDimension.ITEM: "item_id"}
def workday_ordinals() -> dict[dt.date, int]:
    """The calendar's working-day numbers (WorkCalendar.working_day_numbers). Dates without one are outside
    the calendar, and their cases count no compression (nobody can say how many working days they used)."""
    return get_calendar().working_day_numbers()


def _refresh_ordinals() -> None:
    """WorkdayOrdinal follows the calendar (which an administrator can change); rewritten only when it
    differs, so a sweep normally pays one small SELECT."""
    wanted = workday_ordinals()
    if dict(WorkdayOrdinal.objects.values_list("day", "ordinal")) != wanted:
        WorkdayOrdinal.objects.all().delete()
        WorkdayOrdinal.objects.bulk_create([WorkdayOrdinal(day=d, ordinal=n) for d, n in wanted.items()],
                                           batch_size=2000)


def _flag(condition: Q | Exists) -> Case:
    return Case(When(condition, then=1), default=0, output_field=IntegerField())


def _ordinal_of(day_field: str) -> Subquery:
    return Subquery(WorkdayOrdinal.objects.filter(day=OuterRef(day_field)).values("ordinal")[:1])


def _counted_cases(days: list[dt.date]):
    """The cases completed on these days, each with its counts as columns (0 or 1, or working days)."""
    supplemented = Exists(CaseEvent.objects.filter(case=OuterRef("pk"), action=CaseAction.REQUEST_SUPPLEMENT))
    limit = F("item__statutory_limit")
    # Time compression (S000:L418) against the statutory limit in working days; hour and minute limits
    # (即办件) have none and stay out of the figure.
    statutory = Case(
        When(item__statutory_unit=LimitUnit.WORKDAYS.value, then=limit),
        # Calendar days at five working days a week, rounded to the nearest day in integer arithmetic
        # (10·limit/14 is never exactly half-way, so no rounding rule can differ between databases).
        When(item__statutory_unit=LimitUnit.DAYS.value, then=(limit * 10 + 7) / 14),
        default=0, output_field=IntegerField())
    cases = (completed_cases().filter(sources.local_days("completed_at", days)).order_by()
             .annotate(c_day=TruncDate("completed_at"), a_day=TruncDate("accepted_at"))
             .annotate(c_ord=_ordinal_of("c_day"), a_ord=_ordinal_of("a_day"), c_statutory=statutory)
             .annotate(c_has_limit=_flag(Q(c_statutory__gt=0, c_ord__isnull=False, a_ord__isnull=False)
                                        # S000:L418 asks it of 行权事项 only: public-service items stay out.
                                        & ~Q(item__item_type=ItemType.PUBLIC_SERVICE))))
    return cases.annotate(
        n_completed=Value(1, output_field=IntegerField()),
        # Late = the case's clock stopped after its due moment (it stops at completion): the clock's own rule,
        # the same as the case page's 逾期完成 and the API's finished_late.
        n_late=_flag(finished_late("clock")),
        n_instant=_flag(Q(handling_type=HandlingType.INSTANT)),
        n_rated=_flag(has_counted_rating()),
        n_one_visit=_flag(~supplemented),
        n_limit_cases=F("c_has_limit"),
        n_used_workdays=Case(When(c_has_limit=1, then=Greatest(F("c_ord") - F("a_ord"), Value(0))), default=0,
                             output_field=IntegerField()),
        n_statutory_workdays=Case(When(c_has_limit=1, then=F("c_statutory")), default=0,
                                  output_field=IntegerField()),
        n_returned=_flag(Q(status__in=(CaseStatus.RETURNED, CaseStatus.REVIEW_REQUESTED))),
        n_urgent=_flag(Q(urgent=True)),
        n_urgent_late=_flag(Q(urgent=True) & finished_late("clock")),
        n_special_workdays=Coalesce(Subquery(
            SpecialProcedure.objects.filter(case=OuterRef("pk")).order_by().values("case")
            .annotate(days=Sum("workdays_used")).values("days")[:1], output_field=IntegerField()), Value(0)))


def write_days(days: list[dt.date]) -> int:
    """Compute and insert the rows of the given local days (after their old rows were deleted), in the
    database: one INSERT … SELECT … GROUP BY per dimension; region rows are derived from the site rows
    (every case has a site), a few per unit and day."""
    _refresh_ordinals()
    cases = _counted_cases(days)
    rename = {"c_day": "day", "c_dimension": "dimension", "c_key": "key", "c_path": "unit_path",
              "c_site": "site_key", **{f"n_{f}": f for f in COUNT_FIELDS}}
    written = 0
    for dimension, field in KEY_FIELDS.items():
        rows = (cases.filter(**{f"{field}__isnull": False})
                .annotate(c_dimension=Value(dimension, output_field=CharField()),
                          c_key=Cast(field, output_field=CharField()), c_path=F("site__unit__path"),
                          c_site=F("site_id"))
                .values("c_day", "c_dimension", "c_key", "c_path", "c_site")
                .annotate(**{f"n_{f}": Sum(f"n_{f}") for f in COUNT_FIELDS}))
        written += sources.insert_from(DailyCaseRollup, rows, rename=rename)
    return written + sources.write_region_rows(DailyCaseRollup, days, CaseDimension.SITE, COUNT_FIELDS)


def replace_days(days: Iterable[dt.date]) -> int:
    return sources.replace_days(DailyCaseRollup, write_days, days)


def completion_days_of(case_ids: Iterable[int]) -> set[dt.date]:
    ids = list({i for i in case_ids if i})
    days: set[dt.date] = set()
    for i in range(0, len(ids), 1000):
        days |= {timezone.localdate(at) for at in completed_cases().filter(pk__in=ids[i:i + 1000])
                 .values_list("completed_at", flat=True)}
    return days


def completed_since(moment: dt.datetime) -> set[dt.date]:
    return {timezone.localdate(at) for at in completed_cases().filter(completed_at__gte=moment)
            .values_list("completed_at", flat=True).distinct()}


def dirty_days(since: dt.date) -> list[dt.date]:
    """Days from `since` on whose completed or rated counts differ between the raw tables and the rollup."""
    raw = {r["day"]: (r["n"], r["rated_n"]) for r in completed_cases().filter(completed_at__date__gte=since)
           .annotate(day=TruncDate("completed_at"), is_rated=has_counted_rating()).order_by().values("day")
           .annotate(n=Count("id"), rated_n=Count("id", filter=Q(is_rated=True)))}
    rolled = {r["day"]: (r["n"], r["rated_n"]) for r in DailyCaseRollup.objects.filter(
        dimension=CaseDimension.SITE, day__gte=since).order_by().values("day")
        .annotate(n=Sum("completed"), rated_n=Sum("rated"))}
    return sorted(day for day in raw.keys() | rolled.keys() if raw.get(day) != rolled.get(day))


def span() -> tuple[dt.date | None, dt.date | None]:
    raw = completed_cases().aggregate(lo=Min("completed_at"), hi=Max("completed_at"))
    rolled = DailyCaseRollup.objects.aggregate(lo=Min("day"), hi=Max("day"))
    los = [d for d in (raw["lo"] and timezone.localdate(raw["lo"]), rolled["lo"]) if d]
    his = [d for d in (raw["hi"] and timezone.localdate(raw["hi"]), rolled["hi"]) if d]
    return (min(los) if los else None, max(his) if his else None)
