"""The rater's follow-up (追评) page, reached by the link in the unit's answer; no sign-in.

It shows the answer first, then the same large five-level form as the first rating. A rater may
follow up once per ticket; coming back shows what they said and where the ticket stands.
"""
from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from bianmin.core import throttle
from bianmin.core.errors import DomainError
from bianmin.ratings import services as rating_services
from bianmin.ratings.views_public import form_context, posted_rating

from . import followups, rater_view


def _page(request, template: str, ticket, status: int = 200, **extra):
    context = {"ticket": ticket, "progress": rater_view.progress(ticket), "site": ticket.assigned_site,
               "unit": ticket.assigned_unit, **extra}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def followup_page(request, token: str):
    address = throttle.client_address(request)
    if throttle.is_limited("rate-bad-token", address):
        return render(request, "ratings/rate_closed.html", {"reason": "limited"}, status=429)
    try:
        ticket = followups.ticket_for_token(token)
    except DomainError:
        throttle.hit("rate-bad-token", address)
        return render(request, "ratings/rate_closed.html", {"reason": "invalid"}, status=404)
    if ticket.followup_rating_id:
        return _page(request, "ratings/followup_done.html", ticket, already=request.GET.get("done") != "1")
    if request.method == "POST":
        try:
            rating_services.submit_with_token(token, **posted_rating(request))
        except DomainError as exc:
            status = exc.status if exc.status in (403, 409, 410, 422) else 400
            return _page(request, "ratings/followup.html", ticket, status=status, error=exc, form=request.POST,
                         submission=request.POST.get("submission", ""), **form_context(request))
        return redirect(reverse("followup:page", args=[token]) + "?done=1")
    try:
        followups.check_open(ticket)
    except DomainError as exc:
        return render(request, "ratings/rate_closed.html", {"reason": exc.code, "error": exc},
                      status=200 if exc.code == "not_yet" else exc.status)
    return _page(request, "ratings/followup.html", ticket, form={}, submission=rating_services.new_submission_key(),
                 deadline=followups.deadline(ticket), **form_context(request))
