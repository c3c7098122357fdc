"""Counter complaint pages (/workbench/complaints/, 窗口投诉): the list with each complaint's answer limit (overdue in
red), the form to record one, a complaint's page with the answer form, and the printable written reply. They call
cases.complaints, like the API. The complainant's phone is masked; the person complained about never sees the
complainant's name."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.catalog.models import Item
from bianmin.core import refusals
from bianmin.core.clocks import state_of
from bianmin.core.errors import DomainError, InvalidInput
from bianmin.core.inputs import page_number
from bianmin.orgs import scoping
from bianmin.orgs.models import Window
from bianmin.orgs.roles import ROLE_ACTIONS, role_allows
from bianmin.orgs.roles import Action as Perm

from . import complaints as service
from .models import Case, CounterComplaint

PER_PAGE = 30


def _reader(request) -> None:
    if not scoping.can(request.user, Perm.VIEW_CASE):
        raise Http404


def _receiving_site(user):
    site = scoping.own_site(user, Perm.HANDLE_CASE, or_reachable=False)
    return site if service.may_receive(user, site) else None


def _staff_of(site) -> list:
    """People working at the site, whom a complaint may be about."""
    roles = [role for role in ROLE_ACTIONS if role_allows(role, Perm.VIEW_SITE)]
    return sorted(scoping.people(roles, site, scoping.SITES), key=lambda u: u.pk)


def _row(user, c: CounterComplaint) -> dict:
    state = state_of(c.clock)
    return {"c": c, "state": state, "overdue": not state.stopped and state.warning.value == "red",
            "complainant": service.complainant_for(user, c)}


@login_required
def complaints_page(request):
    _reader(request)
    user, site = request.user, _receiving_site(request.user)
    page = Paginator(service.visible(user).order_by("-received_at", "-id"),
                     PER_PAGE).get_page(page_number(request.GET.get("page")))
    ctx = {"site": site, "page": page, "rows": [_row(user, c) for c in page.object_list],
           "form": request.POST if request.POST else {}, "forms": CounterComplaint.Form.choices,
           "limits": {"simple": service.limit_for(False), "complex": service.limit_for(True)}}
    if site is not None:
        ctx.update(windows=Window.objects.filter(site=site).order_by("number"), staff=_staff_of(site),
                   items=Item.objects.filter(windows__site=site).distinct().order_by("name"))
    return render(request, "workbench/complaints.html", ctx)


def _case(user, site, number: str):
    number = (number or "").strip()[:30]
    if not number:
        return None
    case = Case.objects.for_user(user, Perm.VIEW_CASE).filter(number=number, site=site).first()
    if case is None:
        raise InvalidInput("本中心没有这个办件编号。", "No case with that number at this site.", field="case")
    return case


def _pick(model, raw, **where):
    return model.objects.filter(pk=raw, **where).first() if raw and str(raw).isdigit() else None


@login_required
def complaints(request):
    """GET: the list and the form. POST: record a complaint."""
    if request.method != "POST":
        return complaints_page(request)
    _reader(request)
    site = _receiving_site(request.user)
    if site is None:
        raise Http404
    post = request.POST
    try:
        complaint = service.receive(
            request.user, site=site, form=post.get("form", ""), complex=post.get("complex") == "on",
            complainant_name=post.get("complainant_name", ""), complainant_phone=post.get("complainant_phone", ""),
            text=post.get("text", ""), about_staff=_pick(get_user_model(), post.get("about_staff")),
            about_window=_pick(Window, post.get("about_window")), about_item=_pick(Item, post.get("about_item")),
            case=_case(request.user, site, post.get("case", "")))
    except DomainError as exc:
        return refusals.refused(request, exc, complaints_page)
    messages.success(request, _("投诉已登记：%(number)s。") % {"number": complaint.number})
    return redirect("workbench:complaint", complaint.pk)


def _get(request, complaint_id: int) -> CounterComplaint:
    try:
        return service.get(request.user, complaint_id)
    except DomainError:
        raise Http404 from None


@login_required
def complaint(request, complaint_id: int):
    c = _get(request, complaint_id)
    user = request.user
    return render(request, "workbench/complaints_detail.html", {
        **_row(user, c), "may_answer": c.answered_at is None and service.may_answer(user, c),
        "forms": CounterComplaint.Form.choices, "written_only": c.form == CounterComplaint.Form.WRITTEN,
        "has_reply": service.has_written_reply(c) and service.sees_complainant(user, c),
        "form": request.POST if request.POST else {},
    })


@login_required
@require_POST
def answer(request, complaint_id: int):
    _get(request, complaint_id)
    try:
        service.answer(request.user, complaint_id, text=request.POST.get("answer", ""),
                       answer_form=request.POST.get("answer_form", ""))
    except DomainError as exc:
        return refusals.refused(request, exc, complaint, complaint_id)
    messages.success(request, _("投诉已答复。"))
    return redirect("workbench:complaint", complaint_id)


@login_required
def reply(request, complaint_id: int):
    """投诉答复书: the written reply, numbered with the complaint's number, printed for the complainant."""
    c = _get(request, complaint_id)
    if not service.has_written_reply(c) or not service.sees_complainant(request.user, c):
        raise Http404
    return render(request, "workbench/complaints_reply.html", {"c": c, "site": c.site})
