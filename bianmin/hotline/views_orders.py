"""Staff pages of work orders: the scoped list (with the department's own forms on it), one order with a form
per action the person may do, attachments, and the logged unmasking of callers.

Every read goes through selectors (scoped by persona) and every order leaves through schemas.order_row /
order_detail, the API's own output, so a page shows a caller exactly as the API would (masked, or not at all
for a confidential caller and a department). Every write goes through services, the functions the API calls;
a refused post re-renders the page with the service's Chinese and English message and its 4xx status, and
nothing has changed.
"""
from __future__ import annotations

import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bianmin.core import timeutil, uploads
from bianmin.core.errors import DomainError, InvalidInput
from bianmin.core.privacy import log_unmask
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can, via_department

from . import access, display, offers, phrases, routing, selectors, services
from .disclosure import Disclosure
from .forms import OrderFilterForm, action_data
from .models import Channel, DispatchCategory, OrderType, RespondentRank, Scenario, WorkOrder
from .schemas import clock_state, order_detail, order_row

PAGE_SIZE = 50
FORM_LABELS = {
    "dispatch": gettext_lazy("派单"), "accept": gettext_lazy("签收"), "reply": gettext_lazy("答复"),
    "return": gettext_lazy("退回"), "request_extension": gettext_lazy("申请延期"),
    "decide_extension": gettext_lazy("延期审批"), "revisit": gettext_lazy("回访"), "close": gettext_lazy("办结"),
    "merge": gettext_lazy("合并"), "link": gettext_lazy("关联重复来电"),
}


def may_view(user) -> bool:
    return can(user, Perm.VIEW_WORKORDERS) or can(user, Perm.TAKE_CALL)


def is_department(user) -> bool:
    """A department's handler: sees the orders of the department only, and never a confidential caller."""
    return via_department(user, Perm.HANDLE_WORKORDER)


def _labels(row: dict) -> dict:
    row["type_label"] = OrderType(row["type"]).label if row["type"] in OrderType.values else row["type"]
    row["channel_label"] = Channel(row["channel"]).label if row["channel"] in Channel.values else row["channel"]
    return row


# ---------------------------------------------------------------- the list

def _filter_form(request) -> OrderFilterForm:
    visible = selectors.visible_orders(request.user)
    departments = Unit.objects.filter(pk__in=visible.values("department")).order_by("path")
    return OrderFilterForm(request.GET or None, departments=departments,
                           categories=DispatchCategory.objects.order_by("sort", "code"))


@login_required
def order_list(request):
    user = request.user
    if not may_view(user):
        raise Forbidden
    form = _filter_form(request)
    try:
        qs = selectors.filtered(user, **form.selector_filters())
    except InvalidInput:  # a unit deleted between the form and the query: show the unfiltered list
        qs = selectors.filtered(user)
    qs = qs.prefetch_related("callers", "clock__pauses")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timeutil.now()
    department = is_department(user)
    rows = []
    for order in page.object_list:
        state = clock_state(order, now)
        row = _labels(order_row(order, user, state=state))
        row["state"], row["clock"] = state, order.clock if order.clock_id else None
        # The department works from its list: its forms sit on the row (issue #5, the handler's view).
        row["offers"] = [k for k in offers.offered(user, order) if k in offers.DEPARTMENT_FORMS] if department else []
        rows.append(row)
    visible = selectors.visible_orders(user)
    return render(request, "hotline/list.html", {
        "form": form, "page": page, "rows": rows, "department_view": department,
        "may_take_call": can(user, Perm.TAKE_CALL), "may_view_figures": can(user, Perm.VIEW_WORKORDERS),
        "may_read_phrases": can(user, Perm.TAKE_CALL) or can(user, Perm.EDIT_PHRASES),
        "buckets": [(key, label, visible.filter(selectors.due_q(key, now)).count())
                    for key, label in (("overdue", _("已超期")), ("soon", _("即将到期")))],
        "form_labels": FORM_LABELS, "query": request.GET.urlencode(),
    })


# ---------------------------------------------------------------- one order

def _visible(request, order_id: int) -> WorkOrder:
    order = selectors.get_order(request.user, order_id)
    if order is None:
        raise Http404
    return order


def _dispatch_choices(order: WorkOrder) -> tuple[list[Unit], Unit | None]:
    """Departments of the order's region, and the one the category routes to (the form's default)."""
    departments = list(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT, path__startswith=order.region.path))
    try:
        default = routing.department_for(order.category, order.respondent_rank)
    except DomainError:  # an efficiency complaint whose rank the dispatcher has still to choose
        default = None
    if default is not None and default not in departments:
        departments.append(default)
    return departments, default


