"""Counter cases (办件), first contacts, notices and history (SPEC §4)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.catalog.models import HandlingType
from bianmin.orgs.scoping import Scope, ScopedQuerySet

from .states import Action, Status

STATUS_LABELS = {
    Status.REGISTERED: _("已登记"),
    Status.CONSULTATION: _("咨询已答复"),
    Status.AWAITING_SUPPLEMENT: _("待补正"),
    Status.ACCEPTED: _("已受理"),
    Status.HANDED_OVER: _("部门办理中"),
    Status.RESULT_RETURNED: _("结果已交回"),
    Status.FORWARDED: _("已上报"),
    Status.COMPLETED: _("已办结"),
    Status.REJECTED: _("不予受理"),
    Status.OUT_OF_REMIT: _("已转办（不管件）"),
}
ACTION_LABELS = {
    Action.ANSWER_CONSULTATION: _("答复咨询"),
    Action.ACCEPT: _("受理"),
    Action.REJECT: _("不予受理"),
    Action.ROUTE_OUT: _("转办（不属本中心）"),
    Action.REQUEST_SUPPLEMENT: _("一次性告知补正"),
    Action.RESUME: _("材料已补齐，恢复办理"),
    Action.EXTEND: _("延期"),
    Action.HAND_OVER: _("移交部门办理"),
    Action.RETURN_RESULT: _("部门交回结果"),
    Action.FORWARD: _("上报上级"),
    Action.FINISH_JOINT_TASK: _("协办部门办结"),
    Action.COMPLETE: _("办结"),
}
STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in Status]
ACTION_CHOICES = [(a.value, ACTION_LABELS[a]) for a in Action] + [("register", _("登记"))]


class Delivery(models.TextChoices):
    WINDOW = "window", _("窗口领取")
    MAIL = "mail", _("邮寄送达")
    ONLINE = "online", _("电子送达")


class RejectionGround(models.TextChoices):
    MAIN_MISSING = "main_missing", _("缺少主件材料")
    AGAINST_POLICY = "against_policy", _("不符合法律法规和政策规定")
    FAILS_CONDITIONS = "fails_conditions", _("不符合受理条件")


class Case(models.Model):
    # Where a case sits (orgs.scoping): at its site and the site it was forwarded to (a clerk's or centre's
    # grant), under their units (a region's), and with the department it was handed to or that joins it
    # (a handler's). Joint tasks are a to-many join: lists call .distinct().
    scope = Scope(site=("site_id", "forwarded_to_id"), unit_path=("site__unit__path", "forwarded_to__unit__path"),
                  department_path=("handover_department__path", "joint_tasks__department__path"))
    objects = ScopedQuerySet.as_manager()

    number = models.CharField(_("办件编号"), max_length=30, unique=True)
    site = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="cases", verbose_name=_("服务场所"))
    window = models.ForeignKey("orgs.Window", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases",
                               verbose_name=_("窗口"))
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="cases", verbose_name=_("事项"))
    handling_type = models.CharField(_("办件类型"), max_length=10, choices=HandlingType.choices)
    status = models.CharField(_("状态"), max_length=20, choices=STATUS_CHOICES, default=Status.REGISTERED.value,
                              db_index=True)
    resume_to = models.CharField(max_length=20, blank=True, editable=False)
    urgent = models.BooleanField(_("急办件"), default=False)

    applicant_name = models.CharField(_("申请人"), max_length=100)
    applicant_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    applicant_id_number = models.CharField(_("证件号码"), max_length=18, blank=True)
    applicant_org = models.CharField(_("申请单位"), max_length=200, blank=True)

    clock = models.OneToOneField("core.Clock", null=True, blank=True, on_delete=models.SET_NULL, related_name="case")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="handled_cases",
                                   verbose_name=_("经办人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True, db_index=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    # Outcome details, filled by the transitions that produce them.
    answer = models.TextField(_("答复内容"), blank=True)
    supplement_materials = models.JSONField(_("需补正材料"), default=list, blank=True)
    supplement_deadline = models.DateField(_("补正期限"), null=True, blank=True)
    rejection_ground = models.CharField(_("不予受理类别"), max_length=20, choices=RejectionGround.choices, blank=True)
    rejection_reason = models.TextField(_("不予受理理由"), blank=True)
    routed_to = models.CharField(_("转至单位"), max_length=200, blank=True)
    routed_answer_due = models.DateField(_("答复期限"), null=True, blank=True)
    handover_department = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="handed_cases", verbose_name=_("移交部门"))
    handover_clock = models.OneToOneField("core.Clock", null=True, blank=True, on_delete=models.SET_NULL,
                                          related_name="handover_case")
    result_returned_at = models.DateTimeField(_("结果交回时间"), null=True, blank=True)
    forwarded_to = models.ForeignKey("orgs.Site", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="forwarded_cases", verbose_name=_("上报至"))
    result = models.TextField(_("办理结果"), blank=True)
    approved = models.BooleanField(_("准予"), null=True, blank=True)
    delivery = models.CharField(_("送达方式"), max_length=10, choices=Delivery.choices, blank=True)
    delivery_address = models.CharField(_("邮寄地址"), max_length=200, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    public_notice = models.TextField(_("办结公告"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        indexes = [models.Index(fields=["site", "status", "created_at"]),
                   # The statistics sweep reads cases by completion time every run (stats/case_rollup.py):
                   # without it, a scan of every case ever registered.
                   models.Index(fields=["completed_at"], name="case_completed_at")]

    def __str__(self) -> str:
        return f"{self.number} {self.item}"

    @property
    def status_enum(self) -> Status:
        return Status(self.status)


class CaseEvent(models.Model):
    """One row per state change: who, when, from, to, why (DESIGN rule 2). Never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=24, choices=ACTION_CHOICES)
    from_status = models.CharField(max_length=20, choices=STATUS_CHOICES, blank=True)
    to_status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class JointTask(models.Model):
    """联办件: a co-department's part of a joint case, with its own sub-deadline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="joint_tasks")
    department = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="joint_tasks",
                                   verbose_name=_("协办部门"))
    task = models.CharField(_("办理内容"), max_length=200, blank=True)
    clock = models.OneToOneField("core.Clock", on_delete=models.PROTECT, related_name="joint_task")
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    finished_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    note = models.CharField(_("办理意见"), max_length=500, blank=True)


class Entrustment(models.Model):
    """委托代理书 for proxy service (代办): who acts for the applicant, for what, until when."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="entrustment")
    agent_name = models.CharField(_("代办员"), max_length=40)
    agent_phone = models.CharField(_("代办员电话"), max_length=20, blank=True)
    scope = models.CharField(_("委托事项及权限"), max_length=300)
    due_date = models.DateField(_("约定办结日期"))
    signed_on = models.DateField(_("签订日期"))


