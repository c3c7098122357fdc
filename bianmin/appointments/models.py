"""Appointments (预约服务): a citizen books a time slot at a site for an item, online or by phone through staff
(预约电话登记), and checks in at the kiosk with the code (issue 16). Slots come from hall.hours."""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
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
    # The place held in the slot (1 … capacity) while the booking holds one; released (NULL) when it is
    # cancelled, moved or missed. The partial unique constraints below are what stops double booking: two
    # bookings racing for the last place cannot both write it, whatever process they run in.
    seat = models.PositiveSmallIntegerField(_("座位号"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["date", "start"]
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        indexes = [models.Index(fields=["site", "date", "start"])]
        constraints = [
            models.UniqueConstraint(fields=["site", "item", "date", "start", "seat"], name="appointment_seat_unique",
                                    condition=models.Q(seat__isnull=False)),
            models.UniqueConstraint(fields=["site", "item", "date", "start", "phone"],
                                    name="appointment_phone_once_per_slot", condition=models.Q(seat__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.date:%Y-%m-%d} {self.start:%H:%M}"


class AppointmentEvent(models.Model):
    """One change of an appointment's status (DESIGN rule 2), written by services.py in the same transaction."""

    scope = Scope(site="appointment__site_id", unit_path="appointment__site__unit__path")
    objects = ScopedQuerySet.as_manager()

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events",
                                    verbose_name=_("预约"))
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("操作人"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("预约记录")
        verbose_name_plural = _("预约记录")


class SlotRule(models.Model):
    """How a site's opening sessions are cut into appointment slots for an item (item empty: every item of the
    site without its own rule), and how many people one slot takes."""

    scope = Scope(site="site_id", unit_path="site__unit__path")
    objects = ScopedQuerySet.as_manager()

    site = models.ForeignKey("orgs.Site", on_delete=models.CASCADE, related_name="slot_rules",
                             verbose_name=_("服务场所"))
    item = models.ForeignKey("catalog.Item", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="slot_rules", verbose_name=_("事项"),
                             help_text=_("留空：适用于本场所其他所有可预约事项"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("时段长度（分钟）"), default=30, validators=[MinValueValidator(5), MaxValueValidator(240)])
    capacity = models.PositiveSmallIntegerField(
        _("每时段可约人数"), default=2, validators=[MinValueValidator(0), MaxValueValidator(50)])

    class Meta:
        ordering = ["site", "item"]
        verbose_name = _("预约时段规则")
        verbose_name_plural = _("预约时段规则")
        constraints = [
            models.UniqueConstraint(fields=["site", "item"], name="slot_rule_site_item_unique",
                                    condition=models.Q(item__isnull=False)),
            models.UniqueConstraint(fields=["site"], name="slot_rule_site_default_unique",
                                    condition=models.Q(item__isnull=True)),
            models.CheckConstraint(condition=models.Q(slot_minutes__gte=5), name="slot_rule_minutes_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.item or '*'} · {self.slot_minutes}′ × {self.capacity}"


class SlotClosure(models.Model):
    """A stretch of a day (or the whole day) in which a site takes no appointments after all (an emergency):
    the bookings inside it were moved to the next free slot when it was closed (services.close_slots)."""

    scope = Scope(site="site_id", unit_path="site__unit__path")
    objects = ScopedQuerySet.as_manager()

    site = models.ForeignKey("orgs.Site", on_delete=models.CASCADE, related_name="slot_closures",
                             verbose_name=_("服务场所"))
    date = models.DateField(_("日期"))
    # Both empty: the whole day.
    start = models.TimeField(_("开始"), null=True, blank=True)
    end = models.TimeField(_("结束"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("操作人"))
    created_at = models.DateTimeField(_("操作时间"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "start"]
        verbose_name = _("预约时段关闭")
        verbose_name_plural = _("预约时段关闭")

    def __str__(self) -> str:
        if self.start is None:
            return f"{self.site} {self.date:%Y-%m-%d}"
        return f"{self.site} {self.date:%Y-%m-%d} {self.start:%H:%M}–{self.end:%H:%M}"

    def covers(self, start, end) -> bool:
        """Does the closure overlap the slot [start, end)?"""
        return self.start is None or (start < self.end and self.start < end)
