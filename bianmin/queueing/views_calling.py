"""The clerk's calling panel (/workbench/queue/): the window, the ticket at it with why it was called, the buttons
(叫号, 重呼, 过号, 转窗口, 暂挂, 办结, 受理) and the line waiting for the window. Every button posts to the same
queueing.services functions as the API."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.catalog.models import Item
from bianmin.core import timeutil
from bianmin.core.errors import DomainError, NotFound
from bianmin.hall.hours import settings_for
from bianmin.orgs.models import Window
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can, sites_for

from . import ordering, selectors, services
from .models import QueueEvent, QueueTicket, TicketStatus


def _windows(user):
    if not can(user, Perm.HANDLE_CASE):
        raise Forbidden
    return (Window.objects.filter(site__in=sites_for(user, Perm.HANDLE_CASE)).select_related("site")
            .order_by("site__name", "number"))


def _window(request, windows):
    raw = request.POST.get("window") or request.GET.get("window") or ""
    if raw.isdigit() and len(raw) < 19:
        chosen = windows.filter(pk=int(raw)).first()
        if chosen is not None:
            return chosen
    staff = getattr(request.user, "staff", None)
    if staff is not None:
        from bianmin.hall.presence import default_window

        default = default_window(staff)
        if default is not None and windows.filter(pk=default.pk).exists():
            return default
    return windows.first()


def _back(window) -> str:
    url = reverse("calling:panel")
    return f"{url}?window={window.pk}" if window is not None else url


def _fail(request, exc: DomainError) -> None:
    messages.error(request, exc.en if request.LANGUAGE_CODE == "en" else exc.zh)


@login_required
def panel(request):
    windows = _windows(request.user)
    window = _window(request, windows)
    context = {"windows": windows, "window": window}
    if window is not None:
        now = timeutil.now()
        current = services.current_at(window)
        reason = None
        if current is not None:
            reason = (QueueEvent.objects.filter(ticket=current, action="call").order_by("-pk")
                      .values_list("reason", flat=True).first())
        line = selectors.waiting_for(window, now=now)
        context.update({
            "current": current, "reason": reason, "line": line,
            "rows": [{"ticket": t, "waited": int((now - (t.queued_at or t.created_at)).total_seconds() // 60),
                      "code": code} for t, code in line["tickets"]],
            "parked": QueueTicket.objects.filter(window=window, status=TicketStatus.PARKED,
                                                 day=timezone.localtime(now).date()).order_by("queued_at"),
            "other_windows": [w for w in windows if w.site_id == window.site_id and w.pk != window.pk],
            "items": Item.objects.filter(windows__site=window.site_id, secret=False).distinct().order_by("name"),
            "counts": selectors.site_counts(window.site),
        })
        hall = settings_for(window.site)
        numbers = {"wait_target_minutes": hall.wait_target_minutes, "green_lane_run": hall.green_lane_run}
        context["reason"] = ordering.localized(reason, **numbers)
        if line["tickets"]:
            ticket, code = line["tickets"][0]
            context["preview"] = {"ticket": ticket, "reason": ordering.reason_text(code, **numbers)}
    return render(request, "queueing/calling.html", context)


@login_required
def call_next(request):
    windows = _windows(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    window = _window(request, windows)
    if window is None:
        raise Http404
    try:
        called = services.call(request.user, window)
    except DomainError as exc:
        _fail(request, exc)
    else:
        if called is None:
            messages.info(request, _("当前没有等候的群众。"))
    return redirect(_back(window))


@login_required
def ticket_action(request, ticket_id: int, action: str):
    windows = _windows(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    window = _window(request, windows)
    data = {k: v for k, v in request.POST.items() if k in ("reason", "next_item") or (k == "to_window")}
    if "to_window" in data:
        data["window"] = data.pop("to_window")
    try:
        services.act(request.user, ticket_id, action, data)
    except NotFound:
        raise Http404 from None  # another site's ticket, or no such ticket or action
    except DomainError as exc:
        _fail(request, exc)
    return redirect(_back(window))
