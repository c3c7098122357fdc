"""Forms of the hotline pages. Only the list and figures filters are Django forms; every write goes through
services, which validate everything themselves (one place for each rule), so posts are only reshaped here
into the dicts the JSON API sends."""
from __future__ import annotations

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from bianmin.core.filter_forms import PeriodFilterForm

from . import selectors
from .models import STATUS_CHOICES, OrderType

DUE_CHOICES = [("overdue", _("已超期")), ("soon", _("即将到期"))]


class OrderFilterForm(PeriodFilterForm):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *STATUS_CHOICES])
    due = forms.ChoiceField(label=_("时限"), required=False, choices=[("", _("全部")), *DUE_CHOICES])
    department = forms.ModelChoiceField(label=_("承办单位"), required=False, queryset=None,
                                        empty_label=_("全部单位"))
    category = forms.ModelChoiceField(label=_("诉求分类"), required=False, queryset=None, to_field_name="code",
                                      empty_label=_("全部分类"))
    type = forms.ChoiceField(label=_("工单类型"), required=False, choices=[("", _("全部类型")), *OrderType.choices])
    field_order = ("status", "due", "department", "category", "type", "date_from", "date_to")

    def __init__(self, *args, departments, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["category"].queryset = categories
        self.fields["date_from"].label = _("受理日期起")
        self.fields["date_to"].label = _("受理日期止")
        self.show_department = departments.count() > 1

    def selector_filters(self) -> dict:
        """The keyword arguments of selectors.filtered()."""
        data = self.valid_data()
        return {"status": data.get("status") or None, "due": data.get("due") or None,
                "department": data["department"].pk if data.get("department") else None,
                "category": data["category"].code if data.get("category") else None,
                "order_type": data.get("type") or None,
                "date_from": data.get("date_from"), "date_to": data.get("date_to")}


class FiguresFilterForm(PeriodFilterForm):
    department = forms.ModelChoiceField(label=_("承办单位"), required=False, queryset=None,
                                        empty_label=_("全部承办单位（逐一列出）"))
    field_order = ("department", "date_from", "date_to")

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


# ---------------------------------------------------------------- posts → service dicts

def _last(post: QueryDict, key: str) -> str:
    """A checkbox is posted after a hidden "0" of the same name: the last value is the answer."""
    values = post.getlist(key)
    return values[-1] if values else ""


def intake_data(post: QueryDict) -> dict:
    """The intake form in the shape of POST /api/v1/workorders."""
    data = {
        "channel": post.get("channel", ""),
        "caller": {"name": post.get("caller_name", ""), "phone": post.get("caller_phone", ""),
                   "confidential": _last(post, "confidential") or "0"},
        "callback_consent": _last(post, "callback_consent"),
        "category": post.get("category", ""),
        "type": post.get("type", ""),
        "respondent_rank": post.get("respondent_rank", ""),
        "respondent": post.get("respondent", ""),
        "place": post.get("place", ""),
        "text": post.get("text", ""),
        "answered_at_intake": _last(post, "answered_at_intake") or "0",
        "answer": post.get("answer", ""),
    }
    if post.get("region"):
        data["region"] = post["region"]
    return data


def action_data(user, action: str, post: QueryDict) -> dict:
    """An action form in the shape of POST /api/v1/workorders/{id}/{action}. Orders named by their number
    (merge into, link to) become ids when the person may see them, and id 0 (which the service reports as
    "no such order") when not; anything else is passed on unchanged so the service refuses it with its own
    message."""
    data: dict = {k: v for k, v in post.items() if k not in ("csrfmiddlewaretoken", "next")}
    for key in ("into", "to"):
        if str(data.get(key, "")).strip():
            found = selectors.order_id_for(user, data[key])
            data[key] = found if found is not None else 0
    if action == "extend" and "decision" not in data:
        # The request form offers both a new date and an amount; an empty one is not an answer.
        for key in ("until", "amount"):
            if data.get(key, "") == "":
                data.pop(key, None)
    return data
