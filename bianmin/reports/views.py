"""The report page (workbench/reports/): reports of the units in the person's scope with their Excel and PDF
downloads, and a form to generate a report of a chosen kind, period and unit. Downloads of reports outside
the scope answer 404, as if they did not exist."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.core import timeutil
from bianmin.core.errors import DomainError
from bianmin.orgs.scoping import can

from . import calendar, excel, pdf, selectors, services
from .models import Kind, Report, period_label

PAGE_SIZE = 50
FORMATS = {"xlsx": ("excel", excel.CONTENT_TYPE), "pdf": ("pdf", pdf.CONTENT_TYPE)}


def _may_see(user) -> None:
    if not can(user, selectors.scope.ACTION):
        raise Forbidden


def _page(request, *, status: int = 200, error: DomainError | None = None):
    user = request.user
    reports = selectors.visible_reports(user)
    kind = request.GET.get("kind")
    if kind in Kind.values:  # an unknown kind narrows nothing (a filter never fails)
        reports = reports.filter(kind=kind)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    today, sched = timeutil.today(), services.schedule()
    # The form starts at the most recent period that has ended, for the kind shown first.
    latest = calendar.latest_complete(Kind.MONTHLY, today, sched)
    posted = request.POST if request.method == "POST" else {}
    return render(request, "reports/list.html", {
        "page": page, "kinds": Kind.choices, "kind": kind if kind in Kind.values else "",
        "units": selectors.units_for_form(user), "error": error, "posted": posted,
        "default_year": posted.get("year") or (latest.year if latest else today.year),
        "default_number": posted.get("number") or (latest.number if latest else 1),
        "this_year": today.year, "missing": selectors.missing(user, today),
        "upcoming": [(label, p, period_label(p.kind, p.year, p.number))
                     for value, label in Kind.choices for p in [calendar.next_due(value, today, sched)]],
    }, status=status)


@login_required
def report_list(request):
    _may_see(request.user)
    return _page(request)


@login_required
@require_POST
def report_generate(request):
    _may_see(request.user)
    try:
        report, created = services.request_report(request.user, request.POST)
    except DomainError as exc:
        return _page(request, status=exc.status, error=exc)
    if report.status == Report.Status.FAILED:
        messages.error(request, _("报表生成失败，请稍后重试或联系管理员：%(title)s") % {"title": _title(report)})
    elif created:
        messages.success(request, _("已生成报表：%(title)s") % {"title": _title(report)})
    else:
        messages.info(request, _("该报表已存在，未重新生成：%(title)s") % {"title": _title(report)})
    return redirect(reverse("reports:list") + f"#report-{report.pk}")


def _title(report: Report) -> str:
    return f"{report.unit.name} {report.get_kind_display()}（{report.label}）"


def download(request, report: Report | None, fmt: str) -> HttpResponse:
    """The stored file of a generated report (shared by the page and the API)."""
    if report is None or report.status != Report.Status.GENERATED or fmt not in FORMATS:
        raise Http404
    field, content_type = FORMATS[fmt]
    response = HttpResponse(bytes(getattr(report, field)), content_type=content_type)
    # The unit's name and the period, not any person's data; non-ASCII names go in the RFC 6266 filename*.
    response["Content-Disposition"] = content_disposition_header(True, f"{_title(report)}.{fmt}")
    return response


@login_required
def report_file(request, report_id: int, fmt: str):
    _may_see(request.user)
    return download(request, selectors.get_report(request.user, report_id), fmt)
