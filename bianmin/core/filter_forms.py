"""The base of every list filter on the staff pages: a date range, and "bad input narrows nothing, never a 500".

A filter form is read with valid_data(): an invalid value is dropped (the page says so) rather than refused,
so a hand-edited address still shows a list.
"""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


def date_field(label) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


class PeriodFilterForm(forms.Form):
    date_from = date_field(_("日期起"))
    date_to = date_field(_("日期止"))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def valid_data(self) -> dict:
        """The valid part of the filter: an invalid value is dropped (and the page says so), never a 500."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = dict(getattr(self, "cleaned_data", {}))
        if self.non_field_errors():
            data.pop("date_from", None), data.pop("date_to", None)
        return data
