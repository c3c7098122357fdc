"""Cross-cutting HTTP behaviour: JSON errors for the API, security headers for every page."""
from __future__ import annotations

import json
import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger("bianmin.api")

API_PREFIX = "/api/"


def error_response(status: int, code: str, zh: str, en: str, **extra) -> JsonResponse:
    return JsonResponse({"code": code, "message": zh, "message_en": en, **extra}, status=status,
                        json_dumps_params={"ensure_ascii": False})


class ApiErrorMiddleware:
    """Make sure the API never answers with an HTML error page or a bare 500.

    Oversized bodies are refused here, before any parser reads them; anything that escapes the
    API's own handlers becomes a JSON error with a bilingual message.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit:
            return error_response(413, "too_large", f"请求内容过大（上限 {limit} 字节）。",
                                  f"Request body too large (limit {limit} bytes).")
        response = self.get_response(request)
        if response.status_code == 404 and "application/json" not in response.get("Content-Type", ""):
            return error_response(404, "not_found", "未找到该接口或记录。", "No such endpoint or record.")
        if response.status_code == 405 and "application/json" not in response.get("Content-Type", ""):
            return error_response(405, "method_not_allowed", "不支持该请求方法。", "Method not allowed.")
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, RequestDataTooBig):
            return error_response(413, "too_large", "请求内容过大。", "Request body too large.")
        if isinstance(exception, SuspiciousOperation):
            return error_response(400, "bad_request", "请求无效。", "Bad request.")
        logger.exception("Unhandled API error on %s", request.path)
        return error_response(500, "server_error", "服务器内部错误，请稍后重试。", "Internal server error; please retry later.")


class SecurityHeadersMiddleware:
    """Headers the security checklist expects on every response (SPEC §11)."""

    CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
           "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; frame-ancestors 'none'")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


def json_body(request: HttpRequest) -> dict:
    try:
        return json.loads(request.body or b"{}")
    except ValueError:
        return {}
