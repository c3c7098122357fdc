"""Back office for ratings: evidence to look at, never to edit (ratings are written only by services)."""
from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from bianmin.core.admin import ReadOnlyAdmin
from bianmin.core.masking import mask_name, mask_phone

from .models import Comment, Device, Invitation, Rating, Survey


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "level", "is_bad", "channel", "stage", "site", "window", "staff", "masked_rater",
                    "flagged", "excluded", "is_default"]
    list_filter = ["level", "is_bad", "channel", "stage", "flagged", "excluded", "is_default"]
    date_hierarchy = "created_at"
    list_select_related = ["site", "window", "staff"]
    # Personal data stays masked here too; unmasking is a logged action on the staff pages.
    exclude = ["rater_name", "rater_phone"]
    readonly_fields = ["masked_rater"]

    @admin.display(description=_("评价人"))
    def masked_rater(self, obj):
        return f"{mask_name(obj.rater_name)} {mask_phone(obj.rater_phone)}".strip() or "-"


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    """Devices are registered on the workbench (the key is shown once there); here they can be switched off."""

    list_display = ["name", "window", "kind", "active", "last_seen_at", "created_at"]
    list_filter = ["active", "kind"]
    fields = ["window", "name", "kind", "active", "last_seen_at"]
    readonly_fields = ["window", "kind", "last_seen_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["case", "stage", "status", "channel", "sent_at", "error"]
    list_filter = ["status"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "source", "is_complaint", "target_unit", "target_item", "short_text"]
    list_filter = ["source", "is_complaint"]
    exclude = ["contact_name", "contact_phone"]

    @admin.display(description=_("内容"))
    def short_text(self, obj):
        return obj.text[:40]


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["title", "unit", "period_start", "period_end", "rate", "seed", "population", "drawn_at"]
