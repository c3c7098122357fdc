"""Open311 GeoReport v2 (mounted at /open311/v2/): the dispatch catalogue as services, work orders as
service requests, so existing Open311 clients can file requests and follow them (SPEC §7, issue #5 item 7,
issue #14).

- GET services.{fmt}, GET services/{service_code}.{fmt}: active dispatch categories (service_code = category
  code); no extra attributes (metadata false, type realtime);
- GET requests.{fmt}: filters service_request_id (comma list, overrides the other filters), service_code (comma
  list), start_date / end_date (W3C datetimes; the range defaults to the last 90 days and may not span more),
  status (open, closed; comma list); newest first, at most 1000;
- GET requests/{service_request_id}.{fmt}: one request, as a one-element list;
- POST requests.{fmt} (form-encoded): creates a work order through services.receive_public with channel web.
  It requires an `api_key` (GeoReport v2: "Requires API Key: Yes"), issued per client application in the admin
  (models.Open311Client: the key is shown once and only its SHA-256 digest is kept; a missing, unknown or
  switched-off key is a 403 and nothing is stored). The key is read from the form body only, never from the
  URL (URLs end up in access logs), and no POST parameter ever reaches a log or an error report
  (sensitive_post_parameters). Each address may still post PUBLIC_RATE_PER_MINUTE times a minute
  (core.throttle). The GETs need no key.
{fmt} is json or xml: the XML uses the spec's element names (<services><service>, <service_definition>,
<service_requests><request>, <errors><error>) and is built by open311_format with xml.etree. Any other format is
a 400 in JSON. Errors are `[{"code": <HTTP status>, "description": "…"}]` (or <errors>) with that HTTP status.
The service_request_id is the order number the hotline reads out on the phone.

Jurisdictions: a jurisdiction is an administrative region of the unit tree (orgs.Unit of kind region), named
by its 9-digit division code (行政区划代码, e.g. 990101000); it covers its subregions. A request belongs to the
region whose hotline owns it (WorkOrder.region; a request filed here goes to the nearest region above the
category's department), a service to the regions above its department. `jurisdiction_id` is optional while the
tree has one top region (one jurisdiction, nested); with several top regions it is required (400 without it).
A known jurisdiction_id restricts every answer to that region — services, requests, and what a POST may file
(a service_code outside it is a 400); an unknown one is a 404. A client key bound to a jurisdiction files
there by default and may not file outside it (403).

Privacy (SPEC §11): a GET response never carries a caller's name, phone or e-mail. More than that, what the
hotline was told by phone, letter or visit was not told for publication: only requests filed online (channel
web) show their description, address, coordinates and the department's reply, and those texts are redacted of
every caller of the order and of phone numbers (disclosure.py, as for a viewer who may see no caller). Orders
whose caller asked for confidentiality are not published at all. Our statuses map to open/closed by
states.FINAL. lat/long sent with a POST are stored on the order (and repeated in its place text, which the
dispatchers read) and answered as numbers; email is checked and stored as the caller's e-mail, never
published; device_id and account_id are accepted and not stored, and account_id is answered as null.

CORS: every GET, HEAD and OPTIONS answer (errors included) carries `Access-Control-Allow-Origin: *`, and OPTIONS
is answered as a preflight allowing GET and HEAD only; a POST's answer carries none (see open311_format).
"""
from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters

from bianmin.core import throttle, timeutil
from bianmin.core.errors import DomainError
from bianmin.core.models import Clock
from bianmin.orgs.models import Unit

from . import services
from .disclosure import Disclosure
from .models import STATUS_LABELS, Channel, DispatchCategory, Open311Client, WorkOrder
from .open311_format import FORMATS, Answer, cross_origin, errors, preflight, render
from .states import FINAL, Status

logger = logging.getLogger("bianmin.open311")

