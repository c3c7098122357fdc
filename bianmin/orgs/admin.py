"""Back office for the organisation: unit tree, sites, windows with their AB posts, staff, roles."""
from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Membership, Site, Staff, Unit, Window, WindowPost
from .people import person


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["tree_name", "level", "kind", "division_code", "parent"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "division_code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]

    @admin.display(description=_("名称"), ordering="path")
    def tree_name(self, obj):
        # Ordered by path, so indenting by depth shows the tree in the flat list.
        depth = max(obj.path.count("/") - 2, 0)
        return "　" * depth + obj.name


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "status", "phone", "complaint_phone"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "address", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]


class WindowPostInline(admin.TabularInline):
    model = WindowPost
    extra = 1
    autocomplete_fields = ["staff"]


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["__str__", "site", "kind", "sign_text"]
    list_filter = ["kind", "site"]
    search_fields = ["name", "number", "site__name", "sign_text"]
    autocomplete_fields = ["site"]
    filter_horizontal = ["items", "departments"]
    inlines = [WindowPostInline]
    list_select_related = ["site"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["name", "work_id", "origin_unit", "employment", "position", "active"]
    list_filter = ["employment", "active"]
    search_fields = ["name", "work_id", "user__username"]
    autocomplete_fields = ["origin_unit", "user"]
    list_select_related = ["origin_unit"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "who", "role", "unit", "site"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__staff__name", "unit__name", "site__name"]
    autocomplete_fields = ["user", "unit", "site"]
    list_select_related = ["user__staff", "unit", "site"]

    @admin.display(description=_("姓名 · 岗位"))
    def who(self, obj: Membership) -> str:
        return person(obj.user)
