"""Labels stored as text in snapshots, shown in the reader's language.

A published guide version (and a one-time notification issued from it) keeps the labels of the day
as Chinese text: "承诺件", "主件", "原件和复印件", "不收费". Those words are the models' choice labels,
so the message catalogue knows them; `translate_label` looks the stored text up there. Text the
catalogue does not know (a label renamed since, a free-text fee) is shown exactly as stored.
"""
from __future__ import annotations

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def translate_label(value):
    if not value or not isinstance(value, str):
        return value
    return gettext(value)
