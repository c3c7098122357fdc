"""A report as an Excel workbook: one sheet of figures with their definitions, one per league table, one per staff
assessment section (scores, warnings, awards: staffops.report_parts), one for the ledger. Every sheet starts with
the same three lines (title, period, generated time) and a blank line, so its column titles are always on row
HEADER_ROW.

Counts are numbers and rates are fractions formatted as percentages, so the sheet can be summed and charted;
a rate with nothing to count is "—", as on the pages. Write-only mode: a ledger may have 20,000 rows.
"""
from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bianmin.core.rates import Rate

from .content import Content, league_headers, ledger_widths

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_ROW = 5
NONE = "—"
PERCENT = "0.0%"


def _cell(ws, value, *, bold: bool = False, number_format: str | None = None, wrap: bool = False):
    cell = WriteOnlyCell(ws, value=value)
    if bold:
        cell.font = Font(bold=True)
    if number_format:
        cell.number_format = number_format
    if wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _sheet(wb: Workbook, title: str, content: Content, headers: list[str], widths: list[int]):
    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.append([_cell(ws, f"{content.title} · {title}", bold=True)])
    ws.append([_("统计期间：%(period)s　报送期限：%(due)s") % {"period": content.period_text,
                                                      "due": content.due.isoformat()}])
    ws.append([_("生成时间：%(at)s") % {"at": content.generated_text}])
    ws.append([])
    ws.append([_cell(ws, h, bold=True) for h in headers])
    return ws


def _value(ws, row):
    """A figure as a cell: a count as a number, a rate or share as a percentage, nothing to count as "—"."""
    raw = row.raw
    if isinstance(raw, Rate):
        raw = raw.value
    if raw is None:
        return NONE
    # Shares that are not Rates (e.g. time compression) are displayed with "%" by metrics.display.
    if isinstance(row.raw, Rate) or (isinstance(raw, float) and row.value.endswith("%")):
        return _cell(ws, raw, number_format=PERCENT)
    return raw


def _figures(wb: Workbook, content: Content) -> None:
    ws = _sheet(wb, _("指标"), content, [_("指标"), _("数值"), _("分子"), _("分母"), _("口径"), _("代码")],
                [16, 12, 10, 10, 80, 18])
    for r in content.figures:
        parts = [r.raw.numerator, r.raw.denominator] if isinstance(r.raw, Rate) else ["", ""]
        ws.append([r.label, _value(ws, r), *parts, _cell(ws, r.definition, wrap=True), r.key])


def _league(wb: Workbook, content: Content, league) -> None:
    ws = _sheet(wb, league.title, content, league_headers(), [6, 30, 10, 10, 10, 10, 14, 12])
    for e in league.entries:
        ws.append([e["rank"], e["name"], e["ratings"], e["good"], e["bad"],
                   _cell(ws, e["good_rate"], number_format=PERCENT),
                   _cell(ws, e["wilson_lower"], number_format=PERCENT),
                   e["satisfaction_index"] if e["satisfaction_index"] is not None else NONE])
    if not league.entries:
        ws.append([_("本期无评价。")])


def _section(wb: Workbook, content: Content, section: dict) -> None:
    """A sheet of the staff assessment (scores, warnings, awards): plain rows as staffops gave them."""
    ws = _sheet(wb, section["title"], content, section["headers"], section["widths"])
    # The note (which assessment month) goes below the table: the column titles stay on HEADER_ROW.
    for row in section["rows"]:
        ws.append(row)
    if not section["rows"]:
        ws.append([section["empty"]])
    ws.append([])
    ws.append([section.get("note", "")])


def _ledger(wb: Workbook, content: Content) -> None:
    ws = _sheet(wb, _("整改台账"), content, content.ledger_headers, ledger_widths(content.ledger_headers))
    for row in content.ledger_rows:
        ws.append(row)
    if not content.ledger_rows:
        ws.append([_("本期无差评整改工单。")])
    elif content.ledger_total > len(content.ledger_rows):
        ws.append([_("仅列出前 %(shown)s 件，共 %(total)s 件。") % {"shown": len(content.ledger_rows),
                                                          "total": content.ledger_total}])


def workbook_bytes(content: Content) -> bytes:
    wb = Workbook(write_only=True)
    _figures(wb, content)
    for league in content.leagues:
        _league(wb, content, league)
    for section in content.sections:
        _section(wb, content, section)
    _ledger(wb, content)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
