"""The national exchange's tables: which upstream each jurisdiction reports to (ExchangeLink), the outbox of
records to send (OutboxRow, written in the transaction of the change itself), and the daily reconciliation of
counts and keys with the upstream (Reconciliation)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.scoping import Scope, ScopedQuerySet


class Kind(models.TextChoices):
    RATING = "rating", _("评价")
    CASE_ACCEPT = "case_accept", _("办件受理")
    CASE_SPECIAL = "case_special", _("特别程序")
    CASE_COMPLETE = "case_complete", _("办件办结")
    RECTIFICATION = "rectification", _("差评整改")
    COMPLAINT = "complaint", _("窗口投诉")


# The API's `kind` filter also takes these groups (the contract names `case` as one kind).
KIND_GROUPS = {"case": (Kind.CASE_ACCEPT, Kind.CASE_SPECIAL, Kind.CASE_COMPLETE)}


class Status(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已送达")
    DEAD = "dead", _("发送失败（死信）")
    GIVEN_UP = "given_up", _("已放弃")


class ExchangeLink(models.Model):
    """A jurisdiction's upstream: every record of the unit and the units below it (unless a lower unit has a
    link of its own) goes there under one profile. Credentials are never stored here: `credentials_env` names the
    environment variables that hold them (`<PREFIX>_APP_KEY`, `<PREFIX>_APP_SECRET`)."""

    unit = models.OneToOneField("orgs.Unit", on_delete=models.PROTECT, related_name="exchange_link",
                                verbose_name=_("辖区"))
    profile = models.CharField(_("数据规范"), max_length=40)
    # Empty: always the newest version of the profile; a number pins one version.
    profile_version = models.PositiveSmallIntegerField(_("规范版本"), null=True, blank=True)
    url = models.URLField(_("上级平台地址"), max_length=300)
    credentials_env = models.CharField(_("凭据环境变量前缀"), max_length=60, blank=True,
                                       help_text=_("如 BM_EXCHANGE_ZJ：读取 BM_EXCHANGE_ZJ_APP_KEY 和 BM_EXCHANGE_ZJ_APP_SECRET"))
    active = models.BooleanField(_("发送中"), default=True, help_text=_("暂停时记录照常进入待发送队列，但不发送"))
    # Default good ratings go out only where the jurisdiction's rules allow it, and only on a profile with an
    # explicit "system default" channel code (never as a rating somebody gave).
    send_default_ratings = models.BooleanField(_("报送默认好评"), default=False)
    timeout_seconds = models.PositiveSmallIntegerField(_("超时（秒）"), default=10)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("上级平台对接")
        verbose_name_plural = _("上级平台对接")

    def __str__(self) -> str:
        return f"{self.unit} → {self.profile}"


class OutboxQuerySet(ScopedQuerySet):
    def unsent(self):
        return self.filter(status=Status.PENDING)


class OutboxRow(models.Model):
    """One record to send upstream. Written by writer.write in the transaction of the change; claimed by the
    worker (sender.py) one row per ordering key at a time; its payload is built at the first attempt under the
    link's profile and then frozen with the profile version, so every retry sends the same bytes."""

    scope = Scope(site="site_id", unit_path="unit_path")
    link = models.ForeignKey(ExchangeLink, on_delete=models.PROTECT, related_name="rows")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    record_id = models.PositiveBigIntegerField(_("记录号"))  # the rating, case, ticket or complaint
    event = models.CharField(_("环节"), max_length=40, blank=True)
    key = models.CharField(_("幂等键"), max_length=160)
    order_key = models.CharField(_("顺序键"), max_length=80)  # the case number: one in flight, in order
    day = models.DateField(_("业务日期"))
    site = models.ForeignKey("orgs.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"))
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    last_error = models.TextField(_("最近错误"), blank=True)
    profile_name = models.CharField(_("数据规范"), max_length=40, blank=True)
    profile_version = models.PositiveSmallIntegerField(_("规范版本"), null=True, blank=True)
    payload = models.JSONField(_("报文"), null=True, blank=True)
    receipt = models.CharField(_("回执"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("入队时间"))
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    given_up_reason = models.CharField(_("放弃原因"), max_length=300, blank=True)
    given_up_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    given_up_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("待发送记录")
        verbose_name_plural = _("待发送记录")
        constraints = [models.UniqueConstraint(fields=["link", "key"], name="one_outbox_row_per_key")]
        indexes = [
            models.Index(fields=["link", "status", "id"], name="outbox_queue"),
            models.Index(fields=["status", "sent_at"], name="outbox_sent"),
            models.Index(fields=["link", "order_key", "id"], name="outbox_order"),
            models.Index(fields=["link", "day", "kind"], name="outbox_day"),
            models.Index(fields=["kind", "record_id"], name="outbox_record"),
        ]

    def __str__(self) -> str:
        return self.key


BLOCKING = Q(status__in=[Status.PENDING, Status.DEAD])  # an earlier row in these states holds its key's later rows


class Reconciliation(models.Model):
    """One day and kind compared with the upstream: our sent keys against the keys it acknowledged."""

    link = models.ForeignKey(ExchangeLink, on_delete=models.CASCADE, related_name="reconciliations")
    day = models.DateField(_("业务日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    ours = models.PositiveIntegerField(_("本平台"), default=0)
    ours_sent = models.PositiveIntegerField(_("本平台已送达"), default=0)
    theirs = models.PositiveIntegerField(_("上级平台"), default=0)
    missing_upstream = models.JSONField(_("上级缺少"), default=list)
    unknown_upstream = models.JSONField(_("本平台无此记录"), default=list)
    requeued = models.PositiveIntegerField(_("重新入队"), default=0)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    checked_at = models.DateTimeField(_("核对时间"))

    class Meta:
        ordering = ["-day", "kind"]
        verbose_name = _("对账结果")
        verbose_name_plural = _("对账结果")
        constraints = [models.UniqueConstraint(fields=["link", "day", "kind"], name="one_reconciliation_per_day")]

    @property
    def matched(self) -> bool:
        return not self.error and not self.missing_upstream and not self.unknown_upstream
