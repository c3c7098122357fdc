"""Inspections (明查暗访, mystery customer) and the hall head's patrols (S002 工作督查制度: 每天不少于2次的巡查):
recorded with the checklist of staffops.checklists, photos, and findings that become deductions (facts.sync_finding).

Everything is checked before anything is written: a refused inspection leaves no row and no file behind."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from bianmin.core import timeutil
from bianmin.core.errors import Conflict, InvalidInput, NotFound
from bianmin.hall import hours
from bianmin.hall.services import site_staff
from bianmin.orgs.models import Site, Window
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import sites_for

from . import checklists, facts, rules
from .models import Inspection, InspectionCheck, InspectionFinding, InspectionPhoto
from .photos import check_photos

MAX_NOTE = 500
MAX_FINDINGS = 50
# An inspection is recorded the same day or later, never ahead: a little slack for a phone's clock.
FUTURE_SLACK = dt.timedelta(minutes=10)


def assessable_sites(user):
    """The sites whose inspections and checklist the person may record (ASSESS)."""
    return sites_for(user, Action.ASSESS)


def viewable_sites(user):
    return sites_for(user, Action.VIEW_ASSESSMENT)


def assessable_site(user, site) -> Site:
    """The site, if the person may assess it; a 404 otherwise (saying nothing about sites out of scope)."""
    site_id = site.pk if isinstance(site, Site) else site
    found = None
    if isinstance(site_id, int) or (isinstance(site_id, str) and site_id.isdigit() and len(site_id) < 19):
        found = assessable_sites(user).select_related("unit").filter(pk=int(site_id)).first()
    if found is None:
        raise NotFound("服务场所不存在或您无权检查。", "No such site, or you may not inspect it.")
    return found


def score_of(passed: int, total: int) -> Decimal | None:
    """The share of items passed, ×100, to one decimal (half up); None without items."""
    if not total:
        return None
    return (Decimal(passed) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------- checking the input

def _text(value, field: str, zh: str, en: str, *, required: bool = False, limit: int = MAX_NOTE) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise InvalidInput(f"请填写{zh}。", f"Enter the {en}.", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{zh}不能超过 {limit} 个字。", f"The {en} is longer than {limit} characters.", field=field)
    return text


def _kind(kind) -> str:
    if kind not in Inspection.Kind.values:
        raise InvalidInput("检查方式无效。", "Unknown kind of inspection.", field="kind")
    return kind


def _moment(at) -> dt.datetime:
    now = timeutil.now()
    if at is None or at == "":
        return now
    if isinstance(at, str):
        from django.utils.dateparse import parse_datetime

        try:
            parsed = parse_datetime(at.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise InvalidInput("检查时间格式无效（YYYY-MM-DD HH:MM）。", "Invalid inspection time (YYYY-MM-DD HH:MM).",
                               field="at")
        at = parsed
    if not isinstance(at, dt.datetime):
        raise InvalidInput("检查时间格式无效。", "Invalid inspection time.", field="at")
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + FUTURE_SLACK:
        raise InvalidInput("检查时间不能晚于现在。", "The inspection time cannot be in the future.", field="at")
    if at < now - dt.timedelta(days=366):
        raise InvalidInput("检查时间不能早于一年前。", "The inspection time cannot be more than a year ago.", field="at")
    return at


def _checks(checks) -> list[tuple[checklists.CheckItem, bool, str]]:
    out = []
    for code, answer in (checks or {}).items():
        item = checklists.inspection_item(code)
        if item is None:
            raise InvalidInput(f"未知的检查项：{str(code)[:40]}。", f"Unknown checklist item: {str(code)[:40]}.",
                               field="checks")
        passed, note = (answer if isinstance(answer, (tuple, list)) and len(answer) == 2 else (answer, ""))
        if not isinstance(passed, bool):
            raise InvalidInput(f"检查项“{item.label}”须选择合格或不合格。",
                               f"Mark the item “{code}” as passed or failed.", field="checks")
        out.append((item, passed, _text(note, "checks", "检查项说明", "item note")))
    order = {i.code: n for n, i in enumerate(checklists.INSPECTION_ITEMS)}
    return sorted(out, key=lambda row: order[row[0].code])


def _int(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 2**63 else -1  # a bigger number would overflow the database's bigint
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 19 else -1


def _findings(site: Site, findings) -> list[dict]:
    """Each finding names a rule in force for the site's jurisdiction and a staff member or window of the site."""
    findings = list(findings or [])
    if len(findings) > MAX_FINDINGS:
        raise InvalidInput(f"一次最多记录 {MAX_FINDINGS} 个问题。", f"At most {MAX_FINDINGS} findings at a time.",
                           field="findings")
    out = []
    staff_of_site = None
    for raw in findings:
        if not isinstance(raw, dict):
            raise InvalidInput("检查发现格式无效。", "Invalid finding.", field="findings")
        code = str(raw.get("rule_code") or "").strip()
        rule = rules.rule_for(site.unit, code) if code else None
        if rule is None:
            raise InvalidInput("请为发现的问题选择现行有效的扣分规则。", "Choose a deduction rule in force for the finding.",
                               field="findings")
        staff_id, window_id = _int(raw.get("staff_id")), _int(raw.get("window_id"))
        if staff_id is None and window_id is None:
            raise InvalidInput("发现的问题须指明工作人员或窗口。", "A finding must name a staff member or a window.",
                               field="findings")
        staff = window = None
        if staff_id is not None:
            if staff_of_site is None:
                staff_of_site = {s.pk: s for s in site_staff(site)}
            staff = staff_of_site.get(staff_id)
            if staff is None:
                raise InvalidInput("所选工作人员不在本服务场所。", "That staff member does not work at this site.",
                                   field="findings")
        if window_id is not None:
            window = Window.objects.filter(site=site, pk=window_id).first() if window_id >= 0 else None
            if window is None:
                raise InvalidInput("所选窗口不属于本服务场所。", "That window is not at this site.", field="findings")
        note = _text(raw.get("note"), "findings", "问题描述", "finding's description") or str(rule.label)
        out.append({"rule_code": rule.code, "staff": staff, "window": window, "note": note[:MAX_NOTE]})
    return out


