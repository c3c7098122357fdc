"""Reading alerts and choosing a jurisdiction, always scoped (orgs.scoping): a centre manager sees the alerts of
their site and of its own unit, a supervisor those of their unit and every unit below it."""
from __future__ import annotations

from django.db.models import Q

from bianmin.core.errors import InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import object_id
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can

from .models import Alert, Kind

# Who reads and acknowledges alerts: the people who read the figures (centre managers, supervisors). Who sets the
# thresholds: the people who set the assessment schedule of a jurisdiction (the same managers and supervisors).
VIEW = Action.VIEW_STATS
CONFIGURE = Action.ASSESS


# Ids from query strings and forms: one rule (core.inputs).
_as_id = object_id


def require_view(user) -> None:
    if not can(user, VIEW):
        raise PermissionDenied("您无权查看预警。", "You may not see alerts.")


def alerts_for(user, *, open_only: bool | None = None, kind: str | None = None):
    """The alerts `user` may see, newest first; `open_only` True: not yet acknowledged, False: acknowledged."""
    qs = Alert.objects.for_user(user, VIEW).select_related("unit", "site", "acknowledged_by")
    if open_only is True:
        qs = qs.filter(acknowledged_at__isnull=True)
    elif open_only is False:
        qs = qs.filter(acknowledged_at__isnull=False)
    if kind:
        if kind not in Kind.values:
            raise InvalidInput("预警类型无效。", f"Unknown alert kind; use one of {', '.join(Kind.values)}.",
                               field="kind")
        qs = qs.filter(kind=kind)
    return qs.order_by("-raised_at", "-id")


def alert_for(user, alert_id) -> Alert:
    """One alert the person may see, else a 404 that says nothing about the others."""
    pk = _as_id(alert_id)
    found = alerts_for(user).filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound("预警不存在或您无权查看。", "No such alert, or you may not see it.")
    return found


def open_count(user, *, unit=None, site=None) -> int:
    """Open alerts the person may see, within a site (its own and its unit's) or a unit's subtree when given:
    the figure on the dashboard."""
    if not can(user, VIEW):
        return 0
    qs = alerts_for(user, open_only=True)
    if site is not None:
        qs = qs.filter(Q(site=site) | Q(site__isnull=True, unit_path=site.unit.path))
    elif unit is not None:
        qs = qs.filter(unit_path__startswith=unit.path)
    return qs.count()


def policy_units(user, action: str = CONFIGURE):
    """The jurisdictions whose thresholds the person may read or set: unit-wide grants their subtree, a grant
    limited to a site its site's unit (the rule staffops uses for a jurisdiction's assessment schedule)."""
    from bianmin.staffops.selectors import units_reachable

    return units_reachable(user, action)


def policy_unit(user, unit_id, action: str = CONFIGURE):
    """The unit asked for (default: the broadest the person reaches), 403 for someone with no such grant at all,
    404 for a unit out of reach."""
    if not can(user, action):
        raise PermissionDenied("您无权查看或修改预警参数。", "You may not see or change alert thresholds.")
    units = policy_units(user, action)
    if unit_id in (None, ""):
        found = units.first()
    else:
        pk = _as_id(unit_id)
        found = units.filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound("单位不存在或您无权查看其预警参数。", "No such unit, or you may not see its alert thresholds.")
    return found
