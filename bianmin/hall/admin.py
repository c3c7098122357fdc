"""Back office for the hall: hours, duty days and settings may be kept here too (the manager's page
/workbench/hall/hours/ is the everyday place); presence, leave, outings and alerts are records owned by
hall.services, shown read-only."""
from __future__ import annotations

from django.contrib import admin

from bianmin.core.admin import ReadOnlyAdmin

from .models import (
    DutyDay,
    HallSettings,
    LeaveEvent,
    LeaveRequest,
    OpeningSession,
    Outing,
    Presence,
    WindowAlert,
)


@admin.register(HallSettings)
class HallSettingsAdmin(admin.ModelAdmin):
    list_display = ["site", "wait_target_minutes", "unattended_alert_minutes", "no_show_grace_minutes"]
    list_select_related = ["site"]


@admin.register(OpeningSession)
class OpeningSessionAdmin(admin.ModelAdmin):
    list_display = ["site", "kind", "start", "end"]
    list_filter = ["kind"]
    list_select_related = ["site"]
    filter_horizontal = ["windows"]


@admin.register(DutyDay)
class DutyDayAdmin(admin.ModelAdmin):
    list_display = ["site", "date", "closed", "start", "end", "note"]
    list_filter = ["closed"]
    date_hierarchy = "date"
    list_select_related = ["site"]
    filter_horizontal = ["windows", "staff"]


@admin.register(Presence)
class PresenceAdmin(ReadOnlyAdmin):
    list_display = ["staff", "window", "kind", "at", "source"]
    list_filter = ["kind", "source"]
    search_fields = ["staff__name", "staff__work_id"]
    date_hierarchy = "at"
    list_select_related = ["staff", "window"]


class LeaveEventInline(admin.TabularInline):
    model = LeaveEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LeaveRequest)
class LeaveRequestAdmin(ReadOnlyAdmin):
    list_display = ["staff", "site", "kind", "starts_at", "ends_at", "cover", "status"]
    list_filter = ["status", "kind"]
    search_fields = ["staff__name", "staff__work_id"]
    list_select_related = ["staff", "site", "cover"]
    inlines = [LeaveEventInline]


@admin.register(Outing)
class OutingAdmin(ReadOnlyAdmin):
    list_display = ["staff", "destination", "purpose", "out_at", "back_by", "returned_at"]
    search_fields = ["staff__name", "destination"]
    list_select_related = ["staff"]


@admin.register(WindowAlert)
class WindowAlertAdmin(ReadOnlyAdmin):
    list_display = ["window", "gap_started_at", "alerted_at"]
    list_select_related = ["window"]
