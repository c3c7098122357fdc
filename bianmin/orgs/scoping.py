"""Org-scoped access: every query for a signed-in person is filtered here (DESIGN rule 3), in the NetBox manner.

Each scoped model declares *where* its rows sit in the organisation as a class attribute,

    scope = Scope(site="site", unit_path="site__unit__path", department_path="handover_department__path")

and everything else asks this module:

- ``Model.objects.for_user(user, action)`` — the rows `user` may do `action` on (ScopedQuerySet);
- ``may(user, action, obj)`` — may `user` do `action` on this one object (the same rule, asked of one row);
- ``people(roles, obj)`` — who must be told: active users holding one of `roles` whose scope reaches `obj`.

The rule itself lives in one function, `membership_q` (which rows one role grant reaches), and `scope_q` adds the
two that are not grants: a superuser reaches everything, and a person named on a row (an assignee) reaches it for
the actions the model lists. No app builds its own membership query.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Count, Q

from .roles import DEPARTMENT_SCOPED_ROLES, ROLE_ACTIONS, role_allows

NOTHING = Q(pk__in=[])
# "Everything" as a real condition, not Q(): `Q() | Q(assignee=user)` is just Q(assignee=user), which is how the
# superuser once saw only the tickets assigned to them (issue 14).
EVERYTHING = ~Q(pk__in=[])

Fields = str | tuple[str, ...]

# A grant limited to one site always reaches the rows whose site field is that site; Scope.site_memberships says
# whether it also reaches rows by unit path:
BY_SITE = "site"  # no: through the site field(s) only (cases, ratings, tickets)
SITE_SUBTREE = "subtree"  # rows under the site's unit too (hotline orders: a centre watches its region)
SITE_OWN_UNIT = "own_unit"  # rows of the site's own unit, not the units below (comments, assessments)
SITE_NONE = "none"  # no, and a model without a site field is out of its reach (a region's figures and reports)


def _fields(value: Fields) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class Scope:
    """Where a model's rows sit: the fields the scoping rule reads. Each may name one field or several (a row
    reached through any of them is reached)."""

    site: Fields = ()  # the row's site(s): site-limited memberships reach it
    unit_path: Fields = ()  # unit tree path(s): unit-wide memberships reach it when the path lies under their unit
    department_path: Fields = ()  # the department it was handed to: department-scoped roles (handlers) reach it
    person: Fields = ()  # user field(s): the person named there reaches the row personally …
    person_actions: frozenset = field(default_factory=frozenset)  # … for these actions only
    site_memberships: str = BY_SITE

    def __post_init__(self):
        for name in ("site", "unit_path", "department_path", "person"):
            object.__setattr__(self, name, _fields(getattr(self, name)))


# Scopes of the organisation's own tables, for the questions "which sites / units may this person act on".
SITES = Scope(site="pk", unit_path="unit__path")
UNITS = Scope(unit_path="path", site_memberships=SITE_NONE)  # a site-limited grant covers no unit
DEPARTMENTS = Scope(department_path="path")  # a department unit, as its handlers reach it


def memberships_for(user, action: str | Iterable[str]):
    """The user's role grants that allow `action` (or any of several actions)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_bianmin_memberships", None)
    if cache is None:
        cache = list(user.memberships.select_related("unit", "site__unit"))
        user._bianmin_memberships = cache
    actions = _fields(action)
    return [m for m in cache if any(role_allows(m.role, a) for a in actions)]


def _or(*qs: Q) -> Q:
    """The union of the conditions, leaving out the empty ones (NOTHING stays NOTHING, for the callers' test)."""
    kept = [q for q in qs if q != NOTHING]
    if not kept:
        return NOTHING
    out = kept[0]
    for q in kept[1:]:
        out |= q
    return out


def _any(fields: tuple[str, ...], lookup: str, value) -> Q:
    return _or(*(Q(**{f"{name}{lookup}": value}) for name in fields))


def membership_q(m, scope: Scope) -> Q:
    """The rows one role grant reaches: THE scoping rule.

    - department-scoped roles (handlers) by the department the row was handed to, subtree included;
    - a grant limited to one site by that site (or as the model's `site_memberships` says);
    - any other grant by the unit subtree."""
    if m.role in DEPARTMENT_SCOPED_ROLES:
        return _any(scope.department_path, "__startswith", m.unit.path)
    if m.site_id:
        by_path = NOTHING
        if scope.site_memberships == SITE_SUBTREE:
            by_path = _any(scope.unit_path, "__startswith", m.site.unit.path)
        elif scope.site_memberships == SITE_OWN_UNIT:
            by_path = _any(scope.unit_path, "", m.site.unit.path)
        return _or(_any(scope.site, "", m.site_id), by_path)
    return _any(scope.unit_path, "__startswith", m.unit.path)


