"""What a report says, independent of the file format: the period's figures, league tables and ledger.

Figures come from bianmin.stats (rollups, DESIGN rule 5) and are listed with metrics.rows(), so a figure the
stats app adds later appears in every report without a change here. The ledger rows are built by the
supervisor's ledger export (rectification.export.row), so both ledgers have the same columns and the same
masking: rater phones are masked there and rater names are not part of the ledger at all.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bianmin.core import award_parts, report_parts
from bianmin.orgs.models import Unit
from bianmin.rectification import export as ledger
from bianmin.rectification.figures import in_period
from bianmin.stats import metrics, ranking

from .models import Kind, period_label

# Relative widths of the ledger's columns (rectification.export.headers), for the Excel sheet and the PDF
# table; if the ledger gains columns, both fall back to even widths.
# League tables in every report, in this order: (ranking level, title).
LEAGUES = (("site", gettext_lazy("服务场所评价排名")), ("window", gettext_lazy("窗口评价排名")))


@dataclass
class League:
    level: str
    title: str
    entries: list[dict]


@dataclass
class Content:
    unit: Unit
    kind: str
    title: str  # "测试县 月报（2025年3月）"
    period_label: str
    date_from: dt.date
    date_to: dt.date
    due: dt.date
    generated_at: dt.datetime
    figures: list[metrics.MetricRow]
    leagues: list[League]
    ledger_headers: list[str]
    ledger_rows: list[list] = field(default_factory=list)
    ledger_total: int = 0  # tickets in the period; more than len(ledger_rows) when the export cap cut it
    # Staff assessment (issue 17 §7, from staffops through core.award_parts): the league by points of a month's
    # report, the efficiency warnings and the awards; then the national exchange's monthly reconciliation (issue 19,
    # core.report_parts); each {"title", "note", "headers", "widths", "rows", "empty"}.
    sections: list[dict] = field(default_factory=list)

    @property
    def period_text(self) -> str:
        return _("%(start)s 至 %(end)s") % {"start": self.date_from.isoformat(), "end": self.date_to.isoformat()}

    @property
    def generated_text(self) -> str:
        return timezone.localtime(self.generated_at).strftime("%Y-%m-%d %H:%M")


def tickets_of(unit: Unit, date_from: dt.date, date_to: dt.date):
    """Bad-review tickets of the unit's subtree created in the period, oldest first (the figures' rule:
    rectification.figures.compute counts tickets by the day they were created)."""
    target = metrics.Target(unit=unit)
    return in_period(target.tickets(), "created_at", date_from, date_to).order_by("created_at", "pk")


def _named(level: str, entries: list[dict]) -> list[dict]:
    """Window numbers repeat from site to site ("1号 综合窗口" in every centre): a county's table names the site."""
    for e in entries:
        if e.get("site_name"):
            e["name"] = f"{e['site_name']} {e['name']}"
    return entries


def build(unit: Unit, kind: str, year: int, number: int, date_from: dt.date, date_to: dt.date, due: dt.date,
          now: dt.datetime) -> Content:
    target = metrics.Target(unit=unit)
    label = period_label(kind, year, number)
    tickets = tickets_of(unit, date_from, date_to)
    return Content(
        unit=unit, kind=kind, period_label=label, date_from=date_from, date_to=date_to, due=due, generated_at=now,
        title=_("%(unit)s %(kind)s（%(period)s）") % {"unit": unit.name, "kind": Kind(kind).label, "period": label},
        figures=metrics.rows(metrics.summary(target, date_from, date_to)),
        leagues=[League(level, str(title), _named(level, ranking.league(target, level, date_from, date_to)))
                 for level, title in LEAGUES],
        ledger_headers=ledger.headers(),
        ledger_rows=[ledger.row(t, now) for t in ledger.ledger_queryset(tickets)],
        ledger_total=tickets.count(),
        sections=[*(award_parts.part(award_parts.report_sections, unit, kind, date_from, date_to) or []),
                  *(award_parts.part(report_parts.exchange_sections, unit, kind, date_from, date_to) or [])],
    )


def ledger_widths(headers: list[str]) -> list[int]:
    """The ledger's column widths are the rectification ledger's own (one table, one set of widths)."""
    widths = ledger.widths()
    return widths if len(widths) == len(headers) else [15] * len(headers)


def league_headers() -> list[str]:
    return [_("名次"), _("名称"), _("评价数"), _("好评数"), _("差评数"), _("好评率"), _("好评率置信下限"), _("满意度指数")]
