"""Bad-review loop API: tickets (scoped list, detail, actions) and appeals."""

import datetime as dt

from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status as HttpStatus

from bianmin.core import timeutil
from bianmin.core.auth import STAFF_AUTH
from bianmin.core.errors import InvalidInput, NotFound
from bianmin.core.openapi import FileOut, action_routes, body
from bianmin.core.paging import RowsOfPage
from bianmin.ratings.models import Rating

from . import figures, selectors, services
from .schemas import (
    ACTION_BODIES,
    AppealOut,
    TicketDetail,
    TicketFiguresOut,
    TicketRow,
    appeal_out,
    ticket_detail,
    ticket_row,
)
from .states import Action, Status

router = Router(tags=["rectification"], auth=STAFF_AUTH)


class TicketFilter(Schema):
    status: Status | None = None
    overdue: bool | None = None
    unit: int | None = None
    outcome: str | None = Field(None, max_length=20)
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


def _ticket(request, ticket_id: int):
    ticket = selectors.get_ticket(request.auth, ticket_id)
    if ticket is None:
        raise NotFound("整改工单不存在或无权查看。", "No such ticket, or you may not see it.")
    return ticket


@router.get("/rectifications", response=list[TicketRow], summary="Bad-review tickets in your scope")
@paginate(LimitOffsetPagination)
def list_tickets(request, filters: Query[TicketFilter]):
    now = timeutil.now()
    return RowsOfPage(selectors.filtered(request.auth, filters.dict()).prefetch_related(
        "verify_clock__pauses", "rectify_clock__pauses", "ledger_clock__pauses"), lambda t: ticket_row(t, now))


class TicketFiguresFilter(Schema):
    unit: int | None = None
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


@router.get("/rectifications/figures", response=TicketFiguresOut,
            summary="The policy's figures for tickets in your scope",
            description="Tickets created and appeals filed from `from` to `to` (inclusive, either may be left out) "
                        "in `unit` and below, within your scope. Rates are null when nothing can be counted.")
def get_figures(request, filters: Query[TicketFiguresFilter]):
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InvalidInput("起始日期不能晚于截止日期。", "`from` must not be after `to`.", field="from")
    figs = figures.compute(selectors.filtered(request.auth, {"unit": filters.unit}),
                           selectors.appeals_of_unit(request.auth, filters.unit), filters.date_from, filters.date_to)
    return {"date_from": filters.date_from, "date_to": filters.date_to, **figs.as_dict(),
            "definitions": {k: str(v) for k, v in figures.DEFINITIONS.items()}}


@router.get("/rectifications/{ticket_id}", response=TicketDetail, summary="A ticket with its contact log and history")
def get_ticket(request, ticket_id: int):
    return ticket_detail(_ticket(request, ticket_id))


@router.post("/rectifications/{ticket_id}/attachments", response={201: FileOut}, summary="Attach evidence to a ticket")
def attach(request, ticket_id: int, file: File[UploadedFile]):
    _ticket(request, ticket_id)
    attachment = services.attach(ticket_id, request.auth, file)
    return HttpStatus(201, {"id": attachment.pk, "name": attachment.name, "size": attachment.size})


def act(request, ticket_id: int, action: str):
    """Perform a ticket action; the services read and check the action's fields from the JSON body."""
    import json

    _ticket(request, ticket_id)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        from bianmin.core.errors import InvalidInput

        raise InvalidInput("请求内容不是有效的 JSON。", "The body is not valid JSON.") from None
    if action not in [a.value for a in Action]:
        raise NotFound("没有这个操作。", f"Unknown action: {action[:40]}.")
    services.transition(ticket_id, action, request.auth, body)
    return ticket_detail(_ticket(request, ticket_id))


# One documented operation per action (the same URLs), then the fallback that answers unknown actions with 404.
action_routes(router, "/rectifications/{ticket_id}", "ticket_id", ACTION_BODIES, act, response=TicketDetail,
              summary="Perform a ticket action")
router.post("/rectifications/{ticket_id}/{action}", response=TicketDetail, include_in_schema=False)(act)


class AppealIn(Schema):
    reason: str = Field(..., max_length=4000)


class AppealFormIn(Schema):
    """An appeal with evidence files (multipart/form-data)."""

    reason: str = Field(..., max_length=4000)
    files: list[bytes] = Field([], description="Evidence files")


class DecisionIn(Schema):
    decision: str = Field(..., max_length=20)
    reason: str = Field(..., max_length=4000)


@router.post("/ratings/{rating_id}/appeals", response={201: AppealOut}, summary="Appeal a rating (申诉)",
             description="JSON {reason}, or multipart with `reason` and evidence `files`.",
             openapi_extra=body(AppealIn, form=AppealFormIn))
def file_appeal(request, rating_id: int):
    import json

    rating = Rating.objects.select_related("staff", "site").filter(pk=rating_id).first()
    if rating is None:
        raise NotFound("评价不存在。", "No such rating.")
    if request.content_type and request.content_type.startswith("multipart/"):
        reason, files = request.POST.get("reason"), request.FILES.getlist("files")
    else:
        try:
            reason, files = json.loads(request.body or b"{}").get("reason"), []
        except (ValueError, UnicodeDecodeError, AttributeError):
            from bianmin.core.errors import InvalidInput

            raise InvalidInput("请求内容不是有效的 JSON。", "The body is not valid JSON.") from None
    appeal = services.file_appeal(request.auth, rating, reason=reason, files=files)
    return HttpStatus(201, appeal_out(appeal))


@router.post("/appeals/{appeal_id}/decide", response=AppealOut, summary="Decide an appeal (复核)")
def decide(request, appeal_id: int, payload: DecisionIn):
    return appeal_out(services.decide_appeal(request.auth, appeal_id, decision=payload.decision,
                                             reason=payload.reason))


@router.get("/appeals", response=list[AppealOut], summary="Appeals you filed, are concerned by, or may decide")
@paginate(LimitOffsetPagination)
def list_appeals(request):
    return [appeal_out(a) for a in selectors.visible_appeals(request.auth).order_by("-filed_at")]


