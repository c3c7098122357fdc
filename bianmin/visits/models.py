"""Home visits (上门服务), the completion sign-off (办结签收) and proxy hand-back (代办结果) registers, and village
proxy batches (代办件周报送): issue 16 §5–6, seed 000 "四登记", seed 002 (村代办点每周一报送乡镇)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.scoping import Scope, ScopedQuerySet

from .states import BatchStatus, VisitAction, VisitStatus

# A row that sits at a case's site (the sign-off and the hand-back registers).
CASE_SCOPE = Scope(site="case__site_id", unit_path="case__site__unit__path")

VISIT_STATUS_CHOICES = [
    (VisitStatus.REQUESTED.value, _("已登记")), (VisitStatus.SCHEDULED.value, _("已安排")),
    (VisitStatus.DONE.value, _("已上门")), (VisitStatus.CANCELLED.value, _("已取消")),
]
VISIT_ACTION_CHOICES = [
    ("request", _("登记")), (VisitAction.SCHEDULE.value, _("安排上门")), (VisitAction.OPEN_CASE.value, _("上门登记办件")),
    (VisitAction.FINISH.value, _("上门完成（未登记办件）")), (VisitAction.CANCEL.value, _("取消")),
]
BATCH_STATUS_CHOICES = [
    (BatchStatus.PREPARED.value, _("已组批")), (BatchStatus.SENT.value, _("已报送")),
    (BatchStatus.RECEIVED.value, _("已接收")),
]


class HomeVisit(models.Model):
    """上门服务登记: a request for staff to go to someone who cannot come to the hall."""

    class Need(models.TextChoices):
        ELDERLY = "elderly", _("高龄老人")
        DISABLED = "disabled", _("残疾人")
        ILL = "ill", _("重病卧床")
        OTHER = "other", _("其他行动不便")

    class Period(models.TextChoices):
        ANY = "any", _("不限")
        MORNING = "morning", _("上午")
        AFTERNOON = "afternoon", _("下午")

    scope = Scope(site="site_id", unit_path="site__unit__path")
    objects = ScopedQuerySet.as_manager()

    site = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="home_visits",
                             verbose_name=_("服务场所"))
    name = models.CharField(_("服务对象"), max_length=40)
    phone = models.CharField(_("联系电话"), max_length=20)
    address = models.CharField(_("上门地址"), max_length=200)
    need = models.CharField(_("服务对象类型"), max_length=10, choices=Need.choices)
    reason = models.CharField(_("事由"), max_length=500)
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="home_visits",
                             verbose_name=_("办理事项"))
    wanted_date = models.DateField(_("期望上门日期"))
    wanted_period = models.CharField(_("期望时段"), max_length=10, choices=Period.choices, default=Period.ANY)
    status = models.CharField(_("状态"), max_length=10, choices=VISIT_STATUS_CHOICES,
                              default=VisitStatus.REQUESTED.value, db_index=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="home_visits", verbose_name=_("上门人员"))
    scheduled_at = models.DateTimeField(_("安排上门时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("上门时间"), null=True, blank=True)
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="home_visit", verbose_name=_("办件"))
    outcome = models.CharField(_("上门结果"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("上门服务")
        verbose_name_plural = _("上门服务")

    def __str__(self) -> str:
        return f"{self.name} {self.wanted_date:%Y-%m-%d}"


class VisitEvent(models.Model):
    """One row per state change of a home visit (DESIGN rule 2). Never edited."""

    visit = models.ForeignKey(HomeVisit, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=12, choices=VISIT_ACTION_CHOICES)
    from_status = models.CharField(max_length=10, choices=VISIT_STATUS_CHOICES, blank=True)
    to_status = models.CharField(max_length=10, choices=VISIT_STATUS_CHOICES)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("说明"), max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("上门服务记录")
        verbose_name_plural = _("上门服务记录")


class SignOff(models.Model):
    """办结签收登记: who received a finished case's result, when and how."""

    class Relation(models.TextChoices):
        SELF = "self", _("本人")
        FAMILY = "family", _("亲属")
        AGENT = "agent", _("代理人/代办员")
        COLLEAGUE = "colleague", _("单位经办人")
        OTHER = "other", _("其他")

    class Method(models.TextChoices):
        TABLET = "tablet", _("平板电子签名")
        PRINTED = "printed", _("纸质签收单签字")
        MAIL = "mail", _("邮寄回执")

    scope = CASE_SCOPE
    objects = ScopedQuerySet.as_manager()

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="sign_off",
                                verbose_name=_("办件"))
    received_by = models.CharField(_("领取人"), max_length=40)
    relation = models.CharField(_("与申请人关系"), max_length=10, choices=Relation.choices)
    received_at = models.DateTimeField(_("签收时间"), db_index=True)
    method = models.CharField(_("签收方式"), max_length=10, choices=Method.choices)
    # The PNG drawn on the tablet (tablet method only): small, so kept in the row rather than in media files.
    signature = models.BinaryField(_("电子签名"), null=True, blank=True, editable=False)
    mail_receipt = models.CharField(_("邮件回执号"), max_length=40, blank=True)
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("交付人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("办结签收")
        verbose_name_plural = _("办结签收")

    def __str__(self) -> str:
        return f"{self.case} · {self.received_by}"


class ProxyHandback(models.Model):
    """代办结果登记: the agent of a proxy case (cases.Entrustment) hands the result back to the applicant."""

    class How(models.TextChoices):
        IN_PERSON = "in_person", _("当面交付")
        HOME = "home", _("送达上门")
        MAIL = "mail", _("邮寄")
        RELATIVE = "relative", _("交亲属转交")

    scope = CASE_SCOPE
    objects = ScopedQuerySet.as_manager()

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="proxy_handback",
                                verbose_name=_("办件"))
    handed_at = models.DateTimeField(_("交回时间"), db_index=True)
    received_by = models.CharField(_("接收人"), max_length=40)
    how = models.CharField(_("交付方式"), max_length=10, choices=How.choices)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-handed_at", "-id"]
        verbose_name = _("代办结果")
        verbose_name_plural = _("代办结果")

    def __str__(self) -> str:
        return f"{self.case} · {self.received_by}"


