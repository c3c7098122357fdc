"""Editing a jurisdiction's deduction schedule and thresholds (ASSESS over the unit). A change writes the unit's own
DeductionRule / AssessmentPolicy row; deductions already made keep the points they were made with (each row carries
its own rule label and points), so only new deductions follow the edit."""
from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction
from django.utils import translation

from bianmin.core import timeutil
from bianmin.core.errors import InvalidInput, NotFound
from bianmin.core.inputs import integer, text
from bianmin.orgs.roles import Action

from . import rules
from .models import AssessmentPolicy, DeductionRule, Target

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
TRUE = ("1", "true", "on", "yes", True)
DEFAULTS_BY_CODE = {r.code: r for r in rules.DEFAULTS}

# (label zh, label en, lowest, highest) of each threshold.
POLICY_LIMITS = {
    "late_early_warning_over": ("迟到早退告诫次数", "Late/early count before a warning", 1, 31),
    "collective_warning_at": ("集体告诫次数", "Warnings before a collective warning", 1, 50),
    "collective_period_months": ("集体告诫累计期", "Collective warning period (months)", 1, 36),
    "award_min_annual": ("年度评优最低得分", "Lowest annual score for awards", 0, 100),
    "patrols_per_day": ("每日巡查次数", "Patrols per day", 0, 10),
    "stars_per_month": ("每月服务之星人数", "Star staff per month", 0, 20),
}


def unit_for(user, unit_id):
    """A unit whose schedule `user` may edit, or a 404 saying nothing about the others."""
    from .selectors import _as_id, units_reachable

    pk = _as_id(unit_id)
    found = units_reachable(user, Action.ASSESS).filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound("单位不存在或您无权修改其考核规则。", "No such unit, or you may not edit its schedule.")
    return found


def _flag(data: dict, key: str, default: bool) -> bool:
    """A yes/no field; an HTML form marks itself with `checkboxes` so that an unticked box (sent as nothing) is no."""
    if key not in data:
        return False if data.get("checkboxes") else default
    return data.get(key) in TRUE


@transaction.atomic
def save_rule(user, unit, data: dict) -> DeductionRule:
    """Set the unit's version of one rule (a default's code overrides it; a new code adds a rule)."""
    unit = unit_for(user, getattr(unit, "pk", unit))
    code = str(data.get("code") or "").strip().lower()
    if not CODE.match(code):
        raise InvalidInput("规则代码应为 2–40 位小写字母、数字或下划线，以字母开头。",
                           "The rule code must be 2–40 lowercase letters, digits or underscores, starting with a "
                           "letter.", field="code")
    current = rules.schedule_for(unit).get(code)
    label = text(data, "label", "扣分规则名称", "Rule name", required=current is None, max_len=100) or (
        str(current.label) if current else "")
    default = DEFAULTS_BY_CODE.get(code)
    if default is not None and label == str(default.label):
        # The default's name as the page showed it (perhaps in English): store it in Chinese, as the defaults are.
        with translation.override(settings.LANGUAGE_CODE):
            label = str(default.label)
    points = integer(data, "points", "扣分", "Points", lo=0, hi=100, default=current.points if current else None)
    hits = data.get("hits") or (current.hits if current else "")
    if hits not in Target.values:
        raise InvalidInput("扣分对象应为个人、窗口或两者。", "hits must be person, window or both.", field="hits")
    row, _ = DeductionRule.objects.select_for_update().get_or_create(
        unit=unit, code=code, defaults={"label": label, "points": points})
    row.label, row.points, row.hits = label, points, hits
    row.bars_award = _flag(data, "bars_award", current.bars_award if current else False)
    row.active = _flag(data, "active", current.active if current else True)
    row.updated_by, row.updated_at = user, timeutil.now()
    row.save()
    return row


@transaction.atomic
def save_policy(user, unit, data: dict) -> AssessmentPolicy:
    """Set the unit's thresholds; a field left out keeps the value in force."""
    unit = unit_for(user, getattr(unit, "pk", unit))
    current = rules.policy_for(unit)
    values = {name: integer(data, name, zh, en, lo=lo, hi=hi, default=getattr(current, name))
              for name, (zh, en, lo, hi) in POLICY_LIMITS.items()}
    row, _ = AssessmentPolicy.objects.select_for_update().update_or_create(unit=unit, defaults=values)
    return row
