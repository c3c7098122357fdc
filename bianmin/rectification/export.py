"""The supervisor's ledger (台账) as an Excel workbook: one row per ticket, rater phones masked.

Only masked values ever reach the sheet (DESIGN rule 6): a spreadsheet leaves the system and cannot
be audited afterwards, so there is no unmasked variant.
"""
from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from bianmin.core import timeutil
from bianmin.core.masking import mask_phone

from . import overview
from .models import Ticket

# A ledger far beyond this is a job for the analytics rollups, not for one HTTP response.
MAX_ROWS = 20000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers() -> list[str]:
    """The ledger's column titles; scheduled reports (bianmin/reports) write the same columns with row()."""
    return [_("工单编号"), _("生成时间"), _("来源"), _("责任单位"), _("责任场所"), _("评价等级"), _("评价人电话"),
            _("回访核实期限"), _("整改反馈期限"), _("状态"), _("处理方式"), _("反馈方式"), _("反馈时间"),
            _("办结时间"), _("是否超期")]


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


def row(ticket: Ticket, now) -> list:
    states = overview.states(ticket, now)
    return [
        ticket.number, _when(ticket.created_at), str(ticket.get_source_display()), ticket.assigned_unit.name,
        ticket.assigned_site.name if ticket.assigned_site_id else "",
        str(ticket.rating.get_level_display()) if ticket.rating_id else "", _phone(ticket),
        _due(states["verify"]), _rectify_due(states), str(ticket.get_status_display()),
        str(ticket.get_outcome_display()) if ticket.outcome else "",
        str(ticket.get_feedback_channel_display()) if ticket.feedback_channel else "", _when(ticket.feedback_at),
        _when(ticket.closed_at), _lateness(states),
    ]


def workbook_bytes(tickets: Iterable[Ticket]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("整改台账"))
    ws.append(headers())
    now = timeutil.now()
    for ticket in tickets:
        ws.append(row(ticket, now))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ledger_queryset(tickets):
    return tickets.select_related("rating", "comment", "assigned_unit", "assigned_site", "verify_clock",
                                  "rectify_clock", "ledger_clock").prefetch_related(
        "verify_clock__pauses", "rectify_clock__pauses", "ledger_clock__pauses")[:MAX_ROWS]
