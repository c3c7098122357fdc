"""Back office for the hotline: the dispatch catalogue (administrators), the phrase library (managers), and
work orders to look at, never to edit (orders change only through services)."""
from __future__ import annotations

from django.contrib import admin

from bianmin.core.admin import ReadOnlyAdmin
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can

from .models import DispatchCategory, Phrase, WorkOrder


@admin.register(DispatchCategory)
class DispatchCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "department", "default_type", "limit_amount", "limit_unit",
                    "efficiency_complaint", "active"]
    list_filter = ["active", "group", "default_type", "efficiency_complaint"]
    search_fields = ["code", "name", "keywords"]
    list_select_related = ["department"]

    def has_delete_permission(self, request, obj=None):
        return False  # orders point at their category: switch it off (active) instead


@admin.register(Phrase)
class PhraseAdmin(admin.ModelAdmin):
    """Managers keep the phrases (EDIT_PHRASES). The admin site itself still needs a staff account; the same
    edit is open to every manager through PATCH /api/v1/phrases/{id}."""

    list_display = ["scenario", "step", "title", "text", "active", "updated_by", "updated_at"]
    list_filter = ["scenario", "active"]
    search_fields = ["text", "title"]
    list_editable = ["active"]
    fields = ["scenario", "step", "title", "text", "active"]
    ordering = ["scenario", "step"]

    @staticmethod
    def _may_edit(request) -> bool:
        return request.user.is_superuser or can(request.user, Action.EDIT_PHRASES)

    def has_module_permission(self, request):
        return self._may_edit(request)

    def has_view_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_add_permission(self, request):
        return self._may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request)

    def has_delete_permission(self, request, obj=None):
        return False  # switch a phrase off instead, so the steps keep their numbers

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "received_at", "channel", "category", "order_type", "status", "department",
                    "confidential"]
    list_filter = ["status", "channel", "order_type", "confidential"]
    search_fields = ["number"]
    date_hierarchy = "received_at"
    list_select_related = ["category", "department"]
    # Callers never show here: unmasking is a logged action of the API and the staff pages.
    exclude = ["caller_name", "caller_phone"]
