"""The four registers (seed 000 四登记) as Excel workbooks, written as rectification.export writes its ledger:
write-only openpyxl, set column widths, a bold header row. Phone numbers are masked and free text has any number
inside masked (DESIGN rule 6): a spreadsheet leaves the system and cannot be audited afterwards."""
from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bianmin.core.masking import mask_phone, mask_text
from bianmin.orgs.people import person

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20000

TITLES = {
    "phone": gettext_lazy("预约电话登记"), "signoff": gettext_lazy("办结签收登记"),
    "proxy": gettext_lazy("代办结果登记"), "visits": gettext_lazy("上门服务登记"),
}


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _phone_row(a) -> list:
    return [_when(a.created_at), a.site.name, a.item.name, a.name, mask_phone(a.phone),
            f"{a.date:%Y-%m-%d} {a.start:%H:%M}-{a.end:%H:%M}", str(a.get_status_display()), person(a.created_by),
            mask_text(a.note) or ""]


def _signoff_row(s) -> list:
    c = s.case
    return [c.number, c.site.name, c.item.name, c.applicant_name, mask_phone(c.applicant_phone), s.received_by,
            str(s.get_relation_display()), _when(s.received_at), str(s.get_method_display()),
            _("有") if s.method == "tablet" else "", s.mail_receipt, person(s.handed_by)]


def _proxy_row(h) -> list:
    c = h.case
    agent = getattr(c, "entrustment", None)
    return [c.number, c.site.name, c.item.name, c.applicant_name, mask_phone(c.applicant_phone),
            agent.agent_name if agent else "", mask_phone(agent.agent_phone) if agent else "",
            str(c.get_status_display()), _when(h.handed_at), h.received_by, str(h.get_how_display()),
            mask_text(h.note) or "", person(h.recorded_by)]


def _visit_row(v) -> list:
    return [_when(v.created_at), v.site.name, v.name, mask_phone(v.phone), mask_text(v.address) or "",
            str(v.get_need_display()), mask_text(v.reason) or "", v.item.name,
            f"{v.wanted_date:%Y-%m-%d} {v.get_wanted_period_display()}", _when(v.scheduled_at),
            person(v.assignee) if v.assignee_id else "", str(v.get_status_display()),
            v.case.number if v.case_id else "", mask_text(v.outcome) or ""]


# (title, width in characters) per register; a Chinese character is about two characters wide in Excel.
COLUMNS: dict[str, list[tuple]] = {
    "phone": [(gettext_lazy("登记时间"), 17), (gettext_lazy("服务场所"), 22), (gettext_lazy("事项"), 28),
              (gettext_lazy("预约人"), 10), (gettext_lazy("联系电话"), 14), (gettext_lazy("预约时段"), 20),
              (gettext_lazy("状态"), 10), (gettext_lazy("登记人"), 16), (gettext_lazy("备注"), 30)],
    "signoff": [(gettext_lazy("办件编号"), 20), (gettext_lazy("服务场所"), 22), (gettext_lazy("事项"), 28),
                (gettext_lazy("申请人"), 10), (gettext_lazy("联系电话"), 14), (gettext_lazy("领取人"), 10),
                (gettext_lazy("与申请人关系"), 14), (gettext_lazy("签收时间"), 17), (gettext_lazy("签收方式"), 16),
                (gettext_lazy("电子签名"), 10), (gettext_lazy("邮件回执号"), 16), (gettext_lazy("交付人"), 16)],
    "proxy": [(gettext_lazy("办件编号"), 20), (gettext_lazy("服务场所"), 22), (gettext_lazy("事项"), 28),
              (gettext_lazy("申请人"), 10), (gettext_lazy("联系电话"), 14), (gettext_lazy("代办员"), 10),
              (gettext_lazy("代办员电话"), 14), (gettext_lazy("办件状态"), 10), (gettext_lazy("交回时间"), 17),
              (gettext_lazy("接收人"), 10), (gettext_lazy("交付方式"), 12), (gettext_lazy("备注"), 30),
              (gettext_lazy("登记人"), 16)],
    "visits": [(gettext_lazy("登记时间"), 17), (gettext_lazy("服务场所"), 22), (gettext_lazy("服务对象"), 10),
               (gettext_lazy("联系电话"), 14), (gettext_lazy("上门地址"), 30), (gettext_lazy("服务对象类型"), 12),
               (gettext_lazy("事由"), 30), (gettext_lazy("事项"), 28), (gettext_lazy("期望上门"), 16),
               (gettext_lazy("安排上门时间"), 17), (gettext_lazy("上门人员"), 16), (gettext_lazy("状态"), 8),
               (gettext_lazy("办件编号"), 20), (gettext_lazy("上门结果"), 30)],
}
ROWS: dict[str, Callable] = {"phone": _phone_row, "signoff": _signoff_row, "proxy": _proxy_row, "visits": _visit_row}


def headers(kind: str) -> list[str]:
    return [str(title) for title, _width in COLUMNS[kind]]


def row(kind: str, obj) -> list:
    return ROWS[kind](obj)


def workbook_bytes(kind: str, rows: Iterable) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(TITLES[kind]))
    for i, (_title, width) in enumerate(COLUMNS[kind], 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    ws.append([_cell(ws, t, bold) for t in headers(kind)])
    for obj in rows:
        ws.append(row(kind, obj))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(ws, value, font) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = font
    return cell
