"""Reports API: the reports of the units in your scope, and their Excel and PDF files."""
# No `from __future__ import annotations`: ninja's paginate must see the Query[...] annotation itself.
import datetime as dt
from typing import Literal

from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from bianmin.core.auth import STAFF_AUTH
from bianmin.core.errors import NotFound, PermissionDenied
from bianmin.core.openapi import file_answer
from bianmin.core.paging import RowsOfPage
from bianmin.orgs.scoping import can

from . import selectors, views
from .models import Report

router = Router(tags=["reports"], auth=STAFF_AUTH)

_NOT_FOUND = ("报表不存在、尚未生成，或无权查看。", "No such report, not generated yet, or you may not see it.")


class ReportOut(Schema):
    id: int
    kind: str
    kind_label: str
    label: str
    unit: int
    unit_name: str
    period_from: dt.date
    period_to: dt.date
    due_on: dt.date
    status: str
    generated_at: dt.datetime | None
    excel_url: str | None
    pdf_url: str | None


class ReportFilter(Schema):
    kind: Literal["monthly", "quarterly", "half_year", "annual"] | None = None
    unit: int | None = None


def _row(r: Report) -> dict:
    ready = r.status == Report.Status.GENERATED
    return {"id": r.pk, "kind": r.kind, "kind_label": str(r.get_kind_display()), "label": r.label,
            "unit": r.unit_id, "unit_name": r.unit.name, "period_from": r.period_from, "period_to": r.period_to,
            "due_on": r.due_on, "status": r.status, "generated_at": r.generated_at,
            "excel_url": f"/api/v1/reports/{r.pk}/excel" if ready else None,
            "pdf_url": f"/api/v1/reports/{r.pk}/pdf" if ready else None}


def _may_see(user) -> None:
    if not can(user, selectors.scope.ACTION):
        raise PermissionDenied("您没有查看统计数据的权限。", "You may not see statistics.")


@router.get("/reports", response=list[ReportOut], summary="Scheduled reports of the units in your scope",
            description="Newest period first. `unit` narrows to that unit's own reports. Files can be downloaded "
                        "once `status` is `generated`.")
@paginate(LimitOffsetPagination)
def list_reports(request, filters: Query[ReportFilter]):
    _may_see(request.auth)
    qs = selectors.visible_reports(request.auth)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.unit is not None:
        qs = qs.filter(unit_id=filters.unit)
    return RowsOfPage(qs, _row)


def _file(request, report_id: int, fmt: str):
    _may_see(request.auth)
    report = selectors.get_report(request.auth, report_id)
    if report is None or report.status != Report.Status.GENERATED:
        raise NotFound(*_NOT_FOUND)
    return views.download(request, report, fmt)


@router.get("/reports/{report_id}/excel", summary="A report as an Excel workbook (.xlsx)",
            openapi_extra=file_answer("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
def report_excel(request, report_id: int):
    return _file(request, report_id, "xlsx")


@router.get("/reports/{report_id}/pdf", summary="A report as a PDF (A4)", openapi_extra=file_answer("application/pdf"))
def report_pdf(request, report_id: int):
    return _file(request, report_id, "pdf")
