"""The queue's public pages (issue 16 §4, the citizen and hall side), no sign-in anywhere:

- the kiosk (取号机) at /hall/<site>/kiosk/: item group → item (or appointment check-in) → a printable ticket with
  a QR code to the phone ticket page; every screen falls back to the start by itself after a pause (a meta
  refresh: the CSP allows no inline script, and a kiosk must recover even with scripts off);
- 线上取号 at /hall/<site>/take/: the same choice as a phone form, then the ticket page;
- the ticket page /hall/ticket/<token>/: position, window when called, the wait as a range, kept live by
  static/queueing/ticket.js polling the public API (GET /api/v1/queue/tickets/{token}); without scripts a refresh;
- the hall display /hall/<site>/display/ and its JSON feed, polled by static/queueing/display.js, which announces
  each call (speech synthesis in zh-CN, one announcement at a time) or flashes it where no voice is available.

Tickets are issued only by queueing.services.issue and read only through queueing.selectors; these views parse
the form, call them and render. The token is the ticket's secret: whoever holds it sees its position, nothing
else (no phone number is shown back).
"""
from __future__ import annotations

import datetime as dt
import re

import segno
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bianmin.core import award_parts, inputs, throttle, timeutil
from bianmin.core.errors import DomainError, InvalidInput
from bianmin.core.middleware import error_response
from bianmin.orgs.models import Site

from . import selectors, services
from .groups import KioskGroup, kiosk_groups
from .models import GREEN_LANE, Priority, QueueTicket, Source, TicketStatus

KIOSK_IDLE_SECONDS = 90  # a half-made choice left alone goes back to the start screen
KIOSK_TICKET_SECONDS = 30  # the ticket stays long enough to print it or scan its QR code
TICKET_POLL_SECONDS = 10  # the phone ticket page's live update (ticket.js), and its no-script refresh is 3×
DISPLAY_POLL_SECONDS = 3
FEED_LIMIT = 10  # the last calls listed on the display for the hard of hearing
NEXT_LIMIT = 8  # the next numbers shown as waiting
THROTTLE_TAKE = "queue-take"  # tickets issued per address and minute (kiosk and phone alike)
THROTTLE_BAD_TOKEN = "queue-bad-token"  # guesses at ticket tokens per address and minute
CODE = re.compile(r"[A-Za-z0-9]{4,8}")
# What the display says for a call; the hall speaks Chinese whatever the screen's language (issue 16 §4).
SAY = "请 {number} 号到 {window} 号窗口办理"


# ---------------------------------------------------------------- parsing

def _site(site_id: int) -> Site:
    return get_object_or_404(Site, pk=site_id)


def _message(exc: DomainError) -> str:
    return exc.en if (get_language() or "").startswith("en") else exc.zh


def _group(groups: list[KioskGroup], letter: str) -> KioskGroup | None:
    return next((g for g in groups if g.letter == (letter or "").strip()), None)


def _priority(raw: str | None) -> str:
    value = (raw or "").strip() or str(Priority.NORMAL)
    if value not in Priority.values:
        raise InvalidInput("请选择正确的人群类别。", "Choose a valid category.", field="priority")
    return value


def _phone(raw: str | None, *, field: str = "phone") -> str:
    return inputs.mobile_number(raw, field=field)


def _item(group: KioskGroup, raw: str | None):
    """The item chosen in `group`; None for a group that takes tickets without an item."""
    raw = (raw or "").strip()
    if not raw:
        if group.takes_no_item or not group.items:
            return None
        raise InvalidInput("请选择要办理的事项。", "Choose what you have come for.", field="item")
    found = next((i for i in group.items if str(i.pk) == raw), None)
    if found is None:
        raise InvalidInput("请选择本类别中的事项。", "Choose an item of this queue.", field="item")
    return found


def _choice(groups: list[KioskGroup], raw: str | None) -> tuple[KioskGroup, object]:
    """The phone form's one select: "<letter>:<item id>", or "<letter>:" for a group without an item."""
    letter, _, item = (raw or "").partition(":")
    group = _group(groups, letter)
    if group is None:
        raise InvalidInput("请选择要办理的事项。", "Choose what you have come for.", field="item")
    return group, _item(group, item)


def _limited(request) -> bool:
    address = throttle.client_address(request)
    if throttle.is_limited(THROTTLE_TAKE, address):
        return True
    throttle.hit(THROTTLE_TAKE, address)
    return False


TOO_MANY = InvalidInput("取号过于频繁，请稍后再试。", "Too many tickets taken; please try again shortly.")


# ---------------------------------------------------------------- what the pages show

def qr_svg(data: str, *, scale: int = 5, label: str = "") -> SafeString:
    """An inline <svg> QR code, drawn as the rating QR codes are (ratings/qr.py): no image file, no script."""
    svg = segno.make(data, error="m").svg_inline(scale=scale, svgclass="qr", lineclass=None, title=label or None)
    return mark_safe(svg)  # segno escapes the title and emits only its own markup


