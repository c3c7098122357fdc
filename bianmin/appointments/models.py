"""Appointments (预约服务): a citizen books a time slot at a site for an item, online or by phone through staff
(预约电话登记), and checks in at the kiosk with the code (issue 16). Slots come from hall.hours."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.scoping import Scope, ScopedQuerySet


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CHECKED_IN = "checked_in", _("已签到取号")
        SERVED = "served", _("已办理")
        CANCELLED = "cancelled", _("已取消")
        NO_SHOW = "no_show", _("爽约")
        MOVED = "moved", _("已改约")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上预约")
        PHONE = "phone", _("电话预约")
        COUNTER = "counter", _("现场预约")

    scope = Scope(site="site_id", unit_path="site__unit__path")
    objects = ScopedQuerySet.as_manager()

    site = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="appointments",
                             verbose_name=_("服务场所"))
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="appointments",
                             verbose_name=_("事项"))
    date = models.DateField(_("预约日期"), db_index=True)
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("手机号码"), max_length=20)
    # The short code said at the kiosk or counter, and the long secret in the cancel / re-book link.
    code = models.CharField(_("预约码"), max_length=8, unique=True)
    token = models.CharField(max_length=40, unique=True, editable=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.BOOKED, db_index=True)
    channel = models.CharField(_("预约方式"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    moved_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="moved_from",
                                 verbose_name=_("改约至"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "start"]
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        indexes = [models.Index(fields=["site", "date", "start"])]

    def __str__(self) -> str:
        return f"{self.code} {self.date:%Y-%m-%d} {self.start:%H:%M}"
