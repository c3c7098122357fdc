"""申诉复核 pages: the list of appeals one may see, filing an appeal on a rating, deciding one.

The filer and the reviewer both see the decision and its reason on the list. Who may file or decide is
asked of services (may_appeal, may_decide), the same rule the API enforces.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.core import timeutil
from bianmin.core.clocks import state_of
from bianmin.core.errors import DomainError
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can
from bianmin.ratings.models import Rating

from . import selectors, services
from .models import Appeal

PAGE_SIZE = 30


def _list_context(request, **extra) -> dict:
    user = request.user
    appeals = (selectors.visible_appeals(user).select_related("rating__staff", "filed_by__staff", "decided_by__staff")
               .prefetch_related("attachments", "clock__pauses").order_by("-filed_at", "-id"))
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    reviewer = can(user, Perm.DECIDE_APPEAL)
    visible_tickets = dict(selectors.visible_tickets(user).filter(rating__in=[a.rating_id for a in page])
                           .values_list("rating_id", "pk"))
    now = timeutil.now()
    for a in page:
        pending = a.status == Appeal.Status.PENDING
        # A decided appeal's clock stopped at the decision: it shows on time or late, never overdue.
        a.state = state_of(a.clock, now)
        a.may_decide = pending and reviewer and services.may_decide(user, a)
        a.ticket_id = visible_tickets.get(a.rating_id)
    return {"page": page, "decisions": [(Appeal.Status.UPHELD, Appeal.Status.UPHELD.label),
                                        (Appeal.Status.DISMISSED, Appeal.Status.DISMISSED.label)],
            "max_note": services.MAX_NOTE, **extra}


@login_required
def appeal_list(request):
    return render(request, "rectification/appeals.html", _list_context(request))


@login_required
@require_POST
def appeal_decide(request, appeal_id: int):
    if not selectors.visible_appeals(request.user).filter(pk=appeal_id).exists():
        raise Http404
    try:
        appeal = services.decide_appeal(request.user, appeal_id, decision=request.POST.get("decision"),
                                        reason=request.POST.get("reason"))
    except DomainError as exc:
        ctx = _list_context(request, error=exc, failed_appeal=appeal_id, form=request.POST)
        return render(request, "rectification/appeals.html", ctx, status=exc.status)
    messages.success(request, _("已复核：%(decision)s") % {"decision": appeal.get_status_display()})
    return redirect("rectification:appeals")


def _appealable(request, rating_id: int) -> Rating:
    """A rating this person may appeal; any other rating is 404, so its existence is not disclosed."""
    rating = (Rating.objects.select_related("staff", "site", "case", "item", "department")
              .filter(pk=rating_id).first())
    if rating is None or not services.may_appeal(request.user, rating):
        raise Http404
    return rating


@login_required
def appeal_new(request, rating_id: int):
    rating = _appealable(request, rating_id)
    existing = Appeal.objects.filter(rating=rating).first()
    ticket = selectors.visible_tickets(request.user).filter(rating=rating).first()
    ctx = {"rating": rating, "existing": existing, "ticket": ticket, "form": request.POST,
           "max_note": services.MAX_NOTE}
    if request.method == "POST":
        try:
            services.file_appeal(request.user, rating, reason=request.POST.get("reason"),
                                 files=request.FILES.getlist("files"))
        except DomainError as exc:
            return render(request, "rectification/appeal_new.html", {**ctx, "error": exc}, status=exc.status)
        messages.success(request, _("申诉已提交，复核结果将通知您。"))
        return redirect("rectification:appeals")
    return render(request, "rectification/appeal_new.html", ctx)

