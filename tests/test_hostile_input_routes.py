"""Every GET route, hostile values in every parameter: never a 500 (issue 14 §2).

The routes are read from the URL conf (django.urls.get_resolver()) and, for the API, from its OpenAPI schema, so a
new page or endpoint is probed the day it is added. Each gets NUL bytes and integers beyond 64 bits in its query
parameters and path: a NUL must be refused (4xx, in both languages), a huge integer must not be a server error.
Nothing may reach the database out of range either: the boundary's safety net (core.middleware) would turn that
into a 4xx, so it is asserted that it never had to.

HTML views do not declare their query parameters: the names are gathered from the project's forms and from every
`request.GET.get("…")` in the source, and sent all at once."""
import logging
import re
from pathlib import Path

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver

from bianmin.api import api

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # > 2^64: no database column holds it
NUL = "a\x00b"
SKIPPED = ("admin/", "api/v1/", "i18n/")  # Django's admin; the API is probed through its schema; set_language
# Open311's parameters are read through small helpers (`_list(request, "status")`), not request.GET.get("…").
OPEN311_PARAMS = ["service_request_id", "service_code", "start_date", "end_date", "status", "jurisdiction_id",
                  "api_key"]
SOURCE = Path(__file__).resolve().parent.parent / "bianmin"
READ_FROM_GET = re.compile(r"""GET\.(?:get|getlist)\(\s*["'](\w+)["']|GET\[["'](\w+)["']\]""")


@pytest.fixture
def personas(hw, api_for, client_for):
    """Who probes: anonymous, the county supervisor (most staff pages), the hotline agent (the hotline)."""
    people = [None, hw.base.supervisor, hw.agent]
    return {"pages": [client_for(p) for p in people], "api": [api_for(p) for p in people]}


@pytest.fixture
def safety_net(caplog):
    """The records of core.middleware's safety net: an out-of-range value that reached the database."""
    caplog.set_level(logging.WARNING, logger="bianmin.api")
    return lambda: [r.getMessage() for r in caplog.records if "reached the database" in r.getMessage()]


# ---------------------------------------------------------------- the HTML pages (and Open311)

def page_routes() -> list[str]:
    """Every non-API route of the URL conf as a pattern string ("workbench/cases/<int:case_id>/")."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern)

    return [r for r in walk(get_resolver().url_patterns) if not r.startswith(SKIPPED)]


def page_url(route: str, number: str) -> str:
    """A concrete address for a route: ids `number`, other path parts "x", Open311's format json."""
    url = re.sub(r"\(\?P<fmt>[^)]*\)", "json", route)  # re_path routes (Open311)
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "x", url)
    url = re.sub(r"<int:\w+>", number, url)
    url = re.sub(r"<(?:str|slug|path):\w+>|<\w+>", "x", url)
    return "/" + url.replace("^", "").replace("$", "").replace("\\.", ".")


def page_params() -> list[str]:
    """The names HTML views read from a query string: every form field of the project and every name read
    with request.GET in the source."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    names = {name for form in subclasses(forms.BaseForm) if form.__module__.startswith("bianmin")
             for name in getattr(form, "base_fields", {})}
    for path in SOURCE.rglob("*.py"):
        names |= {a or b for a, b in READ_FROM_GET.findall(path.read_text(encoding="utf-8"))}
    return sorted(names | set(OPEN311_PARAMS))


def test_the_walk_finds_the_pages_and_their_parameters():
    routes = page_routes()
    assert "search/" in routes and "workbench/hotline/<int:order_id>/" in routes and len(routes) > 50
    assert page_url("open311/v2/^requests\\.(?P<fmt>[A-Za-z0-9]+)$", "1") == "/open311/v2/requests.json"
    assert {"q", "page", "date_from", "site", "service_code"} <= set(page_params())


def test_no_page_answers_hostile_query_values_with_a_server_error(personas, safety_net):
    names = page_params()
    failures = []
    for route in page_routes():
        for client in personas["pages"]:
            for number, value in [("1", HUGE), (HUGE, "1"), ("1", NUL)]:
                url = page_url(route, number)
                r = client.get(url, {name: value for name in names})
                if r.status_code >= 500 or (value == NUL and not 400 <= r.status_code < 500):
                    failures.append(f"{r.status_code} GET {url} ({value!r} in every parameter)")
    assert not failures, "\n".join(failures)
    assert not safety_net()


# ---------------------------------------------------------------- the API, from its schema

def api_operations() -> list[tuple[str, list[dict]]]:
    """(path, parameters) of every GET operation in the OpenAPI schema."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return [(path, op.get("parameters", [])) for path, ops in schema["paths"].items()
            for method, op in ops.items() if method == "get"]


def api_url(path: str, parameters: list[dict], hostile: dict | None = None) -> str:
    """The address with each path parameter filled in — an id 1, a text "x" — unless `hostile` names it."""
    hostile = hostile or {}
    for p in parameters:
        if p["in"] == "path":
            plain = "1" if p.get("schema", {}).get("type") == "integer" else "x"
            path = path.replace(f"{{{p['name']}}}", hostile.get(p["name"], plain))
    return path


def cases(path: str, parameters: list[dict]):
    """(url, query, value) to send: each parameter, path or query, in turn NUL and a huge integer."""
    for p in parameters:
        if p["in"] not in ("path", "query"):
            continue
        for value in (NUL, HUGE):
            if p["in"] == "path":
                yield api_url(path, parameters, {p["name"]: value.replace("\x00", "%00")}), {}, value
            else:
                yield api_url(path, parameters), {p["name"]: value}, value


def test_the_schema_lists_the_api_operations_with_query_parameters():
    operations = dict(api_operations())
    assert "/api/v1/reports" in operations and "/api/v1/workorders" in operations
    assert {p["name"] for p in operations["/api/v1/ratings"]} >= {"site_id", "offset", "limit"}


def test_the_schema_states_the_integer_range():
    operations = dict(api_operations())
    offset = next(p for p in operations["/api/v1/workorders"] if p["name"] == "offset")
    assert offset["schema"]["maximum"] == 2**63 - 1 and offset["schema"]["minimum"] == 0


def test_no_api_operation_answers_hostile_parameters_with_a_server_error(personas, safety_net):
    failures = []
    for path, parameters in api_operations():
        for url, query, value in cases(path, parameters):
            for client in personas["api"]:
                r = client.get(url, query)
                if r.status_code >= 500:
                    failures.append(f"{r.status_code} GET {url} {query!r}")
                elif value == NUL and r.status_code in (400, 422):
                    body = r.json()
                    if not (body.get("message") and body.get("message_en")):
                        failures.append(f"{r.status_code} GET {url} {query!r}: no bilingual message")
                elif value == NUL and r.status_code not in (401, 403, 404):
                    failures.append(f"{r.status_code} GET {url} {query!r}: a NUL was not refused")
    assert not failures, "\n".join(failures)
    assert not safety_net()
