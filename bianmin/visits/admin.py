"""Back office: the registers and batches to look at, never to edit (their rows change only through services, which
keep the history); the admin is for finding a row, the workbench pages for recording one."""
from __future__ import annotations

from django.contrib import admin

from bianmin.core.admin import ReadOnlyAdmin

from .models import HomeVisit, ProxyBatch, ProxyHandback, SignOff


@admin.register(HomeVisit)
class HomeVisitAdmin(ReadOnlyAdmin):
    list_display = ["name", "site", "item", "need", "wanted_date", "status", "assignee", "case", "created_at"]
    list_filter = ["status", "need"]
    search_fields = ["name", "address", "case__number"]
    list_select_related = ["site", "item", "assignee", "case"]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["case", "received_by", "relation", "method", "received_at", "handed_by"]
    list_filter = ["method", "relation"]
    search_fields = ["case__number", "received_by"]
    list_select_related = ["case", "handed_by"]
    exclude = ["signature"]


@admin.register(ProxyHandback)
class ProxyHandbackAdmin(ReadOnlyAdmin):
    list_display = ["case", "received_by", "how", "handed_at", "recorded_by"]
    list_filter = ["how"]
    search_fields = ["case__number", "received_by"]
    list_select_related = ["case", "recorded_by"]


@admin.register(ProxyBatch)
class ProxyBatchAdmin(ReadOnlyAdmin):
    list_display = ["station", "township", "batch_date", "status", "sent_at", "received_at"]
    list_filter = ["status"]
    search_fields = ["station__name", "township__name"]
    list_select_related = ["station", "township"]
