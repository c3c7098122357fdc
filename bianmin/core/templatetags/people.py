"""`{{ user|person }}`: a person as "name · post", never the login name (the rule is in orgs/people.py)."""
from __future__ import annotations

from django import template

from bianmin.orgs.people import person as _person

register = template.Library()


@register.filter
def person(user) -> str:
    return _person(user) if user else ""
