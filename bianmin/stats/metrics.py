"""Figures for a unit subtree (or one site) and a period, read from the rollups (SPEC §9).

Rating counts come from DailyRollup and case figures (coverage, on time, 即办件, compression, one visit)
from DailyCaseRollup; only the open overdue cases are counted live (open cases are few), and 即办件比率 is
read from the catalogue (the hall's items, as seed 000 defines it). The rectification
and hotline rates reuse bianmin.rectification.figures and bianmin.hotline.figures so that the stats page and
those pages can never disagree. Every figure has its label in LABELS and its definition in DEFINITIONS.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Sum
from django.utils.translation import gettext_lazy as _

from bianmin.cases.models import Case
from bianmin.catalog.models import HandlingType, Item, ItemType
from bianmin.core import timeutil
from bianmin.core.clocks import overdue_now
from bianmin.core.rates import Rate
from bianmin.hotline import figures as hotline_figures
from bianmin.hotline.models import WorkOrder
from bianmin.orgs.models import Site, Unit
from bianmin.ratings.models import LEVEL_SCORES, Level, good_in
from bianmin.rectification import figures as rectification_figures
from bianmin.rectification.models import Appeal, ContactAttempt, Ticket

from .models import CaseDimension, DailyCaseRollup, DailyRollup, Dimension

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
    "revisit_rectified_rate": _("实名差评回访整改率：实名差评工单中既已回访联系上评价人、又已整改（待反馈、已反馈、已办结）的"
                                "工单数 ÷ 实名差评工单数，均不含经审核认定的误评/恶意差评（要求达到 100%）。"),
    "rectified_on_time_rate": _("差评按时整改率：回访核实和整改反馈均在时限内完成的差评工单数 ÷ 已完成整改反馈的差评工单数。"),
    "on_time_rate": _("按时办结率：期间内办结的办件中在承诺时限内办结的件数 ÷ 期间内办结的办件数。"),
    "overdue": _("超期件数：期间内超过时限才办结的办件数，加上到期日在期间内、至今仍未办结的办件数。"),
    "instant_rate": _("即办件比率：大厅受理的公共服务事项中办件类型为即办件的事项数 ÷ 大厅受理的公共服务事项总数"
                      "（按事项计，取当前事项清单；要求达到 80% 以上）。"),
    "instant_case_share": _("即办件办件占比：期间内办结的办件中即办件的件数 ÷ 期间内办结的办件数（按办件计，供参考）。"),
    "time_compression": _("办理时限压缩率：只计行权事项（公共服务事项除外），1 − 实际办理用时 ÷ 法定时限（按工作日计，"
                          "自受理至办结，按自然日计的法定时限按每周五个工作日折算；要求达到 60% 以上）。"),
    "one_visit_rate": _("办件一次办结率：期间内办结的办件中未要求补正材料的件数 ÷ 期间内办结的办件数。"),
    "returned": _("退回件数：期间内作退回件处理（受理后经审查不具备条件，书面说明原因退回）的办件数，含申请复核中的。"),
    "urgent_on_time_rate": _("急办件按时办结率：期间内办结的急办件中在急办时限内办结的件数 ÷ 期间内办结的急办件数。"),
    "special_procedure_days": _("特别程序用时：期间内办结的办件因专家评审、公告、现场勘察、听证、检验检测检疫等特别程序"
                                "暂停计时的工作日数之和（不计入办理时限）。"),
    "hotline_response_rate": hotline_figures.DEFINITIONS["response_rate"],
    "hotline_resolution_rate": hotline_figures.DEFINITIONS["resolution_rate"],
    "hotline_satisfaction_rate": hotline_figures.DEFINITIONS["satisfaction_rate"],
    "hotline_first_call_rate": hotline_figures.DEFINITIONS["first_call_resolution_rate"],
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

    def case_rollups(self):
        if self.site:
            return DailyCaseRollup.objects.filter(dimension=CaseDimension.SITE, key=str(self.site.pk))
        return DailyCaseRollup.objects.filter(dimension=CaseDimension.REGION, key=str(self.unit.pk))

    def work_orders(self):
        """Hotline orders are filed against a region, not a service site: a site has none of its own."""
        return WorkOrder.objects.none() if self.site else WorkOrder.objects.filter(
            unit_path__startswith=self.unit.path)

    @property
    def name(self) -> str:
        return self.site.name if self.site else self.unit.name

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
    revisit_rectified_rate: Rate
    # The revisit rate alone: not a figure of its own on the pages (seed 001 asks for the combined one above),
    # kept for the API's clients (issue 7's contract names `revisit_rate`).
    revisit_rate: Rate
    rectified_on_time_rate: Rate
    on_time_rate: Rate
    overdue: int
    instant_rate: Rate
    instant_case_share: Rate
    time_compression: float | None
    one_visit_rate: Rate
    returned: int
    urgent_on_time_rate: Rate
    special_procedure_days: int
    hotline_response_rate: Rate
    hotline_resolution_rate: Rate
    hotline_satisfaction_rate: Rate
    hotline_first_call_rate: Rate


_SCORED_FIELDS = [(f, LEVEL_SCORES[Level(f)]) for f in LEVEL_FIELDS]  # looked up once: league tables call
# this for every one of a province's ~9,000 staff


def satisfaction_index(counts: dict) -> float | None:
    total = sum(counts[f] for f in LEVEL_FIELDS)
    if not total:
        return None
    return round(sum(score * counts[f] for f, score in _SCORED_FIELDS) / total, 1)


def rating_counts(target: Target, date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    fields = ["ratings", "bad", "default_good", *LEVEL_FIELDS]
    sums = target.rollups().filter(day__gte=date_from, day__lte=date_to).aggregate(**{f: Sum(f) for f in fields})
    return {f: sums[f] or 0 for f in fields}


def case_counts(target: Target, date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    from .case_rollup import COUNT_FIELDS

    sums = target.case_rollups().filter(day__gte=date_from, day__lte=date_to).aggregate(
        **{f: Sum(f) for f in COUNT_FIELDS})
    return {f: sums[f] or 0 for f in COUNT_FIELDS}


def open_overdue(target: Target, date_from: dt.date, date_to: dt.date) -> int:
    """Cases overdue now whose due moment fell within the period (live: open cases are few; the clock's own rule,
    core.clocks.overdue_now, so a finished case never counts here)."""
    return target.cases().filter(overdue_now("clock", timeutil.now()), clock__due_at__date__gte=date_from,
                                 clock__due_at__date__lte=date_to).count()


def compression(cases: dict[str, int]) -> float | None:
    if not cases["statutory_workdays"]:
        return None
    return round(1 - cases["used_workdays"] / cases["statutory_workdays"], 4)


def revisit_rectified(target: Target, date_from: dt.date, date_to: dt.date) -> Rate:
    """实名差评回访整改率 (S001:L43, 100 %): one figure, not the revisit rate and the rectification rate side by
    side — a real-name ticket counts only when its rater was reached AND it was rectified. The pieces (what
    "reached", "done" and an approved malicious finding are) are rectification.figures' own."""
    tickets = rectification_figures.in_period(target.tickets(), "created_at", date_from, date_to).filter(
        real_name=True).exclude(rectification_figures.MALICIOUS)
    reached = Exists(ContactAttempt.objects.filter(ticket=OuterRef("pk"), reached=True))
    return Rate(tickets.filter(reached, status__in=rectification_figures.DONE).count(), tickets.count())


