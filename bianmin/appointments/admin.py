"""Back office: slot rules are edited here (and on the manager's page); appointments and their history are looked
at, never edited (their status changes only through services)."""
from __future__ import annotations

from django.contrib import admin

from bianmin.core.admin import ReadOnlyAdmin
from bianmin.core.masking import mask_phone

from .models import Appointment, AppointmentEvent, SlotClosure, SlotRule


@admin.register(SlotRule)
class SlotRuleAdmin(admin.ModelAdmin):
    list_display = ["site", "item", "slot_minutes", "capacity"]
    list_filter = ["site"]
    list_select_related = ["site", "item"]
    autocomplete_fields = ["item"]


@admin.register(SlotClosure)
class SlotClosureAdmin(ReadOnlyAdmin):
    list_display = ["site", "date", "start", "end", "reason", "closed_by", "created_at"]
    list_filter = ["site"]
    date_hierarchy = "date"


class EventInline(admin.TabularInline):
    model = AppointmentEvent
    fields = ["at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["code", "site", "item", "date", "start", "masked_phone", "status", "channel"]
    list_filter = ["status", "channel", "site"]
    search_fields = ["code"]
    date_hierarchy = "date"
    exclude = ["phone", "token"]
    inlines = [EventInline]

    @admin.display(description=Appointment._meta.get_field("phone").verbose_name)
    def masked_phone(self, obj):
        return mask_phone(obj.phone)
