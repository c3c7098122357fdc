"""The JSON API (django-ninja): one NinjaAPI, one router per app, bilingual errors everywhere."""
from __future__ import annotations

import functools

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from bianmin.core import inputs, openapi
from bianmin.core.errors import DomainError


class ReadableJSONRenderer(JSONRenderer):
    """JSON with Chinese characters as they are, so messages are readable in logs and curl."""

    json_dumps_params = {"ensure_ascii": False}

class BianminAPI(NinjaAPI):
    """The schema states the integer rule every operation enforces (see `integers_in_range`), every error answer
    and every action's body (core.openapi)."""

    def get_openapi_schema(self, **kwargs):
        schema = openapi.complete(super().get_openapi_schema(**kwargs))
        _bound_integers(schema)
        return schema


def _bound_integers(node) -> None:
    """Every integer in the schema without its own bounds gets the signed 64-bit range."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "integer":
                if "maximum" not in node and "exclusiveMaximum" not in node:
                    node["maximum"] = inputs.INT_MAX
                if "minimum" not in node and "exclusiveMinimum" not in node:
                    node["minimum"] = inputs.INT_MIN
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


api = BianminAPI(
    title="bianmin API",
    version="1",
    description="政务服务便民平台 API · Government service centre platform API. "
    "Errors carry `message` (中文) and `message_en` (English).",
    urls_namespace="api",
    renderer=ReadableJSONRenderer(),
)


def integers_in_range(view):
    """Every integer an operation receives — path, query, body, free JSON objects — once validated, within the
    signed 64-bit range (core.inputs.refuse_huge_integers), else a 422 naming the field. Applied to every
    operation of the API, so a new endpoint cannot forget it: SQLite cannot bind a larger integer, PostgreSQL's
    bigint cannot hold one, and a paging offset beyond it is not SQL."""

    @functools.wraps(view)
    def checked(request, *args, **kwargs):
        inputs.refuse_huge_integers(inputs.argument_leaves(kwargs))
        return view(request, *args, **kwargs)

    return checked


api.add_decorator(integers_in_range)


def _body(code: str, zh: str, en: str, **extra) -> dict:
    return {"code": code, "message": zh, "message_en": en, **extra}


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    fields = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        fields.append({"field": ".".join(loc), "error": err.get("msg", "")})
    names = "、".join(f["field"] for f in fields if f["field"]) or "-"
    return api.create_response(
        request,
        _body("invalid", f"输入有误，请检查：{names}", f"Invalid input; check: {names}", errors=fields),
        status=422,
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api.create_response(request, _body("unauthorized", "请先登录或提供有效的令牌。",
                                              "Sign in or send a valid bearer token."), status=401)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    messages = {
        400: ("请求格式有误（例如 JSON 无法解析）。", "Malformed request (for example, unparseable JSON)."),
        404: ("未找到。", "Not found."),
        405: ("不支持该请求方法。", "Method not allowed."),
    }
    zh, en = messages.get(exc.status_code, (str(exc.message), str(exc.message)))
    return api.create_response(request, _body("bad_request" if exc.status_code == 400 else "error", zh, en),
                               status=exc.status_code)


def _register_routers() -> None:
    from bianmin.cases.api import router as cases_router
    from bianmin.catalog.api import router as catalog_router
    from bianmin.core.api import auth_router, calendar_router
    from bianmin.hotline.api import router as hotline_router
    from bianmin.ratings.api import router as ratings_router
    from bianmin.ratings.api_feedback import router as feedback_router
    from bianmin.rectification.api import router as rectification_router
    from bianmin.reports.api import router as reports_router
    from bianmin.stats.api import router as stats_router
    from bianmin.stats.api_hotspots import router as hotspots_router

    api.add_router("/auth", auth_router)
    api.add_router("/calendar", calendar_router)
    api.add_router("/items", catalog_router)
    api.add_router("", "bianmin.hall.api.router")
    # Before /cases: its /cases/{id}/{action} pattern would otherwise shadow /cases/{id}/rating-link.
    api.add_router("", ratings_router)
    api.add_router("", feedback_router)
    api.add_router("", rectification_router)
    api.add_router("", hotline_router)
    api.add_router("", stats_router)
    api.add_router("", "bianmin.disclosure.api.router")
    api.add_router("", reports_router)
    api.add_router("", hotspots_router)
    api.add_router("", "bianmin.appointments.api.router")
    api.add_router("", "bianmin.queueing.api.router")
    api.add_router("", "bianmin.staffops.api.router")
    api.add_router("", "bianmin.staffops.api_awards.router")
    api.add_router("", "bianmin.staffops.api_checklist.router")
    api.add_router("", "bianmin.alerts.api.router")
    api.add_router("", "bianmin.exchange.api.router")
    api.add_router("", "bianmin.cases.api_first_contacts.router")
    api.add_router("", "bianmin.cases.api_complaints.router")
    api.add_router("/cases", cases_router)


_register_routers()