def hall_items(target: Target):
    """The public-service items the hall (the target's sites) accepts: those of its windows."""
    windows = {"windows__site": target.site} if target.site else {
        "windows__site__unit__path__startswith": target.unit.path}
    return Item.objects.filter(item_type=ItemType.PUBLIC_SERVICE, **windows).distinct()


def instant_items(target: Target) -> Rate:
    """即办件比率 (S000:L418, ≥ 80 %): 即办件 *items* ÷ the hall's public-service items — a property of the
    catalogue the hall offers now, not of the cases of a period (their share is instant_case_share)."""
    items = hall_items(target)
    return Rate(items.filter(handling_type=HandlingType.INSTANT).count(), items.count())


def summary(target: Target, date_from: dt.date, date_to: dt.date) -> Summary:
    counts = rating_counts(target, date_from, date_to)
    cases = case_counts(target, date_from, date_to)
    good = good_in(counts)
    figs = rectification_figures.compute(target.tickets(), target.appeals(), date_from, date_to)
    hotline = hotline_figures.compute(target.work_orders(), None, date_from, date_to)
    completed = cases["completed"]
    return Summary(
        ratings=counts["ratings"], good=good, bad=counts["bad"], default_good=counts["default_good"],
        good_rate=Rate(good, counts["ratings"]), bad_rate=Rate(counts["bad"], counts["ratings"]),
        satisfaction_index=satisfaction_index(counts), coverage=Rate(cases["rated"], completed),
        rectified_rate=figs.rectification, revisit_rectified_rate=revisit_rectified(target, date_from, date_to),
        revisit_rate=figs.revisit,        rectified_on_time_rate=figs.on_time,
        on_time_rate=Rate(completed - cases["late"], completed),
        overdue=cases["late"] + open_overdue(target, date_from, date_to),
        instant_rate=instant_items(target), instant_case_share=Rate(cases["instant"], completed),
        time_compression=compression(cases),
        one_visit_rate=Rate(cases["one_visit"], completed),
        returned=cases["returned"],
        urgent_on_time_rate=Rate(cases["urgent"] - cases["urgent_late"], cases["urgent"]),
        special_procedure_days=cases["special_workdays"],
        hotline_response_rate=hotline.response, hotline_resolution_rate=hotline.resolution,
        hotline_satisfaction_rate=hotline.satisfaction, hotline_first_call_rate=hotline.first_call_resolution,
    )


