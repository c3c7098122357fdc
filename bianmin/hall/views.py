"""Staff pages of the hall (workbench/hall/…): signing in and out, outings and leave for everybody with a post; the
hall board, hours and duty rota, attendance and the clock-in import for site managers. Every change goes through
hall.services, the same functions as the API."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.core import refusals, timeutil
from bianmin.core.errors import DomainError
from bianmin.orgs.models import Staff, Window
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can, sites_for

from . import attendance as derive
from . import presence, selectors, services
from .imports import rows_of_file
from .models import LeaveRequest, OpeningSession, Outing, Presence


def _staff(user) -> Staff | None:
    try:
        return services.staff_of(user)
    except DomainError:
        return None


_fail = refusals.flash
_refused = refusals.refused


def _managed_site(request):
    """The site a manager's page is about: ?site= among the sites they manage, else their first. 403 for others."""
    managed = sites_for(request.user, Action.MANAGE_SITE).select_related("unit").order_by("unit__path", "pk")
    if not can(request.user, Action.MANAGE_SITE) or not managed.exists():
        raise Forbidden
    raw = request.GET.get("site") or request.POST.get("site") or ""
    if not raw:
        return managed.first(), managed
    site = managed.filter(pk=raw).first() if raw.isdigit() and len(raw) < 19 else None
    if site is None:
        raise Http404  # a site they do not manage: never fall back to another one and change it instead
    return site, managed


# ---------------------------------------------------------------- everybody with a post

@login_required
def home(request):
    staff = _staff(request.user)
    manager = can(request.user, Action.MANAGE_SITE)
    if staff is None and not manager:
        raise Forbidden
    context = {"staff": staff, "manager": manager}
    if staff is not None:
        latest = presence._latest_today([staff.pk]).get(staff.pk)
        context.update({
            "latest": latest, "signed_in": latest is not None and latest.kind == Presence.Kind.IN,
            "windows": services.post_windows(staff), "default_window": presence.default_window(staff),
            "open_outing": Outing.objects.filter(staff=staff, returned_at__isnull=True).first(),
            "outings": Outing.objects.filter(staff=staff)[:5],
            "today": Presence.objects.filter(staff=staff, at__date=timeutil.today()).select_related("window")
            .order_by("at"),
        })
    return render(request, "hall/home.html", context)


@login_required
@require_POST
def sign(request):
    try:
        row = services.sign(request.user, request.POST.get("kind", ""), request.POST.get("window") or None)
    except DomainError as exc:
        return _refused(request, exc, home)
    where = f" · {row.window}" if row.window else ""
    messages.success(request, (_("签到成功") if row.kind == Presence.Kind.IN else _("签退成功")) + where)
    return redirect("hall:home")


@login_required
@require_POST
def outing_new(request):
    try:
        services.register_outing(request.user, request.POST.dict())
    except DomainError as exc:
        return _refused(request, exc, home)
    messages.success(request, _("已登记外出。"))
    return redirect("hall:home")


@login_required
@require_POST
def outing_return(request, outing_id: int):
    try:
        services.return_from_outing(request.user, outing_id)
    except DomainError as exc:
        return _refused(request, exc, home)
    messages.success(request, _("已登记返回。"))
    return redirect("hall:home")


@login_required
def leave(request):
    staff = _staff(request.user)
    managed = sites_for(request.user, Action.MANAGE_SITE)
    manager = can(request.user, Action.MANAGE_SITE)
    if staff is None and not manager:
        raise Forbidden
    posted = {}
    if request.method == "POST":
        try:
            services.request_leave(request.user, request.POST.dict())
        except DomainError as exc:
            _fail(request, exc)
            posted = request.POST
        else:
            messages.success(request, _("请假申请已提交，等待负责人审批。"))
            return redirect("hall:leave")
    mine = (LeaveRequest.objects.filter(staff=staff).select_related("cover").prefetch_related("events__actor")[:20]
            if staff else [])
    to_decide = decided = []
    if manager:
        scoped = (LeaveRequest.objects.for_user(request.user, Action.MANAGE_SITE).filter(site__in=managed)
                  .select_related("staff", "cover", "site").prefetch_related("events__actor"))
        to_decide = scoped.filter(status=LeaveRequest.Status.REQUESTED).order_by("starts_at")
        decided = scoped.exclude(status=LeaveRequest.Status.REQUESTED)[:30]
    site = services.site_of(staff) if staff else None
    covers = services.site_staff(site).exclude(pk=staff.pk) if site else []
    return render(request, "hall/leave.html", {
        "staff": staff, "mine": mine, "to_decide": to_decide, "decided": decided, "covers": covers,
        "kinds": LeaveRequest.Kind.choices, "posted": posted,
    }, status=422 if posted else 200)


