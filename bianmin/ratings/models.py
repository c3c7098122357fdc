"""好差评: ratings from every channel, rating devices, invitations, comments, assessments, sampling surveys.

One internal five-level scale (SPEC §5); outside codes (GB/T 39046, provincial profiles) are mapped at
the edges, never stored here.
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import SITE_OWN_UNIT, Scope, ScopedQuerySet


class Level(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("非常满意")
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    VERY_DISSATISFIED = "very_dissatisfied", _("非常不满意")


BAD_LEVELS = frozenset({Level.DISSATISFIED, Level.VERY_DISSATISFIED})
GOOD_LEVELS = frozenset({Level.VERY_SATISFIED, Level.SATISFIED})
# Score of each level for a satisfaction index (100 = everyone very satisfied).
LEVEL_SCORES = {Level.VERY_SATISFIED: 100, Level.SATISFIED: 80, Level.BASIC: 60, Level.DISSATISFIED: 40,
                Level.VERY_DISSATISFIED: 20}


class Channel(models.TextChoices):
    WINDOW_DEVICE = "window_device", _("窗口评价器")
    HALL_TABLET = "hall_tablet", _("大厅平板")
    QR = "qr", _("扫码评价")
    PC = "pc", _("电脑网页")
    MOBILE = "mobile", _("移动端")
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    PAPER = "paper", _("纸质评价表（工作人员录入）")
    SYSTEM = "system", _("系统默认（未评价）")


class Stage(models.TextChoices):
    RECEIVE = "receive", _("接件")
    ACCEPT = "accept", _("受理")
    COMPLETE = "complete", _("办结")
    FOLLOWUP = "followup", _("追评")


class Question(models.TextChoices):
    """The detailed questionnaire of 一事一评 (SPEC §5); each answered yes / partly / no."""

    GUIDE_CLEAR = "guide_clear", _("服务指引是否清晰")
    PROCESS_CONVENIENT = "process_convenient", _("办事程序是否便利")
    MATERIALS_SIMPLE = "materials_simple", _("材料手续是否精简")
    INTERFACE_FRIENDLY = "interface_friendly", _("操作界面是否友好")


class Answer(models.TextChoices):
    YES = "yes", _("是")
    PARTLY = "partly", _("一般")
    NO = "no", _("否")


SUGGESTION_KEY = "suggestion"  # 有何改进意见: free text beside the four questions


# ---------------------------------------------------------------- which ratings count (SPEC §5, §6, §9)
# The one definition, as Q expressions so that the queryset methods below and the SQL rollups
# (stats/rollup.py, INSERT … SELECT) share it; Rating.counts_in_statistics says the same of one row.
# First ratings are split into exactly one of three buckets: counted, default good, excluded.
#
# A first rating: any channel and stage but a follow-up (追评), which answers a ticket and is never a
# second opinion on the same service.
FIRST_Q = ~Q(stage=Stage.FOLLOWUP)
# Counted in every figure: a first rating that is neither a default good rating (written by the system for
# an unrated case, never an opinion) nor excluded (误评/恶意差评 approved, or an appeal upheld).
COUNTED_Q = FIRST_Q & Q(excluded=False, is_default=False)
GOOD_Q = COUNTED_Q & Q(level__in=sorted(GOOD_LEVELS))
# `is_bad` is the indexed copy of "level in BAD_LEVELS" (Rating.save, and a database check constraint).
BAD_Q = COUNTED_Q & Q(is_bad=True)
# Reported apart, never in the counts above: default good ratings, and excluded ones (an excluded default
# rating is simply excluded).
DEFAULT_GOOD_Q = FIRST_Q & Q(excluded=False, is_default=True)
EXCLUDED_Q = FIRST_Q & Q(excluded=True)
# Given by a person, counted or not (every rating but a default one): what the honesty checks look at, since
# a burst of ratings stays a burst when some of them are excluded later.
BY_PEOPLE_Q = Q(is_default=False)


def good_in(counts) -> int:
    """Good ratings among per-level counts (a rollup row or a sum of rows, keyed by level code)."""
    return sum(counts.get(level.value) or 0 for level in GOOD_LEVELS)


class RatingQuerySet(ScopedQuerySet):
    def first_ratings(self):
        return self.filter(FIRST_Q)

    def counted(self):
        return self.filter(COUNTED_Q)

    def good(self):
        """Counted good ratings (非常满意, 满意)."""
        return self.filter(GOOD_Q)

    def bad(self):
        """Counted bad ratings (差评: 不满意, 非常不满意)."""
        return self.filter(BAD_Q)

    def by_people(self):
        return self.filter(BY_PEOPLE_Q)


class Rating(models.Model):
    # Ratings of a site are the site's; a rating without a site (a department's) sits at its unit path.
    scope = Scope(site="site_id", unit_path="unit_path")
    level = models.CharField(_("评价等级"), max_length=20, choices=Level.choices)
    is_bad = models.BooleanField(_("差评"), default=False, db_index=True)
    channel = models.CharField(_("评价渠道"), max_length=16, choices=Channel.choices)
    stage = models.CharField(_("评价环节"), max_length=10, choices=Stage.choices, blank=True)

    # What is rated. A case rating fills all of these from the case; an online item rating only the
    # item and its department; a platform rating only `platform`.
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings",
                             verbose_name=_("办件"))
    item = models.ForeignKey("catalog.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings",
                             verbose_name=_("事项"))
    staff = models.ForeignKey("orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings",
                              verbose_name=_("工作人员"))
    window = models.ForeignKey("orgs.Window", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings",
                               verbose_name=_("窗口"))
    site = models.ForeignKey("orgs.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="ratings",
                             verbose_name=_("服务场所"))
    department = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="ratings", verbose_name=_("部门"))
    # The queue ticket of the visit (issue 16): a case rating is keyed to the ticket, the case and the clerk.
    queue_ticket = models.ForeignKey("queueing.QueueTicket", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="ratings", verbose_name=_("排队号"))
    platform = models.BooleanField(_("评价网上平台"), default=False)
    # Path of the responsible unit (the site's unit, else the department), copied so that scoping and
    # rollups filter on one indexed column.
    unit_path = models.CharField(max_length=255, db_index=True, default="", editable=False)

    real_name = models.BooleanField(_("实名评价"), default=False)
    rater_name = models.CharField(_("评价人"), max_length=100, blank=True)
    rater_phone = models.CharField(_("评价人电话"), max_length=20, blank=True, db_index=True)
    answers = models.JSONField(_("问卷"), default=dict, blank=True)
    comment = models.TextField(_("评价内容"), blank=True)

    followup_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="followups", verbose_name=_("追评对象"))
    device = models.ForeignKey("ratings.Device", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="ratings", verbose_name=_("评价器"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("录入人"))
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)
    # A "default good rating" written for an unrated case when that setting is on; never a real opinion,
    # counted apart and left out of every satisfaction figure.
    is_default = models.BooleanField(_("默认好评"), default=False)
    flagged = models.BooleanField(_("异常待核"), default=False, db_index=True)
    excluded = models.BooleanField(_("不计入统计"), default=False)
    excluded_reason = models.CharField(_("不计入理由"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("评价时间"), db_index=True)
    # The honesty checks have looked at this rating (the worker sweeps rows where this is false).
    checked = models.BooleanField(default=False, editable=False)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [
            # is_bad is the indexed copy of the level's badness (BAD_Q filters on it): never out of step,
            # whatever writes the row (save(), bulk_create, an UPDATE).
            models.CheckConstraint(condition=Q(is_bad=True, level__in=sorted(BAD_LEVELS))
                                   | (Q(is_bad=False) & ~Q(level__in=sorted(BAD_LEVELS))),
                                   name="is_bad_follows_level"),
            # 一次一评: one rating per case and stage, enforced by the database itself.
            models.UniqueConstraint(fields=["case", "stage"], condition=Q(case__isnull=False),
                                    name="one_rating_per_case_stage"),
            # One follow-up (追评) per rated review.
            models.UniqueConstraint(fields=["followup_of"], condition=Q(followup_of__isnull=False),
                                    name="one_followup_per_rating"),
        ]
        indexes = [models.Index(fields=["site", "created_at"]), models.Index(fields=["checked", "id"])]

    def __str__(self) -> str:
        return f"{self.get_level_display()} #{self.pk}"

    def save(self, *args, **kwargs):
        self.is_bad = self.level in BAD_LEVELS
        super().save(*args, **kwargs)

    # The instance side of COUNTED_Q, GOOD_Q and BAD_Q (tests/test_ratings_counted_definition.py keeps them equal).
    @property
    def counts_in_statistics(self) -> bool:
        return self.stage != Stage.FOLLOWUP and not (self.is_default or self.excluded)

    @property
    def counts_as_good(self) -> bool:
        return self.counts_in_statistics and self.level in GOOD_LEVELS

    @property
    def counts_as_bad(self) -> bool:
        return self.counts_in_statistics and self.level in BAD_LEVELS


class RatingExclusion(models.Model):
    """One change of whether a rating counts: excluded (an approved 误评/恶意差评 finding, an upheld appeal) or
    included again, by whom and why; written only by ratings.services.exclude / include, in the transaction
    that changes the rating. The rows double as the statistics' queue (DESIGN rule 2): the rollup sweep
    recomputes the days this rating is counted on and sets `recounted` (stats/rollup.sweep_exclusions), so
    figures follow at the next sweep instead of waiting for the periodic recount."""

    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="exclusions", verbose_name=_("评价"))
    excluded = models.BooleanField(_("不计入统计"))  # the rating's state after this change
    reason = models.CharField(_("理由"), max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"))
    recounted = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("不计入统计记录")
        verbose_name_plural = _("不计入统计记录")
        indexes = [models.Index(fields=["recounted", "id"], name="rating_exclusion_queue")]


class FlagKind(models.TextChoices):
    DEVICE_BURST = "device_burst", _("同一评价器短时间内大量评价")
    PHONE_BURST = "phone_burst", _("同一手机号短时间内多次评价")
    WINDOW_RAPID = "window_rapid", _("同一窗口数秒内连续评价")


class RatingFlag(models.Model):
    """A reason a supervisor should look at a rating. The rating itself is kept and counted as it is."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("异常类型"), max_length=16, choices=FlagKind.choices)
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("核查人"))
    reviewed_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    review_note = models.CharField(_("核查意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["rating", "kind"], name="one_flag_per_kind")]


class Device(models.Model):
    """A rating device (评价器) or tablet registered to one window; it signs in with its own key."""

    window = models.ForeignKey("orgs.Window", on_delete=models.PROTECT, related_name="devices", verbose_name=_("窗口"))
    name = models.CharField(_("设备名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=16, choices=[(Channel.WINDOW_DEVICE, Channel.WINDOW_DEVICE.label),
                                                               (Channel.HALL_TABLET, Channel.HALL_TABLET.label)],
                            default=Channel.WINDOW_DEVICE)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("评价器")
        verbose_name_plural = _("评价器")

    def __str__(self) -> str:
        return f"{self.window} · {self.name}"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Invitation(models.Model):
    """补充评价 invitation for a case not rated on site (SPEC §5), one per case and stage."""

    class Status(models.TextChoices):
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        NO_CONTACT = "no_contact", _("无联系方式")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="rating_invitations")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    channel = models.CharField(max_length=10, default="sms")
    error = models.CharField(max_length=200, blank=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("评价邀请")
        verbose_name_plural = _("评价邀请")
        constraints = [models.UniqueConstraint(fields=["case", "stage"], name="one_invitation_per_case_stage")]


class CommentSource(models.TextChoices):
    MAILBOX = "mailbox", _("意见箱")
    HOTLINE = "hotline", _("热线电话")
    EMAIL = "email", _("电子邮件")
    SUPERVISION = "supervision", _("监督平台")
    PORTAL = "portal", _("网上留言")
    OTHER_MEDIA = "media", _("媒体及其他")
    COUNTER = "counter", _("窗口投诉")  # a complaint made at the centre (cases.complaints)


class Comment(models.Model):
    # Read (VIEW_RATINGS) by the unit it is about (a site-limited grant: its own unit only, and the items its
    # windows accept) and by the person who entered it. General comments: see ratings.comments.scope_q.
    scope = Scope(site="target_item__windows__site_id", unit_path="unit_path", site_memberships=SITE_OWN_UNIT,
                  person="entered_by", person_actions=frozenset({Perm.VIEW_RATINGS}))
    objects = ScopedQuerySet.as_manager()

    """综合点评: a comment from society about a unit or item, entered by staff or left on the portal."""

    source = models.CharField(_("来源"), max_length=12, choices=CommentSource.choices)
    is_complaint = models.BooleanField(_("投诉"), default=False)
    level = models.CharField(_("评价等级"), max_length=20, choices=Level.choices, blank=True)
    target_unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="comments", verbose_name=_("点评单位"))
    target_item = models.ForeignKey("catalog.Item", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="comments", verbose_name=_("点评事项"))
    unit_path = models.CharField(max_length=255, db_index=True, default="", editable=False)
    text = models.TextField(_("内容"))
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("录入人"))
    created_at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("综合点评")
        verbose_name_plural = _("综合点评")