def _natural(number: str) -> tuple:
    """Window numbers in hall order: 2 before 10."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", number or ""))


def _windows(site: Site, groups: list[KioskGroup]) -> list[dict]:
    letters: dict[int, list[str]] = {}
    for g in groups:
        for window_id in g.window_ids:
            letters.setdefault(window_id, []).append(g.letter)
    windows = sorted(site.windows.all(), key=lambda w: _natural(w.number))
    return [{"number": w.number, "name": w.name, "letters": letters.get(w.pk, [])} for w in windows]


def _ticket_context(request, ticket: QueueTicket) -> dict:
    pos = selectors.position(ticket)
    url = request.build_absolute_uri(reverse("queue_public:ticket", args=[ticket.token]))
    called = pos.get("status") in (TicketStatus.CALLED, TicketStatus.SERVING)
    return {"ticket": ticket, "site": ticket.site, "pos": pos, "ticket_url": url, "called": called,
            "waiting": pos.get("status") == TicketStatus.WAITING,
            "status_label": TicketStatus(pos["status"]).label if pos.get("status") in TicketStatus.values else "",
            "green_lane": ticket.priority in GREEN_LANE, "priority_label": Priority(ticket.priority).label}


def _green_lane_choices() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in Priority.choices]


def _next_numbers(site: Site) -> list[str]:
    """Numbers still waiting today by their place in line (the clerks' call order may differ: appointments due and
    the green lane go first, queueing.ordering; so the display says 'waiting', not 'next in line')."""
    numbers = (QueueTicket.objects.filter(site=site, day=timeutil.today(), status=TicketStatus.WAITING)
               .order_by(Coalesce("queued_at", "created_at"), "pk").values_list("number", flat=True)[:NEXT_LIMIT * 2])
    return list(dict.fromkeys(numbers))[:NEXT_LIMIT]  # a visit's later services carry the same number


def _with_time(call: dict) -> dict:
    """A call with its local "HH:MM" for the display's list (the hall's clock, not the screen browser's)."""
    at = call.get("at")
    if isinstance(at, str):
        try:
            at = dt.datetime.fromisoformat(at)
        except ValueError:
            at = None
    return {**call, "time": timezone.localtime(at).strftime("%H:%M") if isinstance(at, dt.datetime) else ""}


def _feed(site: Site, after: int) -> dict:
    queue = selectors.public_queue(site)
    last = sorted(map(_with_time, selectors.recent_calls(site, limit=FEED_LIMIT)), key=lambda c: c["id"],
                  reverse=True)
    new = sorted(map(_with_time, selectors.recent_calls(site, after_id=after, limit=FEED_LIMIT)),
                 key=lambda c: c["id"])
    new = [c for c in new if c["id"] > after]
    return {"site": site.pk, "now": timezone.now(), "last_id": max((c["id"] for c in last), default=0),
            "calls": new, "last_calls": last, "calling": queue.get("calling", []),
            "waiting": queue.get("waiting", 0), "average_wait_minutes": queue.get("average_wait_minutes"),
            "next": _next_numbers(site)}


# ---------------------------------------------------------------- the kiosk

