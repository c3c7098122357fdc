"""`{% display_options as d %}`: the large-text / high-contrast choice of this browser, for base.html (core/display.py)."""
from django import template

from bianmin.core import display

register = template.Library()


@register.simple_tag(takes_context=True)
def display_options(context) -> dict:
    request = context.get("request")
    options = display.chosen(request) if request is not None else frozenset()
    return {"classes": display.html_classes(options), "large": "large" in options, "contrast": "contrast" in options}