class FirstContact(models.Model):
    """首问登记: every first contact is logged with who owns it (S002:L521-603)."""

    class Outcome(models.TextChoices):
        CASE = "case", _("登记办件")
        ANSWERED = "answered", _("当场答复")
        GUIDED = "guided", _("引导至其他窗口")

    site = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="first_contacts")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="first_contacts",
                              verbose_name=_("首问责任人"))
    visitor_name = models.CharField(_("来访人"), max_length=100)
    visitor_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    question = models.CharField(_("咨询/办理事项"), max_length=500)
    outcome = models.CharField(_("处理方式"), max_length=10, choices=Outcome.choices)
    guided_to_window = models.ForeignKey("orgs.Window", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+", verbose_name=_("引导至窗口"))
    guided_to_person = models.CharField(_("接待人员"), max_length=40, blank=True)
    case = models.OneToOneField(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="first_contact")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("首问登记")
        verbose_name_plural = _("首问登记")


class Notice(models.Model):
    """A numbered printed document: receipt, supplement notice, rejection notice, one-time notification."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("受理通知书")
        SUPPLEMENT = "supplement", _("补正材料通知书")
        REJECTION = "rejection", _("不予受理通知书")
        ONE_TIME = "one_time", _("一次性告知书")
        EXTENSION = "extension", _("延期办理告知书")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    number = models.CharField(_("文书编号"), max_length=40, unique=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="notices")
    site = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="notices")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    content = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]
