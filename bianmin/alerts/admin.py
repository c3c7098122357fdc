from django.contrib import admin

from .models import Alert, AlertPolicy


@admin.register(AlertPolicy)
class AlertPolicyAdmin(admin.ModelAdmin):
    list_display = ["unit", "daily_complaints", "repeat_count", "repeat_days", "hot_term_factor",
                    "hot_term_min_count", "bad_reviews", "bad_review_days"]
    readonly_fields = ["updated_by", "updated_at"]


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Read-only: alerts are raised by the worker and acknowledged on the managers' page."""

    list_display = ["raised_at", "kind", "unit", "site", "subject", "acknowledged_at"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
