"""Alerts API (issue 18 part 7): the alerts in your scope, acknowledging one, and a jurisdiction's thresholds.
Scoping is selectors'; every change goes through services, the same functions as the pages."""
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from bianmin.core.auth import STAFF_AUTH
from bianmin.core.paging import RowsOfPage

from . import selectors, services
from .schemas import (
    AlertAcknowledgeIn,
    AlertFilter,
    AlertOut,
    AlertPolicyFilter,
    AlertPolicyIn,
    AlertPolicyOut,
    alert_dict,
    policy_dict,
)

router = Router(tags=["alerts"], auth=STAFF_AUTH)


@router.get("/alerts", response=list[AlertOut], summary="Early warnings (预警) in your scope",
            description="A centre manager's site and its unit; a supervisor's unit and every unit below. Newest "
                        "first. `open=true`: not yet acknowledged; `kind`: one kind only.")
@paginate(LimitOffsetPagination)
def list_alerts(request, filters: Query[AlertFilter]):
    selectors.require_view(request.auth)
    return RowsOfPage(selectors.alerts_for(request.auth, open_only=filters.open, kind=filters.kind), alert_dict)


@router.get("/alerts/policy", response=AlertPolicyOut, summary="A jurisdiction's alert thresholds",
            description="The thresholds in force and where they come from (own, inherited from a unit above, or "
                        "the defaults). A unit out of your reach → 404.")
def get_policy(request, filters: Query[AlertPolicyFilter]):
    unit = selectors.policy_unit(request.auth, filters.unit_id, selectors.VIEW)
    return policy_dict(services.policy_view(unit))


@router.put("/alerts/policy", response=AlertPolicyOut, summary="Set a jurisdiction's alert thresholds",
            description="Managers of the unit, or supervisors above it. Fields left out keep the value in force; "
                        "a value out of range → 422 and nothing is changed.")
def put_policy(request, filters: Query[AlertPolicyFilter], payload: AlertPolicyIn):
    row = services.save_policy(request.auth, filters.unit_id, payload.model_dump(exclude_none=True))
    return policy_dict(services.policy_view(row.unit))


@router.post("/alerts/{alert_id}/acknowledge", response=AlertOut, summary="Acknowledge an alert with a note",
             description="An alert you may see (else 404); already acknowledged → 409.")
def acknowledge(request, alert_id: int, payload: AlertAcknowledgeIn):
    return alert_dict(services.acknowledge(request.auth, alert_id, payload.note))
