"""Back office for shared tables: the working-day calendar, the audit log, deadline clocks."""
from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import AuditLog, CalendarDay, CalendarYear, Clock
from .worktime import loader
from .worktime.calendar import DayKind

admin.site.site_header = _("便民服务平台 · 后台管理")
admin.site.site_title = _("便民服务平台")
admin.site.index_title = _("系统配置")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are evidence (audit log) or owned by services (clocks): look, never touch."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ["date", "kind", "name"]
    extra = 3
    ordering = ["date"]


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Each year's holidays and 调休 make-up days are published in Nov/Dec; administrators add them here."""

    list_display = ["year", "source", "holidays", "workdays", "note", "updated_at"]
    list_filter = ["source"]
    search_fields = ["year", "note"]
    inlines = [CalendarDayInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_holidays=Count("days", filter=Q(days__kind=DayKind.HOLIDAY.value)),
            n_workdays=Count("days", filter=Q(days__kind=DayKind.ADJUSTED_WORKDAY.value)),
        )

    @admin.display(description=_("节假日天数"), ordering="n_holidays")
    def holidays(self, obj):
        return obj.n_holidays

    @admin.display(description=_("调休上班天数"), ordering="n_workdays")
    def workdays(self, obj):
        return obj.n_workdays

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Other processes notice the change through the loader's fingerprint; this one at once.
        loader.invalidate()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        loader.invalidate()


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor__username", "object_id", "reason"]
    date_hierarchy = "at"


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = ["id", "purpose", "start", "amount", "unit", "status", "due_at", "warning"]
    list_filter = ["status", "warning", "unit"]
