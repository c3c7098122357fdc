"""Hotline API: intake, scoped lists, detail, every action, figures, the dispatch catalogue and phrases.

Actions (`POST /workorders/{id}/{action}`, JSON body):
- dispatch {department?, respondent_rank?, note?} — agent; default department from the category (efficiency
  complaints strictly by the respondent's rank); also re-routes a returned order;
- accept {note?} — department;
- return {reason} — department; the reason is required (first responsibility);
- reply {text} — department (accepts a dispatched order on the way);
- extend — the department asks with {reason, until: YYYY-MM-DD | amount: n (in the limit's unit)}; the
  dispatcher decides with {decision: "approve" | "reject", note (required to reject)};
- revisit {reached, resolved, satisfied, note?} — agent; reached but unresolved re-opens the order;
- close {note?} — agent; after a resolved revisit, an unreached one, or when the caller wanted no call back;
- merge {into: id} — agent; this order is the duplicate, `into` the master that keeps every caller;
- link {to: id} — agent; a repeat call about the same matter.
"""

import datetime as dt
import json

from django.http import FileResponse
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status as HttpStatus

from bianmin.core.auth import STAFF_AUTH
from bianmin.core.errors import InvalidInput, NotFound, PermissionDenied
from bianmin.core.openapi import FileOut, action_routes, file_answer
from bianmin.core.paging import RowsOfPage
from bianmin.core.privacy import log_unmask
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can

from . import access, figures, phrases, selectors, services
from .disclosure import Disclosure
from .models import DispatchCategory, Phrase, Scenario
from .schemas import (
    ACTION_BODIES,
    CategoryOut,
    HotlineFiguresOut,
    PhraseIn,
    PhraseOut,
    WorkOrderIn,
    WorkOrderOut,
    WorkOrderRow,
    WorkOrderUnmaskIn,
    WorkOrderUnmaskOut,
    category_out,
    order_detail,
    order_row,
    phrase_out,
)
from .states import Status

router = Router(tags=["hotline"], auth=STAFF_AUTH)


def _visible(request, order_id: int):
    order = selectors.get_order(request.auth, order_id)
    if order is None:
        raise NotFound("热线工单不存在或无权查看。", "No such work order, or you may not see it.")
    return order


