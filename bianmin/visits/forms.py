"""The registers' filter (site and date range) and the small reshaping of form posts into the services' dicts."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bianmin.core.filter_forms import PeriodFilterForm


class RegisterFilterForm(PeriodFilterForm):
    """Site and date range; an invalid value is dropped and the page says so (core.filter_forms)."""

    site = forms.ModelChoiceField(label=_("服务场所"), queryset=None, required=False, empty_label=_("全部场所"))
    field_order = ["site", "date_from", "date_to"]

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


def post_data(post) -> dict:
    return {k: v for k, v in post.items() if k != "csrfmiddlewaretoken"}
