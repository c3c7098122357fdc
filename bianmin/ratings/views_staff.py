"""Staff pages of 好差评: paper forms keyed in on the case page (its panel is in case_page.py), the ratings list
and detail, "my ratings" for clerks, and rating devices. They call the same services and selectors as the API.

Rater names and phones are masked in every page; the full values appear only in the response to a
logged unmask request (SPEC §11).
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from bianmin.cases import selectors as case_selectors
from bianmin.cases.views import case_page_response
from bianmin.core.errors import DomainError, InvalidInput
from bianmin.core.privacy import log_unmask
from bianmin.orgs.models import Site, Staff, Window
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can, sites_for

from . import selectors, services
from .forms import RatingFilterForm
from .models import SUGGESTION_KEY, Answer, Channel, Device, Question, Rating

PAGE_SIZE = 50


# ---------------------------------------------------------------- paper forms (on the case page)

@login_required
@require_POST
def paper_entry(request, case_id: int):
    """Key in a paper 评价表 for a case (marked as paper and with who entered it)."""
    case = case_selectors.get_case(request.user, case_id)
    if case is None:
        raise Http404
    try:
        rating = services.enter_paper_rating(request.user, case=case, level=request.POST.get("level"),
                                             comment=request.POST.get("comment", ""),
                                             stage=request.POST.get("stage") or None)
    except DomainError as exc:
        return case_page_response(request, case, status=exc.status, paper_error=exc, paper_form=request.POST)
    messages.success(request, _("已录入纸质评价表：%(level)s") % {"level": rating.get_level_display()})
    return redirect("workbench:case", case_id=case.pk)


# ---------------------------------------------------------------- the ratings list

def _require_view(user) -> None:
    if not can(user, Perm.VIEW_RATINGS):
        raise Forbidden


@login_required
def rating_list(request):
    _require_view(request.user)
    form = RatingFilterForm(request.GET or None, sites=sites_for(request.user, Perm.VIEW_RATINGS))
    ratings = selectors.filtered(request.user, form.selector_filters()).select_related("case")
    page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ratings/staff/list.html", {
        "form": form, "page": page, "can_manage_devices": can(request.user, Perm.MANAGE_DEVICES),
    })


@login_required
def my_ratings(request):
    """A clerk's own ratings: read-only, raters masked."""
    staff = Staff.objects.filter(user=request.user).first()
    if staff is None:
        raise Http404
    ratings = (Rating.objects.filter(staff=staff).select_related("item", "window", "site", "case")
               .prefetch_related("flags").order_by("-created_at", "-id"))
    page = Paginator(ratings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ratings/staff/mine.html", {
        "page": page, "staff": staff, "total": ratings.counted().count(), "bad": ratings.bad().count(),
    })


# ---------------------------------------------------------------- one rating

def _detail_context(request, rating: Rating, **extra) -> dict:
    answers = [(label, Answer(rating.answers[key]).label) for key, label in Question.choices
               if rating.answers.get(key) in Answer.values]
    return {
        "rating": rating, "answers": answers, "suggestion": rating.answers.get(SUGGESTION_KEY, ""),
        "flags": list(rating.flags.select_related("reviewed_by", "reviewed_by__staff")),
        "may_review_flags": selectors.may_review_flags(request.user, rating),
        "may_unmask": bool(rating.rater_name or rating.rater_phone) and selectors.may_unmask(request.user, rating),
        "case_visible": bool(rating.case_id and case_selectors.get_case(request.user, rating.case_id)),
        **extra,
    }


def _visible_rating(request, rating_id: int) -> Rating:
    _require_view(request.user)
    rating = selectors.get_rating(request.user, rating_id)
    if rating is None:
        raise Http404
    return rating


@login_required
def rating_detail(request, rating_id: int):
    rating = _visible_rating(request, rating_id)
    return render(request, "ratings/staff/detail.html", _detail_context(request, rating))


@never_cache
@login_required
@require_POST
def rating_unmask(request, rating_id: int):
    """Show the rater's full name and phone in this response only, after logging who asked and why."""
    rating = _visible_rating(request, rating_id)
    if not selectors.may_unmask(request.user, rating):
        raise Forbidden
    try:
        log_unmask(request.user, rating, request.POST.get("reason", ""))
    except DomainError as exc:
        return render(request, "ratings/staff/detail.html", _detail_context(request, rating, error=exc),
                      status=exc.status)
    return render(request, "ratings/staff/detail.html", _detail_context(request, rating, unmasked=True))


@login_required
@require_POST
def flag_review(request, rating_id: int, flag_id: int):
    rating = _visible_rating(request, rating_id)
    flag = rating.flags.filter(pk=flag_id).first()
    if flag is None:
        raise Http404
    try:
        services.review_flag(request.user, flag, request.POST.get("note", ""))
    except DomainError as exc:
        ctx = _detail_context(request, rating, error=exc, failed_flag=flag.pk, form=request.POST)
        return render(request, "ratings/staff/detail.html", ctx, status=exc.status)
    messages.success(request, _("已记录核查意见。"))
    return redirect("ratings:detail", rating_id=rating.pk)


# ---------------------------------------------------------------- rating devices

def _managed_site(request, site_id) -> tuple[Site, object]:
    managed = sites_for(request.user, Perm.MANAGE_DEVICES)
    site = managed.filter(pk=site_id).first() if str(site_id or "").isdigit() else None
    site = site or managed.first()
    if site is None:
        raise Forbidden
    return site, managed


def _devices_context(site, managed, **extra) -> dict:
    return {
        "site": site, "sites": managed,
        "devices": Device.objects.filter(window__site=site).select_related("window").order_by("-active", "window__number",
                                                                                               "name"),
        "windows": Window.objects.filter(site=site).order_by("number"),
        "kinds": [(Channel.WINDOW_DEVICE, Channel.WINDOW_DEVICE.label), (Channel.HALL_TABLET, Channel.HALL_TABLET.label)],
        **extra,
    }


@never_cache
@login_required
def devices(request):
    """List a site's rating devices and register new ones (the key is shown once, on the result page)."""
    site, managed = _managed_site(request, request.POST.get("site") or request.GET.get("site"))
    if request.method == "POST":
        window = Window.objects.select_related("site", "site__unit").filter(
            site=site, pk=request.POST.get("window") if str(request.POST.get("window", "")).isdigit() else 0).first()
        try:
            if window is None:
                raise InvalidInput("请选择本场所的窗口。", "Choose a window of this site.", field="window")
            device, key = services.register_device(request.user, window=window, name=request.POST.get("name", ""),
                                                   kind=request.POST.get("kind") or Channel.WINDOW_DEVICE)
        except DomainError as exc:
            return render(request, "ratings/staff/devices.html",
                          _devices_context(site, managed, error=exc, form=request.POST), status=exc.status)
        return render(request, "ratings/staff/device_key.html", {"device": device, "key": key, "site": site},
                      status=201)
    return render(request, "ratings/staff/devices.html", _devices_context(site, managed, form={}))


@login_required
@require_POST
def device_deactivate(request, device_id: int):
    managed = sites_for(request.user, Perm.MANAGE_DEVICES)
    device = (Device.objects.select_related("window", "window__site", "window__site__unit")
              .filter(pk=device_id, window__site__in=managed).first())
    if device is None:
        raise Http404
    try:
        services.deactivate_device(request.user, device)
    except DomainError as exc:
        messages.error(request, exc.zh)
    else:
        messages.success(request, _("评价器“%(name)s”已停用，其密钥立即失效。") % {"name": device.name})
    return redirect(f"{reverse('ratings:devices')}?site={device.window.site_id}")
