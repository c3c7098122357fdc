"""Who may see and do what on a work order, and who is told (DESIGN rule 3), in one place.

- department-scoped roles (handlers) reach an order through its current department's subtree only;
- every other role reaches it through the hotline region it was taken in (unit_path) or through the
  department it is with, if either lies under the membership's unit (a site membership's unit is the
  site's unit, so a centre manager watches the orders of the centre's region).
The caller's identity is a separate question (`sees_identity`): a confidential caller is hidden from
everyone but the hotline's own agents, who take calls for that region (GB/T 33358).
"""
from __future__ import annotations

from django.db.models import Q

from bianmin.core.errors import PermissionDenied
from bianmin.orgs.models import Membership, Unit
from bianmin.orgs.roles import DEPARTMENT_SCOPED_ROLES, Role
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import NOTHING, memberships_for

from .models import WorkOrder


def scope_q(user, perm: str) -> Q:
    """Orders `user` may do `perm` on, as a filter (the selectors' base)."""
    if getattr(user, "is_superuser", False):
        return Q()
    q = NOTHING
    for m in memberships_for(user, perm):
        if m.role in DEPARTMENT_SCOPED_ROLES:
            q |= Q(department__path__startswith=m.unit.path)
        else:
            q |= Q(unit_path__startswith=m.unit.path) | Q(department__path__startswith=m.unit.path)
    return q


def _covers(role: str, unit_path: str, region_path: str, department_path: str | None) -> bool:
    if role in DEPARTMENT_SCOPED_ROLES:
        return bool(department_path) and department_path.startswith(unit_path)
    return region_path.startswith(unit_path) or bool(department_path and department_path.startswith(unit_path))


def may(user, perm: str, order: WorkOrder) -> bool:
    """The object-level twin of scope_q."""
    if getattr(user, "is_superuser", False):
        return True
    dept = order.department.path if order.department_id else None
    return any(_covers(m.role, m.unit.path, order.unit_path, dept) for m in memberships_for(user, perm))


def may_in_region(user, perm: str, region: Unit) -> bool:
    """May `user` do `perm` (take a call) for the hotline of `region`?"""
    if getattr(user, "is_superuser", False):
        return True
    return any(m.role not in DEPARTMENT_SCOPED_ROLES and region.path.startswith(m.unit.path)
               for m in memberships_for(user, perm))


def require(user, perm: str, order: WorkOrder) -> None:
    if not may(user, perm, order):
        raise PermissionDenied("您无权办理此热线工单。", "You may not do this on this work order.")


def sees_identity(user, order: WorkOrder, confidential: bool) -> bool:
    """Does `user` see who called (masked by default)? Confidential callers: the hotline's agents only."""
    if getattr(user, "is_superuser", False):
        return True
    if confidential:
        return may(user, Perm.TAKE_CALL, order)
    return may(user, Perm.VIEW_WORKORDERS, order)


# ---------------------------------------------------------------- who is told

def people(roles: tuple[str, ...], order: WorkOrder, *, via: str) -> list:
    """Active users holding one of `roles` whose scope reaches the order's department ("department")
    or the region the order was taken in ("region")."""
    if via == "department":
        if not order.department_id:
            return []
        path = order.department.path
    else:
        path = order.unit_path
    out = []
    for m in Membership.objects.filter(role__in=roles, user__is_active=True).select_related("unit", "user"):
        if path.startswith(m.unit.path):
            out.append(m.user)
    return out


def handlers(order: WorkOrder) -> list:
    return people((Role.HANDLER,), order, via="department")


def dispatchers(order: WorkOrder) -> list:
    """The hotline's agents for the order's region (they hold DISPATCH, see orgs.roles)."""
    return people((Role.AGENT,), order, via="region")


def overseers(order: WorkOrder) -> list:
    """The centre managers and supervisors above the order's department (told once when it is overdue)."""
    return people((Role.MANAGER, Role.SUPERVISOR), order, via="department")
