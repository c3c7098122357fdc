"""Back office for staff assessment. The schedule and thresholds may be kept here too (the everyday place is
/workbench/rules/); deductions, warnings, awards, inspections and checklist answers are records owned by
staffops services and shown read-only: a correction is a reversal with a reason, never an edit."""
from __future__ import annotations

from django.contrib import admin

from bianmin.core.admin import ReadOnlyAdmin

from .models import (
    AssessmentPolicy,
    Award,
    Deduction,
    DeductionEvent,
    DeductionRule,
    EfficiencyWarning,
    Inspection,
    InspectionCheck,
    InspectionFinding,
    QualityRecord,
    SiteCheckAnswer,
    WarningEvent,
)


@admin.register(DeductionRule)
class DeductionRuleAdmin(admin.ModelAdmin):
    list_display = ["unit", "code", "label", "points", "hits", "bars_award", "active"]
    list_filter = ["hits", "active"]
    search_fields = ["code", "label", "unit__name"]
    list_select_related = ["unit"]
    exclude = ["updated_by", "updated_at"]


@admin.register(AssessmentPolicy)
class AssessmentPolicyAdmin(admin.ModelAdmin):
    list_display = ["unit", "late_early_warning_over", "collective_warning_at", "award_min_annual",
                    "patrols_per_day", "stars_per_month"]
    list_select_related = ["unit"]


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class DeductionEventInline(_ReadOnlyInline):
    model = DeductionEvent
    fields = ["at", "kind", "actor", "reason"]
    readonly_fields = fields


@admin.register(Deduction)
class DeductionAdmin(ReadOnlyAdmin):
    list_display = ["at", "staff", "window", "rule_label", "points", "source", "reversed"]
    list_filter = ["source", "reversed", "rule_code"]
    search_fields = ["staff__name", "staff__work_id", "rule_label"]
    date_hierarchy = "at"
    list_select_related = ["staff", "window"]
    inlines = [DeductionEventInline]


class WarningEventInline(_ReadOnlyInline):
    model = WarningEvent
    fields = ["at", "kind", "actor", "reason"]
    readonly_fields = fields


@admin.register(EfficiencyWarning)
class EfficiencyWarningAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "reason_code", "staff", "unit", "at", "acknowledged_at", "withdrawn"]
    list_filter = ["kind", "reason_code", "withdrawn"]
    search_fields = ["number", "staff__name", "staff__work_id", "unit__name"]
    date_hierarchy = "at"
    list_select_related = ["staff", "unit"]
    inlines = [WarningEventInline]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["period", "kind", "site", "window", "staff", "points", "rank"]
    list_filter = ["kind"]
    list_select_related = ["site", "window", "staff"]


class InspectionCheckInline(_ReadOnlyInline):
    model = InspectionCheck
    fields = ["code", "label", "passed", "note"]
    readonly_fields = fields


class InspectionFindingInline(_ReadOnlyInline):
    model = InspectionFinding
    fields = ["rule_code", "staff", "window", "note", "withdrawn"]
    readonly_fields = fields


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["at", "site", "kind", "inspector", "score"]
    list_filter = ["kind"]
    date_hierarchy = "at"
    list_select_related = ["site", "inspector"]
    inlines = [InspectionCheckInline, InspectionFindingInline]


@admin.register(QualityRecord)
class QualityRecordAdmin(ReadOnlyAdmin):
    list_display = ["date", "site", "kind", "title"]
    list_filter = ["kind"]
    search_fields = ["title"]
    date_hierarchy = "date"
    list_select_related = ["site"]


@admin.register(SiteCheckAnswer)
class SiteCheckAnswerAdmin(ReadOnlyAdmin):
    list_display = ["site", "code", "passed", "checked_at"]
    list_filter = ["passed"]
    list_select_related = ["site"]