MAX_REQUESTS = 1000
WINDOW = dt.timedelta(days=90)
THROTTLE_PURPOSE = "open311-post"
HOTLINE_NAME = "12345政务服务便民热线"
DIVISION_CODE = re.compile(r"[0-9]{9}")
# Decimal degrees as the spec writes them (37.76524078, -122.4212043): no exponents, no inf/nan.
DEGREES = re.compile(r"[+-]?[0-9]{1,3}(\.[0-9]{1,15})?")
MICRODEGREE = Decimal("0.000001")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Service-level names of our input fields, so an error names the parameter the client sent.
PARAMS = {"category": "service_code", "text": "description", "place": "address_string", "phone": "phone",
          "name": "first_name/last_name", "caller": "first_name/last_name", "callback_consent": "phone"}


class Open311Error(Exception):
    def __init__(self, status: int, zh: str, en: str):
        super().__init__(en)
        self.status, self.description = status, f"{zh} {en}"


def endpoint(*methods: str):
    """Open311 plumbing for a view: OPTIONS (preflight), the method check (HEAD goes with GET), the format
    (`fmt` from the URL), every failure as an Open311 error, and CORS on the read-only answers. The view returns
    an Answer. CSRF does not apply: no cookie or session is read here."""
    allowed = (*methods, *(("HEAD",) if "GET" in methods else ()), "OPTIONS")

    def wrap(view):
        @csrf_exempt
        @functools.wraps(view)
        def inner(request, *args, fmt: str, **kwargs):
            fmt = fmt.lower()
            if request.method == "OPTIONS":
                return cross_origin(request, preflight(allowed))
            response = render(_answer(view, request, args, kwargs, fmt, allowed), fmt)
            if response.status_code == 405:
                response["Allow"] = ", ".join(allowed)
            return cross_origin(request, response)

        return inner

    return wrap


def _answer(view, request, args, kwargs, fmt: str, allowed: tuple[str, ...]) -> Answer:
    try:
        if request.method not in allowed:
            raise Open311Error(405, "不支持该请求方法。", f"Method not allowed; use {' or '.join(allowed[:-1])}.")
        if fmt not in FORMATS:
            raise Open311Error(400, "仅支持 JSON 和 XML 格式，请使用 .json 或 .xml 结尾的地址。",
                               f"Format '{fmt[:10]}' is not supported; use json or xml (the .json or .xml URL).")
        return view(request, *args, **kwargs)
    except Open311Error as exc:
        return errors(exc.status, exc.description)
    except DomainError as exc:
        param = PARAMS.get(exc.field or "", exc.field)
        where = f" (parameter: {param})" if param else ""
        status = 400 if exc.status in (409, 422) else exc.status
        return errors(status, f"{exc.zh} {exc.en}{where}")
    except Exception:  # an API answers in its own format even when something breaks
        logger.exception("Unhandled Open311 error on %s", request.path)
        return errors(500, "服务器内部错误，请稍后重试。 Internal server error; please retry later.")


@csrf_exempt
def not_found(request, rest: str = ""):
    fmt = rest.rsplit(".", 1)[-1].lower() if "." in rest else "json"
    return cross_origin(request, render(errors(404, "没有这个 Open311 接口。 No such Open311 endpoint."), fmt))


# ---------------------------------------------------------------- jurisdictions (see the module doc)

def jurisdiction(request) -> Unit | None:
    """The region named by jurisdiction_id (form body or query string), or None for the whole endpoint."""
    raw = (request.POST.get("jurisdiction_id", "") if request.method == "POST" else "") or \
        request.GET.get("jurisdiction_id", "")
    raw = raw.strip()
    if not raw:
        if Unit.objects.filter(kind=Unit.Kind.REGION, parent__isnull=True).count() > 1:
            raise Open311Error(400, "本接口服务多个辖区，请提供 jurisdiction_id（9 位行政区划代码）。",
                               "This endpoint serves several jurisdictions: jurisdiction_id (the 9-digit "
                               "division code) is required.")
        return None
    unit = (Unit.objects.filter(kind=Unit.Kind.REGION, division_code=raw).first()
            if DIVISION_CODE.fullmatch(raw) else None)
    if unit is None:
        raise Open311Error(404, "没有这个辖区：jurisdiction_id 应为本平台某一地区的 9 位行政区划代码。",
                           "jurisdiction_id not found: use the 9-digit division code of a region served here.")
    return unit


