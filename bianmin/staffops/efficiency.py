"""Efficiency warnings (效能告诫) derived from the facts of a month (S003 第五篇 失职追究制度; issue 17 §2).

Personal warnings, one per fact, named by their `source_key`:
- late_early   warn:late_early:<staff>:<YYYY-MM> — more standing late and early deductions in the month than the
               jurisdiction's `late_early_warning_over` (3);
- missed_limit warn:missed:<case> — a case the person handled ran past its time limit in the month and no delay
               explanation (超时说明) is recorded on it;
- first_contact warn:first_contact:<entry> — a first-contact entry left undone: left open past its limit
               (cases.first_contacts: still open after its due moment, or closed only after it), or "register a case"
               with no case linked once its day is over;
- rudeness     warn:rudeness:<ticket> — a ticket verified as true and marked as a matter of conduct.
Collective warnings (warn:collective:<unit>:<YYYY-MM of the period's start>): a department (the warned people's
Staff.origin_unit) with `collective_warning_at` (3) or more standing personal warnings, manual ones included, in the
policy period — blocks of `collective_period_months` from January, so 12 is the calendar year.

A fact that goes away withdraws its warning (with a history row); one that comes back restores it, unless a person
withdrew it. A warning deducts no points. The warned person (for a collective warning, the site's managers) is
notified when it is issued.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from bianmin.cases import first_contacts
from bianmin.cases.models import FirstContact
from bianmin.core import timeutil
from bianmin.orgs.models import Staff, Unit
from bianmin.orgs.roles import Role
from bianmin.orgs.scoping import SITES, people

from . import history, rules, scoring
from .models import Deduction, EfficiencyWarning
from .subjects import (
    month_bounds,
    month_of,
    past_due_cases,
    ticket_moment,
    verified_tickets,
)

Reason = EfficiencyWarning.Reason
Kind = EfficiencyWarning.Kind
DERIVED = "warn:"  # source_key prefix of derived warnings (manual ones start with "manual:")


@dataclass(frozen=True)
class Want:
    key: str
    staff: Staff
    site: object
    at: dt.datetime
    reason: str
    case: object | None = None
    first_contact: object | None = None
    ticket: object | None = None


WITHDRAW_REASONS = {
    Reason.LATE_EARLY: "迟到、早退次数已不超过规定次数，撤销告诫",
    Reason.MISSED_LIMIT: "已记录超时说明（或办件未超时），撤销告诫",
    Reason.FIRST_CONTACT: "首问登记已补全办理或引导情况，撤销告诫",
    Reason.RUDENESS: "工单已不属查证属实的作风问题，撤销告诫",
}


class Policies:
    def __init__(self):
        self._by_unit: dict[int | None, rules.Policy] = {}

    def of(self, unit) -> rules.Policy:
        key = unit.pk if unit is not None else None
        if key not in self._by_unit:
            self._by_unit[key] = rules.policy_for(unit)
        return self._by_unit[key]


# ---------------------------------------------------------------- the facts

def _late_early(month: dt.date, policies: Policies) -> list[Want]:
    rows = (Deduction.objects.filter(month=month, reversed=False, rule_code__in=[rules.LATE, rules.EARLY],
                                     staff__isnull=False)
            .select_related("staff__user", "staff__origin_unit", "site__unit").order_by("at", "pk"))
    by_staff: dict[int, list[Deduction]] = defaultdict(list)
    for row in rows:
        by_staff[row.staff_id].append(row)
    wanted = []
    for found in by_staff.values():
        latest = found[-1]
        limit = policies.of(latest.site.unit).late_early_warning_over
        if len(found) <= limit:
            continue
        late = sum(1 for d in found if d.rule_code == rules.LATE)
        wanted.append(Want(f"{DERIVED}late_early:{latest.staff_id}:{month:%Y-%m}", latest.staff, latest.site,
                           found[limit].at, f"{month:%Y年%m月}迟到 {late} 次、早退 {len(found) - late} 次，"
                                            f"累计 {len(found)} 次，超过 {limit} 次"))
    return wanted


def _missed_limits(month: dt.date, now: dt.datetime) -> list[Want]:
    cases = list(past_due_cases(month, now).filter(delay_explanation__isnull=True))
    staff = {s.user_id: s for s in Staff.objects.filter(user_id__in={c.handled_by_id for c in cases})
             .select_related("user", "origin_unit")}
    wanted = []
    for case in cases:
        person = staff.get(case.handled_by_id)
        if person is None:
            continue
        due = timezone.localtime(case.clock.due_at)
        wanted.append(Want(f"{DERIVED}missed:{case.pk}", person, case.site, case.clock.due_at,
                           f"办件 {case.number} 超过办理时限（{due:%Y-%m-%d %H:%M} 到期）且未说明原因", case=case))
    return wanted


def _first_contacts(month: dt.date, now: dt.datetime) -> list[Want]:
    lo, hi = month_bounds(month)
    undone = Q(outcome=FirstContact.Outcome.CASE, case__isnull=True) | first_contacts.left_open_past_limit(now)
    entries = list(FirstContact.objects.filter(undone, at__gte=lo, at__lt=hi).select_related("site"))
    staff = {s.user_id: s for s in Staff.objects.filter(user_id__in={e.owner_id for e in entries})
             .select_related("user", "origin_unit")}
    today = timezone.localtime(now).date()
    wanted = []
    for entry in entries:
        person = staff.get(entry.owner_id)
        day = timezone.localtime(entry.at).date()
        if person is None:
            continue
        if entry.outcome == FirstContact.Outcome.CASE and entry.case_id is None:
            if day >= today:
                continue  # the case may still be registered today
            what = "处理方式为登记办件，但当日未登记关联办件"
        else:
            what = f"超过跟踪期限（{timezone.localtime(entry.due_at):%Y-%m-%d %H:%M}）仍未办结"
        wanted.append(Want(f"{DERIVED}first_contact:{entry.pk}", person, entry.site, entry.at,
                           f"{timezone.localtime(entry.at):%Y-%m-%d %H:%M} 首问登记{what}",
                           first_contact=entry))
    return wanted


def _rudeness(month: dt.date) -> list[Want]:
    wanted = []
    for ticket, subject in verified_tickets(month, conduct_only=True):
        if subject.staff is None or subject.site is None:
            continue
        wanted.append(Want(f"{DERIVED}rudeness:{ticket.pk}", subject.staff, subject.site, ticket_moment(ticket),
                           f"整改工单 {ticket.number} 查证属实：作风生硬、态度粗暴或刁难推诿", ticket=ticket))
    return wanted


# ---------------------------------------------------------------- settling

def _issue(want: Want, code: str, month: dt.date, now: dt.datetime) -> bool:
    user = want.staff.user if want.staff.user_id else None
    return history.issue_warning(
        now=now, notify_to=[user] if user is not None and user.is_active else [], kind=Kind.PERSONAL,
        reason_code=code, reason=want.reason[:500], staff=want.staff, unit=want.staff.origin_unit, site=want.site,
        at=want.at, period=month, source_key=want.key, case=want.case, first_contact=want.first_contact,
        ticket=want.ticket) is not None


def _settle(code: str, month: dt.date, wanted: list[Want], now: dt.datetime) -> int:
    existing = {w.source_key: w for w in EfficiencyWarning.objects.filter(
        reason_code=code, period=month, kind=Kind.PERSONAL, source_key__startswith=DERIVED)}
    changed = 0
    seen = set()
    for want in wanted:
        seen.add(want.key)
        row = existing.get(want.key)
        if row is None:
            changed += _issue(want, code, month, now)
        elif row.withdrawn and not history.withdrawn_by_a_person(row):
            changed += history.restore_warning(row, "依据的事实再次出现，恢复告诫", now=now)
    for key, row in existing.items():
        if key not in seen and not row.withdrawn:
            changed += history.withdraw_warning(row, WITHDRAW_REASONS[code], now=now)
    return changed


# ---------------------------------------------------------------- collective warnings

def period_of(month: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The policy period containing `month`: blocks of `months` counted from January (12: the calendar year; a
    length that does not divide the year leaves a shorter last block), as [first month, first month after)."""
    months = max(1, min(12, months))
    start = (month.month - 1) // months * months + 1
    end = start + months
    return dt.date(month.year, start, 1), (dt.date(month.year, end, 1) if end <= 12 else dt.date(month.year + 1, 1, 1))


