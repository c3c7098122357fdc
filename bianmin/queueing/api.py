"""Queue API (issue 16): take a ticket and follow it (public, rate-limited), a hall's queue (public), call the next
ticket and act on it (clerks at the site).

Actions (`POST /queue/tickets/{id}/{action}`, JSON body): recall, start, skip {reason?}, park {reason?}, unpark,
transfer {window, reason}, finish {next_item?, reason?}. Every answer is {"ticket": {...}}.
"""
from __future__ import annotations

import json

from ninja import Router
from ninja.responses import Status as HttpStatus

from bianmin.core import throttle
from bianmin.core.auth import STAFF_AUTH
from bianmin.core.errors import InvalidInput, NotFound, RateLimited
from bianmin.core.openapi import action_routes, errors
from bianmin.orgs.models import Site

from . import selectors, services
from .schemas import (
    ACTION_BODIES,
    CallIn,
    PublicQueueOut,
    TicketAnswer,
    TicketCreatedOut,
    TicketIn,
    TicketPositionOut,
    ticket_out,
)

router = Router(tags=["queue"], auth=STAFF_AUTH)

THROTTLE_PURPOSE = "queue-ticket"


def _json(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("请求内容不是有效的 JSON。", "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InvalidInput("请求内容应为 JSON 对象。", "The request body must be a JSON object.")
    return data


@router.post("/queue/tickets", response={201: TicketCreatedOut}, auth=None, openapi_extra=errors(409, 429),
             summary="Take a queue ticket (取号; public, rate-limited)")
def take_ticket(request, payload: TicketIn):
    address = throttle.client_address(request)
    if throttle.is_limited(THROTTLE_PURPOSE, address):
        raise RateLimited()
    throttle.hit(THROTTLE_PURPOSE, address)
    site = Site.objects.filter(pk=payload.site).first()
    if site is None:
        raise InvalidInput("服务场所不存在。", "No such site.", field="site")
    ticket = services.issue(site, item=payload.item, priority=payload.priority,
                            appointment_code=payload.appointment_code, phone=payload.phone,
                            id_number=payload.id_number, source="online")
    return HttpStatus(201, {"id": ticket.pk, "number": ticket.number, "ahead": ticket.ahead_at_issue,
                            "token": ticket.token, "estimate_low": ticket.estimate_low,
                            "estimate_high": ticket.estimate_high})


@router.get("/queue/tickets/{token}", response=TicketPositionOut, auth=None,
            summary="Follow a ticket: status, people ahead, window (public, by its token)")
def follow_ticket(request, token: str):
    ticket = selectors.ticket_by_token(token)
    if ticket is None:
        raise NotFound("排队号不存在。", "No such ticket.")
    return selectors.position(ticket)


@router.post("/queue/call", response=TicketAnswer, summary="Call the next ticket at your window (叫号)")
def call_next(request, payload: CallIn):
    called = services.call(request.auth, payload.window)
    if called is None:
        return {"ticket": None}
    ticket, reason = called
    return {"ticket": ticket_out(ticket, reason)}


def act(request, ticket_id: int, action: str):
    """Perform an action; the service reads and checks the action's fields from the JSON body."""
    ticket = services.act(request.auth, ticket_id, action, _json(request))
    return {"ticket": ticket_out(selectors.get_ticket(request.auth, ticket.pk) or ticket)}


action_routes(router, "/queue/tickets/{ticket_id}", "ticket_id", ACTION_BODIES, act, response=TicketAnswer,
              summary="Act on a called ticket")
router.post("/queue/tickets/{ticket_id}/{action}", response=TicketAnswer, include_in_schema=False)(act)


@router.get("/sites/{site_id}/queue", response=PublicQueueOut, auth=None,
            summary="A hall's queue now: waiting, calling, average wait today (public)")
def site_queue(request, site_id: int):
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        raise NotFound("服务场所不存在。", "No such site.")
    return selectors.public_queue(site)