def _json(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("请求内容不是有效的 JSON。", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InvalidInput("请求内容应为 JSON 对象。", "The request body must be a JSON object.")
    return data


@router.post("/workorders", response={201: WorkOrderOut}, summary="Take a call (受理来电、来信、留言)")
def receive(request, payload: WorkOrderIn):
    order = services.receive(request.auth, payload.dict())
    return HttpStatus(201, order_detail(selectors.get_order(request.auth, order.pk) or order, request.auth))


class OrderFilter(Schema):
    status: Status | None = None
    department: int | None = Field(None, description="A unit id: orders with that department or below it")


@router.get("/workorders", response=list[WorkOrderRow], summary="Work orders you may see")
@paginate(LimitOffsetPagination)
def list_orders(request, filters: Query[OrderFilter]):
    qs = selectors.filtered(request.auth, status=filters.status.value if filters.status else None,
                            department=filters.department).prefetch_related("callers")
    return RowsOfPage(qs, lambda order: order_row(order, request.auth))  # each row decides what it discloses


class HotlineFiguresFilter(Schema):
    department: int | None = None
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


@router.get("/workorders/figures", response=HotlineFiguresOut, summary="Hotline figures by department and period",
            description="Dispatches, return visits and orders from `from` to `to` (inclusive; either may be left "
                        "out) in `department` and below, within your scope. Rates are null when nothing can be "
                        "counted.")
def get_figures(request, filters: Query[HotlineFiguresFilter]):
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InvalidInput("起始日期不能晚于截止日期。", "`from` must not be after `to`.", field="from")
    department = selectors.unit_by_id(filters.department) if filters.department else None
    figs = figures.compute(selectors.visible_orders(request.auth), department, filters.date_from, filters.date_to)
    return {"date_from": filters.date_from, "date_to": filters.date_to, "department_id": filters.department,
            **figs.as_dict(), "definitions": {k: str(v) for k, v in figures.DEFINITIONS.items()}}


@router.get("/workorders/{order_id}", response=WorkOrderOut, summary="A work order with its history")
def get_order(request, order_id: int):
    return order_detail(_visible(request, order_id), request.auth)


@router.post("/workorders/{order_id}/unmask", response=WorkOrderUnmaskOut,
             summary="Reveal the callers' phones (logged)")
def unmask(request, order_id: int, payload: WorkOrderUnmaskIn):
    order = _visible(request, order_id)
    disclosure = Disclosure(request.auth, order, unmasked=True)
    # Confidential callers stay hidden from whoever may not see them at all (the department): with nobody
    # to reveal, there is nothing to log either.
    if not access.may(request.auth, Perm.UNMASK_CALLER, order) or not disclosure.sees_any_caller:
        raise PermissionDenied("您无权查看来电人完整信息。", "You may not view the callers' full details.")
    log_unmask(request.auth, order, payload.reason)
    return {"callers": disclosure.caller_rows()}


@router.post("/workorders/{order_id}/attachments", response={201: FileOut}, summary="Attach a file (10 MB at most)")
def attach(request, order_id: int, file: File[UploadedFile]):
    _visible(request, order_id)
    attachment = services.attach(order_id, request.auth, file)
    return HttpStatus(201, {"id": attachment.pk, "name": attachment.name, "size": attachment.size})


@router.get("/workorders/{order_id}/attachments/{attachment_id}", summary="Download an attachment",
            openapi_extra=file_answer("application/octet-stream"))
def download(request, order_id: int, attachment_id: int):
    order = _visible(request, order_id)
    attachment = order.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("附件不存在。", "No such attachment.")
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=f"attachment-{attachment.pk}",
                        content_type=attachment.content_type or "application/octet-stream")


def act(request, order_id: int, action: str):
    """Perform an action; the services read and check the action's fields from the JSON body."""
    _visible(request, order_id)
    if action not in services.HANDLERS:
        raise NotFound("没有这个操作。", f"Unknown action: {action[:40]}.")
    order = services.transition(order_id, action, request.auth, _json(request))
    # After a return the department no longer sees the order in lists; its answer still describes it.
    return order_detail(selectors.get_order(request.auth, order.pk) or order, request.auth)


# One documented operation per action (the same URLs), then the fallback that answers unknown actions with 404.
action_routes(router, "/workorders/{order_id}", "order_id", ACTION_BODIES, act, response=WorkOrderOut,
              summary="Perform an action")
router.post("/workorders/{order_id}/{action}", response=WorkOrderOut, include_in_schema=False)(act)


# ---------------------------------------------------------------- catalogue and phrases

@router.get("/dispatch-categories", response=list[CategoryOut], summary="The dispatch catalogue (active categories)")
def list_categories(request):
    return [category_out(c) for c in DispatchCategory.objects.filter(active=True).select_related("department")]


class PhraseFilter(Schema):
    scenario: Scenario | None = None


@router.get("/phrases", response=list[PhraseOut], summary="Standard phrases of the hotline, by scenario")
def list_phrases(request, filters: Query[PhraseFilter]):
    if not (can(request.auth, Perm.TAKE_CALL) or can(request.auth, Perm.EDIT_PHRASES)):
        raise PermissionDenied("只有热线坐席和中心负责人可以查看标准用语。",
                               "Only agents and managers read the phrases.")
    qs = Phrase.objects.all() if can(request.auth, Perm.EDIT_PHRASES) else Phrase.objects.filter(active=True)
    if filters.scenario:
        qs = qs.filter(scenario=filters.scenario.value)
    return [phrase_out(p) for p in qs.order_by("scenario", "step")]


@router.patch("/phrases/{phrase_id}", response=PhraseOut, summary="Edit a standard phrase (managers)")
def edit_phrase(request, phrase_id: int, payload: PhraseIn):
    return phrase_out(phrases.edit(request.auth, phrase_id, payload.dict(exclude_unset=True)))
