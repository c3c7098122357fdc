"""Service catalogue (事项清单) and versioned guides (办事指南), SPEC §2 and GB/T 39046 Table 4."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bianmin.core.worktime.clock import LimitUnit

UNIT_CHOICES = [(LimitUnit.WORKDAYS.value, _("工作日")), (LimitUnit.DAYS.value, _("自然日")),
                (LimitUnit.HOURS.value, _("小时"))]


class ItemType(models.TextChoices):
    # Values are the GB/T 39046 A.1 事项类型代码 order of the seven types the SPEC lists.
    LICENSING = "licensing", _("行政许可")
    BENEFIT = "benefit", _("行政给付")
    CONFIRMATION = "confirmation", _("行政确认")
    LEVY = "levy", _("行政征收")
    ADJUDICATION = "adjudication", _("行政裁决")
    PUBLIC_SERVICE = "public_service", _("公共服务")
    OTHER = "other", _("其他行政权力")


class HandlingType(models.TextChoices):
    INSTANT = "instant", _("即办件")
    COMMITTED = "committed", _("承诺件")
    JOINT = "joint", _("联办件")
    REPORTED = "reported", _("上报件")


class Channel(models.TextChoices):
    WINDOW = "window", _("窗口办理")
    ONLINE = "online", _("网上办理")
    TERMINAL = "terminal", _("自助终端")
    MAIL = "mail", _("邮寄办理")
    PROXY = "proxy", _("帮办代办")


class Item(models.Model):
    basic_code = models.CharField(_("基本编码"), max_length=10)
    code = models.CharField(_("实施编码"), max_length=24, unique=True)
    name = models.CharField(_("事项名称"), max_length=200)
    item_type = models.CharField(_("事项类型"), max_length=16, choices=ItemType.choices)
    legal_basis = models.TextField(_("设定依据"), blank=True)
    accepting_unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="items",
                                       verbose_name=_("受理单位"))
    channels = models.JSONField(_("办理渠道"), default=list, blank=True)
    procedure = models.JSONField(_("办理流程"), default=list, blank=True, help_text=_("按步骤列出，每步一行"))
    statutory_limit = models.PositiveIntegerField(_("法定时限"))
    statutory_unit = models.CharField(_("法定时限单位"), max_length=10, choices=UNIT_CHOICES, default=LimitUnit.WORKDAYS.value)
    committed_limit = models.PositiveIntegerField(_("承诺时限"))
    committed_unit = models.CharField(_("承诺时限单位"), max_length=10, choices=UNIT_CHOICES, default=LimitUnit.WORKDAYS.value)
    fee_basis = models.CharField(_("收费依据"), max_length=500, blank=True)
    fee_standard = models.CharField(_("收费标准"), max_length=500, default="不收费")
    consult_phone = models.CharField(_("咨询电话"), max_length=30, blank=True)
    supervision_phone = models.CharField(_("监督电话"), max_length=30, blank=True)
    evaluation_channels = models.CharField(_("评价渠道"), max_length=200, blank=True,
                                           default="窗口评价器、扫码评价、网上评价、短信评价")
    handling_type = models.CharField(_("办件类型"), max_length=10, choices=HandlingType.choices)
    at_most_once = models.BooleanField(_("最多跑一次"), default=False)
    online = models.BooleanField(_("可网办"), default=False)
    bookable = models.BooleanField(_("可预约"), default=False)
    tolerant = models.BooleanField(_("容缺受理"), default=False)
    high_frequency = models.BooleanField(_("高频事项"), default=False)
    secret = models.BooleanField(_("涉密"), default=False, help_text=_("涉密事项不在公开页面显示"))
    # Items whose law requires the result to be published (办结公告, seed 002): the notice period; 0 = none.
    result_notice_workdays = models.PositiveSmallIntegerField(_("办结公告期（工作日）"), default=0,
                                                              help_text=_("法律规定须公告办理结果的事项填写公告期，0 为无需公告"))
    # Search keys filled on save: full pinyin and initials of the name ("护照" → "huzhao", "hz").
    search_pinyin = models.CharField(max_length=800, editable=False, default="", db_index=False)
    search_initials = models.CharField(max_length=200, editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from .search import pinyin_keys

        self.search_pinyin, self.search_initials = pinyin_keys(self.name)
        super().save(*args, **kwargs)


class Condition(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="conditions")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    text = models.CharField(_("受理条件"), max_length=500)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("受理条件")
        verbose_name_plural = _("受理条件")


class Material(models.Model):
    class Role(models.TextChoices):
        MAIN = "main", _("主件")
        SUPPORTING = "supporting", pgettext_lazy("material role", "附件")

    class Form(models.TextChoices):
        ORIGINAL = "original", _("原件")
        COPY = "copy", _("复印件")
        BOTH = "both", _("原件和复印件")
        ELECTRONIC = "electronic", _("电子材料")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="materials")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    name = models.CharField(_("材料名称"), max_length=200)
    role = models.CharField(_("材料类型"), max_length=10, choices=Role.choices, default=Role.MAIN)
    form = models.CharField(_("材料形式"), max_length=10, choices=Form.choices, default=Form.ORIGINAL)
    count = models.PositiveSmallIntegerField(_("份数"), default=1)
    template = models.FileField(_("空白表格/示范文本"), upload_to="templates/", blank=True)
    source = models.CharField(_("来源渠道"), max_length=100, blank=True)
    common_mistakes = models.CharField(_("常见错误"), max_length=500, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")


class GuideVersion(models.Model):
    """A published version of an item's guide: the one record every rendering reads.

    `content` is a snapshot built by catalog.guides.guide_content(item) at publication; the hall
    board, the portal, the API and the printed guide all render the version in effect on the day.
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    effective_date = models.DateField(_("生效日期"))
    content = models.JSONField(_("指南内容"))
    change_note = models.CharField(_("变更说明"), max_length=500, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "-number"]
        unique_together = [("item", "number")]
        verbose_name = _("指南版本")
        verbose_name_plural = _("指南版本")


