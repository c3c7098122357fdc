"""Shared tables: the working-day calendar, deadline clocks, audit log, numbering and API tokens."""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .worktime.calendar import DayKind
from .worktime.clock import LimitUnit, Warning


class CalendarYear(models.Model):
    """A year the working-day calendar covers. Dates in other years are refused, never guessed."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinese-calendar 程序包")
        MANUAL = "manual", _("管理员维护")
        NOTICE = "notice", _("国务院办公厅通知")

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.MANUAL)
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("例如：国务院办公厅通知文号"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day whose kind differs from the Monday–Friday rule: a holiday or a make-up working day."""

    KIND_CHOICES = [
        (DayKind.HOLIDAY.value, _("法定节假日")),
        (DayKind.ADJUSTED_WORKDAY.value, _("调休上班日")),
        (DayKind.WEEKEND.value, _("休息日")),
        # "工作日" is also the unit of time limits ("working days"); here it names the kind of one day.
        (DayKind.WORKDAY.value, pgettext_lazy("kind of day", "工作日")),
    ]
    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("年度"))
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=KIND_CHOICES)
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("特殊日期")
        verbose_name_plural = _("特殊日期")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.year_id and self.date and self.date.year != self.year.year:
            raise ValidationError({"date": _("日期必须在所属年度内。")})


class Clock(models.Model):
    """A deadline clock (SPEC §3). Cases, hand-overs and joint sub-tasks each own one.

    The facts (start, limit, extension, pauses) are stored; due_at / yellow_at are derived by
    worktime.clock and cached here so the worker can find clocks that need a warning with an
    index scan instead of evaluating every clock.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("计时中")
        PAUSED = "paused", _("已暂停")
        STOPPED = "stopped", _("已停止")

    UNIT_CHOICES = [(LimitUnit.WORKDAYS.value, _("工作日")), (LimitUnit.DAYS.value, _("自然日")),
                    (LimitUnit.HOURS.value, _("小时")), (LimitUnit.MINUTES.value, _("分钟"))]
    WARNING_CHOICES = [(Warning.NONE.value, _("正常")), (Warning.YELLOW.value, _("黄色预警")),
                       (Warning.RED.value, _("红色超期"))]

    start = models.DateTimeField(_("起算时间"))
    amount = models.PositiveIntegerField(_("时限"))
    unit = models.CharField(_("时限单位"), max_length=10, choices=UNIT_CHOICES)
    extension = models.PositiveIntegerField(_("延长"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING, db_index=True)
    due_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    yellow_at = models.DateTimeField(_("预警时间"), null=True, blank=True)
    warning = models.CharField(_("预警"), max_length=10, choices=WARNING_CHOICES, default=Warning.NONE.value)
    stopped_at = models.DateTimeField(_("停止时间"), null=True, blank=True)
    purpose = models.CharField(_("用途"), max_length=40, blank=True)
    # The share of the limit at which it turns yellow when not the setting's (an urgent case warns earlier).
    warning_share = models.FloatField(_("预警比例"), null=True, blank=True)
    # Set when the official calendar would bring forward a due date already promised to the applicant on a
    # receipt: the promise stands (SPEC §3), so the due moment is never earlier than this.
    not_before = models.DateTimeField(_("承诺期限不早于"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "warning", "yellow_at"]), models.Index(fields=["status", "due_at"])]
        verbose_name = _("时限")
        verbose_name_plural = _("时限")

    def __str__(self) -> str:
        return f"{self.amount} {self.get_unit_display()} → {self.due_at:%Y-%m-%d}" if self.due_at else f"{self.amount} {self.unit}"


class ClockPause(models.Model):
    class Reason(models.TextChoices):
        SUPPLEMENT = "supplement", _("补正材料")
        SPECIAL = "special", _("特别程序（专家评审等）")
        PUBLIC_NOTICE = "public_notice", _("公示")
        SURVEY = "survey", _("现场勘察")
        HEARING = "hearing", _("听证")
        INSPECTION = "inspection", _("检验检测检疫")
        REVIEW = "review", _("退回件复核")

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("原因"), max_length=20, choices=Reason.choices)
    started = models.DateTimeField(_("暂停时间"))
    ended = models.DateTimeField(_("恢复时间"), null=True, blank=True)

    class Meta:
        ordering = ["started"]


class ClockExtension(models.Model):
    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="extensions")
    amount = models.PositiveIntegerField(_("延长时限"))
    reason = models.CharField(_("延期理由"), max_length=500)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)


class ClockEvent(models.Model):
    """Warnings raised by the worker; rows double as the queue for notifying handlers."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="events")
    warning = models.CharField(max_length=10, choices=Clock.WARNING_CHOICES)
    at = models.DateTimeField(auto_now_add=True)
    notified = models.BooleanField(default=False)


class ClockDueChange(models.Model):
    """History of a clock's due moment moved by something other than its own facts: today, confirming a year's
    official holiday schedule (worktime/official.py). Owners' history pages read it; never edited.

    `calendar_due_at` is what the calendar alone gives; it differs from `new_due_at` when a due date promised on
    the applicant's receipt was kept (`promise_kept`: the calendar would have brought it forward)."""

    class Sms(models.TextChoices):
        NONE = "", _("无需短信")
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="due_changes", verbose_name=_("时限"))
    old_due_at = models.DateTimeField(_("原到期时间"), null=True)
    new_due_at = models.DateTimeField(_("新到期时间"), null=True)
    calendar_due_at = models.DateTimeField(_("按日历计算的到期时间"), null=True)
    promise_kept = models.BooleanField(_("维持已承诺期限"), default=False)
    reason = models.CharField(_("原因"), max_length=300)
    sms = models.CharField(_("短信告知申请人"), max_length=10, choices=Sms.choices, default=Sms.NONE, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("期限变动记录")
        verbose_name_plural = _("期限变动记录")

    def __str__(self) -> str:
        return f"{self.clock_id}: {self.old_due_at:%Y-%m-%d} → {self.new_due_at:%Y-%m-%d}" if self.old_due_at and self.new_due_at else str(self.clock_id)


class AuditLog(models.Model):
    """Append-only record of sensitive actions: unmasking personal data, admin changes, sign-ins."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")


class Sequence(models.Model):
    """Gap-tolerant counters for human-readable numbers (办件编号, 告知书编号)."""

    name = models.CharField(max_length=60, unique=True)
    value = models.PositiveBigIntegerField(default=0)


class ApiToken(models.Model):
    """Bearer token for the JSON API. Only a hash is stored, so a database leak reveals no token."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Notification(models.Model):
    """An in-app message to one person (warnings, escalations, decisions); shown under the bell in the top bar."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")


class LanguagePreference(models.Model):
    """The interface language a person last chose with the language switch. The choice itself lives in a
    browser cookie; this copy lets messages written while the person is away (notifications) be composed in
    it (core/notify.py). No row: the default language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="language_preference")
    language = models.CharField(_("界面语言"), max_length=10, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("界面语言")
        verbose_name_plural = _("界面语言")
