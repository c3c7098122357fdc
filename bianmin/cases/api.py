"""Counter cases API: register, read, and perform every transition (same services as the pages)."""

import json
from typing import Literal

from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status as HttpStatus

from bianmin.core.auth import STAFF_AUTH
from bianmin.core.clocks import finished_late, finished_on_time, overdue_now, warning_is
from bianmin.core.errors import InvalidInput, NotFound
from bianmin.core.openapi import action_routes
from bianmin.core.privacy import log_unmask
from bianmin.orgs.roles import Action as Perm

from . import selectors, services
from .schemas import ACTION_BODIES, CaseIn, CaseOut, CaseSummary, CaseUnmaskIn, CaseUnmaskOut, case_out
from .states import Action, Status

router = Router(tags=["cases"], auth=STAFF_AUTH)


def _visible(request, case_id: int):
    case = selectors.get_case(request.auth, case_id)
    if case is None:
        raise NotFound("办件不存在或无权查看。", "No such case, or you may not see it.")
    return case


@router.post("", response={201: CaseOut}, summary="Register a case (首问登记)")
def create_case(request, payload: CaseIn):
    user = request.auth
    item = services.item_by_code(payload.item_code)
    site = services.site_for_actor(user, payload.site_id)
    case = services.register_case(
        user, site=site, item=item, applicant=payload.applicant.dict(), window_id=payload.window_id,
        urgent=payload.urgent, entrustment=payload.entrustment.dict() if payload.entrustment else None,
    )
    return HttpStatus(201, case_out(case))


class CaseFilter(Schema):
    status: Status | None = None
    # The clock's state as each entry (and the case page) shows it: red = overdue now or finished late.
    warning: Literal["none", "yellow", "red"] | None = None
    # Finished cases only: true = completed after the due date, false = on time.
    finished_late: bool | None = None
    # Running cases past their due date now (the workbench's 已超期); false = every other case.
    overdue: bool | None = None


@router.get("", response=list[CaseSummary], summary="Cases you may see",
            description="Each entry carries its clock's state: `warning`, `overdue_days`, `finished_late` (null while "
                        "running) and `due_provisional`. A finished case is frozen at completion: `warning=red` is a "
                        "case overdue now or finished late, `overdue=true` only the running ones overdue now. The "
                        "filters select by the same rule as the entries and the case pages, so they agree.")
@paginate(LimitOffsetPagination)
def list_cases(request, filters: Query[CaseFilter]):
    qs = (selectors.visible_cases(request.auth).prefetch_related("clock__pauses")
          .order_by("-created_at", "-id"))
    if filters.status:
        qs = qs.filter(status=filters.status.value)
    if filters.warning:
        qs = qs.filter(warning_is(filters.warning, "clock"))
    if filters.finished_late is not None:
        qs = qs.filter(finished_late("clock") if filters.finished_late else finished_on_time("clock"))
    if filters.overdue is not None:
        qs = qs.filter(overdue_now("clock")) if filters.overdue else qs.exclude(overdue_now("clock"))
    return qs


@router.get("/{case_id}", response=CaseOut, summary="A case with its history (personal data masked)")
def get_case(request, case_id: int):
    return case_out(_visible(request, case_id))


@router.post("/{case_id}/unmask", response=CaseUnmaskOut, summary="Reveal the applicant's phone and ID (logged)")
def unmask(request, case_id: int, payload: CaseUnmaskIn):
    case = _visible(request, case_id)
    if not services.may(request.auth, Perm.UNMASK, site=case.site):
        from bianmin.core.errors import PermissionDenied

        raise PermissionDenied("您无权查看完整个人信息。", "You may not view full personal data.")
    log_unmask(request.auth, case, payload.reason)
    return {"applicant_phone": case.applicant_phone, "applicant_id_number": case.applicant_id_number}


def act(request, case_id: int, action: str):
    """Perform a transition; the services read and check the action's fields from the JSON body."""
    if action not in Action.__members__.values() and action not in [a.value for a in Action]:
        raise NotFound("没有这个操作。", f"Unknown action: {action}.")
    _visible(request, case_id)
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("请求内容不是有效的 JSON。", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InvalidInput("请求内容应为 JSON 对象。", "The request body must be a JSON object.")
    case = services.transition(case_id, action, request.auth, data)
    return case_out(case)


# One documented operation per action (the same URLs), then the fallback that answers unknown actions with 404.
action_routes(router, "/{case_id}", "case_id", ACTION_BODIES, act, response=CaseOut, summary="Perform a transition")
router.post("/{case_id}/{action}", response=CaseOut, include_in_schema=False)(act)