# Label of every figure, in display order: pages, reports and the public portal list figures through
# rows() so a new figure appears everywhere at once.
LABELS = {
    "ratings": _("评价数"), "good": _("好评数"), "bad": _("差评数"), "good_rate": _("好评率"),
    "bad_rate": _("差评率"), "satisfaction_index": _("满意度指数"), "coverage": _("评价覆盖率"),
    "rectified_rate": _("差评整改率"), "revisit_rectified_rate": _("实名差评回访整改率"),
    "rectified_on_time_rate": _("差评按时整改率"), "on_time_rate": _("按时办结率"), "overdue": _("超期件数"),
    "instant_rate": _("即办件比率"), "instant_case_share": _("即办件办件占比"), "time_compression": _("办理时限压缩率"),
    "one_visit_rate": _("办件一次办结率"),
    "returned": _("退回件数"), "urgent_on_time_rate": _("急办件按时办结率"),
    "special_procedure_days": _("特别程序用时（工作日）"),
    "hotline_response_rate": _("热线响应率"), "hotline_resolution_rate": _("热线解决率"),
    "hotline_satisfaction_rate": _("热线满意率"), "hotline_first_call_rate": _("热线一次办结率"),
    "default_good": _("默认好评"),
}


@dataclass(frozen=True)
class MetricRow:
    key: str
    label: str
    value: str  # as displayed: a count, "95.2%", "—" when there is nothing to count
    raw: object  # int, float, Rate or None
    definition: str

    @property
    def is_rate(self) -> bool:
        """Only a rate has a numerator and a denominator worth showing ("(12 / 13)"); a plain count is just a
        number (Python ints have .numerator and .denominator too, which once printed "13 (13 / 1)")."""
        return isinstance(self.raw, Rate)


# Plain shares (not Rate): shown as percentages too.
SHARES = {"time_compression"}


def display(value, key: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, Rate):
        return value.percent
    if key in SHARES:
        return f"{value * 100:.1f}%"
    return str(value)


def rows(s: Summary, keys: list[str] | None = None) -> list[MetricRow]:
    return [MetricRow(key, str(LABELS[key]), display(getattr(s, key), key), getattr(s, key),
                      str(DEFINITIONS[key])) for key in (keys or LABELS)]


def as_numbers(s: Summary) -> dict:
    """Every figure as a JSON number: rates as their share (0..1) or None."""
    return {key: (v.value if isinstance(v, Rate) else v) for key in LABELS for v in [getattr(s, key)]}