def _within(queryset, where: Unit | None, path_field: str):
    return queryset.filter(**{f"{path_field}__startswith": where.path}) if where else queryset


# ---------------------------------------------------------------- services

def _keywords(category: DispatchCategory) -> str:
    return ", ".join(k.strip() for k in category.keywords.replace("，", ",").split(",") if k.strip())


def service_out(c: DispatchCategory) -> dict:
    return {"service_code": c.code, "service_name": c.name, "description": c.description, "metadata": False,
            "type": "realtime", "keywords": _keywords(c), "group": c.group}


def _services(where: Unit | None):
    return _within(DispatchCategory.objects.filter(active=True), where, "department__path")


@endpoint("GET")
def service_list(request):
    rows = [service_out(c) for c in _services(jurisdiction(request)).order_by("sort", "code")]
    return Answer(rows, "services", "service")


@endpoint("GET")
def service_definition(request, code: str):
    if not _services(jurisdiction(request)).filter(code=code).exists():
        raise Open311Error(404, "没有这个服务类型。", f"No service with service_code '{code[:40]}'.")
    return Answer({"service_code": code, "attributes": []}, "service_definition")


# ---------------------------------------------------------------- requests: output

def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _coordinates(order: WorkOrder, public: bool) -> tuple[float | None, float | None]:
    """Where it happened, for requests filed online by a caller who did not ask for confidentiality."""
    if not public or order.confidential or order.latitude is None or order.longitude is None:
        return None, None
    return float(order.latitude), float(order.longitude)


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
    lat, long = _coordinates(order, public)
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
        "expected_datetime": (_iso(clock.due_at) if clock and clock.status != Clock.Status.STOPPED and not closed
                              else None),
        "address": d.text(order.place) if public else "",
        "address_id": "",
        "zipcode": "",
        "lat": lat,
        "long": long,
        "media_url": "",
    }


