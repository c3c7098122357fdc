"""Back office for the service catalogue: items with itemised conditions and materials, publication.

The forms call the same rules as publication (catalog.validators), so an editor sees a vague
"等"/"其他" on the row where it was typed instead of only when publishing.
"""
from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Subquery
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bianmin.core import timeutil
from bianmin.core.errors import DomainError

from .guides import publish_guide
from .models import Channel, Condition, GuideVersion, Item, Material, SearchSynonym, SearchWordDay
from .validators import condition_error, guide_problems, limit_error, material_error


class ConditionForm(forms.ModelForm):
    class Meta:
        model = Condition
        fields = ["order", "text"]

    def clean_text(self):
        text = self.cleaned_data["text"]
        err = condition_error(text)
        if err:
            raise forms.ValidationError(err.zh, code="vague")
        return text


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["order", "name", "role", "form", "count", "source", "common_mistakes", "template"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        err = material_error(name)
        if err:
            raise forms.ValidationError(err.zh, code="vague")
        return name


class ConditionInline(admin.TabularInline):
    model = Condition
    form = ConditionForm
    extra = 1


class MaterialInline(admin.StackedInline):
    model = Material
    form = MaterialForm
    extra = 1
    fields = [("order", "name"), ("role", "form", "count"), ("source", "template"), "common_mistakes"]


class GuideVersionInline(admin.TabularInline):
    """Published versions are history: shown, never edited here (a change is a new version)."""

    model = GuideVersion
    fields = ["number", "effective_date", "change_note", "published_by", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ItemForm(forms.ModelForm):
    # Editors write one step per line and tick channels; the model keeps both as JSON lists.
    procedure = forms.CharField(label=_("办理流程"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
                                help_text=_("按步骤列出，每步一行"))
    channels = forms.MultipleChoiceField(label=_("办理渠道"), required=False, choices=Channel.choices,
                                         widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Item
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["procedure"] = "\n".join(self.instance.procedure or [])

    def clean_procedure(self):
        return [line.strip() for line in self.cleaned_data["procedure"].splitlines() if line.strip()]

    def clean(self):
        data = super().clean()
        err = limit_error(data.get("statutory_limit"), data.get("statutory_unit"),
                          data.get("committed_limit"), data.get("committed_unit"))
        if err:
            self.add_error(err.field, err.zh)
        return data


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    form = ItemForm
    list_display = ["code", "name", "item_type", "handling_type", "accepting_unit", "high_frequency", "secret",
                    "version_in_effect"]
    list_filter = ["item_type", "handling_type", "high_frequency", "at_most_once", "online", "bookable",
                   "tolerant", "secret", "accepting_unit"]
    search_fields = ["name", "code", "basic_code", "search_initials"]
    autocomplete_fields = ["accepting_unit"]
    list_select_related = ["accepting_unit"]
    inlines = [ConditionInline, MaterialInline, GuideVersionInline]
    actions = ["publish_today"]
    fieldsets = [
        (None, {"fields": [("basic_code", "code"), "name", ("item_type", "handling_type"), "accepting_unit",
                           "legal_basis", "channels", "procedure"]}),
        (_("时限"), {"fields": [("statutory_limit", "statutory_unit"), ("committed_limit", "committed_unit")]}),
        (_("收费与联系"), {"fields": ["fee_standard", "fee_basis", ("consult_phone", "supervision_phone"),
                                   "evaluation_channels"]}),
        (_("标签"), {"fields": [("at_most_once", "online", "bookable", "tolerant", "high_frequency", "secret")]}),
    ]

    def get_queryset(self, request):
        # The version in effect per row as subqueries: one query for the whole changelist page.
        in_effect = (GuideVersion.objects.filter(item=OuterRef("pk"), effective_date__lte=timeutil.today())
                     .order_by("-effective_date", "-number"))
        return super().get_queryset(request).annotate(
            v_number=Subquery(in_effect.values("number")[:1]),
            v_date=Subquery(in_effect.values("effective_date")[:1]),
            any_version=Exists(GuideVersion.objects.filter(item=OuterRef("pk"))),
        )

    @admin.display(description=_("生效版本"), ordering="v_number")
    def version_in_effect(self, obj):
        if obj.v_number is None:
            return format_html('<span style="color:#b26a00">{}</span>',
                               _("待生效") if obj.any_version else _("未发布"))
        return f"v{obj.v_number}（{obj.v_date:%Y-%m-%d}）"

    @admin.action(description=_("发布指南（今日生效）"))
    def publish_today(self, request, queryset):
        published = 0
        for item in queryset.prefetch_related("conditions", "materials").select_related("accepting_unit"):
            problems = guide_problems(item)
            for problem in problems:
                self.message_user(request, f"{item.name}：{problem.zh}", messages.ERROR)
            if problems:
                continue
            try:
                version = publish_guide(item, user=request.user, note=str(_("后台发布")))
            except DomainError as exc:  # a rule added later to validate_item_guide still reaches the editor
                self.message_user(request, f"{item.name}：{exc.zh}", messages.ERROR)
                continue
            published += 1
            self.message_user(request, gettext("%(name)s：已发布第 %(number)s 版，%(date)s 起生效。") % {
                "name": item.name, "number": version.number, "date": f"{version.effective_date:%Y-%m-%d}"},
                messages.SUCCESS)
        if not published:
            self.message_user(request, _("没有发布任何指南。"), messages.WARNING)


@admin.register(GuideVersion)
class GuideVersionAdmin(admin.ModelAdmin):
    """Read-only: the published record every rendering reads must not change after the fact."""

    list_display = ["item", "number", "effective_date", "change_note", "published_by", "published_at"]
    list_filter = ["effective_date"]
    search_fields = ["item__name", "item__code", "change_note"]
    date_hierarchy = "effective_date"
    list_select_related = ["item", "published_by"]
    fields = ["item", "number", "effective_date", "change_note", "published_by", "published_at", "pretty_content"]
    readonly_fields = fields

    @admin.display(description=_("指南内容"))
    def pretty_content(self, obj):
        return format_html("<pre style='white-space:pre-wrap'>{}</pre>",
                           json.dumps(obj.content, ensure_ascii=False, indent=2))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SearchSynonymForm(forms.ModelForm):
    class Meta:
        model = SearchSynonym
        fields = ["term", "words", "active"]

    def clean_words(self):
        from .search import split_words

        words = self.cleaned_data["words"]
        if not split_words(words):
            raise forms.ValidationError(gettext("请至少填写一个事项名称中的词。"), code="empty")
        return words


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """The search dictionary: an everyday word and the item-name words it means. The term is prefilled from the
    search-words page (?term=…) when a manager picks a word that found nothing."""

    form = SearchSynonymForm
    list_display = ["term", "words", "term_pinyin", "term_initials", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["term", "words", "term_pinyin"]
    readonly_fields = ["term_pinyin", "term_initials", "updated_at"]


@admin.register(SearchWordDay)
class SearchWordDayAdmin(admin.ModelAdmin):
    """Daily search-word counters, read only: they are written by the searches themselves."""

    list_display = ["day", "query", "count", "misses"]
    list_filter = ["day"]
    search_fields = ["query"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
