"""Staff pages of the bad-review loop. (Being built: list, ticket page, appeals.)"""
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from . import selectors


@login_required
def ticket_list(request):
    return HttpResponse(f"{selectors.visible_tickets(request.user).count()}")


@login_required
def ticket_page(request, ticket_id: int):
    if selectors.get_ticket(request.user, ticket_id) is None:
        raise Http404
    return HttpResponse("ticket")


@login_required
def appeal_list(request):
    return HttpResponse("appeals")
