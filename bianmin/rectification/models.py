"""Bad-review tickets (整改工单), their contact log and history, appeals, and per-jurisdiction time limits."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import Scope, ScopedQuerySet

from .states import Action, Outcome, Status

STATUS_LABELS = {
    Status.RECEIVED: _("已接收"),
    Status.ASSIGNED: _("已分派"),
    Status.VERIFYING: _("核实中"),
    Status.RECTIFYING: _("限期整改中"),
    Status.AWAITING_APPROVAL: _("待审核（误评/恶意差评）"),
    Status.RESOLVED: _("已整改，待反馈"),
    Status.ANSWERED: _("已反馈"),
    Status.CLOSED: _("已办结"),
}
OUTCOME_LABELS = {
    Outcome.RECTIFIED_NOW: _("立行立改"),
    Outcome.LEDGER: _("建立台账、限期整改"),
    Outcome.EXPLAINED: _("解释说明"),
    Outcome.MALICIOUS: _("误评/恶意差评"),
}
ACTION_LABELS = {
    Action.ASSIGN: _("分派"),
    Action.VERIFY: _("回访核实"),
    Action.RESOLVE: _("确定处理方式"),
    Action.PROGRESS: _("整改进展"),
    Action.RECTIFIED: _("整改完成"),
    Action.APPROVE_EXCLUSION: _("批准不计入统计"),
    Action.REJECT_EXCLUSION: _("驳回误评认定"),
    Action.FEEDBACK: _("反馈评价人"),
    Action.CLOSE: _("办结"),
    Action.REOPEN: _("重新办理"),
    Action.ESCALATE: _("督办升级"),
    Action.ATTACH: _("上传附件"),
}
STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in Status]
OUTCOME_CHOICES = [(o.value, OUTCOME_LABELS[o]) for o in Outcome]
ACTION_CHOICES = [(a.value, ACTION_LABELS[a]) for a in Action] + [
    ("create", _("生成工单")), ("followup", _("评价人追评")), ("appeal", _("申诉复核")), ("warn", _("时限预警"))]


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    VISIT = "visit", _("上门")
    ONSITE = "onsite", _("现场")
    LETTER = "letter", _("书面")
    ONLINE = "online", _("网上")


class Source(models.TextChoices):
    RATING = "rating", _("差评")
    COMPLAINT = "complaint", _("投诉")


class Escalation(models.IntegerChoices):
    NONE = 0, _("未升级")
    MANAGER = 1, _("中心负责人督办")
    SUPERVISOR = 2, _("监督部门督办")


class Ticket(models.Model):
    # Managers reach a ticket through its site, regions through its unit or its site's unit, the department
    # (handlers) through its unit, and the person it is assigned to (a clerk) personally.
    scope = Scope(site="assigned_site_id", unit_path=("unit_path", "assigned_site__unit__path"),
                  department_path="unit_path", person="assignee",
                  person_actions=frozenset({Perm.VIEW_TICKETS, Perm.HANDLE_TICKET}))
    objects = ScopedQuerySet.as_manager()

    number = models.CharField(_("工单编号"), max_length=30, unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    rating = models.OneToOneField("ratings.Rating", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="ticket", verbose_name=_("差评"))
    comment = models.OneToOneField("ratings.Comment", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="ticket", verbose_name=_("投诉"))
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="tickets",
                             verbose_name=_("办件"))
    # 谁办理、谁负责: the unit (and, where known, the person) that handled the case.
    assigned_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="tickets",
                                      verbose_name=_("责任单位"))
    assigned_site = models.ForeignKey("orgs.Site", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="tickets", verbose_name=_("责任场所"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="tickets", verbose_name=_("责任人"))
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    status = models.CharField(_("状态"), max_length=20, choices=STATUS_CHOICES, default=Status.RECEIVED.value,
                              db_index=True)
    outcome = models.CharField(_("处理方式"), max_length=16, choices=OUTCOME_CHOICES, blank=True)
    outcome_note = models.TextField(_("处理说明"), blank=True)
    # Set on the resolve step: the verified complaint was about conduct (S003 失职追究: 作风生硬、态度粗暴，被投诉查实),
    # which raises an efficiency warning besides the deduction (staffops.efficiency).
    conduct = models.BooleanField(_("属作风生硬、态度粗暴或刁难推诿"), default=False)
    ledger_deadline = models.DateField(_("整改期限"), null=True, blank=True)
    # 建立台账、限期整改: once the rater has had the first answer (what will be done, by when) within the rectify
    # limit, this clock runs to the ledger deadline and is the one that warns and escalates (SPEC §6).
    ledger_clock = models.OneToOneField("core.Clock", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="ledger_ticket")
    real_name = models.BooleanField(_("实名"), default=False)
    verify_clock = models.OneToOneField("core.Clock", on_delete=models.PROTECT, related_name="verify_ticket")
    rectify_clock = models.OneToOneField("core.Clock", on_delete=models.PROTECT, related_name="rectify_ticket")
    reached = models.BooleanField(_("已联系上评价人"), default=False)
    verified_at = models.DateTimeField(_("首次回访时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    feedback_channel = models.CharField(_("反馈方式"), max_length=10, choices=ContactChannel.choices, blank=True)
    feedback_text = models.TextField(_("反馈内容"), blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    followup_rating = models.OneToOneField("ratings.Rating", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="followup_ticket", verbose_name=_("追评"))
    escalation = models.PositiveSmallIntegerField(_("督办"), choices=Escalation.choices, default=Escalation.NONE)
    reopened = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    exclusion_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                              on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("生成时间"), db_index=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("整改工单")
        verbose_name_plural = _("整改工单")
        constraints = [models.CheckConstraint(condition=Q(rating__isnull=False) | Q(comment__isnull=False),
                                              name="ticket_has_a_source")]

    def __str__(self) -> str:
        return self.number

    @property
    def status_enum(self) -> Status:
        return Status(self.status)


class TicketEvent(models.Model):
    """Append-only history (SPEC §11: corrections are new entries). The admin and services never edit it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=20, choices=ACTION_CHOICES)
    from_status = models.CharField(max_length=20, choices=STATUS_CHOICES, blank=True)
    to_status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]


