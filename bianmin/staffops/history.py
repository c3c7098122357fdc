"""The row changes of deductions and efficiency warnings, each with its history row in the same transaction
(DESIGN rule 2). Used by the derivation (facts, efficiency: actor None) and by the manual use cases (services).

Changes are conditional updates, so two sweeps deriving the same fact at once change it once: a second create
of the same `source_key` is refused by the unique constraint and returns None, a second reversal updates nothing.
Nothing is deleted."""
from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bianmin.core.notify import message, notify
from bianmin.core.sequences import next_value

from .models import Deduction, DeductionEvent, EfficiencyWarning, WarningEvent

REASON_MAX = 500


def create_deduction(*, actor=None, now: dt.datetime, **fields) -> Deduction | None:
    """A new deduction and its "created" event; None when a row with that source_key exists already."""
    try:
        with transaction.atomic():
            row = Deduction.objects.create(created_by=actor, created_at=now, **fields)
            DeductionEvent.objects.create(deduction=row, kind=DeductionEvent.Kind.CREATED, actor=actor, at=now,
                                          reason=(fields.get("note") or "")[:REASON_MAX])
    except IntegrityError:
        return None
    return row


def reverse_deduction(row: Deduction, reason: str, *, actor=None, now: dt.datetime) -> bool:
    reason = reason[:REASON_MAX]
    with transaction.atomic():
        if not Deduction.objects.filter(pk=row.pk, reversed=False).update(reversed=True, reversed_at=now,
                                                                          reversed_reason=reason):
            return False
        DeductionEvent.objects.create(deduction=row, kind=DeductionEvent.Kind.REVERSED, reason=reason, actor=actor,
                                      at=now)
    row.reversed, row.reversed_at, row.reversed_reason = True, now, reason
    return True


def restore_deduction(row: Deduction, reason: str, *, actor=None, now: dt.datetime) -> bool:
    reason = reason[:REASON_MAX]
    with transaction.atomic():
        if not Deduction.objects.filter(pk=row.pk, reversed=True).update(reversed=False, reversed_at=None,
                                                                         reversed_reason=""):
            return False
        DeductionEvent.objects.create(deduction=row, kind=DeductionEvent.Kind.RESTORED, reason=reason, actor=actor,
                                      at=now)
    row.reversed, row.reversed_at, row.reversed_reason = False, None, ""
    return True


def reversed_by_a_person(row: Deduction) -> bool:
    """Was the row's latest reversal a person's decision (a manager's reversal stands: the derivation does not
    restore it), rather than the derivation's own (its fact went away)?"""
    last = row.events.filter(kind=DeductionEvent.Kind.REVERSED).order_by("-at", "-id").first()
    return last is not None and last.actor_id is not None


# ---------------------------------------------------------------- warnings

def warning_link(warning: EfficiencyWarning) -> str:
    return f"/workbench/warnings/{warning.pk}/"


def _number(at: dt.datetime) -> str:
    year = timezone.localtime(at).year
    return f"XNGJ-{year}-{next_value(f'xngj-{year}'):04d}"


def issue_warning(*, actor=None, now: dt.datetime, notify_to=(), **fields) -> EfficiencyWarning | None:
    """A new warning (numbered XNGJ-<year>-<nnnn> in the year of its moment), its "issued" event and the notice
    to `notify_to`; None when a warning with that source_key exists already."""
    try:
        with transaction.atomic():
            row = EfficiencyWarning.objects.create(number=_number(fields["at"]), issued_by=actor, **fields)
            WarningEvent.objects.create(warning=row, kind=WarningEvent.Kind.ISSUED, actor=actor, at=now,
                                        reason=row.reason[:REASON_MAX])
            notify(list(notify_to), message(_("您收到一份效能告诫（%(number)s）：%(reason)s，请查看并签收。"),
                                            number=row.number, reason=EfficiencyWarning.Reason(row.reason_code).label),
                   warning_link(row))
    except IntegrityError:
        return None
    return row


def withdraw_warning(row: EfficiencyWarning, reason: str, *, actor=None, now: dt.datetime) -> bool:
    reason = reason[:REASON_MAX]
    with transaction.atomic():
        if not EfficiencyWarning.objects.filter(pk=row.pk, withdrawn=False).update(
                withdrawn=True, withdrawn_at=now, withdrawn_reason=reason):
            return False
        WarningEvent.objects.create(warning=row, kind=WarningEvent.Kind.WITHDRAWN, reason=reason, actor=actor, at=now)
    row.withdrawn, row.withdrawn_at, row.withdrawn_reason = True, now, reason
    return True


def restore_warning(row: EfficiencyWarning, reason: str, *, actor=None, now: dt.datetime) -> bool:
    reason = reason[:REASON_MAX]
    with transaction.atomic():
        if not EfficiencyWarning.objects.filter(pk=row.pk, withdrawn=True).update(
                withdrawn=False, withdrawn_at=None, withdrawn_reason=""):
            return False
        WarningEvent.objects.create(warning=row, kind=WarningEvent.Kind.RESTORED, reason=reason, actor=actor, at=now)
    row.withdrawn, row.withdrawn_at, row.withdrawn_reason = False, None, ""
    return True


def withdrawn_by_a_person(row: EfficiencyWarning) -> bool:
    last = row.events.filter(kind=WarningEvent.Kind.WITHDRAWN).order_by("-at", "-id").first()
    return last is not None and last.actor_id is not None
