"""The supervisor's ledger (台账) as an Excel workbook: one row per ticket, rater phones masked.

Only masked values ever reach the sheet (DESIGN rule 6): a spreadsheet leaves the system and cannot
be audited afterwards, so there is no unmasked variant; the free-text columns (评价内容, 整改措施, 反馈内容)
have any phone or ID number inside them masked too. The columns are those a rectification ledger is read by:
what was said (评价内容), who answers for it (责任单位, 责任人), what was done (整改措施) and what the rater was
told (反馈内容). Each column has a width in characters so the sheet opens readable; long text wraps.
"""
from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bianmin.core import timeutil
from bianmin.core.masking import mask_phone, mask_text
from bianmin.orgs.people import person

from . import overview
from .models import Ticket

# A ledger far beyond this is a job for the analytics rollups, not for one HTTP response.
MAX_ROWS = 20000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# (title, width in characters, wrapped): a Chinese character is about two characters wide in Excel; long text
# wraps inside its column instead of running across the sheet.
COLUMNS = [
    (gettext_lazy("工单编号"), 20, False), (gettext_lazy("生成时间"), 17, False), (gettext_lazy("来源"), 8, False),
    (gettext_lazy("责任单位"), 20, True), (gettext_lazy("责任场所"), 22, True), (gettext_lazy("责任人"), 18, True),
    (gettext_lazy("评价等级"), 11, False), (gettext_lazy("评价人电话"), 14, False),
    (gettext_lazy("评价内容"), 40, True), (gettext_lazy("回访核实期限"), 17, False),
    (gettext_lazy("整改反馈期限"), 24, True), (gettext_lazy("状态"), 12, False), (gettext_lazy("处理方式"), 14, False),
    (gettext_lazy("整改措施"), 40, True), (gettext_lazy("反馈方式"), 10, False), (gettext_lazy("反馈内容"), 40, True),
    (gettext_lazy("反馈时间"), 17, False), (gettext_lazy("办结时间"), 17, False), (gettext_lazy("是否超期"), 10, False),
]


def headers() -> list[str]:
    """The ledger's column titles; scheduled reports (bianmin/reports) write the same columns with row()."""
    return [str(title) for title, _width, _wrapped in COLUMNS]


def widths() -> list[int]:
    return [width for _title, width, _wrapped in COLUMNS]


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _phone(ticket: Ticket) -> str:
    if ticket.rating_id:
        return mask_phone(ticket.rating.rater_phone)
    return mask_phone(ticket.comment.contact_phone) if ticket.comment_id else ""


def _due(state) -> str:
    """A due moment, marked 暂定 when it lies in a provisional calendar year."""
    if state.due_at is None:
        return ""
    return _when(state.due_at) + (" " + _("暂定") if state.provisional and not state.stopped else "")


def _rectify_due(states: dict) -> str:
    """The rectify limit; for a ledger (台账) ticket also the ledger deadline that runs after the first answer."""
    if "ledger" not in states:
        return _due(states["rectify"])
    return f"{_due(states['rectify'])}；{_('台账')} {_due(states['ledger'])}"


def _lateness(states: dict) -> str:
    """是否超期, by the clocks' one rule: 是 for a step overdue now, 逾期完成 for a step finished late, else 否 (a
    finished step is never overdue; the on-time rate counts the same late steps)."""
    found = overview.lateness(states)
    return _("是") if found == "overdue" else _("逾期完成") if found == "finished_late" else _("否")


def _said(ticket: Ticket) -> str:
    """评价内容: the rater's words (a rating's comment, or the complaint's text), numbers inside masked."""
    if ticket.rating_id:
        return mask_text(ticket.rating.comment) or ""
    if ticket.comment_id:
        return mask_text(ticket.comment.text) or ""
    return ""


def row(ticket: Ticket, now) -> list:
    states = overview.states(ticket, now)
    return [
        ticket.number, _when(ticket.created_at), str(ticket.get_source_display()), ticket.assigned_unit.name,
        ticket.assigned_site.name if ticket.assigned_site_id else "", person(ticket.assignee),
        str(ticket.rating.get_level_display()) if ticket.rating_id else "", _phone(ticket), _said(ticket),
        _due(states["verify"]), _rectify_due(states), str(ticket.get_status_display()),
        str(ticket.get_outcome_display()) if ticket.outcome else "", mask_text(ticket.outcome_note) or "",
        str(ticket.get_feedback_channel_display()) if ticket.feedback_channel else "",
        mask_text(ticket.feedback_text) or "", _when(ticket.feedback_at), _when(ticket.closed_at), _lateness(states),
    ]


def workbook_bytes(tickets: Iterable[Ticket]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("整改台账"))
    titles = headers()
    # Write-only sheets take widths and frozen panes before the first row.
    for i, width in enumerate(widths(), 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "B2"  # the header row and the ticket number stay in view
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    ws.append([_cell(ws, t, font=bold) for t in titles])
    wrapped = {i for i, (_title, _width, wraps) in enumerate(COLUMNS) if wraps}
    now = timeutil.now()
    for ticket in tickets:
        ws.append([_cell(ws, v, alignment=wrap) if i in wrapped else v for i, v in enumerate(row(ticket, now))])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(ws, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def ledger_queryset(tickets):
    return tickets.select_related("rating", "comment", "assigned_unit", "assigned_site", "assignee__staff",
                                  "verify_clock", "rectify_clock", "ledger_clock").prefetch_related(
        "verify_clock__pauses", "rectify_clock__pauses", "ledger_clock__pauses")[:MAX_ROWS]
