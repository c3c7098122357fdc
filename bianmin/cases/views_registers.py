"""The counter-rule registers of a site (issue 18): 退回件登记 (returned applications and their reviews) and the
办结公告 board as the centre keeps it (current and past notices). Both read through the case's scope."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from bianmin.core import inputs, timeutil
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can

from . import selectors
from .models import ResultNotice, ReturnedApplication

PER_PAGE = 30


@login_required
def returned_register(request):
    """退回件登记: every return of the cases the person may see, newest first, with its review."""
    if not can(request.user, Perm.VIEW_CASE):
        raise Http404
    visible = selectors.visible_cases(request.user).values("pk")
    rows = (ReturnedApplication.objects.filter(case__in=visible)
            .select_related("case__item", "case__site", "returned_by", "notice", "review_clock"))
    page = Paginator(rows, PER_PAGE).get_page(inputs.page_number(request.GET.get("page")))
    return render(request, "workbench/returns.html", {"page": page})


@login_required
def result_notice_board(request):
    """The centre's 办结公告 board: notices of the sites the person may see, those still on the board first."""
    if not can(request.user, Perm.VIEW_CASE):
        raise Http404
    today = timeutil.today()
    notices = (ResultNotice.objects.for_user(request.user, Perm.VIEW_CASE)
               .select_related("site", "item", "case").order_by("-until", "-published_at"))
    page = Paginator(notices, PER_PAGE).get_page(inputs.page_number(request.GET.get("page")))
    return render(request, "workbench/result_notices.html", {"page": page, "today": today})
