"""Open311 GeoReport v2 (mounted at /open311/v2/): the dispatch catalogue as services, work orders as
service requests, so existing Open311 clients can file requests and follow them (SPEC §7, issue #5 item 7).

- GET services.json, GET services/{service_code}.json: active dispatch categories (service_code = category
  code); no extra attributes (metadata false, type realtime);
- GET requests.json: filters service_request_id (comma list, overrides the rest), service_code (comma list),
  start_date / end_date (W3C datetimes; the range defaults to the last 90 days and may not span more), status
  (open, closed; comma list); newest first, at most 1000;
- GET requests/{service_request_id}.json: one request, as a one-element list;
- POST requests.json (form-encoded): creates a work order through services.receive_public with channel web.
  No api_key is needed (a public intake like the portal); each address may post PUBLIC_RATE_PER_MINUTE times
  a minute (core.throttle).
The service_request_id is the order number the hotline reads out on the phone. Only JSON is served; any
other format is a 400 with a JSON error. Errors are `[{"code": <HTTP status>, "description": "…"}]`.

Privacy (SPEC §11): a GET response never carries a caller's name, phone or e-mail. More than that, what the
hotline was told by phone, letter or visit was not told for publication: only requests filed online (channel
web) show their description, address and the department's reply, and those texts are redacted of every
caller of the order and of phone numbers (disclosure.py, as for a viewer who may see no caller). Orders whose
caller asked for confidentiality are not published at all. Our statuses map to open/closed by states.FINAL.
Coordinates sent with a POST are kept in the order's place text (the model has no lat/long columns), so GET
answers lat/long as null; email, device_id and account_id are accepted and not stored (the hotline calls
back by phone), and account_id is answered as null.
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import re

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from bianmin.core import throttle, timeutil
from bianmin.core.errors import DomainError

from . import services
from .disclosure import Disclosure
from .models import STATUS_LABELS, Channel, DispatchCategory, WorkOrder
from .states import FINAL, Status

logger = logging.getLogger("bianmin.open311")

MAX_REQUESTS = 1000
WINDOW = dt.timedelta(days=90)
THROTTLE_PURPOSE = "open311-post"
HOTLINE_NAME = "12345政务服务便民热线"
# Service-level names of our input fields, so an error names the parameter the client sent.
PARAMS = {"category": "service_code", "text": "description", "place": "address_string", "phone": "phone",
          "name": "first_name/last_name", "caller": "first_name/last_name", "callback_consent": "phone"}


class Open311Error(Exception):
    def __init__(self, status: int, zh: str, en: str):
        super().__init__(en)
        self.status, self.description = status, f"{zh} {en}"


def _json(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, safe=False, status=status, json_dumps_params={"ensure_ascii": False})


def _error(status: int, description: str) -> JsonResponse:
    return _json([{"code": status, "description": description}], status)


def endpoint(*methods: str):
    """Open311 plumbing for a view: the method check, the format check (`fmt` from the URL), and every
    failure as an Open311 error list. CSRF does not apply: no cookie or session is read here."""

    def wrap(view):
        @csrf_exempt
        @functools.wraps(view)
        def inner(request, *args, fmt: str, **kwargs):
            try:
                if request.method not in methods:
                    raise Open311Error(405, "不支持该请求方法。", f"Method not allowed; use {' or '.join(methods)}.")
                if fmt.lower() != "json":
                    raise Open311Error(400, "仅支持 JSON 格式，请使用 .json 结尾的地址。",
                                       f"Format '{fmt[:10]}' is not supported; only json is (use the .json URL).")
                return view(request, *args, **kwargs)
            except Open311Error as exc:
                return _error(exc.status, exc.description)
            except DomainError as exc:
                param = PARAMS.get(exc.field or "", exc.field)
                where = f" (parameter: {param})" if param else ""
                status = 400 if exc.status in (409, 422) else exc.status
                return _error(status, f"{exc.zh} {exc.en}{where}")
            except Exception:  # an API answers in its own format even when something breaks
                logger.exception("Unhandled Open311 error on %s", request.path)
                return _error(500, "服务器内部错误，请稍后重试。 Internal server error; please retry later.")

        return inner

    return wrap


def not_found(request, rest: str = ""):
    return _error(404, "没有这个 Open311 接口。 No such Open311 endpoint.")


# ---------------------------------------------------------------- services

def _keywords(category: DispatchCategory) -> str:
    return ", ".join(k.strip() for k in category.keywords.replace("，", ",").split(",") if k.strip())


def service_out(c: DispatchCategory) -> dict:
    return {"service_code": c.code, "service_name": c.name, "description": c.description, "metadata": False,
            "type": "realtime", "keywords": _keywords(c), "group": c.group}


@endpoint("GET")
def service_list(request):
    return _json([service_out(c) for c in DispatchCategory.objects.filter(active=True).order_by("sort", "code")])


@endpoint("GET")
def service_definition(request, code: str):
    if not DispatchCategory.objects.filter(code=code, active=True).exists():
        raise Open311Error(404, "没有这个服务类型。", f"No service with service_code '{code[:40]}'.")
    return _json({"service_code": code, "attributes": []})


# ---------------------------------------------------------------- requests: output

def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def request_out(order: WorkOrder) -> dict:
    """One work order as a GeoReport service request; nothing that names a caller (see the module doc)."""
    d = Disclosure(AnonymousUser(), order)  # sees no caller: every caller is redacted from the texts
    public = order.channel == Channel.WEB
    closed = order.status in FINAL
    if order.status == Status.MERGED and order.merged_into_id:
        notes = f"已并入工单 {order.merged_into.number}"
    elif public and order.reply:
        notes = d.text(order.reply)
    elif public and order.answered_at_intake:
        notes = d.text(order.answer)
    else:
        notes = str(STATUS_LABELS[Status(order.status)])
    clock = order.clock if order.clock_id else None
    return {
        "service_request_id": order.number,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": order.category.name,
        "service_code": order.category.code,
        "description": d.text(order.text) if public else "",
        "agency_responsible": order.department.name if order.department_id else HOTLINE_NAME,
        "service_notice": "",
        "requested_datetime": _iso(order.received_at),
        "updated_datetime": _iso(getattr(order, "updated", None) or order.received_at),
        # While the department's clock runs: once it replied (or returned the order) no promise is pending.
        "expected_datetime": _iso(clock.due_at) if clock and clock.status != "stopped" and not closed else None,
        "address": d.text(order.place) if public else "",
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def _published():
    """Orders the public may follow: all but those whose caller asked for confidentiality."""
    return (WorkOrder.objects.filter(confidential=False)
            .select_related("category", "department", "clock", "merged_into")
            .prefetch_related("callers").annotate(updated=Max("events__at")))


def _when(request, key: str) -> dt.datetime | None:
    raw = request.GET.get(key, "").strip()
    if not raw:
        return None
    try:  # a "+08:00" offset arrives as " 08:00" when the client did not encode it
        value = parse_datetime(raw.replace(" ", "+"))
        if value is None and len(raw) == 10:
            day = parse_date(raw)
            value = dt.datetime.combine(day, dt.time.min) if day else None
    except ValueError:  # well formed but impossible, e.g. 30 February
        value = None
    if value is None:
        raise Open311Error(400, f"{key} 应为 W3C 日期时间格式，例如 2026-01-01T00:00:00+08:00。",
                           f"{key} must be a W3C datetime such as 2026-01-01T00:00:00Z.")
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _list(request, key: str) -> list[str]:
    return [v.strip() for v in request.GET.get(key, "").split(",") if v.strip()]


def _search(request):
    ids = _list(request, "service_request_id")
    if ids:  # the spec: a list of ids overrides every other parameter
        return _published().filter(number__in=[i[:30] for i in ids[:MAX_REQUESTS]])
    qs = _published()
    codes = _list(request, "service_code")
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = set(_list(request, "status"))
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status 只能是 open 或 closed。", "status must be open or closed (comma list).")
    if statuses == {"open"}:
        qs = qs.exclude(status__in=FINAL)
    elif statuses == {"closed"}:
        qs = qs.filter(status__in=FINAL)
    start, end = _when(request, "start_date"), _when(request, "end_date")
    if start is None and end is None:
        end = timeutil.now()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = min(start + WINDOW, max(start, timeutil.now()))
    if start > end:
        raise Open311Error(400, "start_date 不能晚于 end_date。", "start_date must not be after end_date.")
    if end - start > WINDOW:
        raise Open311Error(400, "查询时间范围不能超过 90 天。", "The date range may not span more than 90 days.")
    return qs.filter(received_at__gte=start, received_at__lte=end)


@endpoint("GET")
def request_detail(request, request_id: str):
    order = _published().filter(number=request_id[:30]).first()
    if order is None:
        raise Open311Error(404, "没有这个服务请求。", f"No service request '{request_id[:30]}'.")
    return _json([request_out(order)])


# ---------------------------------------------------------------- requests: POST

def _coordinate(request, key: str, limit: float) -> float | None:
    raw = request.POST.get(key, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not -limit <= value <= limit:
        raise Open311Error(400, f"{key} 应为 -{limit:g} 到 {limit:g} 之间的十进制度数。",
                           f"{key} must be decimal degrees between -{limit:g} and {limit:g}.")
    return value


def _place(request) -> str:
    """The spec's location: lat and long together, or address_string, or address_id (at least one)."""
    lat, long = _coordinate(request, "lat", 90), _coordinate(request, "long", 180)
    address = request.POST.get("address_string", "").strip()
    address_id = request.POST.get("address_id", "").strip()
    if (lat is None) != (long is None):
        raise Open311Error(400, "lat 和 long 须同时提供。", "lat and long must be given together.")
    if lat is None and not address and not address_id:
        raise Open311Error(400, "请提供位置：lat 和 long，或 address_string，或 address_id。",
                           "A location is required: lat and long, address_string or address_id.")
    parts = [address or (f"地址编号 {address_id}" if address_id else "")]
    if lat is not None:
        parts.append(f"（坐标 {lat:.6f},{long:.6f}）")
    return " ".join(p for p in parts if p)


