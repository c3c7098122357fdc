"""The deduction schedule and the thresholds of a jurisdiction: THE place that says how many points a fact costs.

Defaults are seed 002's (S002 四、奖惩办法 1-2: 每个窗口/每人每月满分100分): late −1, early leave −2, half a day's
unauthorised absence −5, a prohibited behaviour found at inspection −2, a window duty breach −5, a complaint verified
as true −10, criticised by the authority −20, criticised by a higher authority −50 and no award that year. The seed
gives the window's table and the person's table with the same numbers, so each default hits both.

A jurisdiction edits its schedule as DeductionRule rows on its unit; a unit's schedule is the defaults overlaid by
the rows of its ancestors from the root down (the nearest unit's row wins), and a row whose code is not a default
adds a rule (for manual deductions)."""
from __future__ import annotations

from dataclasses import dataclass, replace

from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Codes the fact derivation (staffops.facts) uses; a jurisdiction may change their points, not their meaning.
LATE = "late"
EARLY = "early"
ABSENT_HALF_DAY = "absent_half_day"
PROHIBITED = "prohibited"
DUTY_BREACH = "duty_breach"
COMPLAINT_VERIFIED = "complaint_verified"
CRITICISED = "criticised"
CRITICISED_HIGHER = "criticised_higher"


@dataclass(frozen=True)
class RuleSpec:
    code: str
    label: str
    points: int
    hits: str  # models.Target: person · window · both
    bars_award: bool = False
    active: bool = True
    unit_id: int | None = None  # the unit whose row this is; None: the default

    @property
    def hits_person(self) -> bool:
        return self.hits in ("person", "both")

    @property
    def hits_window(self) -> bool:
        return self.hits in ("window", "both")


DEFAULTS: tuple[RuleSpec, ...] = (
    RuleSpec(LATE, _("迟到"), 1, "both"),
    RuleSpec(EARLY, _("早退"), 2, "both"),
    RuleSpec(ABSENT_HALF_DAY, _("旷工半天"), 5, "both"),
    RuleSpec(PROHIBITED, _("检查中发现禁止行为"), 2, "both"),
    RuleSpec(DUTY_BREACH, _("违反窗口职责（当班人员）"), 5, "both"),
    RuleSpec(COMPLAINT_VERIFIED, _("被群众投诉查证属实"), 10, "both"),
    RuleSpec(CRITICISED, _("被机关通报批评"), 20, "both"),
    RuleSpec(CRITICISED_HIGHER, _("被上级有关部门通报批评"), 50, "both", bars_award=True),
)
DEFAULT_CODES = frozenset(r.code for r in DEFAULTS)
_DEFAULT_BY_CODE = {r.code: r for r in DEFAULTS}


def label_shown(code: str, stored: str) -> str:
    """A deduction's rule label in the reader's language. Rows keep the label of their day (in Chinese); one that
    is still a default rule's own wording is shown translated, a jurisdiction's own wording as it was written."""
    spec = _DEFAULT_BY_CODE.get(code)
    if spec is not None:
        with translation.override("zh-hans"):
            original = str(spec.label)
        if stored == original:
            return str(spec.label)
    return stored


def _chain(unit) -> list[int]:
    """The unit's ancestors and itself, root first (Unit.path is "/1/7/42/")."""
    return [int(p) for p in (unit.path or "").strip("/").split("/") if p] if unit is not None else []


def schedule_for(unit) -> dict[str, RuleSpec]:
    """Every rule in force for `unit` (a Unit or None for the defaults), by code, inactive ones included (callers
    skip them: a rule switched off takes no points)."""
    from .models import DeductionRule

    out = {r.code: replace(r, label=str(r.label)) for r in DEFAULTS}  # labels in the language of the request
    chain = _chain(unit)
    if not chain:
        return out
    depth = {unit_id: i for i, unit_id in enumerate(chain)}
    rows = sorted(DeductionRule.objects.filter(unit_id__in=chain), key=lambda r: depth[r.unit_id])
    for row in rows:  # root first: a nearer unit's row overwrites
        out[row.code] = RuleSpec(row.code, row.label, row.points, row.hits, row.bars_award, row.active, row.unit_id)
    return out


def rule_for(unit, code: str) -> RuleSpec | None:
    """The rule `code` in force for `unit`, or None when there is none or it is switched off."""
    spec = schedule_for(unit).get(code)
    return spec if spec is not None and spec.active else None


@dataclass(frozen=True)
class Policy:
    late_early_warning_over: int = 3
    collective_warning_at: int = 3
    collective_period_months: int = 12
    award_min_annual: int = 85
    patrols_per_day: int = 2
    stars_per_month: int = 3


POLICY_FIELDS = tuple(Policy.__dataclass_fields__)


def policy_for(unit) -> Policy:
    """The thresholds of the nearest unit (itself or an ancestor) that set them, else the defaults."""
    from .models import AssessmentPolicy

    chain = _chain(unit)
    if not chain:
        return Policy()
    rows = {p.unit_id: p for p in AssessmentPolicy.objects.filter(unit_id__in=chain)}
    for unit_id in reversed(chain):
        if unit_id in rows:
            return Policy(**{name: getattr(rows[unit_id], name) for name in POLICY_FIELDS})
    return Policy()
