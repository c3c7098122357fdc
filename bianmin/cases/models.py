"""Counter cases (办件), first contacts, notices and history (SPEC §4)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.catalog.models import HandlingType
from bianmin.orgs.roles import Action as Perm
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
    Status.RETURNED: _("已退回（退回件）"),
    Status.REVIEW_REQUESTED: _("退回复核中"),
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
    Action.RETURN_APPLICATION: _("退回（退回件）"),
    Action.REQUEST_REVIEW: _("申请复核"),
    Action.DECIDE_REVIEW: _("复核决定"),
    Action.DESIGNATE_URGENT: _("认定急办件"),
    Action.START_SPECIAL_PROCEDURE: _("启动特别程序"),
    Action.END_SPECIAL_PROCEDURE: _("结束特别程序"),
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


class ReturnGround(models.TextChoices):
    """Seed 002 §四 1: the three cases in which an accepted application is returned (退回件的认定)."""

    MAIN_MISSING = "main_missing", _("申报材料中的主件缺少")
    AGAINST_POLICY = "against_policy", _("申请内容明显不符合有关政策或本地总体发展规划")
    NOT_QUALIFIED = "not_qualified", _("经现场察勘、调查、核实，不具备批准条件")


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
    # 急办件 (seed 002 §五) are designated by the centre, not the clerk: a clerk's urgent flag at registration is a
    # request the manager sees; the designation sets a shorter committed limit (applied at acceptance if need be).
    urgent_requested = models.BooleanField(_("申请急办"), default=False)
    urgent_limit_workdays = models.PositiveSmallIntegerField(_("急办承诺时限（工作日）"), null=True, blank=True)
    urgent_reason = models.CharField(_("急办理由"), max_length=500, blank=True)
    urgent_at = models.DateTimeField(_("认定急办时间"), null=True, blank=True)

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


class ReturnedApplication(models.Model):
    """退回件登记 (seed 002 §四 2): one row per return of an accepted case, with its review (复核) if asked for.
    A case returned, reviewed, upheld and returned again has two rows."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="returns", verbose_name=_("办件"))
    ground = models.CharField(_("退回情形"), max_length=20, choices=ReturnGround.choices)
    reasons = models.JSONField(_("退回原因"), default=list)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("经办人"))
    returned_at = models.DateTimeField(_("退回时间"))
    # A complex return decision is made within RETURN_DECISION_WORKDAYS of the application (seed 002 §四 2(1)).
    decision_due = models.DateField(_("退回决定期限"))
    within_limit = models.BooleanField(_("按期作出退回决定"), default=True)
    notice = models.ForeignKey("Notice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("退回件通知单"))
    # 复核 (seed 002 §四 2(3)): asked of the centre director or the leader in charge, decided within its limit.
    review_reason = models.TextField(_("复核理由"), blank=True)
    review_requested_at = models.DateTimeField(_("申请复核时间"), null=True, blank=True)
    review_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="+", verbose_name=_("复核申请登记人"))
    review_clock = models.OneToOneField("core.Clock", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="return_review")
    review_decided_at = models.DateTimeField(_("复核决定时间"), null=True, blank=True)
    review_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+", verbose_name=_("复核人"))
    review_upheld = models.BooleanField(_("复核结论：撤销退回"), null=True, blank=True)
    review_reasons = models.TextField(_("复核意见"), blank=True)

    class Meta:
        ordering = ["-returned_at", "-id"]
        verbose_name = _("退回件")
        verbose_name_plural = _("退回件")


