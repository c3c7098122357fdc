"""The assessment sections of a report (issue 17 §7), given to bianmin.reports through core.award_parts: the league
by points of windows and staff (monthly reports), the efficiency warnings and the awards of the assessment
month(s). Each section is plain data: {"title", "note", "headers", "widths", "rows", "empty"}, the same shape for
the Excel sheet and the PDF table; "note" names the assessment month(s). Rows hold names and work ids only (no
phone, no ID number)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from . import league, scoring
from .models import Award, EfficiencyWarning

MAX_ROWS = 2000  # a province's monthly report: the Excel sheet stays readable


def assessed_months(kind: str, date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last assessment month a report shows. Scores are kept per calendar month and a monthly report
    may cover 29 September – 28 October (reports.calendar): it shows the last calendar month that had ended by its
    last day (September), whose scores and awards are final; other reports the months they overlap."""
    if kind == "monthly":
        month = scoring.month_start(scoring.month_start(date_to + dt.timedelta(days=1)) - dt.timedelta(days=1))
        return month, month
    return scoring.month_start(date_from), scoring.month_start(date_to)


def _scores(unit, month: dt.date) -> list[dict]:
    windows = league.windows(month, unit=unit)[:MAX_ROWS]
    people = league.staff(month, unit=unit)[:MAX_ROWS]
    flag = _("流动红旗")
    when = _("考核月份：%(month)s") % {"month": month.strftime("%Y-%m")}
    return [
        {"title": _("窗口考核得分排名"), "note": when,
         "headers": [_("名次"), _("服务场所"), _("窗口"), _("得分"), _("评优")], "widths": [6, 28, 28, 8, 10],
         "rows": [[e["rank"], e["site_name"], e["name"], e["points"], flag if e["red_flag"] else ""] for e in windows],
         "empty": _("本期无窗口。")},
        {"title": _("工作人员考核得分排名"), "note": when, "headers": [_("名次"), _("工作人员"), _("得分")],
         "widths": [6, 30, 8],
         "rows": [[e["rank"], e["name"], e["points"]] for e in people], "empty": _("本期无窗口工作人员。")},
    ]


def _warnings(unit, first: dt.date, last: dt.date) -> dict:
    rows = (EfficiencyWarning.objects.filter(unit__path__startswith=unit.path, withdrawn=False,
                                             period__gte=first, period__lte=last)
            .select_related("staff", "unit", "site").order_by("at", "pk")[:MAX_ROWS])
    return {"title": _("效能告诫"),
            "headers": [_("告诫书编号"), _("类型"), _("被告诫人/科室"), _("服务场所"), _("事由"), _("告诫时间"), _("签收")],
            "widths": [18, 14, 20, 24, 40, 16, 8],
            "rows": [[w.number, w.get_kind_display(), str(w.staff) if w.staff else w.unit.name,
                      w.site.name if w.site else "", w.get_reason_code_display(),
                      timezone.localtime(w.at).strftime("%Y-%m-%d"), _("已签收") if w.acknowledged_at else _("未签收")]
                     for w in rows],
            "empty": _("本期无效能告诫。")}


def _awards(unit, first: dt.date, last: dt.date) -> dict:
    rows = (Award.objects.filter(site__unit__path__startswith=unit.path, period__gte=first, period__lte=last)
            .select_related("site", "window", "staff").order_by("period", "kind", "site__unit__path", "rank"))
    return {"title": _("评优结果"), "headers": [_("考核期"), _("奖项"), _("服务场所"), _("获奖窗口/人员"), _("得分")],
            "widths": [10, 18, 28, 28, 8],
            "rows": [[a.period.strftime("%Y") if a.kind in (Award.Kind.ANNUAL_UNIT, Award.Kind.ANNUAL_PERSON)
                      else a.period.strftime("%Y-%m"), a.get_kind_display(), a.site.name,
                      str(a.window) if a.window else str(a.staff) if a.staff else "", float(a.points)]
                     for a in rows[:MAX_ROWS]],
            "empty": _("本期无评优结果。")}


def sections(unit, kind: str, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """The report's assessment sections: a monthly report the scores, warnings and awards of its assessment
    month; other reports the warnings and awards of the months they cover (annual awards in the annual report)."""
    first, last = assessed_months(kind, date_from, date_to)
    when = (_("考核月份：%(month)s") % {"month": first.strftime("%Y-%m")} if first == last else
            _("考核月份：%(first)s 至 %(last)s") % {"first": first.strftime("%Y-%m"), "last": last.strftime("%Y-%m")})
    parts = [_warnings(unit, first, last), _awards(unit, first, last)]
    for part in parts:
        part["note"] = when
    return [*(_scores(unit, first) if kind == "monthly" else []), *parts]
