"""Forms of the staff rating pages. Only the filter is a Django form; writes go through services."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, Level


class RatingFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("评价等级"), required=False, choices=[("", _("全部等级")), *Level.choices])
    channel = forms.ChoiceField(label=_("评价渠道"), required=False, choices=[("", _("全部渠道")), *Channel.choices])
    site = forms.ModelChoiceField(label=_("服务场所"), required=False, queryset=None, empty_label=_("全部场所"))
    date_from = forms.DateField(label=_("评价日期起"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("评价日期止"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    bad = forms.BooleanField(label=_("只看差评"), required=False)
    flagged = forms.BooleanField(label=_("只看异常评价"), required=False)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        # One site in scope (a centre manager): the site filter would offer nothing.
        self.show_site = sites.count() > 1

    def selector_filters(self) -> dict:
        """The valid part of the filter, in the shape selectors.filtered() takes."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = self.cleaned_data
        return {
            "level": data.get("level") or None,
            "channel": data.get("channel") or None,
            "site_id": data["site"].pk if data.get("site") else None,
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            # Unticked means "all", not "only the good ones".
            "bad": True if data.get("bad") else None,
            "flagged": True if data.get("flagged") else None,
        }
