"""The filter of the hot-spots page: period, scope (a unit or a site the person may see), source kind, and
the theme whose records are listed. Bad values are dropped and the page says so (core.filter_forms)."""
from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from bianmin.core.filter_forms import PeriodFilterForm
from bianmin.orgs import scoping

from . import scope
from .hotspot_sources import KIND_LABELS
from .hotspots import MAX_TERM_WORDS, term_words

MAX_OPTIONS = 300  # per kind: the list is for choosing, deep links (?unit=…) reach the rest
MAX_TERM = 40
_SCOPE = re.compile(r"(unit|site)-(\d{1,10})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def scope_options(user) -> list:
    """Grouped <select> options: the units (with their subtrees) and the sites the person may see."""
    units = scoping.units_for(user, scope.ACTION)  # as stats.scope.resolve reaches them
    sites = scoping.sites_for(user, scope.ACTION).select_related("unit")
    units = list(units.order_by("path")[:MAX_OPTIONS])
    top = min((u.path.count("/") for u in units), default=0)
    options: list = [("", _("默认（我的范围）"))]
    if units:
        options.append((_("单位（含下级）"), [(f"unit-{u.pk}", "\u3000" * (u.path.count("/") - top) + u.name)
                                         for u in units]))
    sites = list(sites.order_by("unit__path", "name")[:MAX_OPTIONS])
    if sites:
        options.append((_("服务场所"), [(f"site-{s.pk}", s.name) for s in sites]))
    return options


class HotspotFilterForm(PeriodFilterForm):
    scope = forms.CharField(label=_("范围"), required=False, widget=forms.Select)
    source = forms.ChoiceField(label=_("来源"), required=False,
                               choices=[("", _("全部来源"))] + list(KIND_LABELS.items()))
    term = forms.CharField(label=_("主题"), required=False, max_length=MAX_TERM)
    field_order = ("scope", "source", "date_from", "date_to")

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].widget.choices = options

    def clean_scope(self) -> tuple[str, int] | None:
        value = self.cleaned_data.get("scope") or ""
        if not value:
            return None
        m = _SCOPE.fullmatch(value)
        if not m:
            raise forms.ValidationError(_("范围无效。"))
        return m.group(1), int(m.group(2))

    def clean_term(self) -> str:
        value = (self.cleaned_data.get("term") or "").strip()
        if _CONTROL.search(value) or len(term_words(value)) > MAX_TERM_WORDS:
            raise forms.ValidationError(_("主题无效。"))
        return " ".join(term_words(value))
