"""Statistics API: figures for a unit subtree or a site over a period, read from the daily rollups."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema

from bianmin.core import timeutil
from bianmin.core.auth import STAFF_AUTH
from bianmin.core.errors import InvalidInput
from bianmin.core.rates import Rate

from . import metrics, periods, queue_metrics, ranking, scope
from .schemas import RankingsOut, SummaryOut

router = Router(tags=["stats"], auth=STAFF_AUTH)

DEFAULT_DAYS = periods.DEFAULT_DAYS
MAX_DAYS = 3660  # ten years: longer periods are a typo, not a question


class SummaryFilter(Schema):
    unit: int | None = None
    site: int | None = None
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


def period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """Default: periods.default_period (the last 30 days up to today, local calendar), both ends inclusive;
    a lone end date gets the 30 days up to it."""
    if date_from is None and date_to is None:
        date_from, date_to = periods.default_period()
    date_to = date_to or timeutil.today()
    date_from = date_from or date_to - dt.timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to:
        raise InvalidInput("起始日期不能晚于截止日期。", "`from` must not be after `to`.", field="from")
    if (date_to - date_from).days >= MAX_DAYS:
        raise InvalidInput("统计期间过长（最多十年）。", "The period is too long (ten years at most).", field="from")
    return date_from, date_to


def _target_and_period(request, filters: SummaryFilter):
    """The scoped unit or site and the period both endpoints read (bad input → 422, out of scope → 404)."""
    if filters.unit is not None and filters.site is not None:
        raise InvalidInput("请只指定单位或服务场所之一。", "Give either `unit` or `site`, not both.", field="unit")
    date_from, date_to = period(filters.date_from, filters.date_to)
    return scope.resolve(request.auth, filters.unit, filters.site), date_from, date_to


@router.get("/stats/summary", response=SummaryOut, by_alias=True,
            summary="Rating and rectification figures of a unit subtree or a site",
            description="`unit` (a unit and everything below it) or `site` (one service site); default: the "
                        "broadest unit you may see. `from`/`to` are inclusive dates (default: the last 30 days). "
                        "Rates are numbers between 0 and 1, null when nothing can be counted. Figures reflect "
                        "new ratings after the worker's next sweep. Definitions are in `definitions`.")
def get_summary(request, filters: Query[SummaryFilter]):
    target, date_from, date_to = _target_and_period(request, filters)
    s = metrics.summary(target, date_from, date_to)
    q = queue_metrics.figures(target, date_from, date_to)
    return {
        "unit": target.unit.pk if target.unit else target.site.unit_id,
        "unit_name": target.unit.name if target.unit else target.site.unit.name,
        "site": target.site.pk if target.site else None,
        "from": date_from.isoformat(), "to": date_to.isoformat(),
        **metrics.as_numbers(s),
        "revisit_rate": s.revisit_rate.value,
        # Numerators and denominators, so a reader can check every rate.
        "counts": {**{name: value.as_dict() for name in metrics.LABELS
                      for value in [getattr(s, name)] if isinstance(value, Rate)},
                   **_queue_counts(q)},
        "definitions": {**{k: str(v) for k, v in metrics.DEFINITIONS.items()}, **_queue_definitions()},
        # Queue figures (issue 16 §7) from the queue rollup.
        **queue_metrics.api_fields(q),
    }


def _queue_counts(q: queue_metrics.QueueFigures) -> dict:
    """The queue rates' numerators and denominators, under the summary's key names."""
    return {"wait_within_30min_rate": q.wait_within_target_rate.as_dict(), "no_show_rate": q.no_show_rate.as_dict(),
            **{f"queue.{name}": getattr(q, name).as_dict() for name in queue_metrics.RATES}}


def _queue_definitions() -> dict:
    d = queue_metrics.DEFINITIONS
    return {"wait_within_30min_rate": str(d["wait_within_target_rate"]),
            "average_wait_minutes": str(d["average_wait_minutes"]), "no_show_rate": str(d["no_show_rate"]),
            **{f"queue.{k}": str(v) for k, v in d.items()}}


class RankingFilter(SummaryFilter):
    level: Literal["site", "window", "staff", "department"]
    limit: int = Field(ranking.PAGE_DEFAULT, ge=1, le=ranking.PAGE_MAX)
    offset: int = Field(0, ge=0, le=10**9)


@router.get("/stats/rankings", response=RankingsOut, by_alias=True,
            summary="League table of sites, windows, staff or departments, fair to small samples",
            description="Ranked by the 95 % Wilson lower bound of the good rate, within `unit` (its subtree) or "
                        "`site` (default: the broadest unit you may see), over `from`–`to` (default: last 30 days). "
                        "Only counted ratings (no default good or excluded ratings) enter. Each entry carries its "
                        "change against the period of the same length just before; `red_flag` is the 流动红旗 "
                        "candidate (best entry with at least BIANMIN_RED_FLAG_MIN_RATINGS ratings), wherever it ranks. "
                        "Pages: `limit` entries (default 100, at most 1000) after the first `offset`; `total` is "
                        "the number of entries in the whole table.")
def get_rankings(request, filters: Query[RankingFilter]):
    target, date_from, date_to = _target_and_period(request, filters)
    table = ranking.league_with_change(target, filters.level, date_from, date_to, limit=filters.limit,
                                       offset=filters.offset)
    return {"level": filters.level, "unit": target.unit.pk if target.unit else target.site.unit_id,
            "site": target.site.pk if target.site else None, "from": date_from.isoformat(),
            "to": date_to.isoformat(), "definition": str(ranking.DEFINITION), "total": table.total,
            "limit": filters.limit, "offset": filters.offset, "entries": table.entries, "red_flag": table.red_flag}