def _name(request) -> str:
    first, last = request.POST.get("first_name", "").strip(), request.POST.get("last_name", "").strip()
    if re.search(r"[^\x00-\x7f]", first + last):
        return f"{last}{first}"  # Chinese names: family name first, no space
    return " ".join(p for p in (first, last) if p)


def _text(request) -> str:
    text = request.POST.get("description", "").strip()
    if not text:
        raise Open311Error(400, "请填写 description（诉求内容）。", "description is required.")
    media = request.POST.get("media_url", "").strip()
    if media:
        if not re.match(r"^https?://\S+$", media) or len(media) > 500:
            raise Open311Error(400, "media_url 应为 http(s) 网址。", "media_url must be an http(s) URL.")
        text += f"\n（附图：{media}）"
    return text


@endpoint("GET", "POST")
def requests_view(request):
    if request.method == "GET":
        orders = _search(request).order_by("-received_at", "-id")[:MAX_REQUESTS]
        return _json([request_out(o) for o in orders])
    address = throttle.client_address(request)
    if throttle.is_limited(THROTTLE_PURPOSE, address):
        raise Open311Error(429, "提交过于频繁，请稍等一分钟后再试。", "Too many requests; please wait a minute.")
    throttle.hit(THROTTLE_PURPOSE, address)
    if not request.POST.get("service_code", "").strip():
        raise Open311Error(400, "请提供 service_code。", "service_code is required.")
    data = {"category": request.POST["service_code"].strip(), "text": _text(request), "place": _place(request),
            "caller": {"name": _name(request), "phone": re.sub(r"[+()]", "", request.POST.get("phone", "")).strip()}}
    order = services.receive_public(data, via="open311")
    notice = (f"已受理，工单编号 {order.number}，将派至承办单位并在规定时限内答复。"
              f" Received as {order.number}; it will be dispatched and answered within the time limit.")
    return _json([{"service_request_id": order.number, "service_notice": notice, "account_id": None}], 201)
