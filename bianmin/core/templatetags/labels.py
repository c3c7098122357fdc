"""Labels stored as text in snapshots, shown in the reader's language.

A published guide version (and a one-time notification issued from it) keeps the labels of the day
as Chinese text: "承诺件", "主件", "原件和复印件", "不收费". Those words are the models' choice labels,
so the message catalogue knows them; `translate_label` looks the stored text up there. Text the
catalogue does not know (a label renamed since, a free-text fee) is shown exactly as stored. A label
whose model choice has a message context is looked up with that context.
"""
from __future__ import annotations

from django import template
from django.utils.translation import gettext, pgettext

register = template.Library()


@register.filter
def translate_label(value, context=None):
    """`{{ label|translate_label }}`, or `{{ label|translate_label:"material role" }}` for a word the
    catalogue translates differently by context (附件: a supporting material, or attachments)."""
    if not value or not isinstance(value, str):
        return value
    translated = pgettext(context, value) if context else value
    return translated if translated != value else gettext(value)