class ContactAttempt(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="contacts")
    channel = models.CharField(_("方式"), max_length=10, choices=ContactChannel.choices)
    reached = models.BooleanField(_("联系上"))
    note = models.TextField(_("记录"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


def _upload_to(instance, filename: str) -> str:
    return f"evidence/{instance.__class__.__name__.lower()}/{filename}"


class Attachment(models.Model):
    """Evidence for a ticket or an appeal (photos, documents); kept, never deleted."""

    ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    appeal = models.ForeignKey("Appeal", null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=_upload_to)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)


class Appeal(models.Model):
    """申诉复核: the rated person or unit contests a rating; decided at county or city level."""

    # Reviewers (DECIDE_APPEAL) reach it through the rating's site or the unit; the unit that filed it
    # (FILE_APPEAL) the same way or, for a department, through its unit; the filer and the rated person personally.
    scope = Scope(site="rating__site_id", unit_path="unit_path", department_path="unit_path",
                  person=("filed_by", "rating__staff__user"), person_actions=frozenset({Perm.FILE_APPEAL}))
    objects = ScopedQuerySet.as_manager()

    class Status(models.TextChoices):
        PENDING = "pending", _("待复核")
        UPHELD = "upheld", _("申诉成立")
        DISMISSED = "dismissed", _("申诉驳回")

    rating = models.OneToOneField("ratings.Rating", on_delete=models.PROTECT, related_name="appeal",
                                  verbose_name=_("被申诉评价"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    reason = models.TextField(_("申诉理由"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    clock = models.OneToOneField("core.Clock", on_delete=models.PROTECT, related_name="appeal")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_reason = models.TextField(_("复核意见"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    filed_at = models.DateTimeField()

    class Meta:
        ordering = ["-filed_at"]
        verbose_name = _("申诉复核")
        verbose_name_plural = _("申诉复核")


class Policy(models.Model):
    """Time limits of one jurisdiction; a unit without one uses its nearest ancestor's, else the settings."""

    unit = models.OneToOneField("orgs.Unit", on_delete=models.CASCADE, related_name="rectification_policy",
                                verbose_name=_("适用地区"))
    verify_workdays = models.PositiveSmallIntegerField(_("回访核实时限（工作日）"), default=1)
    rectify_workdays = models.PositiveSmallIntegerField(_("整改反馈时限（工作日）"), default=15)
    appeal_workdays = models.PositiveSmallIntegerField(_("申诉复核时限（工作日）"), default=5)

    class Meta:
        verbose_name = _("整改时限规则")
        verbose_name_plural = _("整改时限规则")
