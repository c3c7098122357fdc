"""Staff pages of the monthly score, efficiency warnings and the deduction schedule (workbench/scores/, warnings/,
rules/). A clerk sees their own month; a manager their site's board; a supervisor their subtree's, site by site.
Every change goes through staffops.services / staffops.schedule, the same functions as the API."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core import refusals, timeutil
from bianmin.core.errors import DomainError, InvalidInput
from bianmin.orgs.models import Staff, Window, WindowPost
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can, may

from . import rules, schedule, scores, selectors
from .models import AssessmentPolicy, Deduction, EfficiencyWarning, Target
from .schemas import NOTE_MAX
from .subjects import a_post_window

FORM_TEXT_MAX = NOTE_MAX


def _own_staff(user) -> Staff | None:
    try:
        return user.staff
    except (ObjectDoesNotExist, AttributeError):
        return None


_fail = refusals.flash
_refused = refusals.refused


def _or_404(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except DomainError as exc:
        if exc.status == 403:
            raise Forbidden from None
        raise Http404 from None


def _month(request) -> dt.date:
    """The month asked for (?month=YYYY-MM, default this month); a bad one is a 400 page, not a guess."""
    try:
        return selectors.parse_month(request.GET.get("month") or None)
    except InvalidInput:
        raise BadMonth from None


class BadMonth(Exception):
    pass


def _bad_month(request):
    messages.error(request, "月份格式应为 YYYY-MM。 / month must be written YYYY-MM.")
    return render(request, "staffops/scores_bad.html", {}, status=400)


def _at(raw: str | None):
    """The date-time of a manual form (datetime-local, local time), or None for now; a bad value is a 422."""
    if not raw:
        return None
    try:
        if len(raw) > 25:
            raise ValueError
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("时间格式应为 YYYY-MM-DDTHH:MM。", "at must be written YYYY-MM-DDTHH:MM.", field="at") from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _note(request, key: str = "note", zh: str = "理由", en: str = "Reason") -> str:
    value = (request.POST.get(key) or "").strip()
    if not value:
        raise InvalidInput(f"请填写{zh}。", f"{en} is required.", field=key)
    if len(value) > FORM_TEXT_MAX:
        raise InvalidInput(f"{zh}过长（最多 {FORM_TEXT_MAX} 字）。",
                           f"{en} is too long (max {FORM_TEXT_MAX} characters).", field=key)
    return value


def _lines(sheet) -> list[dict]:
    """Each deduction of a sheet with the link to its source (the ticket, the inspection, the attendance month)."""
    out = []
    for d in sheet.deductions:
        link = ""
        if d.ticket_id:
            link = reverse("rectification:ticket", args=[d.ticket_id])
        elif d.source == Deduction.Source.INSPECTION and d.finding_id:
            try:
                link = reverse("staffops:inspection", args=[d.finding.inspection_id])
            except Exception:  # the inspections page is another module's; no link until it exists
                link = ""
        elif d.source == Deduction.Source.ATTENDANCE and d.staff_id:
            local = timezone.localtime(d.at)
            link = reverse("hall:attendance") + f"?staff={d.staff.work_id}&month={local:%Y-%m}"
        out.append({"row": d, "link": link, "label": rules.label_shown(d.rule_code, d.rule_label)})
    return out


def _month_choices(month: dt.date) -> dict:
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return {"month": month, "month_value": f"{month:%Y-%m}", "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}" if following <= timeutil.today() else ""}


# ---------------------------------------------------------------- the score pages

@login_required
def scores_home(request):
    """A clerk: their own month. A manager or supervisor: the board of one site in scope."""
    try:
        month = _month(request)
    except BadMonth:
        return _bad_month(request)
    user = request.user
    if not can(user, Action.VIEW_ASSESSMENT):
        staff = _own_staff(user)
        if staff is None:
            raise Forbidden
        sheet = scores.staff_sheet(staff, month)
        return render(request, "staffops/scores_mine.html", {
            "staff": staff, "sheet": sheet, "lines": _lines(sheet), **_month_choices(month)})
    sites = selectors.sites_in_scope(user)
    raw = request.GET.get("site") or ""
    site = _or_404(selectors.site_for, user, raw) if raw else sites.first()
    context = {"sites": sites, "site": site, "own": _own_staff(user), **_month_choices(month)}
    if site is not None:
        windows = list(Window.objects.filter(site=site).order_by("number"))
        staff = list(selectors.staff_of_sites([site]).order_by("work_id"))
        window_points = scores.window_scores([w.pk for w in windows], month)
        staff_points = scores.staff_scores([s.pk for s in staff], month)
        warned = dict(EfficiencyWarning.objects.filter(staff__in=staff, period=month, withdrawn=False)
                      .values_list("staff_id").annotate(n=Count("pk")).values_list("staff_id", "n"))
        context.update({
            "windows": [{"window": w, "points": window_points[w.pk]} for w in windows],
            "staff": [{"staff": s, "points": staff_points[s.pk], "warnings": warned.get(s.pk, 0)} for s in staff],
            "warning_count": EfficiencyWarning.objects.for_user(user, Action.VIEW_ASSESSMENT).filter(
                Q(site=site) | Q(staff__in=staff), period=month, withdrawn=False).distinct().count(),
        })
    return render(request, "staffops/scores_board.html", context)


def _detail_context(request, sheet, month) -> dict:
    return {"sheet": sheet, "lines": _lines(sheet), **_month_choices(month),
            "may_assess": False, "rule_choices": [], "reason_max": FORM_TEXT_MAX}


def _rule_choices(site) -> list:
    unit = site.unit if site else None
    return [r for r in rules.schedule_for(unit).values() if r.active]


@login_required
def staff_page(request, staff_id: int):
    staff = _or_404(selectors.staff_for, request.user, staff_id)
    if request.method == "POST":
        return _staff_post(request, staff)
    try:
        month = _month(request)
    except BadMonth:
        return _bad_month(request)
    sheet = scores.staff_sheet(staff, month)
    site = selectors.staff_site(staff)
    may_assess = can(request.user, Action.ASSESS) and selectors.visible_staff(
        request.user, Action.ASSESS).filter(pk=staff.pk).exists()
    monthly = [{"month": m, "score": scores.staff_scores([staff.pk], m)[staff.pk]}
               for m in _recent_months(month)]
    return render(request, "staffops/scores_detail.html", {
        **_detail_context(request, sheet, month), "staff": staff, "site": site, "subject": staff,
        "may_assess": may_assess, "rule_choices": _rule_choices(site) if may_assess else [],
        "windows": [p.window for p in WindowPost.objects.filter(staff=staff).select_related("window")],
        "monthly": monthly, "now_value": f"{timezone.localtime(timeutil.now()):%Y-%m-%dT%H:%M}",
        "is_self": staff.user_id == request.user.pk, "deduct_form": may_assess,
    })


def _recent_months(month: dt.date, count: int = 6) -> list[dt.date]:
    out, day = [], month
    for _i in range(count):
        out.append(day)
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return out


def _staff_post(request, staff):
    from . import services

    form = request.POST.get("form")
    try:
        if not can(request.user, Action.ASSESS):
            raise Forbidden
        target = _or_404(selectors.staff_for, request.user, staff.pk, Action.ASSESS)
        if form == "deduct":
            window = a_post_window(target)  # a rule that hits the window reaches the person's A-post window
            if request.POST.get("window"):
                window = _or_404(selectors.window_for, request.user, request.POST.get("window"), Action.ASSESS)
            services.add_deduction(request.user, target, request.POST.get("rule") or "", _note(request),
                                   at=_at(request.POST.get("at")), window=window)
            messages.success(request, _("已扣分。"))
        elif form == "reverse":
            _reverse(request)
        elif form == "warn":
            services.issue_warning(request.user, target, _note(request, "reason", "告诫事由", "Reason"),
                                   at=_at(request.POST.get("at")))
            messages.success(request, _("已发出效能告诫。"))
        else:
            raise InvalidInput("未知的表单。", "Unknown form.")
    except DomainError as exc:
        return _refused(request, exc, staff_page, staff.pk)
    return redirect(reverse("staffops:scores_staff", args=[staff.pk]) + _keep_month(request))


def _keep_month(request) -> str:
    raw = request.GET.get("month") or ""
    return f"?month={raw}" if len(raw) == 7 and raw[:4].isdigit() else ""


def _reverse(request) -> None:
    from . import services

    deduction_id = selectors._as_id(request.POST.get("deduction"))
    if deduction_id is None:
        raise InvalidInput("请选择要撤销的扣分。", "Choose the deduction to reverse.", field="deduction")
    services.reverse_deduction(request.user, deduction_id, _note(request, "reason", "撤销理由", "Reason"))
    messages.success(request, _("已撤销该项扣分。"))


@login_required
def window_page(request, window_id: int):
    window = _or_404(selectors.window_for, request.user, window_id)
    if request.method == "POST":
        return _window_post(request, window)
    try:
        month = _month(request)
    except BadMonth:
        return _bad_month(request)
    sheet = scores.window_sheet(window, month)
    may_assess = selectors.visible_windows(request.user, Action.ASSESS).filter(pk=window.pk).exists()
    posted = list(Staff.objects.filter(posts__window=window).order_by("posts__post", "work_id"))
    monthly = [{"month": m, "score": scores.window_scores([window.pk], m)[window.pk]} for m in _recent_months(month)]
    return render(request, "staffops/scores_detail.html", {
        **_detail_context(request, sheet, month), "window": window, "site": window.site, "subject": window,
        "may_assess": may_assess, "rule_choices": _rule_choices(window.site) if may_assess else [],
        "posted": posted, "monthly": monthly, "deduct_form": may_assess and bool(posted),
        "now_value": f"{timezone.localtime(timeutil.now()):%Y-%m-%dT%H:%M}",
    })


def _window_post(request, window):
    from . import services

    form = request.POST.get("form")
    try:
        if not can(request.user, Action.ASSESS):
            raise Forbidden
        target = _or_404(selectors.window_for, request.user, window.pk, Action.ASSESS)
        if form == "deduct":
            # A window's deduction names the person on duty (services.add_deduction assesses people at sites).
            if not request.POST.get("staff"):
                raise InvalidInput("请选择当班人员。", "Choose the person on duty.", field="staff")
            staff = _or_404(selectors.staff_for, request.user, request.POST.get("staff"), Action.ASSESS)
            services.add_deduction(request.user, staff, request.POST.get("rule") or "", _note(request),
                                   at=_at(request.POST.get("at")), window=target)
            messages.success(request, _("已扣分。"))
        elif form == "reverse":
            _reverse(request)
        else:
            raise InvalidInput("未知的表单。", "Unknown form.")
    except DomainError as exc:
        return _refused(request, exc, window_page, window.pk)
    return redirect(reverse("staffops:scores_window", args=[window.pk]) + _keep_month(request))


# ---------------------------------------------------------------- warnings

def _may_see_warnings(user) -> bool:
    return can(user, Action.VIEW_ASSESSMENT) or _own_staff(user) is not None


@login_required
def warning_list(request):
    if not _may_see_warnings(request.user):
        raise Forbidden
    raw_month = request.GET.get("month") or ""
    kind = request.GET.get("kind") or ""
    ack = request.GET.get("acknowledged") or ""
    try:
        month = selectors.parse_month(raw_month) if raw_month else None
        if ack not in ("", "yes", "no"):
            raise InvalidInput("签收状态应为 yes 或 no。", "acknowledged must be yes or no.", field="acknowledged")
        rows = selectors.warnings_for(request.user, month=month, kind=kind or None,
                                      acknowledged={"yes": True, "no": False}.get(ack))
    except DomainError as exc:
        _fail(request, exc)
        return render(request, "staffops/warnings.html", {"rows": [], "kinds": EfficiencyWarning.Kind.choices},
                      status=400)
    return render(request, "staffops/warnings.html", {
        "rows": rows[:300], "kinds": EfficiencyWarning.Kind.choices, "month_value": raw_month, "kind": kind,
        "ack": ack})


def _may_acknowledge(user, warning) -> bool:
    if warning.acknowledged_at or warning.withdrawn:
        return False
    if warning.kind == EfficiencyWarning.Kind.PERSONAL:
        return warning.staff is not None and warning.staff.user_id == user.pk
    return can(user, Action.ASSESS) and may(user, Action.ASSESS, warning)


@login_required
def warning_page(request, warning_id: int):
    from . import services

    warning = _or_404(selectors.warning_for, request.user, warning_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                services.acknowledge_warning(request.user, warning.pk)
                messages.success(request, _("已签收。"))
            elif action == "withdraw":
                if not (can(request.user, Action.ASSESS) and may(request.user, Action.ASSESS, warning)):
                    raise Forbidden
                services.withdraw_warning(request.user, warning.pk, _note(request, "reason", "撤销理由", "Reason"))
                messages.success(request, _("已撤销该告诫。"))
            else:
                raise InvalidInput("未知的操作。", "Unknown action.")
        except DomainError as exc:
            return _refused(request, exc, warning_page, warning.pk)
        return redirect("staffops:warning", warning_id=warning.pk)
    events = list(warning.events.select_related("actor").order_by("at", "pk"))
    may_withdraw = (not warning.withdrawn and can(request.user, Action.ASSESS)
                    and may(request.user, Action.ASSESS, warning))
    return render(request, "staffops/warning_notice.html", {
        "w": warning, "events": events, "may_acknowledge": _may_acknowledge(request.user, warning),
        "may_withdraw": may_withdraw, "reason_max": FORM_TEXT_MAX,
        "centre": warning.site.name if warning.site else warning.unit.name,
    })


# ---------------------------------------------------------------- the schedule

@login_required
def rules_page(request):
    if not can(request.user, Action.ASSESS):
        raise Forbidden
    units = list(selectors.units_reachable(request.user))
    if not units:
        raise Forbidden
    raw = request.GET.get("unit") or request.POST.get("unit") or ""
    unit = _or_404(schedule.unit_for, request.user, raw) if raw else units[0]
    status = 200
    if request.method == "POST":
        form = request.POST.get("form")
        try:
            if form == "rule":
                schedule.save_rule(request.user, unit, request.POST.dict())
                messages.success(request, _("已保存扣分规则。"))
            elif form == "policy":
                schedule.save_policy(request.user, unit, request.POST.dict())
                messages.success(request, _("已保存考核参数。"))
            else:
                raise InvalidInput("未知的表单。", "Unknown form.")
        except DomainError as exc:
            if exc.status in (403, 404):
                raise Http404 from None
            _fail(request, exc)
            status = exc.status
        else:
            return redirect(reverse("staffops:rules") + f"?unit={unit.pk}")
    schedule_rows = sorted(rules.schedule_for(unit).values(), key=lambda r: (r.code not in rules.DEFAULT_CODES, r.code))
    return render(request, "staffops/rules.html", {
        "units": units, "unit": unit, "rules": schedule_rows, "default_codes": rules.DEFAULT_CODES,
        "policy": _policy_rows(unit), "targets": Target.choices,
        "defaults": {r.code: r for r in rules.DEFAULTS},
    }, status=status)


def _policy_rows(unit) -> list[dict]:
    current = rules.policy_for(unit)
    return [{"name": name, "label": AssessmentPolicy._meta.get_field(name).verbose_name,
             "value": getattr(current, name), "lo": lo, "hi": hi}
            for name, (_zh, _en, lo, hi) in schedule.POLICY_LIMITS.items()]
