"""Figures for a unit subtree (or one site) and a period, read from the rollups (SPEC §9).

Rating counts come from DailyRollup; evaluation coverage from the cases table (a case is covered once it
has a counted rating); the rectification rates reuse bianmin.rectification.figures so that the stats page
and the rectification page can never disagree. Every figure has its definition in DEFINITIONS.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext_lazy as _

from bianmin.cases.models import Case
from bianmin.core.rates import Rate
from bianmin.orgs.models import Site, Unit
from bianmin.ratings.models import LEVEL_SCORES, Level
from bianmin.rectification import figures as rectification_figures
from bianmin.rectification.models import Appeal, Ticket

from .models import DailyRollup, Dimension
from .rollup import counted_ratings

DEFINITIONS = {
    "ratings": _("评价数：期间内的首次评价（不含追评），不含默认好评和经审核不计入统计的评价。"),
    "good": _("好评数：评价为“非常满意”或“满意”的评价数。"),
    "bad": _("差评数：评价为“不满意”或“非常不满意”的评价数。"),
    "good_rate": _("好评率：好评数 ÷ 评价数。"),
    "bad_rate": _("差评率：差评数 ÷ 评价数。"),
    "satisfaction_index": _("满意度指数：非常满意、满意、基本满意、不满意、非常不满意分别按 100、80、60、40、20 分计，"
                            "取全部评价的平均分（0–100）。"),
    "coverage": _("评价覆盖率：期间内办结且有评价（不含默认好评和不计入统计的评价）的办件数 ÷ 期间内办结的办件数。"),
    "rectified_rate": rectification_figures.DEFINITIONS["rectification_rate"],
    "revisit_rate": rectification_figures.DEFINITIONS["revisit_rate"],
    "on_time_rate": rectification_figures.DEFINITIONS["on_time_rate"],
    "default_good": _("默认好评：未评价办件按设置自动计为好评的件数，单独列示，不计入任何满意度指标。"),
}
LEVEL_FIELDS = [level.value for level in Level]


@dataclass(frozen=True)
class Target:
    """What the figures are about: a unit with its whole subtree, or one site only (a centre manager's
    scope: the county centre's manager must not see the township centres hanging below the county)."""

    unit: Unit | None = None
    site: Site | None = None

    def rollups(self):
        if self.site:
            return DailyRollup.objects.filter(dimension=Dimension.SITE, key=str(self.site.pk))
        return DailyRollup.objects.filter(dimension=Dimension.REGION, key=str(self.unit.pk))

    def cases(self):
        return Case.objects.filter(site=self.site) if self.site else Case.objects.filter(
            site__unit__path__startswith=self.unit.path)

    def tickets(self):
        return Ticket.objects.filter(assigned_site=self.site) if self.site else Ticket.objects.filter(
            unit_path__startswith=self.unit.path)

    def appeals(self):
        return Appeal.objects.filter(rating__site=self.site) if self.site else Appeal.objects.filter(
            unit_path__startswith=self.unit.path)


@dataclass(frozen=True)
class Summary:
    ratings: int
    good: int
    bad: int
    default_good: int
    good_rate: Rate
    bad_rate: Rate
    satisfaction_index: float | None
    coverage: Rate
    rectified_rate: Rate
    revisit_rate: Rate
    on_time_rate: Rate


def satisfaction_index(counts: dict) -> float | None:
    total = sum(counts[f] for f in LEVEL_FIELDS)
    if not total:
        return None
    return round(sum(LEVEL_SCORES[Level(f)] * counts[f] for f in LEVEL_FIELDS) / total, 1)


def coverage(target: Target, date_from: dt.date, date_to: dt.date) -> Rate:
    completed = target.cases().filter(completed_at__isnull=False, completed_at__date__gte=date_from,
                                      completed_at__date__lte=date_to)
    rated = Exists(counted_ratings().filter(case=OuterRef("pk"), excluded=False, is_default=False))
    return Rate(completed.filter(rated).count(), completed.count())


def summary(target: Target, date_from: dt.date, date_to: dt.date) -> Summary:
    fields = ["ratings", "bad", "default_good", *LEVEL_FIELDS]
    sums = target.rollups().filter(day__gte=date_from, day__lte=date_to).aggregate(
        **{f: Sum(f) for f in fields})
    counts = {f: sums[f] or 0 for f in fields}
    good = counts[Level.VERY_SATISFIED] + counts[Level.SATISFIED]
    figs = rectification_figures.compute(target.tickets(), target.appeals(), date_from, date_to)
    return Summary(
        ratings=counts["ratings"], good=good, bad=counts["bad"], default_good=counts["default_good"],
        good_rate=Rate(good, counts["ratings"]), bad_rate=Rate(counts["bad"], counts["ratings"]),
        satisfaction_index=satisfaction_index(counts), coverage=coverage(target, date_from, date_to),
        rectified_rate=figs.rectification, revisit_rate=figs.revisit, on_time_rate=figs.on_time,
    )


