"""Hotline (12345) work orders: the dispatch catalogue, orders with their callers, dispatches, extension
requests, return visits, attachments and history, and the standard phrase library (SPEC §7)."""
from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bianmin.core.models import Clock
from bianmin.orgs.scoping import SITE_SUBTREE, Scope, ScopedQuerySet

from .states import Action, Status

STATUS_LABELS = {
    Status.RECEIVED: _("已受理待派单"),
    Status.DISPATCHED: _("已派单待签收"),
    Status.ACCEPTED: _("承办中"),
    Status.RETURNED: _("已退回待改派"),
    Status.REPLIED: _("已答复待回访"),
    Status.REVISITED: _("已回访"),
    Status.CLOSED: _("已办结"),
    Status.MERGED: _("已合并"),
}
ACTION_LABELS = {
    Action.ANSWER: _("当场答复办结"),
    Action.DISPATCH: _("派单"),
    Action.ACCEPT: _("签收"),
    Action.RETURN: _("退回"),
    Action.REPLY: _("答复"),
    Action.REQUEST_EXTENSION: _("申请延期"),
    Action.APPROVE_EXTENSION: _("批准延期"),
    Action.REJECT_EXTENSION: _("驳回延期"),
    Action.REVISIT: _("回访"),
    Action.CLOSE: _("办结"),
    Action.MERGE: _("合并"),
    Action.LINK: _("关联重复来电"),
    Action.ATTACH: _("上传附件"),
}
STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in Status]
# Besides the transitions: intake, the worker's reminders and escalations, and the master's side of a merge.
ACTION_CHOICES = [(a.value, ACTION_LABELS[a]) for a in Action] + [
    ("receive", _("登记受理")), ("remind", _("到期提醒")), ("overdue", _("超期督办")), ("merge_in", _("并入重复工单")),
    ("dispatch_late", _("派单提醒"))]


class Channel(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    WEB = "web", _("网上留言")
    EMAIL = "email", _("电子邮件")
    MAILBOX = "mailbox", _("来信")
    WALK_IN = "walk_in", _("来访")
    TRANSFER = "transfer", _("部门转办")


class OrderType(models.TextChoices):
    """Each type has a default time limit in settings.BIANMIN["HOTLINE_LIMITS"]."""

    URGENT = "urgent", _("紧急")
    ORDINARY = "ordinary", pgettext_lazy("hotline order type", "一般")
    COMPLEX = "complex", _("复杂")
    ESCALATED_COMPLAINT = "escalated_complaint", _("越级投诉")
    SIMPLE_COMPLAINT = "simple_complaint", _("一般服务投诉")
    COMPLEX_COMPLAINT = "complex_complaint", _("复杂服务投诉")


class RespondentRank(models.TextChoices):
    """Rank of the person an efficiency complaint is about; it decides who handles it (routing.py)."""

    LEADERSHIP = "leadership", _("领导班子成员")
    MIDDLE = "middle", _("中层干部")
    STAFF = "staff", _("一般工作人员")


class Closure(models.TextChoices):
    ANSWERED = "answered", _("当场答复")
    RESOLVED = "resolved", _("回访确认已解决")
    UNREACHED = "unreached", _("回访未联系上")
    NO_CALLBACK = "no_callback", _("来电人不需回访")
    MERGED = "merged", _("并入重复工单")


LIMIT_UNITS = [c for c in Clock.UNIT_CHOICES if c[0] != "minutes"]


class DispatchCategory(models.Model):
    """派单目录: what a call is about, who handles it, and how long they have. `code` is the Open311 service_code."""

    code = models.CharField(_("编码"), max_length=40, unique=True,
                            validators=[RegexValidator(r"^[A-Za-z0-9_.-]+$", _("编码只能包含字母、数字和 _ . -"))])
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    group = models.CharField(_("分组"), max_length=40, blank=True, help_text=_("例如：咨询、求助、投诉、建议"))
    department = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="hotline_categories",
                                   verbose_name=_("承办单位"))
    efficiency_complaint = models.BooleanField(
        _("行政效能投诉"), default=False,
        help_text=_("按被投诉人职级分派：领导班子成员由监察室（效能办）承办，中层及以下由纪检组承办。"))
    leadership_department = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("领导班子成员投诉承办单位"), help_text=_("仅行政效能投诉：被投诉人为领导班子成员时的承办单位。"))
    default_type = models.CharField(_("默认类型"), max_length=20, choices=OrderType.choices,
                                    default=OrderType.ORDINARY)
    limit_amount = models.PositiveSmallIntegerField(_("办理时限"), null=True, blank=True,
                                                    help_text=_("留空则按工单类型的默认时限。"))
    limit_unit = models.CharField(_("时限单位"), max_length=10, choices=LIMIT_UNITS, blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True, help_text=_("以逗号分隔，供坐席检索。"))
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("派单目录")
        verbose_name_plural = _("派单目录")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if bool(self.limit_amount) != bool(self.limit_unit):
            raise ValidationError({"limit_unit": _("办理时限和时限单位须同时填写或同时留空。")})
        if self.efficiency_complaint and not self.leadership_department_id:
            raise ValidationError({"leadership_department": _("行政效能投诉须指定领导班子成员投诉的承办单位。")})


