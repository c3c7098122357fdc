"""Early warnings: the thresholds in force, the sweep that raises alerts, acknowledging one, editing thresholds.

The only place an Alert is made or acknowledged and an AlertPolicy written; the API, the pages and the worker call
these functions. The rules themselves (when a count is "reached") are in rules.py; the facts in sources.py.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bianmin.core import notify, timeutil
from bianmin.core.errors import Conflict, InvalidInput
from bianmin.core.inputs import integer, text
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Role
from bianmin.orgs.scoping import people

from . import rules, selectors, sources, texts
from .models import Alert, AlertPolicy, Kind

logger = logging.getLogger("bianmin.worker")

MAX_NOTE = 500
TOP_TERMS = 20  # hot terms raised per jurisdiction and day, at most (the sharpest rises first)


def _cfg(name: str, default):
    return getattr(settings, "BIANMIN", {}).get(name, default)


def max_records() -> int:
    """Complaints read per channel in one sweep (the newest): keeps a sweep bounded whatever the volume."""
    return int(_cfg("ALERT_MAX_RECORDS", 20_000))


# ---------------------------------------------------------------- thresholds

def defaults() -> rules.Thresholds:
    """The settings' thresholds (BIANMIN["ALERT_…"]), for a jurisdiction none of whose units set its own."""
    base = rules.Thresholds()
    values = {name: _cfg(f"ALERT_{name.upper()}", getattr(base, name)) for name in rules.FIELDS}
    values["hot_term_factor"] = Decimal(str(values["hot_term_factor"]))
    return rules.Thresholds(**values)


def _of_row(row: AlertPolicy) -> rules.Thresholds:
    return rules.Thresholds(**{name: getattr(row, name) for name in rules.FIELDS})


def _chain(unit) -> list[int]:
    return [int(p) for p in (unit.path or "").strip("/").split("/") if p]


def policy_row_for(unit) -> AlertPolicy | None:
    """The nearest AlertPolicy up the unit tree (the unit's own first), else None."""
    return (AlertPolicy.objects.filter(unit_id__in=_chain(unit)).select_related("unit")
            .order_by("-unit__path").first())


def policy_for(unit) -> rules.Thresholds:
    """The thresholds in force for `unit`: its own policy, else its nearest ancestor's, else the settings."""
    row = policy_row_for(unit)
    return _of_row(row) if row is not None else defaults()


class Policies:
    """policy_for for many jurisdictions in one sweep: every AlertPolicy read once (one a unit, a few rows)."""

    def __init__(self):
        self.rows = {p.unit_id: _of_row(p) for p in AlertPolicy.objects.all()}
        self.default = defaults()

    def of(self, unit) -> rules.Thresholds:
        for unit_id in reversed(_chain(unit)):
            if unit_id in self.rows:
                return self.rows[unit_id]
        return self.default

    def longest(self, field: str) -> int:
        return max([getattr(t, field) for t in self.rows.values()] + [getattr(self.default, field)])


def _factor(data: dict, current: Decimal) -> Decimal:
    zh, en, lo, hi = rules.LIMITS["hot_term_factor"]
    raw = data.get("hot_term_factor", current)
    if raw is None or raw == "" or isinstance(raw, bool):
        raise InvalidInput(f"请填写{zh}。", f"{en} is required.", field="hot_term_factor")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise InvalidInput(f"{zh}应为数字。", f"{en} must be a number.", field="hot_term_factor")
    if not lo <= value <= hi:
        raise InvalidInput(f"{zh}应在 {lo} 到 {hi} 之间。", f"{en} must be between {lo} and {hi}.",
                           field="hot_term_factor")
    return value.quantize(Decimal("0.1"))


@transaction.atomic
def save_policy(user, unit_id, data: dict) -> AlertPolicy:
    """Set the unit's own thresholds (a field left out keeps the value in force). Every value is checked before
    anything is written: bad input changes nothing."""
    unit = selectors.policy_unit(user, unit_id, selectors.CONFIGURE)  # 403 / 404
    if not isinstance(data, dict):
        raise InvalidInput("请求内容应为对象。", "The body must be a JSON object.")
    current = policy_for(unit)
    values: dict = {}
    for name in rules.FIELDS:
        if name == "hot_term_factor":
            values[name] = _factor(data, current.hot_term_factor)
            continue
        zh, en, lo, hi = rules.LIMITS[name]
        raw = data.get(name, getattr(current, name))
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            raise InvalidInput(f"{zh}应为整数。", f"{en} must be a whole number.", field=name)
        values[name] = integer({name: raw}, name, zh, en, lo=int(lo), hi=int(hi))
    row, _ = AlertPolicy.objects.select_for_update().update_or_create(
        unit=unit, defaults={**values, "updated_by": user, "updated_at": timeutil.now()})
    return row


# ---------------------------------------------------------------- acknowledging

