"""How a person is shown: "name · post" (高玉兰 · 综合受理员), never the sign-in name.

The one place for it: the header, every history (cases, tickets, hotline orders), appeals, surveys and
staff pages use `person(user)` — in templates the `person` filter (core/templatetags/people.py).
The name is the staff record's (the roster is kept there) or else the account's own name; the post is the
staff member's position (without its bracketed note, so the header stays short) or else the label of the
account's role. A login name is shown only for an account that has no name at all.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils import translation

from .models import Membership
from .roles import Role

SEPARATOR = " · "
_CACHE = "_person_label"
_NOTE = re.compile(r"[（(].*?[）)]")  # "便民服务中心主任（镇党委副书记兼任）" → "便民服务中心主任"
# The role shown when an account has several: the one closest to its daily work first.
_ROLE_ORDER = [Role.CLERK, Role.HANDLER, Role.AGENT, Role.MANAGER, Role.SUPERVISOR, Role.ADMIN]


def _staff(user):
    return getattr(user, "staff", None)  # no staff record: the reverse accessor raises, getattr gives None


def name_of(user) -> str:
    staff = _staff(user)
    if staff is not None and staff.name:
        return staff.name
    first, last = user.first_name.strip(), user.last_name.strip()
    if first and last and not (first + last).isascii():
        return last + first  # Chinese order: surname first, no space
    return user.get_full_name().strip() or user.get_username()


def _role_label(roles: Iterable[str]) -> str:
    held = set(roles)
    for role in _ROLE_ORDER:
        if role.value in held:
            return str(role.label)
    return ""


def post_of(user, roles: Iterable[str] | None = None) -> str:
    staff = _staff(user)
    position = _NOTE.sub("", staff.position).strip() if staff is not None and staff.position else ""
    if position:
        return position
    if roles is None:
        roles = Membership.objects.filter(user_id=user.pk).values_list("role", flat=True)
    return _role_label(roles)


def person(user, roles: Iterable[str] | None = None) -> str:
    """"name · post" for an account (cached on the instance: a page shows the same person many times)."""
    if user is None:
        return ""
    # The post may be a translated role label: the cache is per language.
    key = f"{_CACHE}_{translation.get_language()}"
    cached = getattr(user, key, None)
    if cached is not None and roles is None:
        return cached
    name, post = name_of(user), post_of(user, roles)
    label = f"{name}{SEPARATOR}{post}" if post and post != name else name
    setattr(user, key, label)
    return label


def people(users: Iterable) -> dict[int, str]:
    """Account id → "name · post" for many accounts, in three queries whatever their number."""
    ids = {u if isinstance(u, int) else u.pk for u in users if u is not None}
    roles: dict[int, list[str]] = {}
    for user_id, role in Membership.objects.filter(user_id__in=ids).values_list("user_id", "role"):
        roles.setdefault(user_id, []).append(role)
    accounts = get_user_model().objects.filter(pk__in=ids).select_related("staff")
    return {u.pk: person(u, roles.get(u.pk, [])) for u in accounts}


def by_username(usernames: Iterable[str]) -> dict[str, str]:
    """Login name → "name · post" (for histories that store the login name, such as the hotline's API view)."""
    accounts = get_user_model().objects.filter(username__in={u for u in usernames if u})
    labels = people(accounts)
    return {u.username: labels[u.pk] for u in accounts}
