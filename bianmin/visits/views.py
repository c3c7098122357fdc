"""Staff pages: the four registers (lists, filters, Excel), home visits, the sign-off and hand-back forms reached
from a case, and village proxy batches. Reads go through selectors (scoped), writes through services / batches;
a refused write re-renders the page with the bilingual message and the error's 4xx status, nothing changed."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.cases import selectors as case_selectors
from bianmin.cases.models import Case
from bianmin.core import timeutil
from bianmin.core.errors import DomainError
from bianmin.core.inputs import page_number
from bianmin.orgs import scoping
from bianmin.orgs.models import Site, Window
from bianmin.orgs.roles import Action as Perm

from . import batches, export, selectors, services
from .forms import RegisterFilterForm, post_data
from .models import HomeVisit, ProxyHandback, SignOff
from .states import BatchStatus, VisitAction, visit_actions

PAGE_SIZE = 50


def _may_handle(user, site: Site) -> bool:
    return scoping.may(user, Perm.HANDLE_CASE, site, scoping.SITES)


def _register_sites(request):
    sites = selectors.register_sites(request.user)
    if not sites.exists():
        raise Forbidden
    return sites


# ---------------------------------------------------------------- the registers

@login_required
def registers(request):
    _register_sites(request)
    return render(request, "visits/registers.html", {
        "kinds": [(k, export.TITLES[k]) for k in selectors.KINDS],
        "may_request_visit": scoping.own_site(request.user, Perm.HANDLE_CASE) is not None,
    })


def _filtered(request, kind: str):
    if kind not in selectors.KINDS:
        raise Http404
    sites = _register_sites(request)
    form = RegisterFilterForm(request.GET or None, sites=sites)
    data = form.valid_data()
    rows = selectors.register_rows(request.user, kind, site=data.get("site"), date_from=data.get("date_from"),
                                   date_to=data.get("date_to"))
    return form, rows


@login_required
def register_list(request, kind: str):
    form, rows = _filtered(request, kind)
    page = Paginator(rows, PAGE_SIZE).get_page(page_number(request.GET.get("page")))
    return render(request, "visits/register.html", {
        "kind": kind, "title": export.TITLES[kind], "form": form, "page": page, "rows": page.object_list,
        "export_query": request.GET.urlencode(),
        "may_request_visit": kind == "visits" and scoping.own_site(request.user, Perm.HANDLE_CASE) is not None,
    })


@login_required
def register_export(request, kind: str):
    _form, rows = _filtered(request, kind)
    body = export.workbook_bytes(kind, rows[:export.MAX_ROWS])
    response = HttpResponse(body, content_type=export.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="register-{kind}-{timeutil.today():%Y%m%d}.xlsx"'
    return response


# ---------------------------------------------------------------- home visits

@login_required
def visit_new(request):
    site = scoping.own_site(request.user, Perm.HANDLE_CASE)
    if site is None:
        raise Http404
    ctx = {"site": site, "items": services.site_items(site), "needs": HomeVisit.Need.choices,
           "periods": HomeVisit.Period.choices, "form": request.POST, "today": timeutil.today()}
    if request.method == "POST":
        try:
            visit = services.request_visit(request.user, site, post_data(request.POST))
        except DomainError as exc:
            return render(request, "visits/visit_new.html", {**ctx, "error": exc}, status=exc.status)
        messages.success(request, _("已登记上门服务。"))
        return redirect("visits:visit", home_visit_id=visit.pk)
    return render(request, "visits/visit_new.html", ctx)


def _visible_visit(request, visit_id: int) -> HomeVisit:
    visit = selectors.get_visit(request.user, visit_id)
    if visit is None:
        raise Http404
    return visit


def _visit_context(request, visit: HomeVisit, **extra) -> dict:
    may_handle = _may_handle(request.user, visit.site)
    return {"visit": visit, "may_handle": may_handle, "actions": [a.value for a in visit_actions(visit.status)],
            "staff": services.staff_of(visit.site) if may_handle else [],
            "events": visit.events.select_related("actor__staff"), **extra}


@login_required
def visit_page(request, home_visit_id: int):
    return render(request, "visits/visit.html", _visit_context(request, _visible_visit(request, home_visit_id)))


@login_required
@require_POST
def visit_action(request, home_visit_id: int, action: str):
    visit = _visible_visit(request, home_visit_id)
    try:
        services.transition(visit.pk, action, request.user, post_data(request.POST))
    except DomainError as exc:
        visit.refresh_from_db()
        ctx = _visit_context(request, visit, error=exc, failed=action, form=request.POST)
        return render(request, "visits/visit.html", ctx, status=exc.status)
    messages.success(request, _("上门服务已更新。"))
    return redirect("visits:visit", home_visit_id=visit.pk)


@login_required
def visit_case(request, home_visit_id: int):
    """At the visit: the new-case form prefilled from the visit (person, phone, item, why); saving registers the
    case through cases.services and links it to the visit, which is then done."""
    visit = _visible_visit(request, home_visit_id)
    if not _may_handle(request.user, visit.site):
        raise Forbidden
    ctx = {"visit": visit, "windows": Window.objects.filter(site=visit.site, items=visit.item).order_by("number"),
           "form": request.POST or {"applicant_name": visit.name, "applicant_phone": visit.phone,
                                    "question": visit.reason}}
    if request.method == "POST":
        try:
            case = services.open_case(visit.pk, request.user, post_data(request.POST))
        except DomainError as exc:
            visit.refresh_from_db()
            return render(request, "visits/visit_case.html", {**ctx, "error": exc}, status=exc.status)
        messages.success(request, _("已登记办件 %(number)s。") % {"number": case.number})
        return redirect("workbench:case", case_id=case.pk)
    if VisitAction.OPEN_CASE.value not in [a.value for a in visit_actions(visit.status)]:
        ctx["closed"] = True
    return render(request, "visits/visit_case.html", ctx)


# ---------------------------------------------------------------- 办结签收 and 代办结果 from a case

def _visible_case(request, case_id: int) -> Case:
    case = case_selectors.get_case(request.user, case_id)
    if case is None:
        raise Http404
    return case


def _record_page(request, case_id: int, *, template: str, existing, record, ctx: dict):
    case = _visible_case(request, case_id)
    found = existing(case)
    ctx = {"case": case, "found": found, "may_handle": _may_handle(request.user, case.site),
           "now": timeutil.now(), "form": request.POST, **ctx}
    if request.method == "POST":
        try:
            record(case.pk, request.user, post_data(request.POST))
        except DomainError as exc:
            return render(request, template, {**ctx, "error": exc}, status=exc.status)
        messages.success(request, _("登记已保存。"))
        return redirect(request.path)
    return render(request, template, ctx)


@login_required
def sign_off(request, case_id: int):
    return _record_page(
        request, case_id, template="visits/signoff.html",
        existing=lambda c: SignOff.objects.filter(case=c).select_related("handed_by__staff").first(),
        record=services.record_sign_off,
        ctx={"relations": SignOff.Relation.choices, "methods": SignOff.Method.choices})


@login_required
def signature(request, signoff_id: int):
    found = selectors.sign_offs(request.user).defer(None).filter(pk=signoff_id).first()
    if found is None or not found.signature:
        raise Http404
    response = HttpResponse(bytes(found.signature), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def handback(request, case_id: int):
    return _record_page(
        request, case_id, template="visits/handback.html",
        existing=lambda c: ProxyHandback.objects.filter(case=c).select_related("recorded_by__staff").first(),
        record=services.record_handback,
        ctx={"hows": ProxyHandback.How.choices})


# ---------------------------------------------------------------- village proxy batches

def _batch_context(request, **extra) -> dict:
    if not selectors.register_sites(request.user).exists():
        raise Forbidden
    page = Paginator(selectors.visible_batches(request.user).prefetch_related("entries"), PAGE_SIZE).get_page(
        page_number(request.GET.get("page")))
    stations = selectors.visible_stations(request.user)
    own_stations = [s for s in stations if _may_handle(request.user, s)]
    return {"page": page, "batches": page.object_list, "missed": selectors.missed_cases(request.user),
            "own_stations": own_stations, "today": timeutil.today(), **extra}


@login_required
def batch_list(request):
    return render(request, "visits/batches.html", _batch_context(request))


@login_required
@require_POST
def batch_build(request):
    try:
        batch = batches.build_now(request.user, request.POST.get("station"))
    except DomainError as exc:
        return render(request, "visits/batches.html", _batch_context(request, error=exc), status=exc.status)
    messages.success(request, _("已组批：%(n)s 件。") % {"n": batch.entries.count()})
    return redirect("visits:batch", proxy_batch_id=batch.pk)


@login_required
def batch_sheet(request, proxy_batch_id: int):
    """交接单: the printable hand-over sheet of one batch, with the lines both sides sign."""
    batch = selectors.get_batch(request.user, proxy_batch_id)
    if batch is None:
        raise Http404
    cases = Case.objects.filter(batch_entry__batch=batch).select_related("item", "handled_by__staff").order_by(
        "created_at")
    return render(request, "visits/batch_sheet.html", {
        "batch": batch, "cases": cases,
        "may_send": batch.status == BatchStatus.PREPARED and _may_handle(request.user, batch.station),
        "may_receive": batch.status == BatchStatus.SENT and _may_handle(request.user, batch.township),
    })


@login_required
@require_POST
def batch_action(request, proxy_batch_id: int, action: str):
    batch = selectors.get_batch(request.user, proxy_batch_id)
    if batch is None:
        raise Http404
    try:
        batches.transition(batch.pk, action, request.user)
    except DomainError as exc:
        return render(request, "visits/batches.html", _batch_context(request, error=exc), status=exc.status)
    messages.success(request, _("报送批次已更新。"))
    return redirect("visits:batch", proxy_batch_id=batch.pk)
