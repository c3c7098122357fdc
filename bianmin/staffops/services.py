"""Use cases of assessment that people perform: manual deductions and their reversal, manual efficiency warnings,
acknowledging and withdrawing warnings, and the delay explanation (超时说明) of a case. Each is atomic and writes
its history row (history.py); afterwards the month's warnings are derived again (a reversed late arrival may take
a person back under the warning threshold, an explanation withdraws the missed-limit warning).

Scope: a manager or supervisor acts on the staff of the sites their ASSESS grant reaches; anybody else is told
the person or row does not exist (404), so nothing is learnt about people outside one's scope."""
from __future__ import annotations

import contextlib
import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from bianmin.cases import services as case_services
from bianmin.core import timeutil
from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import text
from bianmin.hall.services import parse_moment, site_of
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import SITES, may

from . import efficiency, history, rules
from .models import Deduction, DelayExplanation, EfficiencyWarning, WarningEvent
from .subjects import month_of, ran_past_due

MAX_NOTE = 500
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


# ---------------------------------------------------------------- checks

def _site_in_scope(user, staff):
    """The staff member's site, when `user` may assess there; else 404 (nothing said about people out of scope)."""
    site = site_of(staff) if staff is not None else None
    if site is None or not may(user, Action.ASSESS, site, SITES):
        raise NotFound("工作人员不存在或不在您的管理范围内。", "No such staff member, or not in your scope.")
    return site


def _moment(at, field: str = "at") -> dt.datetime:
    """When it happened: now by default; a datetime, a date or text (YYYY-MM-DD[ HH:MM]); not in the future, not
    before 2000."""
    now = timeutil.now()
    if at in (None, ""):
        return now
    moment = None
    if isinstance(at, dt.datetime):
        moment = at
    elif isinstance(at, dt.date):
        moment = dt.datetime.combine(at, dt.time.min)
    elif isinstance(at, str) and len(at) <= 40:
        raw = at.strip()
        moment = parse_moment(raw)
        if moment is None:
            with contextlib.suppress(ValueError):
                moment = dt.datetime.fromisoformat(raw)
    if moment is None:
        raise InvalidInput("时间格式应为 YYYY-MM-DD HH:MM。", "The time must be written YYYY-MM-DD HH:MM.", field=field)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > now:
        raise InvalidInput("时间不能晚于现在。", "The time cannot be in the future.", field=field)
    if moment < EARLIEST:
        raise InvalidInput("时间不能早于 2000 年。", "The time cannot be before 2000.", field=field)
    return moment


def _note(value, field: str, zh: str, en: str) -> str:
    return text({field: value}, field, zh, en, max_len=MAX_NOTE)


def _visible(model, user, pk):
    """The row when `user` may see it (VIEW_ASSESSMENT, or their own), else 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = None
    row = model.objects.for_user(user, Action.VIEW_ASSESSMENT).filter(pk=pk).first() if pk else None
    if row is None:
        raise NotFound("记录不存在或无权查看。", "No such record, or you may not see it.")
    return row


def _may_assess(user, row, zh: str, en: str) -> None:
    if not may(user, Action.ASSESS, row):
        raise PermissionDenied(zh, en)
    if row.staff_id and row.staff.user_id == user.pk and not user.is_superuser:
        raise PermissionDenied("不能处理本人的考核记录。", "You cannot decide on your own assessment.")


# ---------------------------------------------------------------- deductions

def add_deduction(user, staff, rule_code: str, note: str, at=None, window=None) -> Deduction:
    """A manual deduction (手工扣分) by a manager with a reason, under a rule of the site's schedule."""
    site = _site_in_scope(user, staff)
    spec = rules.rule_for(site.unit, rule_code) if isinstance(rule_code, str) and len(rule_code) <= 40 else None
    if spec is None:
        raise InvalidInput("扣分规则不存在或已停用。", "Unknown or inactive deduction rule.", field="rule")
    note = _note(note, "note", "扣分理由", "Note")
    moment = _moment(at)
    if window is not None and window.site_id != site.pk:
        raise InvalidInput("窗口不属于该工作人员的服务场所。", "The window is not at the staff member's site.",
                           field="window")
    now = timeutil.now()
    with transaction.atomic():
        row = history.create_deduction(
            actor=user, now=now, site=site, staff=staff, window=window, hits_person=spec.hits_person,
            hits_window=spec.hits_window and window is not None, rule_code=spec.code, rule_label=str(spec.label)[:100],
            points=spec.points, bars_award=spec.bars_award, at=moment, month=month_of(moment),
            source=Deduction.Source.MANUAL, source_key=f"manual:{uuid.uuid4().hex}", note=note)
        efficiency.derive(row.month, now=now)
    return row


