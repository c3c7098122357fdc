"""Early warnings for managers (预警, issue 18 part 7) and the thresholds of each jurisdiction."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bianmin.orgs.scoping import SITE_OWN_UNIT, Scope, ScopedQuerySet


class Kind(models.TextChoices):
    DAILY_COMPLAINTS = "daily_complaints", _("日投诉量预警")
    REPEATED_PERSON = "repeated_person", _("同一人员重复被投诉")
    REPEATED_MATTER = "repeated_matter", _("同一事项重复被投诉")
    HOT_TERM = "hot_term", _("投诉热点预警")
    REPEATED_BAD_REVIEWS = "repeated_bad_reviews", _("差评多次查证属实")


class AlertPolicy(models.Model):
    """One jurisdiction's thresholds; a unit without one uses its nearest ancestor's, else the settings
    (services.policy_for). Defaults: rules.Thresholds."""

    unit = models.OneToOneField("orgs.Unit", on_delete=models.CASCADE, related_name="alert_policy",
                                verbose_name=_("适用单位"))
    daily_complaints = models.PositiveIntegerField(_("日投诉量预警值"), default=10)
    repeat_count = models.PositiveSmallIntegerField(_("重复投诉次数"), default=3)
    repeat_days = models.PositiveSmallIntegerField(_("重复投诉统计天数"), default=30)
    hot_term_factor = models.DecimalField(_("热词升幅倍数"), max_digits=4, decimal_places=1, default=3)
    hot_term_min_count = models.PositiveIntegerField(_("热词当日最少次数"), default=5)
    bad_reviews = models.PositiveSmallIntegerField(_("差评查实次数"), default=3)
    bad_review_days = models.PositiveSmallIntegerField(_("差评查实统计天数"), default=30)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("修改人"))
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预警参数")
        verbose_name_plural = _("预警参数")

    def __str__(self) -> str:
        return str(self.unit)


class Alert(models.Model):
    """One early warning. `key` names what it is about and for which run of facts (kind, unit, subject and the
    day or the newest complaint counted), so a sweep run twice finds the row it made and raises nothing."""

    # A unit-wide grant reaches the alerts of its subtree; a grant limited to a site those of the site and of the
    # site's own unit (its jurisdiction's complaints), not of the units below (as 综合点评).
    scope = Scope(site="site_id", unit_path="unit_path", site_memberships=SITE_OWN_UNIT)
    objects = ScopedQuerySet.as_manager()

    kind = models.CharField(_("预警类型"), max_length=24, choices=Kind.choices, db_index=True)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="alerts",
                             verbose_name=_("单位"))
    unit_path = models.CharField(max_length=255, db_index=True, editable=False)
    site = models.ForeignKey("orgs.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts",
                             verbose_name=_("服务场所"))
    subject = models.CharField(_("预警对象"), max_length=200)
    subject_key = models.CharField(max_length=60, db_index=True, editable=False)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    key = models.CharField(max_length=200, unique=True, editable=False)
    raised_at = models.DateTimeField(_("预警时间"), db_index=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True, db_index=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name=_("确认人"))
    note = models.TextField(_("处理说明"), blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.subject}"

    def save(self, *args, **kwargs):
        if self.unit_id and not self.unit_path:
            self.unit_path = self.unit.path
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
