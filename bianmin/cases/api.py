"""Counter cases API: register, read, and perform every transition (same services as the pages)."""

import json

from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status as HttpStatus

from bianmin.core.auth import STAFF_AUTH
from bianmin.core.clocks import state_of
from bianmin.core.errors import InvalidInput, NotFound
from bianmin.core.privacy import log_unmask
from bianmin.orgs.roles import Action as Perm

from . import selectors, services
from .schemas import CaseIn, CaseOut, CaseSummary, UnmaskIn, UnmaskOut, case_out
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
    warning: str | None = None


@router.get("", response=list[CaseSummary], summary="Cases you may see")
@paginate(LimitOffsetPagination)
def list_cases(request, filters: Query[CaseFilter]):
    qs = selectors.visible_cases(request.auth).prefetch_related("clock__pauses").order_by("-created_at")
    if filters.status:
        qs = qs.filter(status=filters.status.value)
    if filters.warning in ("none", "yellow", "red"):
        qs = qs.filter(clock__warning=filters.warning)
    out = []
    for case in qs:
        state = state_of(case.clock) if case.clock else None
        out.append({"id": case.pk, "number": case.number, "status": case.status, "item_name": case.item.name,
                    "applicant_name": case.applicant_name, "due_date": state.due_date if state else None,
                    "warning": state.warning.value if state else "none"})
    return out


@router.get("/{case_id}", response=CaseOut, summary="A case with its history (personal data masked)")
def get_case(request, case_id: int):
    return case_out(_visible(request, case_id))


@router.post("/{case_id}/unmask", response=UnmaskOut, summary="Reveal the applicant's phone and ID (logged)")
def unmask(request, case_id: int, payload: UnmaskIn):
    case = _visible(request, case_id)
    if not services.may(request.auth, Perm.UNMASK, site=case.site):
        from bianmin.core.errors import PermissionDenied

        raise PermissionDenied("您无权查看完整个人信息。", "You may not view full personal data.")
    log_unmask(request.auth, case, payload.reason)
    return {"applicant_phone": case.applicant_phone, "applicant_id_number": case.applicant_id_number}


@router.post("/{case_id}/{action}", response=CaseOut, summary="Perform a transition",
             description="Actions: " + ", ".join(a.value for a in Action) + ". The body carries the action's fields.")
def act(request, case_id: int, action: str):
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