@transaction.atomic
def acknowledge(user, alert_id, note) -> Alert:
    """A manager marks an alert as seen and says what is done about it (a note is required)."""
    alert = selectors.alert_for(user, alert_id)  # 404 for what the person cannot see
    note = text({"note": note}, "note", "处理说明", "Note", max_len=MAX_NOTE)
    now = timeutil.now()
    changed = Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=user, note=note)
    if not changed:
        raise Conflict("该预警已确认，无需重复确认。", "This alert has already been acknowledged.", code="acknowledged")
    alert.refresh_from_db()
    return alert


# ---------------------------------------------------------------- raising

def recipients(alert: Alert) -> list:
    """The managers whose grant reaches the alert (its site's, its unit's and above); where no manager does, the
    supervisors above it."""
    return people([Role.MANAGER], alert) or people([Role.SUPERVISOR], alert)


def _raise(kind: str, unit: Unit, site_id: int | None, subject: str, subject_key: str, detail: dict, key: str,
           now: dt.datetime) -> int:
    """Store the alert and tell its managers, once: the unique key makes a second sweep (or a second worker at
    the same moment) find the row instead of raising it again."""
    key = key[:200]
    if Alert.objects.filter(key=key).exists():
        return 0
    try:
        with transaction.atomic():
            alert = Alert.objects.create(kind=kind, unit=unit, unit_path=unit.path, site_id=site_id,
                                         subject=subject[:200], subject_key=subject_key[:60], detail=detail, key=key,
                                         raised_at=now)
            notify.notify(recipients(alert), texts.notice(alert), reverse("alerts:list") + f"#alert-{alert.pk}")
    except IntegrityError:
        return 0
    return 1


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _days_checked(now: dt.datetime) -> list[dt.date]:
    """Yesterday (complete now, in case the last sweep ran before its last complaints) and today so far."""
    today = _local_day(now)
    return [today - dt.timedelta(days=1), today]


def _daily(complaints, where, policies: Policies, now) -> int:
    counts: Counter = Counter()
    by_channel: dict = defaultdict(Counter)
    for c in complaints:
        day = _local_day(c.at)
        counts[(c.unit_id, day)] += 1
        by_channel[(c.unit_id, day)][c.ref.split(":")[0]] += 1
    raised = 0
    for (unit_id, day), count in sorted(counts.items()):
        if day not in _days_checked(now):
            continue
        unit = where.units[unit_id]
        threshold = policies.of(unit).daily_complaints
        if rules.day_reached(count, threshold):
            detail = {"date": day.isoformat(), "count": count, "threshold": threshold,
                      "channels": dict(by_channel[(unit_id, day)])}
            raised += _raise(Kind.DAILY_COMPLAINTS, unit, None, unit.name, f"unit:{unit_id}", detail,
                             f"{Kind.DAILY_COMPLAINTS}:{unit_id}:{day.isoformat()}", now)
    return raised


def _counted(kind: str, subject_key: str, unit_id: int | None, now: dt.datetime, days: int) -> set[str]:
    """The references earlier alerts about the same subject counted within the period (they do not count again)."""
    qs = Alert.objects.filter(kind=kind, subject_key=subject_key, raised_at__gt=now - dt.timedelta(days=days))
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    return {ref for d in qs.values_list("detail", flat=True) for ref in (d or {}).get("refs", [])}


def _repeats(kind: str, groups: dict, where, policies: Policies, now, *, per_unit: bool, labels: dict) -> int:
    """One alert for each subject whose uncounted events of the period reach the count (rules.fresh_repeats)."""
    raised = 0
    for (unit_id, subject_key), items in sorted(groups.items(), key=lambda kv: (kv[0][0] or 0, kv[0][1])):
        latest = items[-1]
        unit = where.units[latest.unit_id]
        t = policies.of(unit)
        counted = _counted(kind, subject_key, unit_id if per_unit else None, now, t.repeat_days)
        fresh = rules.fresh_repeats([(c.at, c.ref) for c in items], count=t.repeat_count, days=t.repeat_days,
                                    now=now, counted=counted)
        if not fresh:
            continue
        refs = [ref for _at, ref in fresh]
        chosen = [c for c in items if c.ref in set(refs)]
        sites = {c.site_id for c in chosen}
        site_id = latest.site_id if kind == Kind.REPEATED_PERSON else (sites.pop() if len(sites) == 1 else None)
        detail = {"count": len(refs), "threshold": t.repeat_count, "days": t.repeat_days, "refs": refs,
                  "first_at": fresh[0][0].isoformat(), "last_at": fresh[-1][0].isoformat()}
        raised += _raise(kind, unit, site_id, labels[subject_key], subject_key, detail,
                         f"{kind}:{unit.pk}:{subject_key}:{refs[-1]}", now)
    return raised


def _repeated(complaints, where, policies: Policies, now) -> int:
    persons: dict = defaultdict(list)
    matters: dict = defaultdict(list)
    labels: dict = {}
    for c in complaints:  # oldest first: the last of a group is its latest complaint
        if c.person:
            persons[(None, c.person[0])].append(c)
            labels[c.person[0]] = c.person[1]
        if c.matter:
            matters[(c.unit_id, c.matter[0])].append(c)
            labels[c.matter[0]] = c.matter[1] or c.matter[0]
    return (_repeats(Kind.REPEATED_PERSON, persons, where, policies, now, per_unit=False, labels=labels)
            + _repeats(Kind.REPEATED_MATTER, matters, where, policies, now, per_unit=True, labels=labels))