def _context(request, order: WorkOrder, **extra) -> dict:
    user = request.user
    detail = _labels(order_detail(order, user))
    offered = offers.offered(user, order)
    disclosure_allows = access.may(user, Perm.UNMASK_CALLER, order) and any(not c["hidden"] for c in detail["callers"])
    departments, default_department = _dispatch_choices(order) if "dispatch" in offered else ([], None)
    return {
        "order": detail, "category": order.category, "efficiency": order.category.efficiency_complaint,
        "rank_label": display.rank_label(order.respondent_rank), "state": clock_state(order, timeutil.now()),
        "clock": order.clock if order.clock_id else None,
        "history": display.history(detail), "offers": offered, "form_labels": FORM_LABELS,
        "may_attach": offers.may_attach(user, order), "may_unmask": disclosure_allows,
        "departments": departments, "default_department": default_department, "ranks": RespondentRank.choices,
        "current_rank": order.respondent_rank,
        "unit_label": display.UNIT_NAMES.get(order.clock.unit, "") if order.clock_id else "",
        "callback_phrases": phrases.phrase_for(Scenario.CALLBACK) if "revisit" in offered else [],
        "max_text": services.MAX_TEXT, "today": timeutil.today(), **extra,
    }


def _render(request, order: WorkOrder, *, status: int = 200, **extra):
    return render(request, "hotline/order.html", _context(request, order, **extra), status=status)


@login_required
def order_page(request, order_id: int):
    return _render(request, _visible(request, order_id))


def _after(request, order_id: int):
    """Back where the form was: the list for the department's row forms, else the order (if still visible:
    a department that returned an order no longer sees it)."""
    if request.POST.get("next") == "list" or selectors.get_order(request.user, order_id) is None:
        return redirect("hotline:orders")
    return redirect("hotline:order", order_id=order_id)


@login_required
@require_POST
def order_action(request, order_id: int, action: str):
    order = _visible(request, order_id)
    form_key = request.POST.get("form") if request.POST.get("form") in FORM_LABELS else action
    data = action_data(request.user, action, request.POST)
    data.pop("form", None)
    try:
        services.transition(order.pk, action, request.user, data)
    except DomainError as exc:
        order = _visible(request, order_id)  # re-read: the failed transaction changed nothing
        return _render(request, order, status=exc.status, error=exc, failed=form_key, posted=request.POST)
    messages.success(request, _("操作成功：%(action)s") % {"action": FORM_LABELS.get(form_key, action)})
    return _after(request, order.pk)


@login_required
@require_POST
def order_attach(request, order_id: int):
    order = _visible(request, order_id)
    try:
        attachment = services.attach(order.pk, request.user, request.FILES.get("file"))
    except DomainError as exc:
        return _render(request, _visible(request, order_id), status=exc.status, error=exc, failed="attach")
    messages.success(request, _("已上传附件：%(name)s") % {"name": attachment.name})
    return redirect("hotline:order", order_id=order.pk)


@login_required
@require_POST
def order_unmask(request, order_id: int):
    """A call back needs the full number: shown once, with a reason written to the audit log (SPEC §11).
    A confidential caller is never revealed to whoever may not see them at all (the department)."""
    order = _visible(request, order_id)
    disclosure = Disclosure(request.user, order, unmasked=True)
    if not access.may(request.user, Perm.UNMASK_CALLER, order) or not disclosure.sees_any_caller:
        raise Forbidden
    try:
        log_unmask(request.user, order, request.POST.get("reason", ""))
    except DomainError as exc:
        return _render(request, order, status=exc.status, error=exc, failed="unmask")
    return _render(request, order, unmasked_callers=disclosure.caller_rows())


@login_required
def attachment_download(request, order_id: int, attachment_id: int):
    order = _visible(request, order_id)
    attachment = order.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    # The stored name may carry personal data (a confidential caller's name): the download is named by id,
    # keeping only the (checked) extension so the browser knows what it is.
    ext = os.path.splitext(attachment.name)[1].lower()
    ext = ext if ext in uploads.ALLOWED_FILE_TYPES else ""
    return FileResponse(handle, as_attachment=True, filename=f"attachment-{attachment.pk}{ext}",
                        content_type=attachment.content_type or "application/octet-stream")
