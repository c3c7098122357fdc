"""The site standardisation checklist (S004 标准化建设): one current answer per item of a site, the old answer kept
as history, and the site's score (the share of answered items that pass)."""
from __future__ import annotations

from django.db import transaction

from bianmin.core import timeutil
from bianmin.core.errors import InvalidInput
from bianmin.orgs.models import Site

from . import checklists
from .inspections import assessable_site
from .models import SiteCheckAnswer, SiteCheckHistory
from .photos import check_photo

MAX_NOTE = 500


def score_of(answers: list[bool]) -> int | None:
    """The share of answered items that pass, ×100, rounded half up; None when nothing is answered."""
    if not answers:
        return None
    return (200 * sum(answers) + len(answers)) // (2 * len(answers))


def answer(user, site, code: str, passed, note: str = "", photo=None) -> SiteCheckAnswer:
    """Answer one item for `site` (ASSESS). The previous answer, if any, goes to SiteCheckHistory; a new answer
    without a photo keeps the photo of the old one."""
    site = assessable_site(user, site)
    item = checklists.site_item(site, str(code or ""))
    if item is None:
        raise InvalidInput(f"该场所没有检查项：{str(code)[:40]}。", f"This site has no checklist item “{str(code)[:40]}”.",
                           field="code")
    if not isinstance(passed, bool):
        raise InvalidInput("请选择达标或不达标。", "Mark the item as met or not met.", field="passed")
    note = "" if note is None else str(note).strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"说明不能超过 {MAX_NOTE} 个字。", f"The note is longer than {MAX_NOTE} characters.",
                           field="note")
    if photo is not None:
        check_photo(photo, "photo")
    now = timeutil.now()
    with transaction.atomic():
        current = SiteCheckAnswer.objects.select_for_update().filter(site=site, code=item.code).first()
        if current is None:
            current = SiteCheckAnswer(site=site, code=item.code)
        else:
            SiteCheckHistory.objects.create(site=site, code=item.code, passed=current.passed, note=current.note,
                                            checked_by_id=current.checked_by_id, checked_at=current.checked_at)
        current.passed, current.note, current.checked_by, current.checked_at = passed, note, user, now
        if photo is not None:
            current.photo = photo
        current.save()
    return current


def _rows(site: Site, answers: dict) -> list[dict]:
    rows = []
    for item in checklists.site_items(site):
        found = answers.get(item.code)
        rows.append({"code": item.code, "label": str(item.label), "hint": str(item.hint),
                     "passed": found.passed if found else None, "note": found.note if found else "",
                     "answer": found})
    return rows


def site_checklist(site: Site) -> dict:
    """{"score": int | None, "items": [{"code", "label", "passed", "note", …}]} — unanswered items have passed None
    and do not count in the score."""
    answers = {a.code: a for a in SiteCheckAnswer.objects.filter(site=site).select_related("checked_by")}
    rows = _rows(site, answers)
    return {"score": score_of([r["passed"] for r in rows if r["passed"] is not None]), "items": rows}


def checklist_summary(sites) -> list[dict]:
    """Per site: {"site", "score", "answered", "total", "failing": [labels]} — for the dashboard and the list page,
    in one query of answers."""
    sites = list(sites)
    by_site: dict[int, dict] = {s.pk: {} for s in sites}
    for a in SiteCheckAnswer.objects.filter(site__in=[s.pk for s in sites]):
        by_site[a.site_id][a.code] = a
    out = []
    for site in sites:
        rows = _rows(site, by_site[site.pk])
        answered = [r for r in rows if r["passed"] is not None]
        out.append({"site": site, "score": score_of([r["passed"] for r in answered]), "answered": len(answered),
                    "total": len(rows), "failing": [r["label"] for r in answered if not r["passed"]]})
    return out


def history(site: Site, code: str | None = None):
    rows = SiteCheckHistory.objects.filter(site=site).select_related("checked_by")
    return rows.filter(code=code) if code else rows