class AssessmentImport(models.Model):
    """One imported file of third-party assessment results (第三方评估)."""

    file_name = models.CharField(_("文件名"), max_length=200)
    assessor = models.CharField(_("评估机构"), max_length=100)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]


# Assessment results and surveys belong to a unit (ratings.feedback_scope): a unit-wide grant reaches its
# subtree, a grant limited to a site only the site's own unit.
UNIT_OWNED = Scope(unit_path="unit__path", site_memberships=SITE_OWN_UNIT)


class AssessmentResult(models.Model):
    scope = UNIT_OWNED
    objects = ScopedQuerySet.as_manager()

    batch = models.ForeignKey(AssessmentImport, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="assessments",
                             verbose_name=_("被评估单位"))
    period_start = models.DateField(_("评估期起"))
    period_end = models.DateField(_("评估期止"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    remark = models.CharField(_("评估意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["unit__path", "period_start"]


class Survey(models.Model):
    """监督查评: a reproducible random sample of raters for return-visit surveys."""

    scope = UNIT_OWNED
    objects = ScopedQuerySet.as_manager()

    title = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="surveys", verbose_name=_("范围"))
    period_start = models.DateField(_("评价日期起"))
    period_end = models.DateField(_("评价日期止"))
    rate = models.DecimalField(_("抽样比例"), max_digits=5, decimal_places=4)
    seed = models.BigIntegerField(_("随机种子"))
    population = models.PositiveIntegerField(_("可抽样评价人数"), default=0)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at"]
        verbose_name = _("监督查评")
        verbose_name_plural = _("监督查评")


class Score(models.IntegerChoices):
    VERY_HIGH = 5, _("很高")
    HIGH = 4, _("较高")
    MEDIUM = 3, _("一般")
    LOW = 2, _("较低")
    VERY_LOW = 1, _("很低")


class SurveyVisit(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待回访")
        DONE = "done", _("已回访")
        UNREACHED = "unreached", _("未接通")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="visits")
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="survey_visits")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    policy_awareness = models.PositiveSmallIntegerField(_("政策知悉度"), choices=Score.choices, null=True, blank=True)
    convenience = models.PositiveSmallIntegerField(_("办事便利度"), choices=Score.choices, null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("服务满意度"), choices=Score.choices, null=True, blank=True)
    note = models.CharField(_("回访记录"), max_length=500, blank=True)
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    visited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["survey", "rating"], name="one_visit_per_rating")]