def reverse_deduction(user, deduction_id, reason: str) -> Deduction:
    row = _visible(Deduction, user, deduction_id)
    _may_assess(user, row, "只有中心负责人或监督人员可以撤销扣分。", "Only a manager or supervisor may reverse a deduction.")
    reason = _note(reason, "reason", "撤销理由", "Reason")
    now = timeutil.now()
    with transaction.atomic():
        if not history.reverse_deduction(row, reason, actor=user, now=now):
            raise Conflict("该扣分已撤销。", "This deduction has already been reversed.")
        efficiency.derive(row.month, now=now)
    return row


# ---------------------------------------------------------------- warnings

def issue_warning(user, staff, reason: str, at=None) -> EfficiencyWarning:
    """A manual efficiency warning (其他失职行为) with its reason."""
    site = _site_in_scope(user, staff)
    reason = _note(reason, "reason", "告诫事由", "Reason")
    moment = _moment(at)
    now = timeutil.now()
    with transaction.atomic():
        row = history.issue_warning(
            actor=user, now=now, notify_to=[staff.user] if staff.user_id else [],
            kind=EfficiencyWarning.Kind.PERSONAL, reason_code=EfficiencyWarning.Reason.MANUAL, reason=reason,
            staff=staff, unit=staff.origin_unit, site=site, at=moment, period=month_of(moment),
            source_key=f"manual:{uuid.uuid4().hex}")
        efficiency.derive(row.period, now=now)  # it may complete a department's collective warning
    return row


def acknowledge_warning(user, warning_id) -> EfficiencyWarning:
    """签收: a personal warning by the warned person only; a collective one by a manager or supervisor in scope."""
    row = _visible(EfficiencyWarning, user, warning_id)
    if row.kind == EfficiencyWarning.Kind.PERSONAL:
        if row.staff.user_id != user.pk:
            raise PermissionDenied("只有被告诫人本人可以签收。", "Only the warned person may acknowledge it.")
    elif not may(user, Action.ASSESS, row):
        raise PermissionDenied("集体告诫由中心负责人或监督人员签收。", "A manager or supervisor acknowledges a collective warning.")
    if row.withdrawn:
        raise Conflict("该告诫已撤销，无需签收。", "This warning has been withdrawn.")
    now = timeutil.now()
    with transaction.atomic():
        if not EfficiencyWarning.objects.filter(pk=row.pk, acknowledged_at__isnull=True, withdrawn=False).update(
                acknowledged_at=now, acknowledged_by=user):
            raise Conflict("该告诫已签收。", "This warning has already been acknowledged.")
        WarningEvent.objects.create(warning=row, kind=WarningEvent.Kind.ACKNOWLEDGED, actor=user, at=now)
    row.acknowledged_at, row.acknowledged_by = now, user
    return row


def withdraw_warning(user, warning_id, reason: str) -> EfficiencyWarning:
    row = _visible(EfficiencyWarning, user, warning_id)
    _may_assess(user, row, "只有中心负责人或监督人员可以撤销告诫。", "Only a manager or supervisor may withdraw a warning.")
    reason = _note(reason, "reason", "撤销理由", "Reason")
    now = timeutil.now()
    with transaction.atomic():
        if not history.withdraw_warning(row, reason, actor=user, now=now):
            raise Conflict("该告诫已撤销。", "This warning has already been withdrawn.")
        efficiency.derive(row.period, now=now)  # the department may drop below the collective threshold
    return row


# ---------------------------------------------------------------- 超时说明

def may_explain(user, case) -> bool:
    """The case's clerk, anybody who may handle cases at its site, or an assessor of the site."""
    return bool(getattr(user, "is_authenticated", False)) and (
        case.handled_by_id == user.pk or case_services.may(user, Action.HANDLE_CASE, site=case.site)
        or may(user, Action.ASSESS, case.site, SITES))


def explain_delay(user, case, text_: str) -> DelayExplanation:
    """Record why the case missed its time limit (once); the missed-limit warning is withdrawn."""
    if not may_explain(user, case):
        raise PermissionDenied("您无权为该办件填写超时说明。", "You may not explain this case's delay.")
    now = timeutil.now()
    if not ran_past_due(case, now):
        raise Conflict("该办件未超过办理时限，无需超时说明。", "This case has not run past its time limit.")
    reason = _note(text_, "text", "超时原因", "Reason")
    if DelayExplanation.objects.filter(case=case).exists():
        raise Conflict("该办件已有超时说明。", "This case's delay has already been explained.")
    try:
        with transaction.atomic():
            row = DelayExplanation.objects.create(case=case, text=reason, by=user, at=now)
            efficiency.derive(month_of(case.clock.due_at), now=now)
    except IntegrityError:
        raise Conflict("该办件已有超时说明。", "This case's delay has already been explained.") from None
    return row
