"""Forms of the ticket pages. Only the list filter is a Django form; writes go through services, which
validate everything themselves (one place for each rule), so action posts are only reshaped here."""
from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .models import OUTCOME_CHOICES, STATUS_CHOICES, Source
from .overview import BUCKETS
from .states import Action


class TicketFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *STATUS_CHOICES])
    due = forms.ChoiceField(label=_("时限"), required=False, choices=[("", _("全部")), *BUCKETS.items()])
    outcome = forms.ChoiceField(label=_("处理方式"), required=False, choices=[("", _("全部")), *OUTCOME_CHOICES])
    source = forms.ChoiceField(label=_("来源"), required=False, choices=[("", _("全部来源")), *Source.choices])
    unit = forms.ModelChoiceField(label=_("责任单位"), required=False, queryset=None, empty_label=_("全部单位"))
    date_from = forms.DateField(label=_("生成日期起"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("生成日期止"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.show_unit = units.count() > 1

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

    def selector_filters(self) -> dict:
        """The keys selectors.filtered() knows; `due` and `source` are applied by the view."""
        data = self.valid_data()
        return {"status": data.get("status") or None, "outcome": data.get("outcome") or None,
                "unit": data["unit"].pk if data.get("unit") else None,
                "date_from": data.get("date_from"), "date_to": data.get("date_to")}


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def action_data(action: str, post: QueryDict) -> dict:
    """A form post in the shape the API sends. `reached` becomes a bool only when it clearly is one; any
    other value is passed on unchanged so the service refuses it with its own message."""
    data: dict = {k: v for k, v in post.items() if k != "csrfmiddlewaretoken"}
    if action == Action.VERIFY and "reached" in data:
        value = str(data["reached"]).lower()
        data["reached"] = True if value in _TRUE else False if value in _FALSE else data["reached"]
    return data
