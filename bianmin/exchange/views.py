"""Staff pages of the national exchange: the queue with its lag and dead letters (re-send or give up), one row with
its payload, and the reconciliation of a day. They call the same selectors and services as the API."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.core import refusals, timeutil
from bianmin.core.errors import DomainError
from bianmin.orgs.scoping import can

from . import facts, mapping, reconcile, selectors, services
from .links import profile_of
from .models import Kind, Status

PAGE_SIZE = 30


def _require_view(request) -> None:
    if not can(request.user, selectors.VIEW):
        raise Forbidden


@login_required
def overview(request):
    _require_view(request)
    status = request.GET.get("status") if request.GET.get("status") in Status.values else ""
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else ""
    qs = selectors.rows_for(request.user, status=status or None, kind=kind or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    summary = selectors.overview(request.user)
    return render(request, "exchange/overview.html", {
        "page": page, "status": status, "kind": kind, "statuses": Status.choices, "kinds": Kind.choices,
        "summary": summary, "lag": selectors.lag_text(summary),
        "links": selectors.links_for(request.user), "may_manage": can(request.user, selectors.MANAGE),
    })


@login_required
def row_detail(request, row_id: int):
    _require_view(request)
    try:
        row = selectors.row_for(request.user, row_id)
    except DomainError as exc:
        return refusals.refused(request, exc, overview)
    payload, problems, frozen = row.payload, [], row.payload is not None
    if not frozen:  # not built yet (or refused): show what it would be now, with the report
        try:
            built = mapping.build(profile_of(row.link), row.kind, facts.of(row.kind, row.record_id, row.event))
            payload, problems = built.payload, built.problems
        except DomainError as exc:
            problems = [mapping.Problem("", True, exc.zh, exc.en)]
    return render(request, "exchange/row.html", {
        "row": row, "payload": payload or {}, "problems": problems, "frozen": frozen,
        "may_manage": can(request.user, selectors.MANAGE),
    })


@login_required
@require_POST
def resend(request, row_id: int):
    try:
        services.resend(request.user, row_id)
    except DomainError as exc:
        return refusals.refused(request, exc, row_detail, row_id)
    messages.success(request, _("已重新放入待发送队列。"))
    return redirect(reverse("exchange:row", args=[row_id]))


@login_required
@require_POST
def give_up(request, row_id: int):
    try:
        services.give_up(request.user, row_id, request.POST.get("reason", ""))
    except DomainError as exc:
        return refusals.refused(request, exc, row_detail, row_id)
    messages.success(request, _("已放弃发送该记录。"))
    return redirect(reverse("exchange:row", args=[row_id]))


def _day(request) -> dt.date:
    yesterday = timezone.localtime(timeutil.now()).date() - dt.timedelta(days=1)
    try:
        return dt.date.fromisoformat(request.GET.get("date") or request.POST.get("date") or "")
    except ValueError:
        return yesterday


@login_required
def reconciliation(request):
    _require_view(request)
    day = _day(request)
    links, results = selectors.reconciliations_for(request.user, day)
    return render(request, "exchange/reconciliation.html", {
        "day": day, "links": links, "results": results, "may_manage": can(request.user, selectors.MANAGE),
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
    })


@login_required
@require_POST
def reconcile_now(request):
    try:
        services.require_manage(request.user)
    except DomainError as exc:
        return refusals.refused(request, exc, reconciliation)
    day = _day(request)
    links, _results = selectors.reconciliations_for(request.user, day)
    requeued = sum(r.requeued for link in links for r in reconcile.reconcile_link(link, day))
    messages.success(request, _("对账完成，重新入队 %(n)d 条。") % {"n": requeued})
    return redirect(reverse("exchange:reconciliation") + f"?date={day.isoformat()}")
