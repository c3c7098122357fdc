"""Cross-cutting HTTP behaviour: the input boundary, JSON errors for the API, security headers for every page."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.shortcuts import render

from . import cache_policy, inputs
from .errors import DomainError, InvalidInput, TooLarge

logger = logging.getLogger("bianmin.api")

API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"
URLENCODED, MULTIPART = "application/x-www-form-urlencoded", "multipart/form-data"


def error_response(status: int, code: str, zh: str, en: str, **extra) -> JsonResponse:
    return JsonResponse({"code": code, "message": zh, "message_en": en, **extra}, status=status,
                        json_dumps_params={"ensure_ascii": False})


class ApiErrorMiddleware:
    """Make sure the API never answers with an HTML error page or a bare 500: anything that escapes the
    API's own handlers becomes a JSON error with a bilingual message. (Oversized or hostile requests never get
    this far: InputBoundaryMiddleware refuses them.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        response = self.get_response(request)
        if response.status_code == 404 and "application/json" not in response.get("Content-Type", ""):
            return error_response(404, "not_found", "未找到该接口或记录。", "No such endpoint or record.")
        if response.status_code == 405 and "application/json" not in response.get("Content-Type", ""):
            return error_response(405, "method_not_allowed", "不支持该请求方法。", "Method not allowed.")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, SuspiciousOperation):
            return error_response(400, "bad_request", "请求无效。", "Bad request.")
        logger.exception("Unhandled API error on %s", request.path)
        return error_response(500, "server_error", "服务器内部错误，请稍后重试。", "Internal server error; please retry later.")


class InputBoundaryMiddleware:
    """The one boundary hostile input meets (issue 14), before any view runs, for every address:

    - a body over the size limit is refused with 413 — DATA_UPLOAD_MAX_MEMORY_SIZE, or MAX_UPLOAD_REQUEST_BYTES
      for multipart bodies that carry files — and so is a form whose fields alone exceed it (Django raises
      RequestDataTooBig while reading request.POST; read here, it cannot surface inside a view as a 500);
    - a request is refused if any text it carries holds a character no text field may hold (core.inputs
      FORBIDDEN_IN_TEXT: NUL and the other control characters but tab and line breaks): the path, every query
      and form field (name and value), every key and string of a JSON body; and if a JSON body holds an integer
      outside the signed 64-bit range (core.inputs.INT_MIN..INT_MAX) — views that read the body themselves (the
      action endpoints) get the same rule as the API's schemas;
    - what still reaches the database out of range (an integer SQLite cannot bind, a PostgreSQL data error) is
      a 4xx, logged so the gap in the boundary gets fixed (process_exception).

    Integers in query strings and paths are checked where their type is known: the API's operation decorator
    (bianmin/api.py) and core.inputs.page_number for HTML lists. A refusal speaks the language of its address:
    the API's JSON error, Open311's error list, or the error page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            _refuse_oversized(request)
            carried = list(_inputs(request))
            inputs.refuse_control_characters(carried)
            inputs.refuse_huge_integers(carried)  # JSON says which values are integers; the API checks the rest
        except DomainError as exc:
            return refusal(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, RequestDataTooBig):
            return refusal(request, _too_large())
        if isinstance(exception, RawPostDataException):  # a view wanted the raw body of a big form it parsed
            return refusal(request, _malformed())
        if isinstance(exception, OverflowError | DataError):
            logger.warning("Input out of range reached the database on %s", request.path, exc_info=exception)
            return refusal(request, InvalidInput("请求中的某个值超出允许范围。", "A value in the request is out of range.",
                                                 code="out_of_range"))
        return None


def _too_large(limit: int | None = None) -> TooLarge:
    if limit is None:
        return TooLarge("请求内容过大。", "Request body too large.")
    return TooLarge(f"请求内容过大（上限 {limit} 字节）。", f"Request body too large (limit {limit} bytes).")


def _refuse_oversized(request: HttpRequest) -> None:
    """By the declared length, before anything reads the body; file uploads have their own, larger limit."""
    if request.content_type == MULTIPART:
        limit = settings.MAX_UPLOAD_REQUEST_BYTES
    else:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit and _length(request) > limit:
        raise _too_large(limit)


def _length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _inputs(request: HttpRequest) -> Iterator[tuple[str, object]]:
    """(field, value) for everything a request carries that a view may store or query with."""
    yield "path", request.path
    yield from _fields(request.GET)
    try:
        if request.method == "POST" and request.content_type in (URLENCODED, MULTIPART):
            if _length(request) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                request.body  # noqa: B018 -- read first, the raw body stays readable once the form is parsed
            yield from _fields(request.POST)  # file names need no check: Django's parser cleans them
        elif request.content_type == URLENCODED:  # PUT, PATCH: Django leaves them unparsed
            yield from _fields(QueryDict(request.body, encoding=request.encoding))
        elif request.content_type != MULTIPART and request.body:
            yield from inputs.leaves(_json_or_none(request.body))
    except RequestDataTooBig:
        raise _too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) from None
    except (SuspiciousOperation, MultiPartParserError):  # too many fields, a broken multipart body
        raise _malformed() from None


def _malformed() -> DomainError:
    return DomainError("请求格式有误。", "Malformed request.")


def _fields(data: QueryDict) -> Iterator[tuple[str, str]]:
    for key, values in data.lists():
        yield inputs.FORBIDDEN_IN_TEXT.sub("?", key), key
        yield from ((key, value) for value in values)


def _json_or_none(body: bytes):
    """The parsed body when it is JSON (the API parses any body as JSON, whatever its content type); a body
    that is not JSON is the view's to refuse."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def refusal(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A DomainError as the address answers errors: JSON for the API, Open311's list for Open311 (its clients
    read 400 for a bad parameter), an error page with the message in both languages for the rest."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse(exc.as_dict(), status=exc.status, json_dumps_params={"ensure_ascii": False})
    status = 400 if exc.status == 422 else exc.status
    if request.path.startswith(OPEN311_PREFIX):
        return _open311_error(request, status, f"{exc.zh} {exc.en}")
    return render(request, "error.html", {"status": status, "message_zh": exc.zh, "message_en": exc.en},
                  status=status)


def _open311_error(request: HttpRequest, status: int, description: str) -> HttpResponse:
    """GeoReport v2's error, written by Open311's own formatter: JSON, or XML for an .xml address."""
    from bianmin.hotline.open311_format import cross_origin, errors, render

    fmt = "xml" if request.path.lower().endswith(".xml") else "json"
    return cross_origin(request, render(errors(status, description), fmt))


class SecurityHeadersMiddleware:
    """Headers the security checklist expects on every response (SPEC §11), and the one Cache-Control rule for
    answers with personal data (core.cache_policy).

    The CSP runs only scripts served by the site itself: no inline script or event handler (pages load their
    scripts from bianmin/static/js and get their data through json_script or data- attributes; a test scans the
    templates), no outside CDN (ECharts and the API docs' Swagger UI are served as static files). Inline styles
    stay allowed: a few templates size bars with style attributes, and styles cannot run code.
    """

    CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        cache_policy.apply(request, response)
        response.setdefault("Content-Security-Policy", self.CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


def json_body(request: HttpRequest) -> dict:
    try:
        return json.loads(request.body or b"{}")
    except ValueError:
        return {}
