"""Back office for the hotline: the dispatch catalogue (administrators), the phrase library (managers), the
Open311 client keys (administrators), and work orders to look at, never to edit (orders change only through
services)."""
from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from bianmin.core.admin import ReadOnlyAdmin
from bianmin.core.models import AuditLog
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can

from .models import DispatchCategory, Open311Client, Phrase, WorkOrder


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
    exclude = ["caller_name", "caller_phone", "caller_email"]


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """Issue an api_key to each application that files requests through Open311 (GeoReport v2 POST). The key
    is shown once, on the page that follows its issue, and never again (only its digest is stored); a lost key
    is replaced with the action below. Switch a client off rather than deleting it: the orders it filed name
    it in their history."""

    list_display = ["name", "key_prefix", "jurisdiction", "active", "created_at", "last_used_at"]
    list_filter = ["active"]
    search_fields = ["name", "key_prefix"]
    list_select_related = ["jurisdiction"]
    fields = ["name", "jurisdiction", "active", "key_prefix", "created_at", "last_used_at"]
    readonly_fields = ["key_prefix", "created_at", "last_used_at"]
    actions = ["replace_keys"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.issued_key = obj.new_key()  # held on the instance only until response_add shows it
        super().save_model(request, obj, form, change)
        if not change:
            self._audit(request, obj, "issued")

    def response_add(self, request, obj, post_url_continue=None):
        return self._show_keys(request, [(obj, obj.issued_key)])

    @admin.action(description=_("为所选客户端重新生成密钥（旧密钥立即失效）"), permissions=["change"])
    def replace_keys(self, request, queryset):
        issued = []
        for client in queryset:
            key = client.new_key()
            client.save(update_fields=["key_hash", "key_prefix"])
            self._audit(request, client, "replaced")
            issued.append((client, key))
        return self._show_keys(request, issued)

    def _show_keys(self, request, issued):
        """The one page that ever shows the keys: not cached anywhere, not kept in the session or messages."""
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "issued": issued,
                   "title": _("Open311 密钥")}
        response = TemplateResponse(request, "admin/hotline/open311client/keys.html", context)
        add_never_cache_headers(response)
        return response

    @staticmethod
    def _audit(request, client, what: str):
        AuditLog.objects.create(actor=request.user, action="open311_key", object_type=client._meta.label,
                                object_id=str(client.pk), reason=f"{what}: {client.key_prefix}…")