class WorkOrder(models.Model):
    # Handlers reach an order through its current department's subtree only; every other grant through the
    # hotline region it was taken in or the department it is with (a site grant: the site's unit subtree, so
    # a centre manager watches the orders of the centre's region).
    scope = Scope(unit_path=("unit_path", "department__path"), department_path="department__path",
                  site_memberships=SITE_SUBTREE)
    objects = ScopedQuerySet.as_manager()

    number = models.CharField(_("工单编号"), max_length=30, unique=True)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    # The hotline's region (the agent's scope): its path scopes agents, managers and supervisors.
    region = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("受理地区"))
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    # The first caller. Stored in full, masked on output; hidden from departments when confidential (GB/T 33358).
    caller_name = models.CharField(_("来电人"), max_length=40, blank=True)
    caller_phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    callback_consent = models.BooleanField(_("同意回访"), default=True)
    confidential = models.BooleanField(_("要求保密"), default=False)
    category = models.ForeignKey(DispatchCategory, on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("诉求分类"))
    order_type = models.CharField(_("工单类型"), max_length=20, choices=OrderType.choices)
    respondent_rank = models.CharField(_("被投诉人职级"), max_length=12, choices=RespondentRank.choices, blank=True)
    respondent = models.CharField(_("被投诉人"), max_length=100, blank=True)
    place = models.CharField(_("事发地点"), max_length=200, blank=True)
    # WGS-84 decimal degrees, when the request came with them (Open311 lat/long); ranges are checked below.
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    # Personal data like the phone: never published (Open311 GET), kept out of the admin and of logs.
    caller_email = models.EmailField(_("电子邮箱"), blank=True)
    text = models.TextField(_("诉求内容"))
    status = models.CharField(_("状态"), max_length=12, choices=STATUS_CHOICES, default=Status.RECEIVED.value,
                              db_index=True)
    department = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="hotline_orders", verbose_name=_("承办单位"))
    clock = models.OneToOneField("core.Clock", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="hotline_order")
    answered_at_intake = models.BooleanField(_("当场答复"), default=False)
    answer = models.TextField(_("坐席答复"), blank=True)
    reply = models.TextField(_("承办单位答复"), blank=True)
    closure = models.CharField(_("办结方式"), max_length=12, choices=Closure.choices, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_orders", verbose_name=_("并入工单"))
    linked = models.ManyToManyField("self", blank=True, verbose_name=_("关联工单"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("受理坐席"))
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    dispatched_at = models.DateTimeField(_("首次派单时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # The worker's marks for the current clock, so each reminder and escalation happens once per time limit.
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("热线工单")
        verbose_name_plural = _("热线工单")
        indexes = [models.Index(fields=["status", "received_at"]), models.Index(fields=["department", "status"])]
        constraints = [
            models.CheckConstraint(name="workorder_latitude_range",
                                   condition=models.Q(latitude__isnull=True) | models.Q(latitude__gte=-90,
                                                                                        latitude__lte=90)),
            models.CheckConstraint(name="workorder_longitude_range",
                                   condition=models.Q(longitude__isnull=True) | models.Q(longitude__gte=-180,
                                                                                         longitude__lte=180)),
        ]

    def __str__(self) -> str:
        return self.number


class CallerRecord(models.Model):
    """Callers who came in through merged duplicates: the master order keeps every one of them."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="callers")
    name = models.CharField(_("来电人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    callback_consent = models.BooleanField(_("同意回访"), default=True)
    confidential = models.BooleanField(_("要求保密"), default=False)
    source_order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("来源工单"))
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class WorkOrderEvent(models.Model):
    """Append-only history (SPEC §11: corrections are new entries). Nothing edits or deletes it."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("操作"), max_length=20, choices=ACTION_CHOICES)
    from_status = models.CharField(max_length=12, choices=STATUS_CHOICES, blank=True)
    to_status = models.CharField(max_length=12, choices=STATUS_CHOICES)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]


class Assignment(models.Model):
    """One dispatch of an order to a department, with the two deadlines the figures measure:
    dispatched in time (dispatch_due) and responded to (accepted or returned) in time (respond_by)."""

    class Response(models.TextChoices):
        ACCEPTED = "accepted", _("签收")
        RETURNED = "returned", _("退回")

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="assignments")
    department = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("承办单位"))
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dispatched_at = models.DateTimeField(db_index=True)
    dispatch_due = models.DateTimeField()
    respond_by = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(max_length=10, choices=Response.choices, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)

    class Meta:
        ordering = ["dispatched_at", "id"]


class ExtensionRequest(models.Model):
    """A department's request for more time; the dispatcher approves or rejects it, and both are kept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        LAPSED = "lapsed", _("已失效")  # the order was replied, returned or merged before a decision

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("延期理由"), max_length=500)
    amount = models.PositiveIntegerField(_("延长时限"))
    unit = models.CharField(_("时限单位"), max_length=10, choices=Clock.UNIT_CHOICES)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]


class ReturnVisit(models.Model):
    """回访: one call back to the caller after the department's reply."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="revisits")
    # The department whose reply was checked, so the figures credit the right one after a re-route.
    department = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reached = models.BooleanField(_("联系上"))
    resolved = models.BooleanField(_("已解决"), null=True, blank=True)
    satisfied = models.BooleanField(_("满意"), null=True, blank=True)
    note = models.TextField(_("回访记录"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]


def _upload_to(instance, filename: str) -> str:
    # A random stored name: the uploaded file name may carry personal data and must not reach URLs or logs.
    return f"hotline/{uuid.uuid4().hex}"


class Attachment(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=_upload_to)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class Scenario(models.TextChoices):
    """The moments of a call that have standard phrases (S004:L185-391, adapted to a 12345 hotline)."""

    OPENING = "opening", _("开头语")
    SILENT_CALL = "silent_call", _("来电无声")
    NOISY_LINE = "noisy_line", _("声音小或杂音")
    UNCLEAR = "unclear", _("没听清或表达不清")
    IDENTITY_CHECK = "identity_check", _("信息登记与核实")
    WAITING = "waiting", _("查询等待")
    POLICY_CONSULTATION = "policy_consultation", _("政策咨询")
    TRANSFER = "transfer", _("转接与派单")
    COMPLAINT = "complaint", _("投诉")
    DISSATISFIED = "dissatisfied", _("不满与比较")
    BEYOND_AUTHORITY = "beyond_authority", _("超出受理范围")
    HARASSMENT = "harassment", _("骚扰与无关来电")
    TECHNICAL_FAULT = "technical_fault", _("座席故障")
    PERSONAL = "personal", _("询问坐席个人信息")
    CALLBACK = "callback", _("回访")
    CLOSING = "closing", _("结束语")


class Phrase(models.Model):
    """A standard phrase for one step of a scenario. Managers edit them; deactivate rather than delete."""

    scenario = models.CharField(_("场景"), max_length=24, choices=Scenario.choices)
    step = models.PositiveSmallIntegerField(_("步骤"), default=1)
    title = models.CharField(_("使用提示"), max_length=80, blank=True)
    text = models.TextField(_("标准用语"))
    active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("修改人"))
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        ordering = ["scenario", "step", "id"]
        unique_together = [("scenario", "step")]
        verbose_name = _("热线标准用语")
        verbose_name_plural = _("热线标准用语")

    def __str__(self) -> str:
        return f"{self.get_scenario_display()} {self.step}"


class Open311Client(models.Model):
    """An application allowed to file requests through Open311 (GeoReport v2: POST requires an api_key), issued
    in the admin. The key is shown once, when it is issued; only its SHA-256 digest is stored (the key is 32
    random bytes, so the digest can be neither reversed nor guessed, as for core.ApiToken) with its first
    characters as `key_prefix`, so administrators can tell keys apart. A client bound to a jurisdiction may
    file requests only there. Switch a client off (active) rather than deleting it."""

    KEY_PREFIX = "o311_"

    name = models.CharField(_("客户端名称"), max_length=100)
    key_prefix = models.CharField(_("密钥开头"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("启用"), default=True)
    jurisdiction = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"kind": "region"}, verbose_name=_("限定辖区"),
        help_text=_("留空则可向本接口服务的所有辖区提交；选定后只能提交该地区（含下级地区）的诉求。"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用时间"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("Open311 客户端")
        verbose_name_plural = _("Open311 客户端")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def new_key(self) -> str:
        """Give the client a fresh key (the old one stops working once saved) and return it: the only moment
        the key exists in clear. The caller shows it to the administrator and saves the client."""
        key = self.KEY_PREFIX + secrets.token_urlsafe(32)
        self.key_hash, self.key_prefix = self.digest(key), key[:12]
        return key

    @classmethod
    def holding(cls, key: str) -> Open311Client | None:
        """The client whose key this is, active or not; None for a key never issued (or replaced)."""
        if not key.startswith(cls.KEY_PREFIX) or len(key) > 100:
            return None
        return cls.objects.select_related("jurisdiction").filter(key_hash=cls.digest(key)).first()
