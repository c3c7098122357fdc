"""Hall operations: opening hours and duty days per site, the hall's settings, and who is at which window
(SPEC §4 appointments/queue, §8 attendance; issue 16). Appointments and queue tickets live in their own apps
(bianmin.appointments, bianmin.queueing) and read the hours through hall.hours."""
from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.scoping import Scope, ScopedQuerySet

SITE_SCOPE = Scope(site="site_id", unit_path="site__unit__path")


class HallSettings(models.Model):
    """The numbers a centre may change; a site without a row uses the defaults below (hall.hours.settings_for)."""

    scope = SITE_SCOPE
    objects = ScopedQuerySet.as_manager()

    site = models.OneToOneField("orgs.Site", on_delete=models.CASCADE, related_name="hall_settings",
                                verbose_name=_("服务场所"))
    # Seed 001: 群众排队等待时间尽量控制在半个小时.
    wait_target_minutes = models.PositiveSmallIntegerField(_("等候时间目标（分钟）"), default=30)
    unattended_alert_minutes = models.PositiveSmallIntegerField(_("窗口无人提醒（分钟）"), default=10)
    no_show_grace_minutes = models.PositiveSmallIntegerField(_("预约爽约宽限（分钟）"), default=15)
    # The green lane must not starve the others: after this many green-lane calls in a row at one window the
    # oldest ordinary ticket is called next (Novo SGA / Qmatic ratios).
    green_lane_run = models.PositiveSmallIntegerField(_("绿色通道连续叫号上限"), default=2)
    recall_cooldown_seconds = models.PositiveSmallIntegerField(_("重呼间隔（秒）"), default=60)
    max_recalls = models.PositiveSmallIntegerField(_("重呼次数上限（之后视为过号）"), default=3)
    sms_when_ahead = models.PositiveSmallIntegerField(_("前面剩余人数提醒（短信）"), default=3)
    # Seed 002: village points hand their proxy cases to the township weekly, on Monday (0 = Monday).
    batch_weekday = models.PositiveSmallIntegerField(_("代办件周报送日（0=周一）"), default=0)

    class Meta:
        verbose_name = _("大厅设置")
        verbose_name_plural = _("大厅设置")

    def __str__(self) -> str:
        return str(self.site)


class OpeningSession(models.Model):
    """One opening session of a site on working days (seed 002: 8:30–11:30 and 14:30–17:30), or a lunch-time
    session served by the windows that keep 午间不间断 service."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("正常办公")
        LUNCH = "lunch", _("午间服务")

    scope = SITE_SCOPE
    objects = ScopedQuerySet.as_manager()

    site = models.ForeignKey("orgs.Site", on_delete=models.CASCADE, related_name="opening_sessions",
                             verbose_name=_("服务场所"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    # The windows that serve a lunch-time session (empty: all windows of the site).
    windows = models.ManyToManyField("orgs.Window", blank=True, related_name="opening_sessions",
                                     verbose_name=_("值守窗口"))

    class Meta:
        ordering = ["site", "start"]
        verbose_name = _("办公时段")
        verbose_name_plural = _("办公时段")
        constraints = [models.CheckConstraint(condition=models.Q(end__gt=models.F("start")),
                                              name="opening_session_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class DutyDay(models.Model):
    """A rest day (weekend or holiday on the working-day calendar) on which the site opens its duty windows
    (节假日轮值), or a working day on which it stays closed (`closed`, e.g. an emergency)."""

    scope = SITE_SCOPE
    objects = ScopedQuerySet.as_manager()

    site = models.ForeignKey("orgs.Site", on_delete=models.CASCADE, related_name="duty_days",
                             verbose_name=_("服务场所"))
    date = models.DateField(_("日期"))
    closed = models.BooleanField(_("当日闭厅"), default=False)
    start = models.TimeField(_("开始"), default=dt.time(9, 0))
    end = models.TimeField(_("结束"), default=dt.time(12, 0))
    windows = models.ManyToManyField("orgs.Window", blank=True, related_name="duty_days", verbose_name=_("值班窗口"))
    staff = models.ManyToManyField("orgs.Staff", blank=True, related_name="duty_days", verbose_name=_("值班人员"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["site", "date"]
        unique_together = [("site", "date")]
        verbose_name = _("值班日")
        verbose_name_plural = _("值班日")

    def __str__(self) -> str:
        return f"{self.site} {self.date:%Y-%m-%d}"


class Presence(models.Model):
    """One sign-in or sign-out of a staff member at a window (from the workbench, the API or a clock-in import)."""

    class Kind(models.TextChoices):
        IN = "in", _("签到")
        OUT = "out", _("签退")

    class Source(models.TextChoices):
        WORKBENCH = "workbench", _("工作台")
        IMPORT = "import", _("考勤机导入")
        API = "api", _("接口")

    scope = Scope(site="window__site_id", unit_path="window__site__unit__path", person="staff__user",
                  person_actions=frozenset({"view_site", "view_case"}))
    objects = ScopedQuerySet.as_manager()

    staff = models.ForeignKey("orgs.Staff", on_delete=models.CASCADE, related_name="presences",
                              verbose_name=_("工作人员"))
    window = models.ForeignKey("orgs.Window", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="presences", verbose_name=_("窗口"))
    kind = models.CharField(_("类型"), max_length=3, choices=Kind.choices)
    at = models.DateTimeField(_("时间"), db_index=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.WORKBENCH)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("签到签退")
        verbose_name_plural = _("签到签退")
        indexes = [models.Index(fields=["staff", "at"])]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"
