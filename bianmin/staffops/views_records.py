"""Pages of the quality-service records (workbench/quality-records/…): the list with filters and the yearly
supervisor-meeting status, a new record (a training adds the site's staff with attendance and exam score), one
record, the Excel export of the filtered period and the scoped download of an attachment.

Reads go through records.records_for (VIEW_ASSESSMENT scope), the one write through records.create_record; a
refused record re-renders the form with its bilingual message and 4xx status, nothing stored."""
from __future__ import annotations

import datetime as dt
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from bianmin.core import timeutil
from bianmin.core.errors import DomainError, InvalidInput
from bianmin.orgs.people import name_of
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can, sites_for

from . import records
from .models import QualityRecord

PAGE_SIZE = 50
MAX_STATUS_SITES = 60  # the meeting status of more sites than this is a report's job, not a page's


def _site_choice(raw: str, sites):
    """The site named by ?site= among `sites`, None for none; 404 for one out of scope (never another instead)."""
    if not raw:
        return None
    site = sites.filter(pk=raw).first() if raw.isdigit() and len(raw) < 19 else None
    if site is None:
        raise Http404
    return site


def _parse_date(raw: str, field: str, zh: str, en: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(f"{zh}格式应为 YYYY-MM-DD。", f"{en} must be written YYYY-MM-DD.", field=field) from None


def _filters(request, sites) -> dict:
    """site, kind, date_from, date_to from the query string; InvalidInput for a malformed kind or date."""
    get = request.GET
    site = _site_choice(get.get("site", ""), sites)
    kind = get.get("kind", "")
    if kind and kind not in QualityRecord.Kind.values:
        raise InvalidInput("未知的记录类型。", "Unknown kind of record.", field="kind")
    date_from = _parse_date(get.get("from", ""), "from", "开始日期", "The start date")
    date_to = _parse_date(get.get("to", ""), "to", "结束日期", "The end date")
    if date_from and date_to and date_from > date_to:
        raise InvalidInput("开始日期不能晚于结束日期。", "The start date is after the end date.", field="from")
    return {"site": site, "kind": kind or None, "date_from": date_from, "date_to": date_to}


def _viewer(request):
    if not can(request.user, Action.VIEW_ASSESSMENT):
        raise Forbidden
    return sites_for(request.user, Action.VIEW_ASSESSMENT).select_related("unit").order_by("unit__path", "pk")


@login_required
def record_list(request):
    sites = _viewer(request)
    error, status = None, 200
    try:
        filters = _filters(request, sites)
    except InvalidInput as exc:
        error, status = exc, exc.status
        filters = {"site": _site_choice(request.GET.get("site", ""), sites), "kind": None, "date_from": None,
                   "date_to": None}
    qs = records.records_for(request.user, **filters).prefetch_related("attachments", "results")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    year = (filters["date_to"] or timeutil.today()).year
    shown = [filters["site"]] if filters["site"] else list(sites[:MAX_STATUS_SITES])
    status_by_site = records.meetings_by_site(shown, year)
    meeting_rows = [(s, status_by_site[s.pk]) for s in shown]
    return render(request, "staffops/records.html", {
        "page": page, "sites": sites, "filters": filters, "kinds": QualityRecord.Kind.choices, "error": error,
        "meeting_rows": meeting_rows, "year": year, "query": request.GET.urlencode(),
        "may_add": can(request.user, Action.ASSESS),
        "raw": {k: request.GET.get(k, "") for k in ("site", "kind", "from", "to")},
    }, status=status)


@login_required
def record_export(request):
    sites = _viewer(request)
    try:
        filters = _filters(request, sites)
    except InvalidInput as exc:
        return HttpResponse(f"{exc.zh} / {exc.en}", status=exc.status, content_type="text/plain; charset=utf-8")
    body = records.export_xlsx(records.records_for(request.user, **filters), filters["date_from"],
                               filters["date_to"])
    response = HttpResponse(body, content_type=records.CONTENT_TYPE)
    start = f"{filters['date_from']:%Y%m%d}" if filters["date_from"] else "all"
    end = f"{filters['date_to']:%Y%m%d}" if filters["date_to"] else f"{timeutil.today():%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="quality-records-{start}-{end}.xlsx"'
    return response


def _results_of(post, staff_ids: list[str]) -> list[dict]:
    return [{"staff": sid, "attended": post.get(f"attended_{sid}", ""), "exam_score": post.get(f"score_{sid}", "")}
            for sid in staff_ids]


@login_required
def record_new(request):
    if not can(request.user, Action.ASSESS):
        raise Forbidden
    sites = sites_for(request.user, Action.ASSESS).select_related("unit").order_by("unit__path", "pk")
    if not sites.exists():
        raise Forbidden
    source = request.POST if request.method == "POST" else request.GET
    site = _site_choice(source.get("site", ""), sites) or sites.first()
    kind = source.get("kind", "")
    if kind not in QualityRecord.Kind.values:
        kind = QualityRecord.Kind.CUSTOMER_VISIT
    error, status, posted = None, 200, {}
    if request.method == "POST":
        data = {k: request.POST.get(k, "") for k in ("kind", "date", "title", "summary", "participants")}
        data["kind"] = request.POST.get("kind", "")
        staff_ids = request.POST.getlist("staff") if data["kind"] == QualityRecord.Kind.TRAINING else []
        try:
            record = records.create_record(request.user, site, data, request.FILES.getlist("attachments"),
                                           _results_of(request.POST, staff_ids))
        except DomainError as exc:
            if exc.status == 403:
                raise Forbidden from None
            if exc.status == 404:
                raise Http404 from None
            error, status, posted = exc, exc.status, request.POST
        else:
            messages.success(request, _("已保存优质服务记录。"))
            return redirect("staffops:record_detail", record_id=record.pk)
    staff_rows = []
    if kind == QualityRecord.Kind.TRAINING:
        for s in records.site_staff(site):
            key = str(s.pk)
            staff_rows.append({
                "staff": s, "attended": (posted.get(f"attended_{key}") if posted else True),
                "score": posted.get(f"score_{key}", "") if posted else ""})
    return render(request, "staffops/record_new.html", {
        "sites": sites, "site": site, "kind": kind, "kind_label": QualityRecord.Kind(kind).label,
        "kinds": QualityRecord.Kind.choices, "staff_rows": staff_rows, "error": error, "posted": posted,
        "today": timeutil.today(), "meetings": records.meetings_this_year(site),
        "file_types": ", ".join(records.RECORD_FILE_TYPES), "max_files": records.MAX_ATTACHMENTS,
    }, status=status)


@login_required
def record_detail(request, record_id: int):
    if not can(request.user, Action.VIEW_ASSESSMENT):
        raise Forbidden
    try:
        record = records.record_for(request.user, record_id)
    except DomainError:
        raise Http404 from None
    results = list(record.results.select_related("staff").order_by("staff__work_id", "pk"))
    scores = [r.exam_score for r in results if r.attended and r.exam_score is not None]
    return render(request, "staffops/record_detail.html", {
        "record": record, "results": results, "attachments": record.attachments.order_by("pk"),
        "attended": sum(1 for r in results if r.attended),
        "average": (sum(scores) / len(scores)).quantize(scores[0]) if scores else None,
        "may_add": can(request.user, Action.ASSESS), "author": name_of(record.created_by),
        "new_url": reverse("staffops:record_new") + f"?site={record.site_id}&kind={record.kind}",
    })


@login_required
def record_file(request, attachment_id: int):
    """A record's attachment, for people who may see the record; to anyone else it does not exist."""
    if not can(request.user, Action.VIEW_ASSESSMENT):
        raise Forbidden
    try:
        attachment = records.attachment_for(request.user, attachment_id)
    except DomainError:
        raise Http404 from None
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    # Named by id: the uploaded name may carry personal data; the (checked) extension tells the browser the type.
    ext = os.path.splitext(attachment.name)[1].lower()
    ext = ext if ext in records.RECORD_FILE_TYPES else ""
    return FileResponse(handle, as_attachment=True, filename=f"record-{attachment.record_id}-{attachment.pk}{ext}")
