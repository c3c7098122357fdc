"""Back office for shared tables: the working-day calendar, the audit log, deadline clocks."""
from __future__ import annotations

import hashlib

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import product
from .errors import DomainError
from .models import AuditLog, CalendarDay, CalendarYear, Clock, ClockDueChange
from .worktime import loader, official
from .worktime.calendar import DayKind

admin.site.site_header = format_lazy("{} · {}", product.NAME, _("后台管理"))
admin.site.site_title = product.NAME
admin.site.index_title = _("系统配置")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that are evidence (audit log) or owned by services (clocks): look, never touch."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ["date", "kind", "name"]
    extra = 3
    ordering = ["date"]


class NoticeForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=official.FIRST_YEAR, max_value=official.LAST_YEAR)
    text = forms.CharField(label=_("通知正文"), widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
                           help_text=_("粘贴《国务院办公厅关于××××年部分节假日安排的通知》的全文（标题、文号可一并粘贴）。"))


def _digest(year: int, text: str) -> str:
    """Ties a confirmation to the text that was previewed: an edited text is previewed again, never applied unseen."""
    return hashlib.sha256(f"{year}\n{text}".encode()).hexdigest()


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    """Each year's holidays and 调休 make-up days are published in Nov/Dec; administrators paste the State Council's
    notice on the page below (official_view) or correct single days here."""

    list_display = ["year", "source", "holidays", "workdays", "note", "updated_at"]
    list_filter = ["source"]
    search_fields = ["year", "note"]
    inlines = [CalendarDayInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            n_holidays=Count("days", filter=Q(days__kind=DayKind.HOLIDAY.value)),
            n_workdays=Count("days", filter=Q(days__kind=DayKind.ADJUSTED_WORKDAY.value)),
        )

    @admin.display(description=_("节假日天数"), ordering="n_holidays")
    def holidays(self, obj):
        return obj.n_holidays

    @admin.display(description=_("调休上班天数"), ordering="n_workdays")
    def workdays(self, obj):
        return obj.n_workdays

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Other processes notice the change through the loader's fingerprint; this one at once.
        loader.invalidate()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        loader.invalidate()

    def get_urls(self):
        official_url = path("official/", self.admin_site.admin_view(self.official_view),
                            name="core_calendaryear_official")
        return [official_url, *super().get_urls()]

    def official_view(self, request):
        """Paste the notice → preview the parsed days beside the calendar's current ones → confirm (applies it
        through worktime.official, the same service as the API)."""
        if not (self.has_change_permission(request) and official.may_maintain_calendar(request.user)):
            raise PermissionDenied
        years = official.official_years()
        form = NoticeForm(request.POST or None, initial={"year": max(years) + 1 if years else None})
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": _("录入国务院节假日安排通知")}
        if request.method == "POST" and form.is_valid():
            year, text = form.cleaned_data["year"], form.cleaned_data["text"]
            digest = _digest(year, text)
            try:
                if "confirm" in request.POST and request.POST.get("previewed") == digest:
                    return self._confirm(request, year, text)
                context.update(self._preview(year, text), digest=digest)
            except DomainError as error:
                context["error"] = error
        return TemplateResponse(request, "admin/core/calendaryear/official.html", context)

    def _preview(self, year: int, text: str) -> dict:
        parsed = official.read_notice(year, text)
        official.check_year_enterable(year)
        rows = official.compare(year, parsed)
        differing = sorted({day.date for row in rows for day in (*row.current, *row.official) if day.differs})
        cal = loader.get_calendar()
        return {"parsed": parsed, "year": year, "rows": rows, "differing": len(differing),
                "affected": len(official.clocks_to_recompute(differing[0])) if differing else 0,
                "current_state": ("provisional" if year in cal.provisional_years
                                  else "official" if year in cal.years else "none")}

    def _confirm(self, request, year: int, text: str):
        result = official.apply_official_year(year, text, actor=request.user)
        self.message_user(request, gettext("已确认 %(year)s 年正式节假日安排：重新计算 %(recomputed)s 个时限，"
                                           "%(moved)s 个期限变动，%(kept)s 个已承诺期限维持不变。") % {
            "year": year, "recomputed": result.recomputed_clocks, "moved": result.moved_due_dates,
            "kept": result.kept_promises}, messages.SUCCESS)
        for warning in result.warnings:
            self.message_user(request, warning, messages.WARNING)
        return redirect("admin:core_calendaryear_changelist")


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "reason"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor__username", "object_id", "reason"]
    date_hierarchy = "at"


@admin.register(Clock)
class ClockAdmin(ReadOnlyAdmin):
    list_display = ["id", "purpose", "start", "amount", "unit", "status", "due_at", "not_before", "warning"]
    list_filter = ["status", "warning", "unit"]


@admin.register(ClockDueChange)
class ClockDueChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "clock", "old_due_at", "new_due_at", "calendar_due_at", "promise_kept", "sms", "reason"]
    list_filter = ["promise_kept", "sms"]
    date_hierarchy = "at"
