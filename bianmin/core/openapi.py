"""What /api/v1/openapi.json promises, kept true in one place (issue 14, "OpenAPI that tells the truth").

- Every operation documents the error answers it can give, each with the one error body of the API (`ErrorOut`):
  the standard ones follow from the operation itself (`complete`); a few operations declare more with
  `errors(...)`.
- Action endpoints (`POST /cases/{id}/{action}` and the others) are one operation per action, each with its
  own body schema (`action_routes`); the URLs stay the same. Their handlers still read the JSON body
  themselves (the services check every field and answer 422 naming it), so the schema documents the body
  without changing what is accepted.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from ninja import Router, Schema
from pydantic import BaseModel, Field

REF = "#/components/schemas/{model}"


class ErrorOut(Schema):
    """The body of every error answer: a code, the message in Chinese and in English, and the field at fault."""

    code: str = Field(..., description="A stable code: invalid, not_found, forbidden, conflict, unauthorized …")
    message: str = Field(..., description="中文说明")
    message_en: str = Field(..., description="The message in English")
    field: str | None = Field(None, description="The input field at fault, when there is one")
    errors: list[dict[str, Any]] | None = Field(
        None, description="Invalid input: one entry per problem (`field` and `error`; imports: `row`, `column`, "
                          "`message`, `message_en`)")


class RateOut(Schema):
    """A rate with what it is computed from (statistics, ticket and hotline figures share this one shape)."""

    numerator: int
    denominator: int
    value: float | None = Field(..., description="numerator / denominator; null when there is nothing to divide by")


ERROR_DESCRIPTIONS = {
    400: "Malformed request (for example, unparseable JSON) · 请求格式有误",
    401: "Not signed in, or the bearer token is not valid · 未登录或令牌无效",
    403: "Signed in, but not allowed to do this · 无权操作",
    404: "No such record, or not visible to you · 不存在或无权查看",
    409: "The record's state does not allow this now · 当前状态不允许该操作",
    410: "Expired · 已过期",
    413: "Request body too large · 请求内容过大",
    422: "Invalid input; `field` or `errors` name what to correct · 输入有误",
    429: "Too many requests; try again later · 操作过于频繁",
}

# An operation's own extra error statuses travel in its openapi_extra under this key until `complete` reads them.
_EXTRA = "x-bianmin-errors"


def errors(*statuses: int) -> dict:
    """openapi_extra for an operation that answers error statuses beyond the standard ones (see `complete`)."""
    unknown = set(statuses) - set(ERROR_DESCRIPTIONS)
    if unknown:
        raise ValueError(f"No description for error statuses {sorted(unknown)}")
    return {_EXTRA: list(statuses)}


def standard_errors(method: str, operation: dict) -> set[int]:
    """The error statuses any operation like this one can answer, whatever its handler does: 422 for any input
    (the input boundary refuses control characters and huge integers on every request); 400/413 with a body;
    401/403 behind sign-in; 404 for a record named in the path or for anything in a signed-in person's scope;
    409 for a signed-in change."""
    statuses = {422}
    has_body = "requestBody" in operation
    signed_in = bool(operation.get("security"))
    in_path = any(p.get("in") == "path" for p in operation.get("parameters", []))
    if has_body:
        statuses |= {400, 413}
    if signed_in:
        statuses |= {401, 403, 404}
        if method != "get":
            statuses.add(409)
    if in_path:
        statuses.add(404)
    return statuses


# Body schemas documented by `body` (ninja does not know them: the handlers read the body).
_BODIES: dict[str, type[BaseModel]] = {}


def complete(schema: dict) -> dict:
    """Add ErrorOut and the documented action bodies to the components and every error status to every
    operation. Raises if two different models would share one component name."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    _add_model(components, ErrorOut)
    for model in _BODIES.values():
        _add_model(components, model)
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            statuses = standard_errors(method, operation) | set(operation.pop(_EXTRA, []))
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses):
                if status in responses or str(status) in responses:
                    continue
                responses[status] = {
                    "description": ERROR_DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorOut")}}},
                }
    return schema


def _add_model(components: dict, model: type[BaseModel]) -> None:
    generated = model.model_json_schema(ref_template=REF)
    for name, definition in {**generated.pop("$defs", {}), model.__name__: generated}.items():
        if name in components and components[name] != definition:
            raise ValueError(f"Two schemas are named {name} in the OpenAPI document")
        components[name] = definition


def action_routes(router: Router, path: str, id_name: str, bodies: Mapping[str, type[BaseModel]],
                  perform: Callable, *, response, summary: str, tags: list[str] | None = None) -> None:
    """One `POST {path}/{action}` operation per action, each documenting its own body.

    `path` holds the record's id parameter (`/{case_id}`); `perform(request, record_id, action)` does the work
    for all of them and reads the body itself. Register these before the `{action}` fallback route that answers
    unknown actions with 404."""
    for action, model in bodies.items():
        router.post(
            f"{path}/{action}", response=response, summary=f"{summary}: {action}",
            description=model.__doc__ or "", tags=tags,
            operation_id=f"{perform.__module__.split('.')[1]}_{perform.__name__}_{action}",
            openapi_extra=body(model),
        )(_view_for(perform, id_name, action))


class FileOut(Schema):
    """A file just attached."""

    id: int
    name: str
    size: int = Field(..., description="Bytes")


def file_answer(*media_types: str) -> dict:
    """openapi_extra for an operation that answers a file download."""
    return {"responses": {200: {"description": "The file", "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in media_types}}}}


def body(model: type[BaseModel], *, form: type[BaseModel] | None = None) -> dict:
    """openapi_extra documenting the body of an operation whose handler reads it itself: JSON shaped like `model`,
    or (with `form`) also multipart/form-data shaped like `form`."""
    content = {"application/json": model}
    if form is not None:
        content["multipart/form-data"] = form
    for documented in content.values():
        _register(documented)
    return {"requestBody": {
        "required": bool(model.model_json_schema().get("required")),
        "content": {kind: {"schema": {"$ref": REF.format(model=m.__name__)}} for kind, m in content.items()},
    }}


def _register(model: type[BaseModel]) -> None:
    if _BODIES.get(model.__name__, model) is not model:
        raise ValueError(f"Two documented bodies are named {model.__name__}")
    _BODIES[model.__name__] = model


def _view_for(perform: Callable, id_name: str, action: str) -> Callable:
    """A view whose signature names the id parameter, as ninja reads the path parameters from the signature."""

    def view(request, **kwargs):
        return perform(request, kwargs[id_name], action)

    view.__signature__ = inspect.Signature([
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter(id_name, inspect.Parameter.KEYWORD_ONLY, annotation=int),
    ])
    view.__name__ = f"{perform.__name__}_{action}"
    view.__module__ = perform.__module__
    return view
