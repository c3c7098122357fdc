"""Forms of the ticket pages. Only the list filter is a Django form; writes go through services, which
validate everything themselves (one place for each rule), so action posts are only reshaped here."""
from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from bianmin.core.filter_forms import PeriodFilterForm, date_field

from .models import OUTCOME_CHOICES, STATUS_CHOICES, Source
from .overview import BUCKETS
from .states import Action


class TicketFilterForm(PeriodFilterForm):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *STATUS_CHOICES])
    due = forms.ChoiceField(label=_("时限"), required=False, choices=[("", _("全部")), *BUCKETS.items()])
    outcome = forms.ChoiceField(label=_("处理方式"), required=False, choices=[("", _("全部")), *OUTCOME_CHOICES])
    source = forms.ChoiceField(label=_("来源"), required=False, choices=[("", _("全部来源")), *Source.choices])
    unit = forms.ModelChoiceField(label=_("责任单位"), required=False, queryset=None, empty_label=_("全部单位"))
    date_from = date_field(_("生成日期起"))
    date_to = date_field(_("生成日期止"))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.show_unit = units.count() > 1

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
    if action == Action.RESOLVE and "conduct" in data:  # a checkbox: absent when unticked
        value = str(data["conduct"]).lower()
        data["conduct"] = True if value in _TRUE else False if value in _FALSE else data["conduct"]
    return data