class SearchSynonym(models.Model):
    """An everyday word or abbreviation citizens type (低保, 社保) and the words of the item names it means
    (最低生活保障): the search dictionary managers grow from the search-words page (catalog.synonyms)."""

    term = models.CharField(_("俗称或简称"), max_length=30, unique=True, help_text=_("群众常说的词，如：低保"))
    words = models.CharField(_("对应的事项名称用词"), max_length=300,
                             help_text=_("事项名称中出现的词，用空格或逗号分隔，如：最低生活保障"))
    active = models.BooleanField(_("启用"), default=True)
    # Filled on save, so `dibao` and `db` find the word as well as 低保.
    term_pinyin = models.CharField(max_length=200, editable=False, default="")
    term_initials = models.CharField(max_length=30, editable=False, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("搜索同义词")
        verbose_name_plural = _("搜索同义词")

    def __str__(self) -> str:
        return self.term

    def targets(self) -> list[str]:
        from .search import split_words

        return [w for w in split_words(self.words) if w != self.term]

    def save(self, *args, **kwargs):
        from .search import pinyin_keys

        self.term = self.term.strip()
        self.term_pinyin, self.term_initials = pinyin_keys(self.term)
        super().save(*args, **kwargs)


class SearchWordDay(models.Model):
    """How often a search word was used on one day, and how often it found nothing: one counter row per word
    and day (catalog.searchlog), never who searched. Words that look like phone or ID numbers are not kept."""

    day = models.DateField(_("日期"))
    query = models.CharField(_("搜索词"), max_length=100)
    count = models.PositiveIntegerField(_("搜索次数"), default=0)
    misses = models.PositiveIntegerField(_("无结果次数"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "query"], name="catalog_searchword_day_query")]
        indexes = [models.Index(fields=["day"], name="catalog_searchword_day")]
        verbose_name = _("搜索词统计")
        verbose_name_plural = _("搜索词统计")

    def __str__(self) -> str:
        return f"{self.day} {self.query}"
