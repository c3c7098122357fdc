"""Citizen pages: book from the guide's 预约 button (phone first, works without JavaScript: each choice is a link
or a form field), see the booking by its link, cancel it or re-book it.

The link's token is the only key in a URL; the phone number travels in POST bodies only.
"""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bianmin.core import throttle, timeutil
from bianmin.core.errors import DomainError, InvalidInput, RateLimited
from bianmin.hall.hours import settings_for

from . import selectors, services, slots
from .api import THROTTLE_PURPOSE
from .models import Appointment


def _limited(request) -> DomainError | None:
    address = throttle.client_address(request)
    if throttle.is_limited(THROTTLE_PURPOSE, address):
        return RateLimited()
    throttle.hit(THROTTLE_PURPOSE, address)
    return None


def _replacing(token: str | None) -> Appointment | None:
    if not token:
        return None
    try:
        old = services.by_token(token)
    except DomainError:
        raise Http404 from None
    return old if old.status == Appointment.Status.BOOKED else None


def _pick(options, raw):
    return next((o for o in options if str(o.pk) == str(raw)), None)


def book(request):
    data = request.POST if request.method == "POST" else request.GET
    code = data.get("item") or ""
    if not code:
        return render(request, "appointments/book.html", {"no_item": True})
    try:
        item = selectors.public_item(code)
    except DomainError:
        raise Http404 from None
    replacing = _replacing(data.get("rebook"))
    sites = list(selectors.sites_serving(item))
    site = _pick(sites, data.get("site")) or (sites[0] if len(sites) == 1 else None)
    ctx = {"item": item, "sites": sites, "site": site, "replacing": replacing, "form": data,
           "horizon": slots.BOOKING_DAYS}
    if not item.bookable:
        ctx["error"] = InvalidInput("该事项暂不提供预约，请现场取号办理。",
                                             "This item cannot be booked; take a number at the hall.")
        return render(request, "appointments/book.html", ctx, status=422)
    if request.method == "POST":
        error = _limited(request)
        if error is None and site is None:
            error = InvalidInput("请选择服务场所。", "Choose a service site.", field="site")
        if error is None:
            try:
                name = replacing.name if replacing else data.get("name", "")
                phone = replacing.phone if replacing else data.get("phone", "")
                appointment = services.book(site, item, data.get("date", ""), data.get("start", ""), name=name,
                                            phone=phone, replaces=replacing)
            except DomainError as exc:
                error = exc
            else:
                return redirect("appointments:detail", token=appointment.token)
        ctx["error"] = error
        status = error.status
    else:
        status = 200
    if site is not None:
        try:
            ctx["days"] = slots.bookable_days(site, item)
            day = services.parse_date(data.get("date")) if data.get("date") else None
        except DomainError as exc:
            ctx["error"] = ctx.get("error") or exc
            return render(request, "appointments/book.html", ctx, status=exc.status)
        if day is None and ctx["days"]:
            day = ctx["days"][0][0]
        ctx["day"] = day
        if day is not None:
            ctx["slots"] = [s for s in slots.offered(site, item, day) if s.left > 0]
    return render(request, "appointments/book.html", ctx, status=status)


def detail(request, token: str):
    try:
        appointment = services.by_token(token)
    except DomainError:
        raise Http404 from None
    now = timeutil.now()
    open_ = (appointment.status == Appointment.Status.BOOKED
             and slots.local_start(appointment.date, appointment.start) > now)
    rebook = None
    if open_:
        rebook = (reverse("appointments:book") + f"?item={appointment.item.code}&site={appointment.site_id}"
                  f"&rebook={appointment.token}")
    return render(request, "appointments/detail.html", {
        "a": appointment, "may_change": open_, "rebook_url": rebook,
        "windows": appointment.site.windows.filter(items=appointment.item).order_by("number"),
        "grace": settings_for(appointment.site).no_show_grace_minutes,
    })


@require_POST
def cancel(request, token: str):
    try:
        appointment = services.by_token(token)
    except DomainError:
        raise Http404 from None
    error = _limited(request)
    if error is None:
        try:
            services.cancel(appointment)
        except DomainError as exc:
            error = exc
        else:
            return redirect("appointments:detail", token=appointment.token)
    return render(request, "appointments/detail.html", {
        "a": appointment, "error": error, "may_change": False,
        "grace": settings_for(appointment.site).no_show_grace_minutes}, status=error.status)
