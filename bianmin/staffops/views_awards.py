"""The awards page (workbench/awards/): the 流动红旗 each site of the person's scope holds now, a month's flags and
star staff, the last twelve months' flags and the annual results. Who sees which sites: awards_read.visible_sites
(a clerk their own site's). Holders of ASSESS may decide a past month that nothing was awarded for yet ("run now":
the worker does it on the 1st; this is for a site added later or a worker that was down), through
awards.award_month like the job."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bianmin.core import refusals, timeutil
from bianmin.core.errors import DomainError, InvalidInput, NotFound
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can, sites_for

from . import awards, awards_read, scoring
from .models import Award

HISTORY_MONTHS = 12
PAGE_SITES = 200  # sites listed on the page (a province's supervisor: use ?unit= or ?site= to narrow)


def _history(sites, month: dt.date) -> list[dict]:
    first = month
    for _i in range(HISTORY_MONTHS - 1):
        first = awards.previous_month(first)
    rows = (Award.objects.filter(site__in=sites, kind=Award.Kind.RED_FLAG, period__gte=first, period__lte=month)
            .select_related("site", "window").order_by("-period", "site__unit__path", "site_id"))
    return [awards_read.flag_dict(a) for a in rows[:PAGE_SITES]]


def _missing(user, sites, month: dt.date) -> list:
    """Sites of the person's ASSESS scope with windows and nothing awarded for `month` (a month that has ended)."""
    if month >= scoring.month_start(timeutil.today()) or not can(user, Action.ASSESS):
        return []
    due = awards.sites_due(month).filter(pk__in=sites_for(user, Action.ASSESS)).filter(pk__in=sites)
    return list(due[:PAGE_SITES])


def _context(request) -> dict:
    today = timeutil.today()
    month = awards_read.parse_month(request.GET.get("month"), today)
    sites = awards_read.scoped_sites(request.user, awards_read.parse_id(request.GET.get("unit"), "unit"),
                                     awards_read.parse_id(request.GET.get("site"), "site"))
    held = awards.previous_month(today)
    current = {f["site_id"]: f for f in awards_read.month_awards(sites, held)["red_flags"]}
    listed = list(sites[:PAGE_SITES])
    year = today.year - 1  # the last year that has ended
    return {
        "month": month, "month_value": month.strftime("%Y-%m"), "held": held, "today": today,
        "sites": listed, "more_sites": sites.count() > len(listed),
        "current": [{"site": s, "flag": current.get(s.pk)} for s in listed],
        "chosen": awards_read.month_awards(sites, month), "history": _history(sites, month),
        "annual": awards_read.year_awards(sites, year), "missing": _missing(request.user, sites, month),
        "site_value": request.GET.get("site", ""), "unit_value": request.GET.get("unit", ""),
    }


def _run(request):
    """POST: decide `month` for `site` now. Past months only; a site outside the ASSESS scope is a 404."""
    if not can(request.user, Action.ASSESS):
        raise Forbidden
    month = awards_read.parse_month(request.POST.get("month"))
    if month >= scoring.month_start(timeutil.today()):
        raise InvalidInput("只能评定已经结束的月份。", "Only a month that has ended can be awarded.", field="month")
    site_id = awards_read.parse_id(request.POST.get("site"), "site")
    if site_id is None:
        raise InvalidInput("请选择服务场所。", "Choose a site.", field="site")
    site = sites_for(request.user, Action.ASSESS).filter(pk=site_id).first()
    if site is None:
        raise NotFound("服务场所不存在或不在您的范围内。", "No such site, or it is outside your scope.")
    made = awards.award_month(site, month)
    if made:
        messages.success(request, _("已评定 %(site)s %(month)s 的流动红旗和服务之星。")
                         % {"site": site.name, "month": month.strftime("%Y-%m")})
    else:
        messages.warning(request, _("%(site)s %(month)s 没有符合条件的窗口或人员。")
                         % {"site": site.name, "month": month.strftime("%Y-%m")})
    return redirect(reverse("staffops:awards") + f"?month={month:%Y-%m}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def awards_page(request):
    try:
        if request.method == "POST":
            return _run(request)
        awards_read.visible_sites(request.user)  # 403 before reading the filters
        return render(request, "staffops/awards.html", _context(request))
    except DomainError as exc:
        if request.method == "POST":
            return refusals.refused(request, exc, awards_page)
        if exc.status in (403, 404):
            raise (Forbidden if exc.status == 403 else Http404) from exc
        return render(request, "error.html", {"status": exc.status, "message_zh": exc.zh, "message_en": exc.en},
                      status=exc.status)
