from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import profiles
from .models import ExchangeLink, OutboxRow, Reconciliation


class ExchangeLinkForm(forms.ModelForm):
    """The profile is chosen from the shipped profile files; a pinned version must exist."""

    profile = forms.ChoiceField(label=_("数据规范"), choices=())
    url = forms.URLField(label=_("上级平台地址"), max_length=300, assume_scheme="https")

    class Meta:
        model = ExchangeLink
        fields = ["unit", "profile", "profile_version", "url", "credentials_env", "active", "send_default_ratings",
                  "timeout_seconds"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["profile"].choices = [(p.name, f"{p.name} v{p.version} — {p.title}")
                                          for p in profiles.all_profiles()]

    def clean(self):
        data = super().clean()
        version = data.get("profile_version")
        if data.get("profile") and version and version not in profiles.versions(data["profile"]):
            self.add_error("profile_version", _("该数据规范没有这个版本。"))
        env = data.get("credentials_env") or ""
        if env and not env.replace("_", "").isalnum():
            self.add_error("credentials_env", _("只能包含字母、数字和下划线。"))
        return data


@admin.register(ExchangeLink)
class ExchangeLinkAdmin(admin.ModelAdmin):
    form = ExchangeLinkForm
    list_display = ["unit", "profile", "profile_version", "url", "active", "send_default_ratings"]


@admin.register(OutboxRow)
class OutboxRowAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the domain's transactions and changed by the worker and the exchange page."""

    list_display = ["created_at", "kind", "key", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reconciliation)
class ReconciliationAdmin(admin.ModelAdmin):
    list_display = ["day", "link", "kind", "ours", "ours_sent", "theirs", "requeued", "error"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