def _kiosk(request, site: Site, groups: list[KioskGroup], *, step: str = "start", group: KioskGroup | None = None,
           error: str = "", status: int = 200, values=None) -> HttpResponse:
    start = reverse("queue_public:kiosk", args=[site.pk])
    return render(request, "queueing/kiosk.html", {
        "site": site, "groups": groups, "step": step, "group": group, "error": error, "values": values or {},
        "priorities": _green_lane_choices(), "start_url": start,
        "refresh": KIOSK_IDLE_SECONDS if step != "start" or error else None, "refresh_to": start,
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request, site_id: int):
    site = _site(site_id)
    groups = kiosk_groups(site)
    if request.method == "POST":
        return _kiosk_take(request, site, groups)
    if request.GET.get("step") == "checkin":
        return _kiosk(request, site, groups, step="checkin")
    letter = request.GET.get("group")
    if letter is None:
        return _kiosk(request, site, groups)
    group = _group(groups, letter)
    if group is None:
        return _kiosk(request, site, groups, error=_message(
            InvalidInput("没有这个取号类别，请重新选择。", "No such queue; please choose again.")), status=404)
    return _kiosk(request, site, groups, step="group", group=group)


def _kiosk_take(request, site: Site, groups: list[KioskGroup]) -> HttpResponse:
    data = request.POST
    checkin = data.get("mode") == "checkin"
    group = None if checkin else _group(groups, data.get("group", ""))
    step = "checkin" if checkin else ("group" if group else "start")
    try:
        if _limited(request):
            raise TOO_MANY
        if checkin:
            code = (data.get("code") or "").strip().upper()
            phone = _phone(data.get("appointment_phone"), field="appointment_phone")
            if code and not CODE.fullmatch(code):
                raise InvalidInput("预约码有误，请核对。", "The appointment code is not valid.", field="code")
            if not code and not phone:
                raise InvalidInput("请输入预约码或预约时留的手机号码。",
                                   "Enter the appointment code or the phone number you booked with.", field="code")
            ticket = services.issue(site, appointment_code=code, phone=phone, source=Source.APPOINTMENT)
        else:
            if group is None:
                raise InvalidInput("请选择取号类别。", "Choose a queue.", field="group")
            ticket = services.issue(site, item=_item(group, data.get("item")), priority=_priority(data.get("priority")),
                                    phone=_phone(data.get("phone")), source=Source.KIOSK)
    except DomainError as exc:
        status = 429 if exc is TOO_MANY else min(exc.status, 499)
        return _kiosk(request, site, groups, step=step, group=group, error=_message(exc), status=status,
                      values={k: data.get(k, "") for k in ("priority", "phone", "code", "appointment_phone")})
    context = _ticket_context(request, ticket)
    start = reverse("queue_public:kiosk", args=[site.pk])
    context.update(qr=qr_svg(context["ticket_url"], label=ticket.number), refresh=KIOSK_TICKET_SECONDS,
                   refresh_to=start, start_url=start)
    return render(request, "queueing/kiosk_ticket.html", context, status=201)


# ---------------------------------------------------------------- 线上取号 and the ticket page

def _take_options(groups: list[KioskGroup]) -> list[dict]:
    options = []
    for g in groups:
        choices = [(f"{g.letter}:{i.pk}", i.name) for i in g.items]
        if g.takes_no_item or not g.items:
            choices.insert(0, (f"{g.letter}:", g.name))
        options.append({"group": g, "choices": choices})
    return options


@never_cache
@require_http_methods(["GET", "POST"])
def take(request, site_id: int):
    site = _site(site_id)
    groups = kiosk_groups(site)
    error, status, values = "", 200, {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("choice", "priority", "phone")}
        try:
            if _limited(request):
                raise TOO_MANY
            _, item = _choice(groups, values["choice"])
            ticket = services.issue(site, item=item, priority=_priority(values["priority"]),
                                    phone=_phone(values["phone"]), source=Source.ONLINE)
        except DomainError as exc:
            error, status = _message(exc), 429 if exc is TOO_MANY else min(exc.status, 499)
        else:
            return redirect("queue_public:ticket", token=ticket.token)
    return render(request, "queueing/ticket_take.html", {
        "site": site, "options": _take_options(groups), "priorities": _green_lane_choices(), "error": error,
        "values": values,
    }, status=status)


@never_cache
@require_GET
def ticket(request, token: str):
    address = throttle.client_address(request)
    if throttle.is_limited(THROTTLE_BAD_TOKEN, address):
        return render(request, "error.html", {"status": 429, "message_zh": "尝试次数过多，请稍后再试。",
                                              "message_en": "Too many attempts; please try again later."},
                      status=429)
    found = selectors.ticket_by_token(token)  # a visit's later service: the token follows it
    if found is None:
        throttle.hit(THROTTLE_BAD_TOKEN, address)
        raise Http404
    context = _ticket_context(request, found)
    context.update(api_url=f"/api/v1/queue/tickets/{token}", poll_seconds=TICKET_POLL_SECONDS,
                   refresh=TICKET_POLL_SECONDS * 3,
                   status_labels={value: str(label) for value, label in TicketStatus.choices})
    return render(request, "queueing/ticket.html", context)


# ---------------------------------------------------------------- the hall display

@never_cache
@require_GET
def display(request, site_id: int):
    site = _site(site_id)
    groups = kiosk_groups(site)
    return render(request, "queueing/display.html", {
        "site": site, "feed": _feed(site, 0), "windows": _windows(site, groups), "groups": groups,
        "feed_url": reverse("queue_public:display_feed", args=[site.pk]), "poll_seconds": DISPLAY_POLL_SECONDS,
        "say": SAY, "red_flag": award_parts.part(award_parts.red_flag_of_site, site),  # the 流动红旗 it holds now
    })


@never_cache
@require_GET
def display_feed(request, site_id: int):
    """{"last_id", "calls" (after `after`, oldest first: the order to announce them), "last_calls" (newest first),
    "calling", "waiting", "next", "average_wait_minutes", "now"} — JSON errors, as the display reads JSON."""
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        return error_response(404, "not_found", "没有这个服务场所。", "No such site.")
    raw = (request.GET.get("after") or "0").strip()
    if not re.fullmatch(r"[0-9]{1,18}", raw):
        return error_response(400, "invalid", "参数 after 须为非负整数。", "after must be a whole number, 0 or more.")
    return JsonResponse(_feed(site, int(raw)), json_dumps_params={"ensure_ascii": False})
