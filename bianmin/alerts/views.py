"""Staff pages of the early warnings: the manager's list (open first, filter by kind, acknowledge with a note) and
the jurisdiction's thresholds. They call the same selectors and services as the API."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.core import refusals
from bianmin.core.errors import DomainError, NotFound, PermissionDenied
from bianmin.orgs.scoping import can

from . import rules, selectors, services, texts
from .models import AlertPolicy, Kind

PAGE_SIZE = 30
STATES = ("open", "acknowledged", "all")


@login_required
def alert_list(request):
    if not can(request.user, selectors.VIEW):
        raise Forbidden
    state = request.GET.get("state") if request.GET.get("state") in STATES else "open"
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else ""
    qs = selectors.alerts_for(request.user, open_only={"open": True, "acknowledged": False}.get(state),
                              kind=kind or None)
    # Open ones first, then the newest.
    qs = qs.order_by(F("acknowledged_at").asc(nulls_first=True), "-raised_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for alert in page.object_list:
        alert.text = str(texts.sentence(alert))
    return render(request, "alerts/list.html", {
        "page": page, "kinds": Kind.choices, "kind": kind, "state": state,
        "open_total": selectors.alerts_for(request.user, open_only=True).count(),
        "may_configure": can(request.user, selectors.CONFIGURE),
    })


@login_required
@require_POST
def acknowledge(request, alert_id: int):
    try:
        services.acknowledge(request.user, alert_id, request.POST.get("note", ""))
    except DomainError as exc:
        return refusals.refused(request, exc, alert_list)
    messages.success(request, _("已确认预警。"))
    return redirect(reverse("alerts:list") + f"#alert-{alert_id}")


def _policy_rows(view: dict) -> list[dict]:
    return [{"name": name, "label": AlertPolicy._meta.get_field(name).verbose_name, "value": view["values"][name],
             "lo": lo, "hi": hi, "step": "0.1" if name == "hot_term_factor" else "1"}
            for name, (_zh, _en, lo, hi) in rules.LIMITS.items()]


@login_required
def policy(request):
    unit_id = request.POST.get("unit") if request.method == "POST" else request.GET.get("unit")
    try:
        unit = selectors.policy_unit(request.user, unit_id, selectors.CONFIGURE)
    except PermissionDenied:
        raise Forbidden from None
    except NotFound:
        raise Http404 from None
    if request.method == "POST":
        try:
            services.save_policy(request.user, unit.pk, request.POST.dict())
        except DomainError as exc:
            return refusals.refused(request, exc, policy)
        messages.success(request, _("已保存预警参数。"))
        return redirect(reverse("alerts:policy") + f"?unit={unit.pk}")
    view = services.policy_view(unit)
    return render(request, "alerts/policy.html", {
        "unit": unit, "units": selectors.policy_units(request.user, selectors.CONFIGURE)[:500], "view": view,
        "rows": _policy_rows(view), "baseline_days": rules.BASELINE_DAYS,
    })
