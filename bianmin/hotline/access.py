"""Who may see and do what on a work order, and who is told (DESIGN rule 3), in one place.

Which orders a person reaches is WorkOrder.scope, read by orgs.scoping (for_user / may / people): handlers
through the order's current department, every other grant through its region or its department.
The caller's identity is a separate question (`sees_identity`): a confidential caller is hidden from
everyone but the hotline's own agents, who take calls for that region (GB/T 33358).
"""
from __future__ import annotations

from bianmin.core.errors import PermissionDenied
from bianmin.orgs import scoping
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.roles import Role

from .models import WorkOrder

# Who is told, by where the order is: with its department (handlers, the managers and supervisors above the
# department) or in the region it was taken in (the hotline's agents). The reach itself is orgs.scoping's.
VIA_DEPARTMENT = scoping.Scope(unit_path="department__path", department_path="department__path",
                               site_memberships=scoping.SITE_SUBTREE)
VIA_REGION = scoping.Scope(unit_path="unit_path", site_memberships=scoping.SITE_SUBTREE)
# A hotline region, as a unit: agents take calls for the regions under their grant (never handlers).
REGION = scoping.Scope(unit_path="path", site_memberships=scoping.SITE_SUBTREE)


def may(user, perm: str, order: WorkOrder) -> bool:
    """The order's scope (WorkOrder.scope, orgs.scoping)."""
    return scoping.may(user, perm, order)


def may_in_region(user, perm: str, region: Unit) -> bool:
    """May `user` do `perm` (take a call) for the hotline of `region`?"""
    return scoping.may(user, perm, region, REGION)


def require(user, perm: str, order: WorkOrder) -> None:
    if not may(user, perm, order):
        raise PermissionDenied("您无权办理此热线工单。", "You may not do this on this work order.")


def sees_identity(user, order: WorkOrder, confidential: bool) -> bool:
    """Does `user` see who called (masked by default)? Confidential callers: the hotline's agents only."""
    if confidential:
        return may(user, Perm.TAKE_CALL, order)
    return may(user, Perm.VIEW_WORKORDERS, order)


# ---------------------------------------------------------------- who is told

def handlers(order: WorkOrder) -> list:
    return scoping.people([Role.HANDLER], order, VIA_DEPARTMENT)


def dispatchers(order: WorkOrder) -> list:
    """The hotline's agents for the order's region (they hold DISPATCH, see orgs.roles)."""
    return scoping.people([Role.AGENT], order, VIA_REGION)


def overseers(order: WorkOrder) -> list:
    """The centre managers and supervisors above the order's department (told once when it is overdue)."""
    return scoping.people([Role.MANAGER, Role.SUPERVISOR], order, VIA_DEPARTMENT)