def _collective(month: dt.date, now: dt.datetime, policies: Policies) -> int:
    year = (dt.date(month.year, 1, 1), dt.date(month.year + 1, 1, 1))
    standing = (EfficiencyWarning.objects.filter(kind=Kind.PERSONAL, withdrawn=False, period__gte=year[0],
                                                 period__lt=year[1]))
    unit_ids = set(standing.values_list("unit_id", flat=True)) | set(EfficiencyWarning.objects.filter(
        kind=Kind.COLLECTIVE, source_key__startswith=DERIVED, period__gte=year[0], period__lt=year[1])
        .values_list("unit_id", flat=True))
    changed = 0
    for unit in Unit.objects.filter(pk__in=unit_ids).order_by("pk"):
        policy = policies.of(unit)
        first, after = period_of(month, policy.collective_period_months)
        key = f"{DERIVED}collective:{unit.pk}:{first:%Y-%m}"
        found = list(standing.filter(unit=unit, period__gte=first, period__lt=after).select_related("site")
                     .order_by("at", "pk"))
        row = EfficiencyWarning.objects.filter(source_key=key).first()
        if len(found) >= max(1, policy.collective_warning_at):
            if row is None:
                changed += _issue_collective(unit, key, found, policy.collective_warning_at, first, after, now)
            elif row.withdrawn and not history.withdrawn_by_a_person(row):
                changed += history.restore_warning(row, "科室告诫次数再次达到规定次数，恢复集体告诫", now=now)
        elif row is not None and not row.withdrawn:
            changed += history.withdraw_warning(row, "科室告诫次数已低于规定次数，撤销集体告诫", now=now)
    return changed


