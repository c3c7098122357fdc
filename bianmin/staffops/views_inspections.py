"""Staff pages of inspections (明查暗访, mystery customer) and the hall head's patrols: the list with today's patrols
done, the checklist form, one inspection, the one-screen patrol log for a phone, and the photos. Every change goes
through staffops.inspections."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.core import refusals, timeutil
from bianmin.core.errors import DomainError, InvalidInput
from bianmin.hall.services import site_staff
from bianmin.orgs.models import Window
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can

from . import checklists, inspections, rules
from .models import Inspection, InspectionPhoto

PAGE_SIZE = 50
FINDING_ROWS = 3  # empty finding rows on the form (a row left empty is ignored)


_refused = refusals.refused


def _require(user, action: str) -> None:
    if not can(user, action):
        raise Forbidden


def _pick_site(request, sites):
    """?site= among `sites` (404 for any other), else the first."""
    raw = request.POST.get("site") or request.GET.get("site") or ""
    ordered = sites.select_related("unit").order_by("unit__path", "pk")
    if not raw:
        site = ordered.first()
        if site is None:
            raise Forbidden
        return site
    site = ordered.filter(pk=raw).first() if raw.isdigit() and len(raw) < 19 else None
    if site is None:
        raise Http404
    return site


def _month(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(f"{raw}-01") if raw else None
    except ValueError:
        return None


# ---------------------------------------------------------------- the list

@login_required
def inspection_list(request):
    _require(request.user, Action.VIEW_ASSESSMENT)
    sites = inspections.viewable_sites(request.user).select_related("unit").order_by("unit__path", "pk")
    rows = inspections.visible(request.user).select_related("site", "inspector").prefetch_related("findings")
    raw_site = request.GET.get("site", "")
    site = None
    if raw_site:
        site = sites.filter(pk=raw_site).first() if raw_site.isdigit() and len(raw_site) < 19 else None
        if site is None:
            raise Http404
        rows = rows.filter(site=site)
    kind = request.GET.get("kind", "")
    if kind in Inspection.Kind.values:
        rows = rows.filter(kind=kind)
    month = _month(request.GET.get("month", ""))
    if month is not None:
        start = timezone.make_aware(dt.datetime.combine(month, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine((month + dt.timedelta(days=32)).replace(day=1), dt.time.min))
        rows = rows.filter(at__gte=start, at__lt=end)
    today = timeutil.today()
    patrols = [{"site": s, "done": d, "required": r}
               for s in ([site] if site else list(sites[:30]))
               for d, r in [inspections.patrol_compliance(s, today)]]
    return render(request, "staffops/inspections.html", {
        "rows": rows[:PAGE_SIZE], "sites": sites, "site": site, "kind": kind, "kinds": Inspection.Kind.choices,
        "month": month.strftime("%Y-%m") if month else "", "patrols": patrols, "today": today,
        "can_assess": can(request.user, Action.ASSESS),
    })


# ---------------------------------------------------------------- recording

def _form_context(request, site) -> dict:
    spec = rules.schedule_for(site.unit)
    return {
        "site": site, "sites": inspections.assessable_sites(request.user).select_related("unit")
        .order_by("unit__path", "pk"),
        "items": checklists.INSPECTION_ITEMS, "staff": site_staff(site),
        "windows": Window.objects.filter(site=site).order_by("number"),
        "rules": [r for r in spec.values() if r.active],
        "kinds": [(v, label) for v, label in Inspection.Kind.choices if v != Inspection.Kind.PATROL],
        "finding_rows": range(FINDING_ROWS),
    }


def _posted_checks(post) -> dict:
    checks = {}
    for key, value in post.items():
        if not key.startswith("check_"):
            continue
        code = key[len("check_"):]
        if value == "":
            continue
        if value not in ("pass", "fail"):
            raise InvalidInput("检查项须选择合格或不合格。", "Mark each item as passed or failed.", field="checks")
        checks[code] = (value == "pass", post.get(f"note_{code}", ""))
    return checks


def _posted_findings(post) -> list[dict]:
    rule_codes, staff, windows, notes = (post.getlist("finding_rule"), post.getlist("finding_staff"),
                                         post.getlist("finding_window"), post.getlist("finding_note"))
    out = []
    for i in range(max(len(rule_codes), len(staff), len(windows), len(notes))):
        row = {"rule_code": (rule_codes[i:i + 1] or [""])[0], "staff_id": (staff[i:i + 1] or [""])[0],
               "window_id": (windows[i:i + 1] or [""])[0], "note": (notes[i:i + 1] or [""])[0]}
        if any(str(v).strip() for v in row.values()):
            out.append(row)
    return out


@login_required
def inspection_new(request):
    _require(request.user, Action.ASSESS)
    site = _pick_site(request, inspections.assessable_sites(request.user))
    context = _form_context(request, site)
    status = 200
    if request.method == "POST":
        try:
            found = inspections.record_inspection(
                request.user, site, request.POST.get("kind", ""), request.POST.get("at") or None,
                _posted_checks(request.POST), _posted_findings(request.POST), request.POST.get("note", ""),
                request.FILES.getlist("photos"))
        except DomainError as exc:
            if exc.status in (403, 404):
                return _refused(request, exc, inspection_new)
            refusals.flash(request, exc)
            status = exc.status
            context["posted"] = request.POST
        else:
            messages.success(request, _("已保存检查记录。"))
            return redirect("staffops:inspection", inspection_id=found.pk)
    posted = context.setdefault("posted", {})
    # A refused form comes back with what was entered (answers and notes), not blank.
    context["rows"] = [{"item": item, "answer": posted.get(f"check_{item.code}", ""),
                        "note": posted.get(f"note_{item.code}", "")} for item in checklists.INSPECTION_ITEMS]
    context["now"] = timezone.localtime(timeutil.now()).strftime("%Y-%m-%dT%H:%M")
    return render(request, "staffops/inspection_form.html", context, status=status)


def _labelled(checks) -> list:
    """The checks with their item's label in the language of the request (the stored label is the one of the day
    it was recorded, kept for an item since retired)."""
    rows = list(checks)
    for row in rows:
        item = checklists.inspection_item(row.code)
        if item is not None:
            row.label = str(item.label)
    return rows


@login_required
def inspection_detail(request, inspection_id: int):
    _require(request.user, Action.VIEW_ASSESSMENT)
    try:
        found = inspections.inspection_for(request.user, inspection_id)
    except DomainError:
        raise Http404 from None
    schedule = rules.schedule_for(found.site.unit)
    findings = list(found.findings.select_related("staff", "window"))
    for finding in findings:
        finding.rule = schedule.get(finding.rule_code)
    return render(request, "staffops/inspection_detail.html", {
        "inspection": found, "checks": _labelled(found.checks.all()), "findings": findings, "photos": found.photos.all(),
        "can_assess": inspections.assessable_sites(request.user).filter(pk=found.site_id).exists(),
    })


@login_required
@require_POST
def finding_withdraw(request, finding_id: int):
    _require(request.user, Action.ASSESS)
    if not 0 < finding_id < 2**63:
        raise Http404
    try:
        finding = inspections.withdraw_finding(request.user, finding_id, request.POST.get("reason", ""))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise Http404 from None
        refusals.flash(request, exc)
        inspection_id = (inspections.visible(request.user).filter(findings__pk=finding_id)
                         .values_list("pk", flat=True).first())
        if inspection_id is None:
            raise Http404 from None
        return _refused(request, exc, inspection_detail, inspection_id)
    messages.success(request, _("已撤销该问题，相应扣分随之撤销。"))
    return redirect("staffops:inspection", inspection_id=finding.inspection_id)


@login_required
def patrol(request):
    """One screen for the hall head's phone: what the patrol found, a photo, and optionally one finding."""
    _require(request.user, Action.ASSESS)
    site = _pick_site(request, inspections.assessable_sites(request.user))
    context = _form_context(request, site)
    status = 200
    if request.method == "POST":
        try:
            inspections.log_patrol(request.user, site, request.POST.get("note", ""), request.FILES.getlist("photos"),
                                   _posted_findings(request.POST))
        except DomainError as exc:
            if exc.status in (403, 404):
                return _refused(request, exc, patrol)
            refusals.flash(request, exc)
            status = exc.status
            context["posted"] = request.POST
        else:
            done, required = inspections.patrol_compliance(site, timeutil.today())
            messages.success(request, _("已记录巡查（今日 %(done)s/%(required)s）。") % {"done": done, "required": required})
            return redirect(reverse("staffops:patrol") + f"?site={site.pk}")
    context.setdefault("posted", {})
    done, required = inspections.patrol_compliance(site, timeutil.today())
    context.update({"done": done, "required": required,
                    "recent": Inspection.objects.filter(site=site, kind=Inspection.Kind.PATROL)[:5]})
    return render(request, "staffops/patrol.html", context, status=status)


@login_required
def inspection_photo(request, photo_id: int):
    """A photo goes only to people who may see its inspection; to anyone else it does not exist."""
    _require(request.user, Action.VIEW_ASSESSMENT)
    photo = InspectionPhoto.objects.filter(pk=photo_id).first() if 0 < photo_id < 2**63 else None
    if photo is None or not inspections.visible(request.user).filter(pk=photo.inspection_id).exists():
        raise Http404
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, filename=photo.file.name.rsplit("/", 1)[-1])