def scope_q(user, action: str | Iterable[str], scope: Scope) -> Q:
    """A Q restricting rows (described by `scope`) to what `user` may do `action` (or any of several) on."""
    if getattr(user, "is_superuser", False):
        return EVERYTHING
    grants = [membership_q(m, scope) for m in memberships_for(user, action)]
    if scope.person and getattr(user, "is_authenticated", False) and set(_fields(action)) & scope.person_actions:
        grants.append(_any(scope.person, "", user))
    return _or(*grants)


def scope_of(model, scope: Scope | None = None) -> Scope:
    found = scope or getattr(model, "scope", None)
    if not isinstance(found, Scope):
        raise TypeError(f"{model.__name__} declares no Scope (class attribute `scope`)")
    return found


def restrict(queryset, user, action: str | Iterable[str], scope: Scope | None = None):
    """`queryset` narrowed to the rows `user` may do `action` on (for models that are not ScopedQuerySets)."""
    if getattr(user, "is_superuser", False):
        return queryset.all()
    return queryset.filter(scope_q(user, action, scope_of(queryset.model, scope)))


class ScopedQuerySet(models.QuerySet):
    """Mixin for the querysets of scoped models: `Model.objects.for_user(user, action)`."""

    def for_user(self, user, action: str | Iterable[str]):
        return restrict(self, user, action)


def may(user, action: str | Iterable[str], obj, scope: Scope | None = None) -> bool:
    """May `user` do `action` on `obj`? The object-level twin of for_user: the same rule, asked of one row."""
    if getattr(user, "is_superuser", False):
        return True
    if obj is None or obj.pk is None:
        return False
    q = scope_q(user, action, scope_of(type(obj), scope))
    if q == NOTHING:
        return False
    return type(obj)._base_manager.filter(q, pk=obj.pk).exists()


def can(user, action: str) -> bool:
    """Does the user hold any role that allows `action` anywhere?"""
    return bool(getattr(user, "is_superuser", False) or memberships_for(user, action))


def sites_for(user, action: str):
    from .models import Site

    return restrict(Site.objects.all(), user, action, SITES)


def own_site(user, action: str, *, or_reachable: bool = True):
    """The site the person works at (their first grant limited to a site that allows `action`), else (with
    `or_reachable`) the first site their grants reach, else None: where a clerk's new case belongs."""
    for m in memberships_for(user, action):
        if m.site_id:
            return m.site
    return sites_for(user, action).select_related("unit").first() if or_reachable else None


def granted_units(user, action: str, *, site_grants: bool = True) -> list:
    """The units the person's grants for `action` are on (a site grant: the site's unit), department-scoped
    grants left out, once each in tree order: e.g. the hotline regions an agent takes calls for."""
    units = {m.unit.pk: m.unit for m in memberships_for(user, action)
             if m.role not in DEPARTMENT_SCOPED_ROLES and (site_grants or not m.site_id)}
    return sorted(units.values(), key=lambda u: u.path)


def highest_unit(user, action: str):
    """The highest unit a unit-wide grant of the person's reaches for `action` (their broadest view), else None."""
    return min(granted_units(user, action, site_grants=False), key=lambda u: (u.path.count("/"), u.path), default=None)


def via_department(user, action: str) -> bool:
    """Does the person do `action` as a department (a department-scoped grant, e.g. a handler)?"""
    return any(m.role in DEPARTMENT_SCOPED_ROLES for m in memberships_for(user, action))


def units_for(user, action: str, scope: Scope = UNITS):
    from .models import Unit

    return restrict(Unit.objects.all(), user, action, scope)


def grants_allowing(action: str):
    """Every active person's role grant that allows `action`, with its unit and site: where such people work
    (e.g. the scopes whose dashboards the worker warms)."""
    from .models import Membership

    roles = [role for role in ROLE_ACTIONS if role_allows(role, action)]
    return Membership.objects.filter(role__in=roles, user__is_active=True).select_related("unit", "site__unit")


# ---------------------------------------------------------------- who must be told

def people(roles: Iterable[str], obj, scope: Scope | None = None, *, grants: Q | None = None) -> list:
    """Active users holding one of `roles` whose grant reaches `obj` (by the model's scope, or `scope` to name
    other fields, e.g. only the department an order is with): the addressees of a notification. `grants`
    narrows the grants considered (e.g. reviewers at county level or above)."""
    from .models import Membership

    if obj is None or obj.pk is None:
        return []
    scope = scope_of(type(obj), scope)
    reach = {}
    candidates = Membership.objects.filter(role__in=list(roles), user__is_active=True)
    if grants is not None:
        candidates = candidates.filter(grants)
    for m in candidates.select_related("unit", "site__unit", "user").order_by("pk"):
        q = membership_q(m, scope)
        if q != NOTHING:
            reach[m] = q
    if not reach:
        return []
    # One query however many grants: a conditional count per grant over the one row.
    counts = type(obj)._base_manager.filter(pk=obj.pk).aggregate(
        **{f"m{i}": Count("pk", filter=q) for i, q in enumerate(reach.values())})
    out: dict = {}
    for i, m in enumerate(reach):
        if counts[f"m{i}"]:
            out.setdefault(m.user.pk, m.user)
    return list(out.values())
