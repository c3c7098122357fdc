"""Template filters that mask personal data by default (DESIGN rule 6)."""
from django import template
from django.utils.safestring import SafeData, mark_safe

from bianmin.core.masking import mask_id_number, mask_name, mask_phone, mask_text

register = template.Library()
register.filter("mask_phone", mask_phone)
register.filter("mask_id", mask_id_number)
register.filter("mask_name", mask_name)
# Free text written by people (a case result, a rating comment, a ticket note, a 综合点评) may hold a phone or ID
# number someone typed in: every page shows such text through this filter (tests/test_privacy_free_text.py checks
# the templates); the stored text is whole, for those allowed to unmask.
@register.filter
def pii(value):
    """Phone and ID numbers inside free text, masked. Put it first in a filter chain (before truncatechars or
    linebreaksbr), so that no cut or markup splits a number before it is found."""
    if not value:
        return value
    masked = mask_text(str(value))
    return mark_safe(masked) if isinstance(value, SafeData) else masked  # digits become *: markup stays intact