def _terms(complaint) -> frozenset[str]:
    """The complaint's hot-spot terms, found as the hot-spots page finds them (stats.hotspots.record_terms: the
    person's own name and phone dropped, then stats.segmentation)."""
    from bianmin.stats.hotspot_sources import Kind as SourceKind
    from bianmin.stats.hotspot_sources import Record
    from bianmin.stats.hotspots import record_terms

    pk = int(complaint.ref.split(":")[1])
    record = Record(SourceKind.COMPLAINT, pk, complaint.at, complaint.text or "", complaint.names, complaint.phones,
                    None, None)
    return record_terms(record)


def _hot_terms(complaints, where, policies: Policies, now) -> int:
    days = _days_checked(now)
    first = days[0] - dt.timedelta(days=rules.BASELINE_DAYS)
    per_day: dict = defaultdict(Counter)  # (unit, day) → term → complaints holding it
    for c in complaints:
        day = _local_day(c.at)
        if first <= day <= days[-1]:
            per_day[(c.unit_id, day)].update(_terms(c))
    raised = 0
    for unit_id in sorted({u for u, _d in per_day}):
        unit = where.units[unit_id]
        t = policies.of(unit)
        for day in days:
            today = per_day.get((unit_id, day), Counter())
            baseline: Counter = Counter()
            for back in range(1, rules.BASELINE_DAYS + 1):
                baseline.update(per_day.get((unit_id, day - dt.timedelta(days=back)), Counter()))
            rising = [(term, n) for term, n in today.items()
                      if rules.term_rising(n, baseline[term], factor=t.hot_term_factor, minimum=t.hot_term_min_count)]
            rising.sort(key=lambda kv: (-kv[1], kv[0]))
            for term, n in rising[:TOP_TERMS]:
                usual = rules.usual_level(baseline[term]).quantize(Decimal("0.01"))
                detail = {"date": day.isoformat(), "count": n, "usual": str(usual), "factor": str(t.hot_term_factor),
                          "threshold": t.hot_term_min_count, "baseline_days": rules.BASELINE_DAYS}
                raised += _raise(Kind.HOT_TERM, unit, None, term, f"term:{term}"[:60], detail,
                                 f"{Kind.HOT_TERM}:{unit_id}:{term}:{day.isoformat()}", now)
    return raised


def _bad_reviews(policies: Policies, now) -> int:
    since = now - dt.timedelta(days=policies.longest("bad_review_days"))
    tickets = sources.verified(since, now)
    where = sources.Jurisdictions(v.path for v in tickets)
    groups: dict = defaultdict(list)
    for v in tickets:
        groups[v.staff_key].append(v)
    raised = 0
    for staff_key, items in sorted(groups.items()):
        latest = items[-1]
        unit = where.of(latest.path)
        if unit is None:
            continue
        t = policies.of(unit)
        counted = _counted(Kind.REPEATED_BAD_REVIEWS, staff_key, None, now, t.bad_review_days)
        fresh = rules.fresh_repeats([(v.at, v.ref) for v in items], count=t.bad_reviews, days=t.bad_review_days,
                                    now=now, counted=counted)
        if not fresh:
            continue
        refs = [ref for _at, ref in fresh]
        detail = {"count": len(refs), "threshold": t.bad_reviews, "days": t.bad_review_days, "refs": refs,
                  "first_at": fresh[0][0].isoformat(), "last_at": fresh[-1][0].isoformat()}
        raised += _raise(Kind.REPEATED_BAD_REVIEWS, unit, latest.site_id, latest.staff_name, staff_key, detail,
                         f"{Kind.REPEATED_BAD_REVIEWS}:{unit.pk}:{staff_key}:{refs[-1]}", now)
    return raised


def sweep(now: dt.datetime | None = None) -> int:
    """Raise every alert now due (the worker's job): reads the complaints of a bounded look-back (the longest
    period any jurisdiction uses, and the hot terms' baseline) and the verified tickets; returns the alerts raised."""
    now = now or timeutil.now()
    policies = Policies()
    days = max(rules.BASELINE_DAYS + 2, policies.longest("repeat_days"))
    complaints, where = sources.complaints(now - dt.timedelta(days=days), now, limit=max_records())
    return (_daily(complaints, where, policies, now) + _repeated(complaints, where, policies, now)
            + _hot_terms(complaints, where, policies, now) + _bad_reviews(policies, now))



def policy_view(unit) -> dict:
    """The thresholds in force for `unit` and where they come from: its own policy, an ancestor's, or the
    settings' defaults (for the API and the edit page)."""
    row = policy_row_for(unit)
    values = _of_row(row) if row is not None else defaults()
    if row is None:
        source, source_unit = "default", None
    else:
        source, source_unit = ("own" if row.unit_id == unit.pk else "inherited"), row.unit
    return {"unit": unit, "source": source, "source_unit": source_unit,
            "values": {name: getattr(values, name) for name in rules.FIELDS},
            "updated_at": row.updated_at if row is not None and row.unit_id == unit.pk else None}
