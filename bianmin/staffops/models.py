"""Staff assessment and the quality-service routine (SPEC §8, issue 17): the deduction schedule and the deductions
derived from facts, efficiency warnings (效能告诫), awards (流动红旗, star staff, annual), inspections and patrols,
quality-service records and the site standardisation checklist.

Nothing here is deleted: a deduction or warning whose fact is overturned is marked reversed (withdrawn) with a
history row, and a fact that comes back restores it (DESIGN rule 2)."""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import SITE_OWN_UNIT, Scope, ScopedQuerySet

SITE_SCOPE = Scope(site="site_id", unit_path="site__unit__path")
# A person reaches their own deductions, warnings and training scores (view and acknowledge), whatever their role.
PERSONAL = frozenset({Perm.VIEW_ASSESSMENT})


class Target(models.TextChoices):
    """Whom a rule's points are taken from (S002: the window's score and the person's score are kept apart)."""
    PERSON = "person", _("个人")
    WINDOW = "window", _("窗口")
    BOTH = "both", _("个人和窗口")


# ---------------------------------------------------------------- the schedule

class DeductionRule(models.Model):
    """One jurisdiction's version of a deduction rule. The schedule of a unit is the defaults of
    staffops.rules.DEFAULTS overlaid by the rows of its ancestors, the nearest winning (rules.schedule_for); a code
    not among the defaults is a rule the jurisdiction added."""

    scope = Scope(unit_path="unit__path", site_memberships=SITE_OWN_UNIT)
    objects = ScopedQuerySet.as_manager()

    unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="deduction_rules",
                             verbose_name=_("适用单位"))
    code = models.SlugField(_("规则代码"), max_length=40)
    label = models.CharField(_("扣分规则"), max_length=100)
    points = models.PositiveSmallIntegerField(_("扣分"), validators=[MinValueValidator(0), MaxValueValidator(100)])
    hits = models.CharField(_("扣分对象"), max_length=6, choices=Target.choices, default=Target.BOTH)
    bars_award = models.BooleanField(_("取消当年评优资格"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    class Meta:
        ordering = ["unit__path", "code"]
        verbose_name = _("扣分规则")
        verbose_name_plural = _("扣分规则")
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="one_rule_per_unit_code")]

    def __str__(self) -> str:
        return f"{self.label}（-{self.points}）"


class AssessmentPolicy(models.Model):
    """One jurisdiction's thresholds; a unit without one uses its nearest ancestor's, else the defaults
    (rules.policy_for)."""

    scope = Scope(unit_path="unit__path", site_memberships=SITE_OWN_UNIT)
    objects = ScopedQuerySet.as_manager()

    unit = models.OneToOneField("orgs.Unit", on_delete=models.CASCADE, related_name="assessment_policy",
                                verbose_name=_("适用单位"))
    # S003 第五篇 一: 上下班迟到、早退，月累计超过3次的 → 效能告诫.
    late_early_warning_over = models.PositiveSmallIntegerField(_("迟到早退月累计超过几次给予效能告诫"), default=3)
    # S003: 科室工作人员累计被效能告诫3次以上（含3次）→ 集体效能告诫.
    collective_warning_at = models.PositiveSmallIntegerField(_("科室累计几次告诫给予集体告诫"), default=3)
    collective_period_months = models.PositiveSmallIntegerField(_("集体告诫累计期（月，12=一年）"), default=12)
    # S002 考核奖惩制度 四: 考核成绩在85分以下 → 取消年终评优评先资格.
    award_min_annual = models.PositiveSmallIntegerField(_("年度评优最低得分"), default=85)
    # S002 工作督查制度 二: 大厅负责人必须开展每天不少于2次的巡查.
    patrols_per_day = models.PositiveSmallIntegerField(_("大厅负责人每日巡查次数"), default=2)
    stars_per_month = models.PositiveSmallIntegerField(_("每月服务之星人数"), default=3)

    class Meta:
        verbose_name = _("考核参数")
        verbose_name_plural = _("考核参数")


# ---------------------------------------------------------------- deductions

