"""Generating reports: the only place a report's status changes (DESIGN rule 1).

A report is first claimed, then built. Claiming inserts the row as "pending" (the unique constraint on kind,
unit and period lets exactly one worker win) or takes over a row that may be retried with a conditional
UPDATE (a failed attempt, or a pending one whose worker died), so several workers never build the same
report at once and never make two. Building reads the rollups and the ledger outside any transaction and
stores both files with the status in one UPDATE.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import translation

from bianmin.core import inputs, timeutil
from bianmin.core.errors import InvalidInput
from bianmin.core.masking import mask_text
from bianmin.orgs.models import Unit
from bianmin.stats import scope

from . import calendar, content, excel, pdf
from .models import Kind, Report

logger = logging.getLogger("bianmin.reports")

MAX_ATTEMPTS = 3  # the worker gives up on a report after this many failures; a person may still retry it
STALE_CLAIM = dt.timedelta(minutes=15)  # a pending report untouched this long lost its worker
REPORT_UNIT_KINDS = (Unit.Kind.REGION, Unit.Kind.ENTERPRISE)  # departments have no sites, hence no figures


def schedule() -> calendar.Schedule:
    return calendar.Schedule.from_settings()


def retryable(now: dt.datetime, *, by_person: bool = False) -> Q:
    """Reports that may be claimed again: failed ones (the worker only MAX_ATTEMPTS times), stale pending ones."""
    failed = Q(status=Report.Status.FAILED) if by_person else Q(status=Report.Status.FAILED,
                                                                attempts__lt=MAX_ATTEMPTS)
    return failed | Q(status=Report.Status.PENDING, claimed_at__lt=now - STALE_CLAIM)


def _same_period(period: calendar.ReportPeriod) -> dict:
    return {"kind": period.kind, "period_from": period.date_from, "period_to": period.date_to}


def claim(unit: Unit, period: calendar.ReportPeriod, requested_by=None) -> Report | None:
    """The report to build now, or None when it exists and is generated, being built, or given up on."""
    now = timeutil.now()
    try:
        with transaction.atomic():
            return Report.objects.create(
                unit=unit, year=period.year, number=period.number, due_on=period.due, status=Report.Status.PENDING,
                claimed_at=now, attempts=1, requested_by=requested_by, **_same_period(period))
    except IntegrityError:
        pass  # it exists: another worker or an earlier sweep made it
    existing = Report.objects.defer("excel", "pdf").filter(unit=unit, **_same_period(period)).first()
    if existing is None:
        return None
    taken = (Report.objects.filter(retryable(now, by_person=requested_by is not None), pk=existing.pk,
                                   status=existing.status, attempts=existing.attempts)
             .update(status=Report.Status.PENDING, claimed_at=now, attempts=F("attempts") + 1, error=""))
    if not taken:
        return None
    existing.refresh_from_db(fields=["status", "claimed_at", "attempts", "error"])
    return existing


def generate(report: Report) -> Report:
    """Build both files of a claimed report and store them; a failure is recorded, never raised."""
    now = timeutil.now()
    try:
        # One language for a file that many people download: the site's default, whoever asked for it.
        with translation.override(settings.LANGUAGE_CODE):
            body = content.build(report.unit, report.kind, report.year, report.number, report.period_from,
                                 report.period_to, report.due_on, now)
            xlsx, document = excel.workbook_bytes(body), pdf.pdf_bytes(body)
    except Exception as exc:  # one broken report must not stop the others; it is retried on a later sweep
        logger.exception("report %s failed", report.pk)
        Report.objects.filter(pk=report.pk, status=Report.Status.PENDING).update(
            status=Report.Status.FAILED, error=mask_text(f"{type(exc).__name__}: {exc}")[:500])
    else:
        Report.objects.filter(pk=report.pk, status=Report.Status.PENDING).update(
            status=Report.Status.GENERATED, generated_at=now, excel=xlsx, pdf=document, error="")
    report.refresh_from_db(fields=["status", "generated_at", "error"])
    return report


def request_report(user, data) -> tuple[Report, bool]:
    """A person asks for a report of a unit in their scope and a period that has ended (the report page).

    Returns the report and whether it was built now. A report that exists already is returned as it is:
    a report is a record of what was known when it was generated, not a live view."""
    kind = data.get("kind")
    if kind not in Kind.values:
        raise InvalidInput("请选择报表类型。", "Choose a kind of report.", field="kind")
    today = timeutil.today()
    year = inputs.integer(data, "year", "年度", "Year", lo=2000, hi=today.year)
    number = 1 if calendar.PARTS[kind] == 1 else inputs.integer(
        data, "number", "月份或季度", "Month or quarter", lo=1, hi=calendar.PARTS[kind])
    unit_id = inputs.integer(data, "unit", "单位", "Unit", lo=1, hi=2**62)
    unit = scope.resolve(user, unit_id=unit_id).unit  # NotFound outside the person's scope
    if unit.kind not in REPORT_UNIT_KINDS:
        raise InvalidInput("只能为行政区域或公共服务企业生成报表（部门没有服务场所的评价数据）。",
                           "Reports are made for regions and public-service enterprises only (departments have "
                           "no sites of their own).", field="unit")
    period = calendar.period_of(kind, year, number, schedule())
    if not period.is_complete(today):
        raise InvalidInput(f"该报告期截至 {period.date_to:%Y-%m-%d}，尚未结束，结束后才能生成。",
                           f"The period ends on {period.date_to:%Y-%m-%d}; a report can be made once it is over.",
                           field="number" if calendar.PARTS[kind] > 1 else "year")
    report = claim(unit, period, requested_by=user)
    if report is None:
        return Report.objects.defer("excel", "pdf").get(unit=unit, **_same_period(period)), False
    return generate(report), True
