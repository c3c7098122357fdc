"""Deriving the deductions of a month from the facts (issue 17 §1), then its efficiency warnings (efficiency.py).

Each fact names its deduction by a `source_key` (att:late:<staff>:<day>, ticket:<id>, finding:<id>), so deriving
the same facts again finds the same rows and changes nothing. A fact that appears creates its row; a fact that
goes away (leave approved afterwards, an appeal upheld, a ticket re-classified, a rating excluded, a finding
withdrawn) reverses it; a fact that comes back restores it. Each change writes its history row (history.py).
Not touched: manual deductions, and rows a person reversed (their decision stands).

Points come from the schedule of the site's jurisdiction at the moment the row is made (rules.rule_for) and are
copied into the row: editing the schedule later does not rewrite past months. A rule switched off derives
nothing new, and leaves what it derived before as it is.

Attendance is assessed from a person's first punch on: a site that has not started keeping attendance (nobody
ever signed in or was imported) does not find all its staff absent every day.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone, translation

from bianmin.core import timeutil
from bianmin.hall import attendance, hours, presence
from bianmin.hall.models import Presence
from bianmin.hall.services import site_of
from bianmin.orgs.models import Staff

from . import efficiency, history, rules, scoring
from .models import Deduction, InspectionFinding
from .subjects import (
    a_post_window,
    month_bounds,
    month_of,
    ticket_moment,
    verified_tickets,
    why_not_true,
)

Source = Deduction.Source
RECENT_KEY = "staffops:sync_recent"
RECENT_EVERY = 600  # seconds: the worker sweeps every minute or so; attendance and tickets do not need that pace
LAST_MONTH_UNTIL_DAY = 10  # late imports, appeals and re-classifications of last month still arrive


@dataclass(frozen=True)
class Want:
    """A deduction the facts call for."""
    key: str
    code: str
    site: object
    staff: Staff | None
    window: object | None
    at: dt.datetime
    source: str
    note: str
    times: int = 1  # an absent day is two half days
    ticket: object | None = None
    finding: object | None = None


class Schedules:
    """The schedule of each jurisdiction met during one derivation, read once."""

    def __init__(self):
        self._by_unit: dict[int | None, dict] = {}

    def rule(self, unit, code: str) -> rules.RuleSpec | None:
        key = unit.pk if unit is not None else None
        if key not in self._by_unit:
            self._by_unit[key] = rules.schedule_for(unit)
        spec = self._by_unit[key].get(code)
        return spec if spec is not None and spec.active else None


# ---------------------------------------------------------------- settling wanted rows against stored ones

def _create(want: Want, spec: rules.RuleSpec, now: dt.datetime) -> bool:
    hits_person = spec.hits_person and want.staff is not None
    hits_window = spec.hits_window and want.window is not None
    if not (hits_person or hits_window):
        return False  # e.g. a window-only rule and no window known: it would count nowhere
    return history.create_deduction(
        now=now, site=want.site, staff=want.staff, window=want.window, hits_person=hits_person,
        hits_window=hits_window, rule_code=spec.code, rule_label=str(spec.label)[:100], points=spec.points * want.times,
        bars_award=spec.bars_award, at=want.at, month=month_of(want.at), source=want.source, source_key=want.key,
        ticket=want.ticket, finding=want.finding, note=want.note[:500]) is not None


def _settle(existing: dict[str, Deduction], wanted: Iterable[Want], schedules: Schedules, now: dt.datetime,
            gone: Callable[[Deduction], str]) -> int:
    changed = 0
    seen: set[str] = set()
    for want in wanted:
        seen.add(want.key)
        spec = schedules.rule(want.site.unit, want.code)
        if spec is None:
            continue  # switched off: nothing new, and what it derived before stays as it is
        row = existing.get(want.key)
        if row is None:
            changed += _create(want, spec, now)
        elif row.reversed and not history.reversed_by_a_person(row):
            changed += history.restore_deduction(row, "依据的事实已恢复，恢复扣分", now=now)
    for key, row in existing.items():
        if key not in seen and not row.reversed and row.source != Source.MANUAL:
            changed += history.reverse_deduction(row, gone(row), now=now)
    return changed


# ---------------------------------------------------------------- attendance

def _local_day_start(site, day: dt.date) -> dt.datetime:
    sessions = hours.sessions_on(site, day)
    start = min((s.start for s in sessions), default=dt.time.min)
    return dt.datetime.combine(day, start, tzinfo=timezone.get_current_timezone())


def _attendance_wanted(staff: Staff, site, month: dt.date, now: dt.datetime) -> list[Want]:
    lo, hi = month_bounds(month)
    first_punch = Presence.objects.filter(staff=staff, at__lt=hi).order_by("at").values_list("at", flat=True).first()
    if first_punch is None:
        return []
    tracked_from = timezone.localtime(first_punch).date()
    first_window: dict[dt.date, object] = {}
    for row in Presence.objects.filter(staff=staff, at__gte=lo, at__lt=hi).select_related("window").order_by("at", "pk"):
        first_window.setdefault(timezone.localtime(row.at).date(), row.window)
    a_window = a_post_window(staff)
    wanted = []
    for day in attendance.month(staff, month.year, month.month, now):
        window = first_window.get(day.date) or a_window
        stamp = f"{staff.pk}:{day.date:%Y-%m-%d}"
        if day.late:
            wanted.append(Want(f"att:late:{stamp}", rules.LATE, site, staff, window, day.first_in, Source.ATTENDANCE,
                               f"{day.date:%Y-%m-%d} 迟到（{timezone.localtime(day.first_in):%H:%M} 签到）"))
        if day.early:
            wanted.append(Want(f"att:early:{stamp}", rules.EARLY, site, staff, window, day.last_out,
                               Source.ATTENDANCE,
                               f"{day.date:%Y-%m-%d} 早退（{timezone.localtime(day.last_out):%H:%M} 签退）"))
        if day.absent and day.date >= tracked_from:
            wanted.append(Want(f"att:absent:{stamp}", rules.ABSENT_HALF_DAY, site, staff, window,
                               _local_day_start(site, day.date), Source.ATTENDANCE,
                               f"{day.date:%Y-%m-%d} 无故缺勤一天，按旷工两个半天计", times=2))
    return wanted


def _sync_attendance(staff: Staff, month: dt.date, now: dt.datetime, schedules: Schedules) -> int:
    existing = {d.source_key: d for d in Deduction.objects.filter(source=Source.ATTENDANCE, staff=staff, month=month)}
    site = site_of(staff)
    if site is None:
        return 0
    wanted = _attendance_wanted(staff, site, month, now)
    return _settle(existing, wanted, schedules, now, lambda row: "考勤记录已更正（如补批请假），撤销扣分")


def _staff(staff_ids) -> list[Staff]:
    """Active staff members who work at a site (a post at a window, or a grant limited to a site)."""
    found = Staff.objects.filter(active=True).filter(Q(posts__isnull=False) | Q(user__memberships__site__isnull=False))
    if staff_ids is not None:
        found = Staff.objects.filter(pk__in=list(staff_ids))
    return list(found.distinct().order_by("pk"))


# ---------------------------------------------------------------- tickets verified as true

def _sync_tickets(month: dt.date, now: dt.datetime, schedules: Schedules) -> int:
    wanted = []
    for ticket, subject in verified_tickets(month):
        if subject.site is None or (subject.staff is None and subject.window is None):
            continue  # nobody of a site to answer for it (a department's own ticket)
        wanted.append(Want(f"ticket:{ticket.pk}", rules.COMPLAINT_VERIFIED, subject.site, subject.staff,
                           subject.window, ticket_moment(ticket), Source.TICKET,
                           f"整改工单 {ticket.number} 查证属实（{ticket.get_outcome_display()}）", ticket=ticket))
    existing = {d.source_key: d for d in Deduction.objects.filter(source=Source.TICKET, month=month)
                .select_related("ticket__rating")}
    return _settle(existing, wanted, schedules, now, lambda row: why_not_true(row.ticket))


# ---------------------------------------------------------------- inspection findings

def _finding_want(finding: InspectionFinding) -> Want | None:
    inspection = finding.inspection
    staff, window = finding.staff, finding.window
    if staff is None and window is not None and finding.rule_code == rules.DUTY_BREACH:
        # A duty breach of a window hits the person on duty there at the time; the window alone when nobody was.
        on_duty = presence.on_duty(window, inspection.at)
        staff = on_duty[0] if on_duty else None
    elif staff is not None and window is None:
        window = presence.current_window(staff, inspection.at) or a_post_window(staff)
    if staff is None and window is None:
        return None
    return Want(f"finding:{finding.pk}", finding.rule_code, inspection.site, staff, window, inspection.at,
                Source.INSPECTION, f"{inspection.get_kind_display()}发现：{finding.note}", finding=finding)


def _sync_findings(month: dt.date, now: dt.datetime, schedules: Schedules) -> int:
    lo, hi = month_bounds(month)
    findings = (InspectionFinding.objects.filter(inspection__at__gte=lo, inspection__at__lt=hi, withdrawn=False)
                .select_related("inspection__site__unit", "staff", "window").order_by("pk"))
    wanted = [w for w in (_finding_want(f) for f in findings) if w is not None]
    existing = {d.source_key: d for d in Deduction.objects.filter(source=Source.INSPECTION, month=month)}
    return _settle(existing, wanted, schedules, now, lambda row: "检查发现已撤销，撤销扣分")


# ---------------------------------------------------------------- entry points

def _derive(month: dt.date, staff_ids, now: dt.datetime | None, *, tickets: bool = True,
            findings: bool = True) -> int:
    now = now or timeutil.now()
    month = scoring.month_start(month)
    if month > month_of(now):
        return 0  # nothing has happened yet
    schedules = Schedules()
    changed = 0
    # Rows keep their labels and notes in the product's language, whoever's request led to the derivation.
    with translation.override(settings.LANGUAGE_CODE):
        for staff in _staff(staff_ids) if staff_ids is None or staff_ids else []:
            changed += _sync_attendance(staff, month, now, schedules)
        if tickets:
            changed += _sync_tickets(month, now, schedules)
        if findings:
            changed += _sync_findings(month, now, schedules)
        changed += efficiency.derive(month, now=now)
    return changed


def sync_month(month: dt.date, staff_ids: list[int] | None = None, now: dt.datetime | None = None) -> int:
    """Derive the month's deductions (attendance of `staff_ids`, None: every active staff member with a site; the
    month's tickets and inspection findings) and then its warnings. Returns how many rows were created, reversed
    or restored; a second run returns 0."""
    return _derive(month, staff_ids, now)


def sync_staff(staff: Staff, months: Iterable[dt.date]) -> int:
    """Re-derive `staff`'s attendance (and the month's other facts and warnings) for each month."""
    return sum(sync_month(m, [staff.pk]) for m in sorted({scoring.month_start(m) for m in months}))


def sync_finding(finding: InspectionFinding) -> int:
    """Re-derive the findings (and warnings) of the finding's month, after it was recorded or withdrawn."""
    return _derive(month_of(finding.inspection.at), [], None, tickets=False)


def previous_month(first: dt.date) -> dt.date:
    return scoring.month_start(first - dt.timedelta(days=1))


def recent_months(today: dt.date) -> list[dt.date]:
    """This month, and last month during its first days (late imports, appeals, re-classifications)."""
    this = scoring.month_start(today)
    return [previous_month(this), this] if today.day <= LAST_MONTH_UNTIL_DAY else [this]


def sync_recent(force: bool = False) -> int:
    """The worker's sweep: recent months for everybody, at most once every RECENT_EVERY seconds (`force` runs it
    anyway, for tests and the demo)."""
    if force:
        cache.set(RECENT_KEY, True, RECENT_EVERY)
    elif not cache.add(RECENT_KEY, True, RECENT_EVERY):
        return 0
    now = timeutil.now()
    return sum(sync_month(m, now=now) for m in recent_months(timezone.localtime(now).date()))
