"""Staff pages of the site standardisation checklist (S004): the sites in scope with their score and failing items,
and one site's answer form with photos. Every change goes through staffops.sitecheck."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bianmin.core import refusals
from bianmin.core.errors import DomainError, InvalidInput
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can

from . import checklists, inspections, sitecheck
from .models import SiteCheckAnswer
from .photos import check_photo


def _require(user, action: str) -> None:
    if not can(user, action):
        raise Forbidden


def _viewable_site(user, site_id: int):
    site = (inspections.viewable_sites(user).select_related("unit").filter(pk=site_id).first()
            if 0 < site_id < 2**63 else None)
    if site is None:
        raise Http404
    return site


@login_required
def checklist_list(request):
    _require(request.user, Action.VIEW_ASSESSMENT)
    sites = inspections.viewable_sites(request.user).select_related("unit").order_by("unit__path", "pk")
    return render(request, "staffops/checklist.html", {"rows": sitecheck.checklist_summary(sites[:200])})


def _passed(raw: str):
    if raw in ("", None):
        return None
    if raw in ("pass", "fail"):
        return raw == "pass"
    raise InvalidInput("请选择达标或不达标。", "Mark the item as met or not met.", field="passed")


@login_required
def checklist_site(request, site_id: int):
    _require(request.user, Action.VIEW_ASSESSMENT)
    site = _viewable_site(request.user, site_id)
    may_answer = inspections.assessable_sites(request.user).filter(pk=site.pk).exists()
    status = 200
    if request.method == "POST":
        if not may_answer:
            raise Forbidden
        try:
            saved = _save(request, site)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise Http404 from None
            refusals.flash(request, exc)
            status = exc.status
        else:
            messages.success(request, _("已保存 %(n)s 项检查结果。") % {"n": saved} if saved else _("没有需要保存的修改。"))
            return redirect("staffops:checklist_site", site_id=site.pk)
    found = sitecheck.site_checklist(site)
    for row in found["items"]:
        item = checklists.site_item(site, row["code"])
        row["suggested"] = item.prefill(site) if item.prefill and row["passed"] is None else None
    labels = {i.code: i.label for i in checklists.site_items(site)}
    history = list(sitecheck.history(site)[:30])
    for row in history:
        row.label = labels.get(row.code, row.code)
    return render(request, "staffops/checklist_site.html", {
        "site": site, "checklist": found, "may_answer": may_answer, "history": history,
    }, status=status)


def _save(request, site) -> int:
    """Every changed item of the form; all are checked before any is saved."""
    current = {a.code: a for a in SiteCheckAnswer.objects.filter(site=site)}
    codes = {k[len("passed_"):] for k in request.POST if k.startswith("passed_")}
    codes |= {k[len("photo_"):] for k in request.FILES if k.startswith("photo_")}
    known = {i.code for i in checklists.site_items(site)}
    unknown = sorted(codes - known)
    if unknown:
        raise InvalidInput(f"该场所没有检查项：{unknown[0][:40]}。", f"This site has no checklist item “{unknown[0][:40]}”.",
                           field="code")
    changes = []
    for code in sorted(codes):
        passed = _passed(request.POST.get(f"passed_{code}", ""))
        note = request.POST.get(f"note_{code}", "").strip()
        photo = request.FILES.get(f"photo_{code}")
        old = current.get(code)
        if not note and old is not None:
            note = old.note  # the form shows the old note masked, not in the field: empty keeps it
        if passed is None:
            if photo is not None or note:
                raise InvalidInput("请先选择达标或不达标。", "Mark the item as met or not met first.", field="passed")
            continue
        if old is not None and old.passed == passed and old.note == note and photo is None:
            continue
        changes.append((code, passed, note, photo))
    for *_rest, note, photo in changes:  # refuse before writing anything
        if photo is not None:
            check_photo(photo, "photo")
        if len(note) > sitecheck.MAX_NOTE:
            raise InvalidInput(f"说明不能超过 {sitecheck.MAX_NOTE} 个字。",
                               f"The note is longer than {sitecheck.MAX_NOTE} characters.", field="note")
    with transaction.atomic():
        for code, passed, note, photo in changes:
            sitecheck.answer(request.user, site, code, passed, note, photo)
    return len(changes)


@login_required
def checklist_photo(request, answer_id: int):
    _require(request.user, Action.VIEW_ASSESSMENT)
    found = (SiteCheckAnswer.objects.for_user(request.user, Action.VIEW_ASSESSMENT).filter(pk=answer_id).first()
             if 0 < answer_id < 2**63 else None)
    if found is None or not found.photo:
        raise Http404
    try:
        handle = found.photo.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, filename=found.photo.name.rsplit("/", 1)[-1])