class Deduction(models.Model):
    """One deduction, from a fact (attendance, a verified ticket, an inspection finding) or entered by a manager.

    `source_key` names the fact, so deriving the same facts twice finds the same row (facts.sync_*): the score is
    always 100 minus the points of the rows that are not reversed."""

    class Source(models.TextChoices):
        ATTENDANCE = "attendance", _("考勤")
        TICKET = "ticket", _("投诉/差评查证属实")
        INSPECTION = "inspection", _("检查发现")
        MANUAL = "manual", _("手工扣分")

    scope = Scope(site="site_id", unit_path="site__unit__path", person="staff__user", person_actions=PERSONAL)
    objects = ScopedQuerySet.as_manager()

    site = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="deductions",
                             verbose_name=_("服务场所"))
    staff = models.ForeignKey("orgs.Staff", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="deductions", verbose_name=_("工作人员"))
    window = models.ForeignKey("orgs.Window", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="deductions", verbose_name=_("窗口"))
    # Whose score it counts in (from the rule's `hits` when it was made, and what is known: a window without
    # a person on duty can only hit the window).
    hits_person = models.BooleanField(_("计入个人"), default=True)
    hits_window = models.BooleanField(_("计入窗口"), default=True)
    rule_code = models.SlugField(_("规则代码"), max_length=40)
    rule_label = models.CharField(_("扣分规则"), max_length=100)
    points = models.PositiveSmallIntegerField(_("扣分"))
    bars_award = models.BooleanField(_("取消当年评优资格"), default=False)
    at = models.DateTimeField(_("发生时间"), db_index=True)
    month = models.DateField(_("考核月份"), db_index=True)  # the first day of the month of `at` (local time)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    source_key = models.CharField(max_length=120, unique=True, editable=False)
    ticket = models.ForeignKey("rectification.Ticket", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="deductions", verbose_name=_("整改工单"))
    finding = models.ForeignKey("staffops.InspectionFinding", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="deductions", verbose_name=_("检查发现"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("录入人"))
    created_at = models.DateTimeField(_("记录时间"))
    reversed = models.BooleanField(_("已撤销"), default=False, db_index=True)
    reversed_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    reversed_reason = models.CharField(_("撤销理由"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("扣分记录")
        verbose_name_plural = _("扣分记录")
        indexes = [models.Index(fields=["staff", "month"]), models.Index(fields=["window", "month"])]
        constraints = [models.CheckConstraint(condition=Q(staff__isnull=False) | Q(window__isnull=False),
                                              name="deduction_hits_someone")]

    def __str__(self) -> str:
        return f"{self.rule_label} -{self.points}"


class DeductionEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("扣分")
        REVERSED = "reversed", _("撤销")
        RESTORED = "restored", _("恢复")

    deduction = models.ForeignKey(Deduction, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("操作"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]


# ---------------------------------------------------------------- efficiency warnings (效能告诫)

class EfficiencyWarning(models.Model):
    class Kind(models.TextChoices):
        PERSONAL = "personal", _("个人效能告诫")
        COLLECTIVE = "collective", _("科室集体效能告诫")

    class Reason(models.TextChoices):
        # S003 第五篇 失职追究制度 第一条 1, 2, 3, 5 and 第二条 1.
        LATE_EARLY = "late_early", _("上下班迟到、早退，月累计超过规定次数")
        MISSED_LIMIT = "missed_limit", _("不按限时办结又不说明原因")
        FIRST_CONTACT = "first_contact", _("首问责任人未尽职")
        RUDENESS = "rudeness", _("作风生硬、态度粗暴，被投诉查实")
        MANUAL = "manual", _("其他失职行为")
        COLLECTIVE = "collective", _("科室工作人员累计被效能告诫达到规定次数")

    scope = Scope(site="site_id", unit_path=("site__unit__path", "unit__path"), person="staff__user",
                  person_actions=PERSONAL)
    objects = ScopedQuerySet.as_manager()

    number = models.CharField(_("告诫书编号"), max_length=30, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    reason_code = models.CharField(_("告诫事由"), max_length=14, choices=Reason.choices)
    reason = models.CharField(_("具体情况"), max_length=500)
    staff = models.ForeignKey("orgs.Staff", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="efficiency_warnings", verbose_name=_("被告诫人"))
    # The department (科室/窗口单位): the person's unit (Staff.origin_unit), or the unit warned collectively.
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="efficiency_warnings",
                             verbose_name=_("所在科室/单位"))
    site = models.ForeignKey("orgs.Site", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="efficiency_warnings", verbose_name=_("服务场所"))
    at = models.DateTimeField(_("告诫时间"), db_index=True)
    period = models.DateField(_("所属月份"), db_index=True)  # first day of the month of the facts
    source_key = models.CharField(max_length=120, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    first_contact = models.ForeignKey("cases.FirstContact", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    ticket = models.ForeignKey("rectification.Ticket", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("告诫人"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("签收人"))
    withdrawn = models.BooleanField(_("已撤销"), default=False, db_index=True)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤销理由"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("效能告诫")
        verbose_name_plural = _("效能告诫")
        constraints = [models.CheckConstraint(
            condition=Q(kind="personal", staff__isnull=False) | Q(kind="collective", staff__isnull=True),
            name="warning_personal_has_staff")]

    def __str__(self) -> str:
        return self.number


class WarningEvent(models.Model):
    class Kind(models.TextChoices):
        ISSUED = "issued", _("告诫")
        ACKNOWLEDGED = "acknowledged", _("签收")
        WITHDRAWN = "withdrawn", _("撤销")
        RESTORED = "restored", _("恢复")

    warning = models.ForeignKey(EfficiencyWarning, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("操作"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("理由"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]


class DelayExplanation(models.Model):
    """超时说明: why a case missed its time limit, recorded on the case by its clerk or the manager. A missed limit
    with an explanation raises no efficiency warning (S003: 不按限时办结又不说明原因)."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="delay_explanation",
                                verbose_name=_("办件"))
    text = models.CharField(_("超时原因"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("说明人"))
    at = models.DateTimeField(_("说明时间"))

    class Meta:
        verbose_name = _("超时说明")
        verbose_name_plural = _("超时说明")


# ---------------------------------------------------------------- awards

class Award(models.Model):
    class Kind(models.TextChoices):
        RED_FLAG = "red_flag", _("流动红旗")
        STAR = "star", _("服务之星")
        ANNUAL_UNIT = "annual_unit", _("便民服务先进单位")
        ANNUAL_PERSON = "annual_person", _("便民服务先进个人")

    scope = SITE_SCOPE
    objects = ScopedQuerySet.as_manager()

    kind = models.CharField(_("奖项"), max_length=14, choices=Kind.choices)
    site = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="awards", verbose_name=_("服务场所"))
    # The assessed period: the month's first day, or 1 January for the annual awards.
    period = models.DateField(_("考核期"), db_index=True)
    window = models.ForeignKey("orgs.Window", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="awards", verbose_name=_("窗口"))
    staff = models.ForeignKey("orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="awards",
                              verbose_name=_("工作人员"))
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("名次"), default=1)
    # How a tie was broken (rating confidence bound, overdue cases) and who else was considered, for the record.
    detail = models.JSONField(default=dict, blank=True)
    decided_at = models.DateTimeField(_("评定时间"))

    class Meta:
        ordering = ["-period", "kind", "rank"]
        verbose_name = _("评优结果")
        verbose_name_plural = _("评优结果")
        constraints = [
            models.UniqueConstraint(fields=["kind", "site", "period"], condition=Q(kind="red_flag"),
                                    name="one_red_flag_per_site_month"),
            models.UniqueConstraint(fields=["kind", "site", "period", "staff"], condition=Q(staff__isnull=False),
                                    name="one_award_per_person_period"),
        ]


# ---------------------------------------------------------------- inspections (明查暗访) and patrols

class Inspection(models.Model):
    class Kind(models.TextChoices):
        OPEN = "open", _("明查")
        UNDERCOVER = "undercover", _("暗访")
        MYSTERY = "mystery", _("神秘客户")
        PATROL = "patrol", _("大厅负责人巡查")

    scope = SITE_SCOPE
    objects = ScopedQuerySet.as_manager()

    site = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="inspections",
                             verbose_name=_("服务场所"))
    kind = models.CharField(_("检查方式"), max_length=10, choices=Kind.choices)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("检查人"))
    at = models.DateTimeField(_("检查时间"), db_index=True)
    note = models.TextField(_("检查情况"), blank=True)
    # The share of checklist items passed, 0-100 (None for a patrol logged without the checklist).
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")


class InspectionCheck(models.Model):
    """One checklist item answered in an inspection (items: staffops.checklists.INSPECTION_ITEMS)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="checks")
    code = models.SlugField(_("检查项代码"), max_length=40)
    label = models.CharField(_("检查项"), max_length=200)
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["inspection", "code"], name="one_check_per_item")]


class InspectionFinding(models.Model):
    """A problem found, naming the rule it breaks and whom: becomes a deduction (facts.sync_findings)."""

    scope = Scope(site="inspection__site_id", unit_path="inspection__site__unit__path", person="staff__user",
                  person_actions=PERSONAL)
    objects = ScopedQuerySet.as_manager()

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    rule_code = models.SlugField(_("扣分规则"), max_length=40)
    staff = models.ForeignKey("orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("工作人员"))
    window = models.ForeignKey("orgs.Window", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("窗口"))
    note = models.CharField(_("问题描述"), max_length=500)
    withdrawn = models.BooleanField(_("已撤销"), default=False)
    withdrawn_reason = models.CharField(_("撤销理由"), max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(staff__isnull=False) | Q(window__isnull=False),
                                              name="finding_names_someone")]


class InspectionPhoto(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    finding = models.ForeignKey(InspectionFinding, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="photos")
    file = models.FileField(_("照片"), upload_to="inspections/%Y/%m/")
    uploaded_at = models.DateTimeField()


# ---------------------------------------------------------------- quality-service records (S003 第六条)

class QualityRecord(models.Model):
    class Kind(models.TextChoices):
        CUSTOMER_VISIT = "customer_visit", _("客户走访")
        RETURN_VISIT = "return_visit", _("客户回访")
        LETTER_VISIT = "letter_visit", _("来信来访")
        LEADER_RECEPTION = "leader_reception", _("领导接待日")
        SUPERVISOR_MEETING = "supervisor_meeting", _("行风监督员座谈会")
        TRAINING = "training", _("优质服务培训")
        KEY_ACTIVITY = "key_activity", _("优质服务重要活动")

    scope = SITE_SCOPE
    objects = ScopedQuerySet.as_manager()

    site = models.ForeignKey("orgs.Site", on_delete=models.PROTECT, related_name="quality_records",
                             verbose_name=_("服务场所"))
    kind = models.CharField(_("记录类型"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("日期"), db_index=True)
    title = models.CharField(_("主题"), max_length=200)
    summary = models.TextField(_("内容摘要"), blank=True)
    participants = models.CharField(_("参加人员"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("记录人"))
    created_at = models.DateTimeField(_("记录时间"))

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("优质服务记录")
        verbose_name_plural = _("优质服务记录")


class TrainingResult(models.Model):
    """Attendance and exam score of one person at a training session (S003 第八條: 考試試卷及成績單)."""

    scope = Scope(site="record__site_id", unit_path="record__site__unit__path", person="staff__user",
                  person_actions=PERSONAL)
    objects = ScopedQuerySet.as_manager()

    record = models.ForeignKey(QualityRecord, on_delete=models.CASCADE, related_name="results")
    staff = models.ForeignKey("orgs.Staff", on_delete=models.PROTECT, related_name="training_results",
                              verbose_name=_("工作人员"))
    attended = models.BooleanField(_("出席"), default=True)
    exam_score = models.DecimalField(_("考试成绩"), max_digits=5, decimal_places=1, null=True, blank=True,
                                     validators=[MinValueValidator(0), MaxValueValidator(100)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "staff"], name="one_result_per_person")]


class RecordAttachment(models.Model):
    record = models.ForeignKey(QualityRecord, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("文件名"), max_length=200)
    file = models.FileField(_("附件"), upload_to="quality-records/%Y/%m/")
    uploaded_at = models.DateTimeField()


# ---------------------------------------------------------------- site standardisation checklist (S004)

class SiteCheckAnswer(models.Model):
    """The current answer to one standardisation item of a site (items: staffops.checklists.site_items); a new
    answer replaces it and the old one is kept as a SiteCheckHistory row."""

    scope = SITE_SCOPE
    objects = ScopedQuerySet.as_manager()

    site = models.ForeignKey("orgs.Site", on_delete=models.CASCADE, related_name="check_answers",
                             verbose_name=_("服务场所"))
    code = models.SlugField(_("检查项代码"), max_length=40)
    passed = models.BooleanField(_("达标"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    photo = models.FileField(_("照片"), upload_to="site-checks/%Y/%m/", blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("检查人"))
    checked_at = models.DateTimeField(_("检查时间"))

    class Meta:
        ordering = ["site", "code"]
        verbose_name = _("标准化建设检查")
        verbose_name_plural = _("标准化建设检查")
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="one_answer_per_site_item")]


class SiteCheckHistory(models.Model):
    site = models.ForeignKey("orgs.Site", on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(max_length=40)
    passed = models.BooleanField()
    note = models.CharField(max_length=500, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["-checked_at", "-id"]