class SpecialProcedure(models.Model):
    """特别程序 (GB/T 39046 表7: 种类, 启动时间, 结束时间, 时限, 结果): the case clock pauses while one runs."""

    class Kind(models.TextChoices):
        EXPERT_REVIEW = "expert_review", _("专家评审（论证）")
        PUBLIC_NOTICE = "public_notice", _("公告（公示）")
        SITE_SURVEY = "site_survey", _("现场勘察")
        HEARING = "hearing", _("听证")
        INSPECTION = "inspection", _("检验检测检疫")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="special_procedures",
                             verbose_name=_("办件"))
    kind = models.CharField(_("特别程序种类"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("启动说明"), max_length=500, blank=True)
    planned_workdays = models.PositiveSmallIntegerField(_("特别程序时限（工作日）"))
    planned_end = models.DateField(_("计划结束日期"))
    started_at = models.DateTimeField(_("启动时间"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    ended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    result = models.TextField(_("特别程序结果"), blank=True)
    # Working days the procedure paused the case clock, kept at its end for the figures.
    workdays_used = models.PositiveSmallIntegerField(_("实际用时（工作日）"), null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("特别程序")
        verbose_name_plural = _("特别程序")


class ResultNotice(models.Model):
    """办结公告 (seed 002): the result of an item whose law requires a public notice, published on the centre's
    notice board and the portal for the item's notice period, naming the applicant only as the law allows (an
    organisation by name, a person by a masked name) and never with a phone or ID number."""

    scope = Scope(site="site_id", unit_path="site__unit__path")
    objects = ScopedQuerySet.as_manager()

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="result_notice")
    site = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="result_notices")
    item = models.ForeignKey("catalog.Item", on_delete=models.PROTECT, related_name="result_notices")
    applicant_shown = models.CharField(_("申请人（公告）"), max_length=200)
    approved = models.BooleanField(_("准予"), null=True)
    text = models.TextField(_("公告内容"))
    published_at = models.DateTimeField(_("发布时间"))
    until = models.DateField(_("公告截止日期"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("办结公告")
        verbose_name_plural = _("办结公告")


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
        PENDING = "pending", _("跟踪办理中")
        CASE = "case", _("登记办件")
        ANSWERED = "answered", _("当场答复")
        GUIDED = "guided", _("引导至其他窗口")

    class Channel(models.TextChoices):
        COUNTER = "counter", _("窗口")
        PHONE = "phone", _("电话")
        VISIT = "visit", _("来访")
        ONLINE = "online", _("网上")

    # The owner's list (seeds 002/003: 首问负责, "直至事情办理结束"), the site's for its managers.
    scope = Scope(site="site_id", unit_path="site__unit__path", person="owner",
                  person_actions=frozenset({Perm.VIEW_CASE, Perm.HANDLE_CASE}))
    objects = ScopedQuerySet.as_manager()

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
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.COUNTER)
    answer = models.TextField(_("答复内容"), blank=True)
    # A hand-over names the window and the person, who confirms it; until then the entry stays with its owner.
    handed_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="first_contacts_received", verbose_name=_("接手人"))
    handed_at = models.DateTimeField(_("转交时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("接手确认时间"), null=True, blank=True)
    # Set when the entry is done (answered, accepted as a case, hand-over confirmed); open entries have none.
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, db_index=True)
    # The limit (FIRST_CONTACT_LIMIT_WORKDAYS) an open entry is warned about once it has passed.
    due_at = models.DateTimeField(_("跟踪期限"), null=True, blank=True)
    warned_at = models.DateTimeField(_("超期提醒时间"), null=True, blank=True)

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
        RETURN = "return", _("退回件通知单")
        REVIEW = "review", _("退回件复核决定书")
        URGENT = "urgent", _("急办件通知单")
        SPECIAL = "special", _("特别程序告知书")

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


class CounterComplaint(models.Model):
    """A complaint made at the centre (seed 002 投诉制度), not through a rating or the hotline: oral, by phone or in
    writing; answered the same or the next working day, a complex one within a week; an oral one may be answered
    orally (logged), a written one in writing (a printable reply). One about a service opens the rectification
    loop through a 综合点评 complaint (ratings.Comment → rectification ticket)."""

    class Form(models.TextChoices):
        ORAL = "oral", _("口头")
        PHONE = "phone", _("电话")
        WRITTEN = "written", _("书面")

    scope = Scope(site="site_id", unit_path="site__unit__path", person="received_by")
    objects = ScopedQuerySet.as_manager()

    number = models.CharField(_("投诉编号"), max_length=40, unique=True)
    site = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="counter_complaints",
                             verbose_name=_("服务场所"))
    form = models.CharField(_("投诉形式"), max_length=10, choices=Form.choices)
    complex = models.BooleanField(_("复杂投诉（一周内答复）"), default=False)
    complainant_name = models.CharField(_("投诉人"), max_length=100)
    complainant_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    about_staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="complaints_about", verbose_name=_("被投诉人"))
    about_window = models.ForeignKey("orgs.Window", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("被投诉窗口"))
    about_item = models.ForeignKey("catalog.Item", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("涉及事项"))
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints",
                             verbose_name=_("涉及办件"))
    text = models.TextField(_("投诉内容"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("受理人"))
    received_at = models.DateTimeField(_("受理时间"))
    clock = models.OneToOneField("core.Clock", on_delete=models.PROTECT, related_name="counter_complaint")
    answer = models.TextField(_("答复内容"), blank=True)
    answer_form = models.CharField(_("答复方式"), max_length=10, choices=Form.choices, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("答复人"))
    # The 综合点评 complaint through which a complaint about a service enters the rectification loop.
    comment = models.OneToOneField("ratings.Comment", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="counter_complaint")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("窗口投诉")
        verbose_name_plural = _("窗口投诉")