@login_required
@require_POST
def leave_action(request, leave_id: int, action: str):
    try:
        services.decide_leave(request.user, leave_id, action, request.POST.get("note", ""))
    except DomainError as exc:
        return _refused(request, exc, leave)
    messages.success(request, _("已处理请假申请。"))
    return redirect("hall:leave")


# ---------------------------------------------------------------- managers

@login_required
def board(request):
    site, managed = _managed_site(request)
    return render(request, "hall/board.html", {"sites": managed, **selectors.board(site)})


@login_required
def hours_page(request):
    site, managed = _managed_site(request)
    status = 200
    if request.method == "POST":
        form = request.POST.get("form")
        try:
            if form == "sessions":
                services.save_sessions(request.user, site, _session_rows(request.POST))
                messages.success(request, _("已保存办公时段。"))
            elif form == "settings":
                services.save_settings(request.user, site, request.POST.dict())
                messages.success(request, _("已保存大厅设置。"))
            elif form == "duty":
                data = {**request.POST.dict(), "windows": request.POST.getlist("windows"),
                        "staff": request.POST.getlist("staff")}
                services.save_duty_day(request.user, site, data)
                messages.success(request, _("已保存值班日。"))
            elif form == "duty_delete":
                services.delete_duty_day(request.user, site, request.POST.get("duty"))
                messages.success(request, _("已删除值班日。"))
            else:
                raise DomainError("未知的表单。", "Unknown form.")
        except DomainError as exc:
            _fail(request, exc)
            status = exc.status
        else:
            return redirect(reverse("hall:hours") + f"?site={site.pk}")
    today = timeutil.today()
    sessions = selectors.weekday_sessions(site)
    settings_row = services.hours.settings_for(site)
    return render(request, "hall/hours.html", {
        "site": site, "sites": managed, "sessions": sessions + [{"kind": "regular", "start": "", "end": "",
                                                                 "windows": []}] * 2,
        "kinds": OpeningSession.Kind.choices, "windows": Window.objects.filter(site=site).order_by("number"),
        "staff": services.site_staff(site),
        "settings_fields": [(name, settings_row._meta.get_field(name).verbose_name, getattr(settings_row, name), lo, hi)
                            for name, (lo, hi) in services.SETTING_LIMITS.items()],
        "duty_days": [(d, selectors.day_name(d.date), services.hours.is_working_day(d.date))
                      for d in selectors.duty_days(site, today)],
        "stored": OpeningSession.objects.filter(site=site).exists(),
    }, status=status)


def _session_rows(post) -> list[dict]:
    rows = []
    for i in range(20):
        if f"start-{i}" not in post and f"end-{i}" not in post:
            continue
        rows.append({"kind": post.get(f"kind-{i}"), "start": post.get(f"start-{i}"), "end": post.get(f"end-{i}"),
                     "windows": post.getlist(f"windows-{i}")})
    return rows


@login_required
def attendance_page(request):
    manager = can(request.user, Action.MANAGE_SITE)
    own = _staff(request.user)
    if own is None and not manager:
        raise Forbidden
    work_id = request.GET.get("staff") or (own.work_id if own else "")
    choices = list(selectors.managed_staff(request.user)) if manager else []
    if not work_id:
        return render(request, "hall/attendance.html", {"choices": choices, "records": None})
    try:
        staff, (year, month) = selectors.attendance_subject(request.user, work_id, request.GET.get("month"))
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        _fail(request, exc)
        return render(request, "hall/attendance.html", {"choices": choices, "records": None}, status=exc.status)
    records = derive.month(staff, year, month)
    return render(request, "hall/attendance.html", {
        "choices": choices, "subject": staff, "month": f"{year:04d}-{month:02d}", "records": records,
        "totals": derive.totals(records),
    })


@login_required
def attendance_import(request):
    _managed_site(request)  # managers only
    result, status = None, 200
    if request.method == "POST":
        try:
            result = services.import_punches(request.user, rows_of_file(request.FILES.get("file")))
        except DomainError as exc:
            _fail(request, exc)
            status = exc.status
    return render(request, "hall/import.html", {"result": result}, status=status)
