"""Queue tickets (取号/叫号): issued at the kiosk or on a phone, called by clerks from the workbench, announced on
the hall display (issue 16). Each status change is a QueueEvent; the ordering rule is queueing.ordering."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.scoping import Scope, ScopedQuerySet


class Priority(models.TextChoices):
    NORMAL = "normal", _("普通")
    ELDERLY = "elderly", _("老年人")
    DISABLED = "disabled", _("残疾人")
    PREGNANT = "pregnant", _("孕妇")
    MILITARY = "military", _("军人")


GREEN_LANE = frozenset({Priority.ELDERLY, Priority.DISABLED, Priority.PREGNANT, Priority.MILITARY})


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("等候中")
    CALLED = "called", _("已叫号")
    SERVING = "serving", _("办理中")
    PARKED = "parked", _("暂挂")
    FINISHED = "finished", _("已办结")
    NO_SHOW = "no_show", _("过号")
    ABANDONED = "abandoned", _("已放弃")


class Source(models.TextChoices):
    KIOSK = "kiosk", _("现场取号")
    ONLINE = "online", _("线上取号")
    APPOINTMENT = "appointment", _("预约签到")
    COUNTER = "counter", _("窗口代取")


class QueueTicket(models.Model):
    scope = Scope(site="site_id", unit_path="site__unit__path")
    objects = ScopedQuerySet.as_manager()

    site = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="queue_tickets", verbose_name=_("服务场所"))
    day = models.DateField(_("日期"), db_index=True)
    number = models.CharField(_("号码"), max_length=10)  # e.g. "A012": the letter is the item group
    item = models.ForeignKey("catalog.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="queue_tickets",
                             verbose_name=_("事项"))
    priority = models.CharField(_("类别"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    source = models.CharField(_("取号方式"), max_length=12, choices=Source.choices, default=Source.KIOSK)
    appointment = models.OneToOneField("appointments.Appointment", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="ticket", verbose_name=_("预约"))
    status = models.CharField(_("状态"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.WAITING,
                              db_index=True)
    # The window whose queue the ticket is in after a transfer, and the window that called it.
    window = models.ForeignKey("orgs.Window", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="queue_tickets", verbose_name=_("窗口"))
    served_by = models.ForeignKey("orgs.Staff", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="queue_tickets", verbose_name=_("办理人员"))
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="queue_tickets",
                             verbose_name=_("办件"))
    token = models.CharField(max_length=40, unique=True, editable=False)
    # Optional contact for the "N people ahead" SMS, and a keyed hash of the ID number for the one-active-ticket
    # rule (never the number itself).
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(_("取号时间"), db_index=True)
    # The place in line (queueing.ordering): the arrival time, kept through a transfer, a park and the linked
    # tickets of later services in the same visit; created_at stays the time this ticket's own wait began.
    queued_at = models.DateTimeField(_("排队位置"), null=True, blank=True)
    # Several services in one visit: the ticket of the previous service (same number; states.py).
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups",
                                 verbose_name=_("上一项服务"))
    called_at = models.DateTimeField(_("叫号时间"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("最近呼叫"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("重呼次数"), default=0)
    ahead_at_issue = models.PositiveIntegerField(_("取号时前面人数"), default=0)
    estimate_low = models.PositiveIntegerField(_("预计等候下限（分钟）"), null=True, blank=True)
    estimate_high = models.PositiveIntegerField(_("预计等候上限（分钟）"), null=True, blank=True)
    ahead_sms_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["day", "created_at"]
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        # A number is given once a day; the linked tickets of a visit's later services carry it again.
        constraints = [models.UniqueConstraint(fields=["site", "day", "number"], condition=models.Q(previous__isnull=True),
                                               name="ticket_number_once_a_day")]
        indexes = [models.Index(fields=["site", "status", "day"])]

    def __str__(self) -> str:
        return self.number

    @property
    def green_lane(self) -> bool:
        return self.priority in GREEN_LANE


class QueueEvent(models.Model):
    """History: every call, recall, skip, transfer, park, finish — actor, window, time, reason."""

    scope = Scope(site="ticket__site_id", unit_path="ticket__site__unit__path")
    objects = ScopedQuerySet.as_manager()

    ticket = models.ForeignKey(QueueTicket, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=12)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    window = models.ForeignKey("orgs.Window", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("叫号记录")
        verbose_name_plural = _("叫号记录")
