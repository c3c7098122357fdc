"""Reports a signed-in person may see: those of the units in their statistics scope (bianmin.stats.scope).

The rule is scope.resolve's for a unit, as a query: a superuser sees every unit, a unit membership with
VIEW_STATS covers that unit's subtree, and a membership limited to one site covers no unit (a centre
manager sees the figures of their site, not of the region it belongs to). Anything else is "not found".
"""
from __future__ import annotations

from django.conf import settings

from bianmin.orgs import scoping
from bianmin.stats import scope

from .models import Report
from .services import REPORT_UNIT_KINDS, schedule


def visible_reports(user):
    """Without the files: lists never read them."""
    return Report.objects.for_user(user, scope.ACTION).select_related("unit").defer("excel", "pdf")


def get_report(user, report_id: int) -> Report | None:
    return Report.objects.for_user(user, scope.ACTION).filter(pk=report_id).select_related("unit").first()


def units_for_form(user):
    """Units a person may ask a report for: regions and enterprises in scope, down to the lowest level that
    gets reports on the calendar."""
    conf = settings.BIANMIN
    levels = set(conf["REPORT_UNIT_LEVELS"]) | set(conf["REPORT_QUARTERLY_UNIT_LEVELS"])
    return (scoping.units_for(user, scope.ACTION).filter(kind__in=REPORT_UNIT_KINDS, level__in=levels)
            .order_by("path"))


# ---------------------------------------------------------------- periods without a report

MISSING_UNITS = 20  # units looked at on the page (the form's first ones, broadest first)
MISSING_PERIODS = 24  # periods per kind, newest first, from the earliest day with data on
MISSING_ROWS = 100


def missing(user, today) -> list[dict]:
    """The report periods between the earliest data and the last complete period that have no generated
    report for the units the person may see, each with the reason (issue #15)."""
    from django.utils.translation import gettext as _

    from . import calendar, jobs
    from .models import Kind, period_label

    first = jobs.first_data_day()
    if first is None:
        return []
    units = list(units_for_form(user)[:MISSING_UNITS])
    sched = schedule()
    reasons = {
        Report.Status.NO_DATA: _("无数据：该单位在统计期间内没有评价，也没有办结的办件。"),
        Report.Status.FAILED: _("生成失败：系统会自动重试，也可以用上方表单重新生成。"),
        "waiting": _("待补生成：后台任务会在下一次运行时生成。"),
        "older": _("超出自动补生成范围（每类最近 %(n)d 期）：需要时可用上方表单生成。") % {"n": jobs.BACKFILL_PERIODS},
    }
    rows = []
    for kind, kind_label in Kind.choices:
        kind_units = [u for u in units if u.level in jobs.unit_levels(kind)]
        periods = calendar.complete_since(kind, first, today, sched, MISSING_PERIODS)
        if not kind_units or not periods:
            continue
        window = {(p.date_from, p.date_to) for p in periods[:jobs.BACKFILL_PERIODS]}
        status = {(r["unit_id"], r["period_from"], r["period_to"]): r["status"] for r in Report.objects.filter(
            kind=kind, unit__in=kind_units, period_to__gte=periods[-1].date_to).values(
            "unit_id", "period_from", "period_to", "status")}
        for p in periods:
            for u in kind_units:
                st = status.get((u.pk, p.date_from, p.date_to))
                if st in (Report.Status.GENERATED, Report.Status.PENDING):
                    continue
                reason = st if st else ("waiting" if (p.date_from, p.date_to) in window else "older")
                rows.append({"unit": u, "kind": kind, "kind_label": kind_label,
                             "label": period_label(kind, p.year, p.number), "period": p, "reason_key": reason,
                             "reason": reasons[reason]})
    rows.sort(key=lambda r: (r["period"].date_to, r["kind"]), reverse=True)
    return rows[:MISSING_ROWS]