def _issue_collective(unit, key: str, found: list, threshold: int, first: dt.date, after: dt.date,
                      now: dt.datetime) -> bool:
    reached = found[max(1, threshold) - 1]
    latest = found[-1]
    last_month = scoring.month_start(after - dt.timedelta(days=1))
    span = f"{first:%Y年%m月}" if first == last_month else f"{first:%Y年%m月}至{last_month:%Y年%m月}"
    site = latest.site
    managers = people([Role.MANAGER], site, SITES) if site is not None else []
    return history.issue_warning(
        now=now, notify_to=managers, kind=Kind.COLLECTIVE, reason_code=Reason.COLLECTIVE,
        reason=f"{unit.name}工作人员{span}累计被效能告诫 {len(found)} 次（达到 {threshold} 次）", staff=None,
        unit=unit, site=site, at=reached.at, period=month_of(reached.at), source_key=key) is not None


# ---------------------------------------------------------------- entry point

def derive(month: dt.date, now: dt.datetime | None = None) -> int:
    """Derive the personal warnings of `month` and the collective warnings of its period; returns how many
    warnings were issued, withdrawn or restored (0 on a second run)."""
    now = now or timeutil.now()
    month = scoring.month_start(month)
    policies = Policies()
    changed = _settle(Reason.LATE_EARLY, month, _late_early(month, policies), now)
    changed += _settle(Reason.MISSED_LIMIT, month, _missed_limits(month, now), now)
    changed += _settle(Reason.FIRST_CONTACT, month, _first_contacts(month, now), now)
    changed += _settle(Reason.RUDENESS, month, _rudeness(month), now)
    changed += _collective(month, now, policies)
    return changed