def _published(where: Unit | None):
    """Orders the public may follow: all but those whose caller asked for confidentiality."""
    return (_within(WorkOrder.objects.filter(confidential=False), where, "unit_path")
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


def _search(request, where: Unit | None):
    ids = _list(request, "service_request_id")
    if ids:  # the spec: a list of ids overrides every other filter (the jurisdiction is not a filter)
        return _published(where).filter(number__in=[i[:30] for i in ids[:MAX_REQUESTS]])
    qs = _published(where)
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
    order = _published(jurisdiction(request)).filter(number=request_id[:30]).first()
    if order is None:
        raise Open311Error(404, "没有这个服务请求。", f"No service request '{request_id[:30]}'.")
    return Answer([request_out(order)], "service_requests", "request")


# ---------------------------------------------------------------- requests: POST

def _client(request) -> Open311Client:
    """The client application whose api_key came with the form (GeoReport v2: 403 when missing or invalid)."""
    if "api_key" in request.GET:
        raise Open311Error(403, "api_key 只能放在 POST 表单中，不能写在网址里（网址会被记录）；请更换这个密钥。",
                           "Send api_key in the form body, never in the URL (URLs are logged); have this key "
                           "replaced.")
    key = request.POST.get("api_key", "").strip()
    client = Open311Client.holding(key) if key else None
    if client is None:
        logger.warning("Open311 POST refused: %s api_key", "unknown" if key else "no")
        raise Open311Error(403, "缺少 api_key 或 api_key 无效，诉求未提交。请向热线管理部门申请密钥。",
                           "Missing or invalid api_key; nothing was filed. Ask the hotline's administrators "
                           "for a key.")
    if not client.active:
        logger.warning("Open311 POST refused: the key of client #%s is switched off", client.pk)
        raise Open311Error(403, "该 api_key 已停用，诉求未提交。", "This api_key has been switched off; nothing "
                           "was filed.")
    return client


def _filing_area(client: Open311Client, asked: Unit | None) -> Unit | None:
    """Where this client may file: what it asked for, within the jurisdiction its key is bound to (if any)."""
    bound = client.jurisdiction
    if bound is None or asked is None:
        return asked or bound
    if not asked.is_within(bound):
        raise Open311Error(403, "该 api_key 不能提交这个辖区的诉求。",
                           "This api_key may not file requests in that jurisdiction.")
    return asked


def _offered_in(code: str, where: Unit | None) -> None:
    if where is not None and not services.category_by_code(code).department.is_within(where):
        raise Open311Error(400, "该辖区不受理这个服务类型。",
                           f"service_code '{code[:40]}' is not offered in this jurisdiction.")


def _coordinate(request, key: str, limit: int) -> Decimal | None:
    raw = request.POST.get(key, "").strip()
    if not raw:
        return None
    value = Decimal(raw) if DEGREES.fullmatch(raw) else None
    if value is None or not -limit <= value <= limit:
        raise Open311Error(400, f"{key} 应为 -{limit} 到 {limit} 之间的十进制度数。",
                           f"{key} must be decimal degrees between -{limit} and {limit}.")
    return value.quantize(MICRODEGREE)


def _place(request) -> tuple[str, tuple[Decimal, Decimal] | None]:
    """The spec's location: lat and long together, or address_string, or address_id (at least one). The place
    text carries the coordinates too, for the dispatchers who read it."""
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
    return " ".join(p for p in parts if p), (lat, long) if lat is not None else None


def _email(request) -> str:
    """Checked, never echoed back (an error shows no personal data)."""
    value = request.POST.get("email", "").strip()
    if not value:
        return ""
    try:
        validate_email(value)
        if len(value) > WorkOrder._meta.get_field("caller_email").max_length:
            raise ValidationError("too long")
    except ValidationError:
        raise Open311Error(400, "email 不是有效的电子邮箱地址。", "email is not a valid e-mail address.") from None
    return value


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


def _file(request) -> Answer:
    """POST: the limit per address, the form, the key, the jurisdiction, then the request itself; every check
    before anything is written."""
    address = throttle.client_address(request)
    if throttle.is_limited(THROTTLE_PURPOSE, address):
        raise Open311Error(429, "提交过于频繁，请稍等一分钟后再试。", "Too many requests; please wait a minute.")
    throttle.hit(THROTTLE_PURPOSE, address)
    if request.content_type not in FORM_TYPES:
        raise Open311Error(400, "请以表单编码（application/x-www-form-urlencoded）提交。",
                           "Send the form-encoded body the spec defines (application/x-www-form-urlencoded).")
    client = _client(request)
    where = _filing_area(client, jurisdiction(request))
    code = request.POST.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "请提供 service_code。", "service_code is required.")
    _offered_in(code, where)
    place, located = _place(request)
    data = {"category": code, "text": _text(request), "place": place,
            "caller": {"name": _name(request), "phone": re.sub(r"[+()]", "", request.POST.get("phone", "")).strip()}}
    order = services.receive_public(data, via="open311", client=client.name, located=located,
                                    email=_email(request))
    Open311Client.objects.filter(pk=client.pk).update(last_used_at=timeutil.now())
    logger.info("Open311 request %s filed by client #%s", order.number, client.pk)
    notice = (f"已受理，工单编号 {order.number}，将派至承办单位并在规定时限内答复。"
              f" Received as {order.number}; it will be dispatched and answered within the time limit.")
    return Answer([{"service_request_id": order.number, "service_notice": notice, "account_id": None}],
                  "service_requests", "request", 201)


@sensitive_post_parameters()  # every POST parameter is a key or personal data: none goes into an error report
@endpoint("GET", "POST")
def requests_view(request):
    if request.method == "POST":
        return _file(request)
    orders = _search(request, jurisdiction(request)).order_by("-received_at", "-id")[:MAX_REQUESTS]
    return Answer([request_out(o) for o in orders], "service_requests", "request")