# ---------------------------------------------------------------- recording

def record_inspection(user, site, kind, at, checks: dict, findings: list[dict], note: str = "",
                      photos=()) -> Inspection:
    """An inspection of `site` (ASSESS): `checks` {code: (passed, note)} from checklists.INSPECTION_ITEMS, scored as
    the share passed ×100 (one decimal); `findings` [{rule_code, staff_id | window_id, note}] each become a deduction
    through facts.sync_finding; `photos` JPG/PNG files."""
    site = assessable_site(user, site)
    kind = _kind(kind)
    moment = _moment(at)
    answered = _checks(checks)
    found = _findings(site, findings)
    note = _text(note, "note", "检查情况", "note", limit=5000)
    photos = check_photos(photos)
    if kind != Inspection.Kind.PATROL and not answered:
        raise InvalidInput("请逐项填写检查表。", "Answer the checklist items.", field="checks")
    with transaction.atomic():
        inspection = Inspection.objects.create(
            site=site, kind=kind, inspector=user, at=moment, note=note, created_at=timeutil.now(),
            score=score_of(sum(1 for _, passed, _ in answered if passed), len(answered)))
        InspectionCheck.objects.bulk_create([
            InspectionCheck(inspection=inspection, code=item.code, label=str(item.label)[:200], passed=passed,
                            note=item_note) for item, passed, item_note in answered])
        rows = [InspectionFinding.objects.create(inspection=inspection, **f) for f in found]
        for photo in photos:
            InspectionPhoto.objects.create(inspection=inspection, file=photo, uploaded_at=timeutil.now())
        for finding in rows:
            facts.sync_finding(finding)
    return inspection


def log_patrol(user, site, note: str, photos=(), findings=()) -> Inspection:
    """The hall head's patrol (巡查), logged from a phone at the moment: a note, photos, and any finding."""
    if not (note or "").strip() and not [p for p in (photos or []) if p is not None]:
        raise InvalidInput("请填写巡查情况或拍摄照片。", "Enter what the patrol found or take a photo.", field="note")
    return record_inspection(user, site, Inspection.Kind.PATROL, None, {}, list(findings or []), note or "",
                             photos)


def withdraw_finding(user, finding_id, reason: str) -> InspectionFinding:
    """Withdraw a finding found to be wrong (ASSESS on its site): its deduction is reversed by facts.sync_finding;
    nothing is deleted."""
    reason = _text(reason, "reason", "撤销理由", "reason", required=True)
    found_id = _int(finding_id)
    with transaction.atomic():
        finding = (InspectionFinding.objects.for_user(user, Action.ASSESS).select_for_update()
                   .filter(pk=found_id).first() if found_id is not None and found_id >= 0 else None)
        if finding is None:
            raise NotFound("检查发现不存在或您无权处理。", "No such finding, or you may not change it.")
        if finding.withdrawn:
            raise Conflict("该问题已撤销。", "The finding has already been withdrawn.")
        finding.withdrawn = True
        finding.withdrawn_reason = reason
        finding.save(update_fields=["withdrawn", "withdrawn_reason"])
        facts.sync_finding(finding)
    return finding


# ---------------------------------------------------------------- patrols done

def patrol_compliance(site: Site, day: dt.date) -> tuple[int, int]:
    """(patrols logged, patrols required) on `day`: policy.patrols_per_day (2 by default, S002) on a day the hall
    is open (hall.hours), none on a day it is closed."""
    required = rules.policy_for(site.unit).patrols_per_day if hours.sessions_on(site, day) else 0
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    done = Inspection.objects.filter(site=site, kind=Inspection.Kind.PATROL, at__gte=start,
                                     at__lt=start + dt.timedelta(days=1)).count()
    return done, required


def visible(user):
    """The inspections the person may see (VIEW_ASSESSMENT on their site)."""
    return Inspection.objects.for_user(user, Action.VIEW_ASSESSMENT)


def inspection_for(user, inspection_id) -> Inspection:
    found_id = _int(inspection_id)
    found = (visible(user).select_related("site__unit", "inspector").filter(pk=found_id).first()
             if found_id is not None and found_id >= 0 else None)
    if found is None:
        raise NotFound("检查记录不存在或您无权查看。", "No such inspection, or you may not see it.")
    return found
