"""Back office for the queue: tickets and their history to look at, never to edit (a ticket changes only through
queueing.services, which writes the history). The hall's numbers (green-lane run, recall cool-down, SMS threshold)
are HallSettings, in the hall app."""
from __future__ import annotations

from django.contrib import admin

from bianmin.core.admin import ReadOnlyAdmin

from .models import QueueEvent, QueueTicket


class QueueEventInline(admin.TabularInline):
    model = QueueEvent
    fields = ["at", "action", "from_status", "to_status", "window", "actor", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["at", "pk"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(QueueTicket)
class QueueTicketAdmin(ReadOnlyAdmin):
    list_display = ["number", "site", "day", "item", "priority", "source", "status", "window", "served_by",
                    "created_at", "called_at", "finished_at", "estimate_low", "estimate_high"]
    list_filter = ["status", "priority", "source", "day", "site"]
    search_fields = ["number"]
    list_select_related = ["site", "item", "window", "served_by"]
    date_hierarchy = "day"
    # The phone and the ID hash stay out of the back office's lists and detail (personal data).
    exclude = ["phone", "id_hash", "token"]
    inlines = [QueueEventInline]
