"""Hall operations: opening hours and duty days per site, the hall's settings, and who is at which window
(SPEC §4 appointments/queue, §8 attendance; issue 16). Appointments and queue tickets live in their own apps
(bianmin.appointments, bianmin.queueing) and read the hours through hall.hours."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
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


STAFF_SITE_SCOPE = Scope(site="site_id", unit_path="site__unit__path", person="staff__user",
                         person_actions=frozenset({"view_site", "view_case"}))


class LeaveRequest(models.Model):
    """A leave request (请假) with its named cover; approved by the site's manager (hall.services)."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("年休假")
        SICK = "sick", _("病假")
        PERSONAL = "personal", _("事假")
        OFFICIAL = "official", _("公差")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")
        CANCELLED = "cancelled", _("已撤销")

    scope = STAFF_SITE_SCOPE
    objects = ScopedQuerySet.as_manager()

    staff = models.ForeignKey("orgs.Staff", on_delete=models.CASCADE, related_name="leave_requests",
                              verbose_name=_("工作人员"))
    # The site whose manager decides: the staff member's site when the request was made.
    site = models.ForeignKey("orgs.Site", on_delete=models.CASCADE, related_name="leave_requests",
                             verbose_name=_("服务场所"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    kind = models.CharField(_("假别"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("事由"), max_length=200)
    cover = models.ForeignKey("orgs.Staff", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="covering_leaves", verbose_name=_("顶岗人员"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    created_at = models.DateTimeField(_("申请时间"))

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("请假申请")
        verbose_name_plural = _("请假申请")
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="leave_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()} {self.starts_at:%Y-%m-%d}"


class LeaveEvent(models.Model):
    """History of a leave request: every status change, in the same transaction (DESIGN rule 2)."""

    leave = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="events",
                              verbose_name=_("请假申请"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("操作人"))
    from_status = models.CharField(_("原状态"), max_length=10, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("请假记录")
        verbose_name_plural = _("请假记录")

    def __str__(self) -> str:
        return f"{self.leave_id} {self.from_status}→{self.to_status}"


class Outing(models.Model):
    """去向登记: a staff member leaves the hall during working hours (where, why, back by). Going out signs them
    out of their window and returning signs them back in (hall.services), so hall.presence stays the one rule."""

    scope = STAFF_SITE_SCOPE
    objects = ScopedQuerySet.as_manager()

    staff = models.ForeignKey("orgs.Staff", on_delete=models.CASCADE, related_name="outings",
                              verbose_name=_("工作人员"))
    site = models.ForeignKey("orgs.Site", on_delete=models.CASCADE, related_name="outings",
                             verbose_name=_("服务场所"))
    window = models.ForeignKey("orgs.Window", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("离开的窗口"))
    destination = models.CharField(_("去向"), max_length=100)
    purpose = models.CharField(_("事由"), max_length=200)
    out_at = models.DateTimeField(_("外出时间"))
    back_by = models.DateTimeField(_("预计返回"))
    returned_at = models.DateTimeField(_("实际返回"), null=True, blank=True)

    class Meta:
        ordering = ["-out_at", "-pk"]
        verbose_name = _("去向登记")
        verbose_name_plural = _("去向登记")

    def __str__(self) -> str:
        return f"{self.staff} {self.destination} {self.out_at:%Y-%m-%d %H:%M}"


class WindowAlert(models.Model):
    """One alert that a window stood empty during its opening hours: unique per window and gap, so the worker
    alerts the managers once per gap whatever number of sweeps (or workers) see it."""

    scope = Scope(site="window__site_id", unit_path="window__site__unit__path")
    objects = ScopedQuerySet.as_manager()

    window = models.ForeignKey("orgs.Window", on_delete=models.CASCADE, related_name="alerts",
                               verbose_name=_("窗口"))
    gap_started_at = models.DateTimeField(_("无人开始时间"))
    alerted_at = models.DateTimeField(_("提醒时间"))

    class Meta:
        ordering = ["-alerted_at"]
        verbose_name = _("窗口无人提醒")
        verbose_name_plural = _("窗口无人提醒")
        constraints = [models.UniqueConstraint(fields=["window", "gap_started_at"], name="one_alert_per_gap")]

    def __str__(self) -> str:
        return f"{self.window} {self.gap_started_at:%Y-%m-%d %H:%M}"