class ProxyBatch(models.Model):
    """代办件报送批次: a village point's cases handed to its township on the batch weekday."""

    scope = Scope(site=("station_id", "township_id"), unit_path=("station__unit__path", "township__unit__path"))
    objects = ScopedQuerySet.as_manager()

    station = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="proxy_batches_sent",
                                verbose_name=_("代办点"))
    township = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="proxy_batches_received",
                                 verbose_name=_("乡镇便民服务中心"))
    batch_date = models.DateField(_("报送日期"), db_index=True)
    cases = models.ManyToManyField("cases.Case", through="BatchCase", related_name="proxy_batches",
                                   verbose_name=_("办件"))
    status = models.CharField(_("状态"), max_length=10, choices=BATCH_STATUS_CHOICES,
                              default=BatchStatus.PREPARED.value, db_index=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("组批人"))
    created_at = models.DateTimeField(_("组批时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("报送人"))
    received_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("接收人"))

    class Meta:
        ordering = ["-batch_date", "-id"]
        verbose_name = _("代办件报送批次")
        verbose_name_plural = _("代办件报送批次")
        indexes = [models.Index(fields=["station", "batch_date"])]

    def __str__(self) -> str:
        return f"{self.station} {self.batch_date:%Y-%m-%d}"


class BatchCase(models.Model):
    """A case in a batch: a case travels in one batch only (the unique case), so "not in any batch" is one join."""

    batch = models.ForeignKey(ProxyBatch, on_delete=models.CASCADE, related_name="entries")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="batch_entry")

    class Meta:
        verbose_name = _("批次办件")
        verbose_name_plural = _("批次办件")


class BatchEvent(models.Model):
    """One row per state change of a batch (DESIGN rule 2)."""

    batch = models.ForeignKey(ProxyBatch, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=10)
    from_status = models.CharField(max_length=10, choices=BATCH_STATUS_CHOICES, blank=True)
    to_status = models.CharField(max_length=10, choices=BATCH_STATUS_CHOICES)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
