"""Staff pages (workbench/appointments/…): a site's appointments by day with masked phones, 预约电话登记 (a clerk
books for a caller), the manager's emergency closing of a slot or a day, and the slot rules."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.catalog.models import Item
from bianmin.core import timeutil
from bianmin.core.errors import DomainError, InvalidInput
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import SITES, may, own_site

from . import selectors, services, slots
from .models import Appointment, SlotRule


def _site(request, action: str, raw=None):
    """The site the page is about: ?site= among the sites the person may do `action` at, else their own."""
    sites = selectors.staff_sites(request.user, action)
    raw = raw if raw is not None else request.GET.get("site")
    if raw:
        site = sites.filter(pk=int(raw)).first() if str(raw).isdigit() and len(str(raw)) < 19 else None
        if site is None:
            raise Http404
        return site, sites
    mine = own_site(request.user, action, or_reachable=False)
    site = mine if mine is not None and sites.filter(pk=mine.pk).exists() else sites.first()
    if site is None:
        raise Forbidden
    return site, sites


def _day(raw, default: dt.date) -> dt.date:
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD。", "The date must be YYYY-MM-DD.", field="date") from None


def _bookable_items(site):
    return Item.objects.filter(windows__site=site, bookable=True, secret=False).distinct().order_by("code")


@login_required
def day_list(request):
    site, sites = _site(request, Action.VIEW_CASE)
    today = timeutil.today()
    try:
        day = _day(request.GET.get("date"), today)
    except DomainError as exc:
        return render(request, "appointments/staff_list.html", {"site": site, "sites": sites, "error": exc,
                                                                 "day": today, "rows": []}, status=exc.status)
    rows = list(selectors.day_list(request.user, site, day))
    tally = Counter(a.status for a in rows)
    counts = [(value, label, tally[value]) for value, label in Appointment.Status.choices]
    return render(request, "appointments/staff_list.html", {
        "site": site, "sites": sites, "day": day, "rows": rows, "counts": counts,
        "closures": selectors.closures(site, day),
        "prev": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1), "today": today,
        "may_book": may(request.user, Action.HANDLE_CASE, site, SITES),
        "may_manage": may(request.user, Action.MANAGE_SITE, site, SITES),
    })


@login_required
def phone_booking(request):
    """预约电话登记: the site's clerk or manager books for a caller (channel phone, created_by the clerk)."""
    data = request.POST if request.method == "POST" else request.GET
    site, sites = _site(request, Action.HANDLE_CASE, data.get("site") or None)
    items = list(_bookable_items(site))
    item = next((i for i in items if str(i.pk) == data.get("item")), None)
    ctx = {"site": site, "sites": sites, "items": items, "item": item, "form": data}
    status = 200
    if request.method == "POST":
        try:
            if item is None:
                raise InvalidInput("请选择事项。", "Choose the item.", field="item")
            appointment = services.book_by_phone(request.user, site, item, data.get("date", ""),
                                                 data.get("start", ""), name=data.get("name", ""),
                                                 phone=data.get("phone", ""))
        except DomainError as exc:
            ctx["error"], status = exc, exc.status
        else:
            messages.success(request, _("已登记预约：%(date)s %(start)s，预约码 %(code)s（已短信告知来电人）") % {
                "date": f"{appointment.date:%Y-%m-%d}", "start": f"{appointment.start:%H:%M}",
                "code": appointment.code})
            return redirect(reverse("appointments_staff:list") + f"?site={site.pk}&date={appointment.date:%Y-%m-%d}")
    if item is not None:
        ctx["days"] = slots.bookable_days(site, item)
        try:
            day = services.parse_date(data["date"]) if data.get("date") else None
        except DomainError as exc:
            ctx["error"], status, day = exc, exc.status, None
        if day is None and ctx["days"]:
            day = ctx["days"][0][0]
        ctx["day"] = day
        if day is not None:
            ctx["slots"] = [s for s in slots.offered(site, item, day) if s.left > 0]
    return render(request, "appointments/staff_new.html", ctx, status=status)


@login_required
@require_POST
def close(request):
    """Emergency: close a stretch of a day, or the whole day, and move its bookings (each texted)."""
    sites = selectors.staff_sites(request.user, Action.MANAGE_SITE)
    raw = request.POST.get("site", "")
    if not sites.exists():
        raise Forbidden
    site = sites.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
    back = reverse("appointments_staff:list")
    try:
        if site is None:
            raise InvalidInput("请选择服务场所。", "Choose a service site.", field="site")
        whole = request.POST.get("whole_day") == "1"
        closure, moved = services.close_slots(
            request.user, site, request.POST.get("date", ""),
            start=None if whole else (request.POST.get("start") or None),
            end=None if whole else (request.POST.get("end") or None), reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, f"{exc.zh} {exc.en}" if request.LANGUAGE_CODE == "en" else exc.zh)
        if site is None:
            return render(request, "appointments/staff_list.html", {"error": exc, "rows": [], "sites": sites,
                                                                     "day": timeutil.today()}, status=exc.status)
        return redirect(back + f"?site={site.pk}&date={request.POST.get('date', '')[:10]}")
    kept = sum(1 for _old, new in moved if new is not None)
    messages.success(request, _("已关闭 %(what)s：%(moved)s 个预约已改约，%(dropped)s 个无空余时段已取消，均已短信通知。") % {
        "what": str(closure), "moved": kept, "dropped": len(moved) - kept})
    return redirect(back + f"?site={site.pk}&date={closure.date:%Y-%m-%d}")


@login_required
def rules(request):
    """The manager's slot rules: slot length and places per slot, for every item or one item of the site."""
    site, sites = _site(request, Action.MANAGE_SITE, (request.POST.get("site") if request.method == "POST" else None)
                        or None)
    items = list(_bookable_items(site))
    ctx = {"site": site, "sites": sites, "items": items, "defaults": slots.Rule(slots.DEFAULT_SLOT_MINUTES,
                                                                                  slots.DEFAULT_CAPACITY)}
    status = 200
    if request.method == "POST":
        try:
            _save_rule(request.user, site, items, request.POST)
        except DomainError as exc:
            ctx["error"], ctx["form"], status = exc, request.POST, exc.status
        else:
            messages.success(request, _("已保存预约时段规则。"))
            return redirect(reverse("appointments_staff:rules") + f"?site={site.pk}")
    ctx["rules"] = sorted(SlotRule.objects.filter(site=site).select_related("item"),
                          key=lambda r: (r.item_id is not None, r.item.code if r.item_id else ""))
    return render(request, "appointments/staff_rules.html", ctx, status=status)


def _save_rule(user, site, items, post) -> None:
    raw_item = post.get("item", "")
    item = next((i for i in items if str(i.pk) == raw_item), None)
    if raw_item and item is None:
        raise InvalidInput("请选择本场所可预约的事项。", "Choose a bookable item of this site.", field="item")
    if post.get("delete") == "1":
        services.delete_rule(user, site, item)
        return
    services.save_rule(user, site, item, post.get("slot_minutes"), post.get("capacity"))
