"""Scheduled reports (SPEC §9): one row per kind, unit and period, with the generated Excel and PDF files.

The files are stored in the row (BinaryField), not under MEDIA_ROOT: with several app instances and workers
on PostgreSQL (DESIGN, SPEC §12) there is no shared disk to count on, a report and its files are written in
one UPDATE so a "generated" row never points at a missing file, and backups of the database carry them. They
are small (tens to a few hundred KB: figures, two league tables and a ledger capped in the PDF). Lists defer
the two columns (selectors.visible_reports), so only a download reads them.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.scoping import SITE_NONE, Scope, ScopedQuerySet

from . import calendar


class Kind(models.TextChoices):
    MONTHLY = calendar.MONTHLY, _("月报")
    QUARTERLY = calendar.QUARTERLY, _("季度办件统计")
    HALF_YEAR = calendar.HALF_YEAR, _("半年报")
    ANNUAL = calendar.ANNUAL, _("年报")


class Report(models.Model):
    # A report is about a unit: unit-wide grants reach it by the unit subtree; a grant limited to a site
    # reaches no region's report (orgs.scoping).
    scope = Scope(unit_path="unit__path", site_memberships=SITE_NONE)
    objects = ScopedQuerySet.as_manager()

    class Status(models.TextChoices):
        # A worker (or a person's request) has claimed the row and is building the files.
        PENDING = "pending", _("生成中")
        GENERATED = "generated", _("已生成")
        FAILED = "failed", _("生成失败")
        # The backfill found nothing to report (no rating and no completed case of the unit in the period):
        # kept as a row so the list says why the period has no report, and so it is not looked at again.
        NO_DATA = "no_data", _("无数据")

    kind = models.CharField(_("报表类型"), max_length=10, choices=Kind.choices)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="reports", verbose_name=_("单位"))
    # Which period of the year (the month the monthly report is due in, the quarter, or 1), for its title.
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("期次"))
    period_from = models.DateField(_("统计起始日"))
    period_to = models.DateField(_("统计截止日"))
    due_on = models.DateField(_("报送期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)  # when the current attempt started
    attempts = models.PositiveSmallIntegerField(default=0)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    # Who asked for it on the report page; empty when the worker generated it on the calendar.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("生成人"))
    error = models.CharField(_("失败原因"), max_length=500, blank=True)
    excel = models.BinaryField(default=b"", editable=False)
    pdf = models.BinaryField(default=b"", editable=False)

    class Meta:
        ordering = ["-period_to", "kind", "unit__path"]
        verbose_name = _("定期报表")
        verbose_name_plural = _("定期报表")
        # Never two reports of one kind for one unit and period, however many workers run (jobs.claim).
        constraints = [models.UniqueConstraint(fields=["kind", "unit", "period_from", "period_to"],
                                               name="one_report_per_kind_unit_period")]
        indexes = [models.Index(fields=["kind", "period_from", "period_to", "status"])]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_kind_display()} {self.period_from}–{self.period_to}"

    @property
    def label(self) -> str:
        return period_label(self.kind, self.year, self.number)

    @property
    def period(self) -> calendar.ReportPeriod:
        return calendar.ReportPeriod(self.kind, self.year, self.number, self.period_from, self.period_to, self.due_on)


def period_label(kind: str, year: int, number: int) -> str:
    """"2025年3月", "2025年第1季度", "2025年上半年", "2025年度"."""
    from django.utils.translation import gettext

    if kind == Kind.MONTHLY:
        return gettext("%(year)s年%(month)s月") % {"year": year, "month": number}
    if kind == Kind.QUARTERLY:
        return gettext("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": number}
    if kind == Kind.HALF_YEAR:
        return gettext("%(year)s年上半年") % {"year": year}
    return gettext("%(year)s年度") % {"year": year}
