"""/api/v1/openapi.json tells the truth (issue 14): one component per schema, every action's body documented,
every error status documented with the error body, and each GET answers what its schema says."""
import typing

import pytest
from pydantic import BaseModel

from bianmin.api import api
from bianmin.core import openapi

pytestmark = pytest.mark.django_db


def _document() -> dict:
    return api.get_openapi_schema()


def _operations(doc: dict):
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def _models_in(annotation, found: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


def _all_models() -> set:
    """Every pydantic model an operation reads or answers with (ninja's own wrappers included, harmlessly)."""
    found: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in (operation.response_models or {}).values():
                    _models_in(model, found)
                for model in operation.models:
                    _models_in(model, found)
    for model in openapi._BODIES.values():
        _models_in(model, found)
    return found


def test_schema_names_are_unique():
    """Two classes with one name share one component: the second silently replaces the first (the case unmask
    schema described the rating unmask answer)."""
    by_name: dict[str, set] = {}
    for model in _all_models():
        by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert shared == {}


def test_each_component_is_the_schema_of_its_model():
    """Every model's component in the document has exactly the model's own fields."""
    components = _document()["components"]["schemas"]
    for model in _all_models():
        if model.__name__ not in components or model.__module__.startswith("ninja"):
            continue
        own = model.model_json_schema(ref_template=openapi.REF)
        assert set(components[model.__name__].get("properties", {})) == set(own.get("properties", {})), model


def test_rating_unmask_documents_the_rating_answer():
    doc = _document()
    ref = doc["paths"]["/api/v1/ratings/{rating_id}/unmask"]["post"]["responses"][200]["content"][
        "application/json"]["schema"]["$ref"]
    name = ref.rsplit("/", 1)[1]
    assert set(doc["components"]["schemas"][name]["properties"]) == {"rater_name", "rater_phone"}


def _actions() -> dict[str, list[str]]:
    from bianmin.cases.states import Action as CaseAction
    from bianmin.hotline.services import HANDLERS as ORDER_HANDLERS
    from bianmin.rectification.services import HANDLERS as TICKET_HANDLERS

    return {"/api/v1/cases/{case_id}/": [a.value for a in CaseAction],
            "/api/v1/rectifications/{ticket_id}/": [a.value for a in TICKET_HANDLERS],
            "/api/v1/workorders/{order_id}/": list(ORDER_HANDLERS)}


def test_every_action_has_its_own_operation_and_body_schema():
    doc = _document()
    assert not any(path.endswith("/{action}") for path in doc["paths"]), "no undocumented {action} route"
    components = doc["components"]["schemas"]
    bodies = set()
    for prefix, actions in _actions().items():
        for action in actions:
            operation = doc["paths"][prefix + action]["post"]
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            bodies.add(ref)
            assert ref.rsplit("/", 1)[1] in components
    assert len(bodies) == sum(len(a) for a in _actions().values()), "each action its own body"


def test_action_body_names_the_fields_the_service_reads():
    doc = _document()
    components = doc["components"]["schemas"]

    def fields(path):
        ref = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return set(components[ref.rsplit("/", 1)[1]]["properties"])

    assert fields("/api/v1/cases/{case_id}/reject") == {"ground", "reason"}
    assert {"amount", "reason", "approver"} <= fields("/api/v1/cases/{case_id}/extend")
    assert fields("/api/v1/rectifications/{ticket_id}/verify") == {"channel", "reached", "note"}
    assert {"decision", "until", "amount", "reason", "note"} <= fields("/api/v1/workorders/{order_id}/extend")
    assert fields("/api/v1/workorders/{order_id}/merge") == {"into", "note"}


def test_every_error_status_is_documented_with_the_error_body():
    doc = _document()
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    assert {"code", "message", "message_en", "field"} <= set(doc["components"]["schemas"]["ErrorOut"]["properties"])
    for path, method, operation in _operations(doc):
        responses = {int(k): v for k, v in operation["responses"].items()}
        expected = {422}
        if operation.get("security"):
            expected |= {401, 403, 404}
        if "{" in path:
            expected.add(404)
        if "requestBody" in operation:
            expected.add(413)
        if operation.get("security") and method != "get":
            expected.add(409)
        assert expected <= set(responses), (method, path, sorted(responses))
        for status in expected:
            assert responses[status]["content"]["application/json"]["schema"] == error_ref, (method, path, status)
    for path in ("/api/v1/auth/token", "/api/v1/ratings", "/api/v1/comments"):
        assert 429 in {int(k) for k in doc["paths"][path]["post"]["responses"]}, path


def test_the_served_document_is_the_completed_one(client):
    served = client.get("/api/v1/openapi.json").json()
    assert "ErrorOut" in served["components"]["schemas"]
    assert "/api/v1/cases/{case_id}/accept" in served["paths"]


@pytest.mark.parametrize("prefix", ["/api/v1/cases/{id}/", "/api/v1/rectifications/{id}/",
                                    "/api/v1/workorders/{id}/"])
def test_an_unknown_action_still_answers_404_in_both_languages(world, api_for, prefix):
    client = api_for(world.supervisor)
    response = client.post(prefix.format(id=1) + "fly", {}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and response.json()["message_en"]


def test_an_action_route_still_reads_its_body(world, api_for):
    from .case_helpers import act, register

    clerk = api_for(world.clerk_a)
    case = register(clerk, world.item_committed)
    refused = clerk.post(f"/api/v1/cases/{case['id']}/reject", {"ground": "nonsense", "reason": "x"},
                         content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "ground"
    assert act(clerk, case["id"], "accept")["status"] == "accepted"


@pytest.mark.parametrize("prefix, services", [
    ("/api/v1/cases/{case_id}/", "bianmin.cases.services"),
    ("/api/v1/rectifications/{ticket_id}/", "bianmin.rectification.services"),
    ("/api/v1/workorders/{order_id}/", "bianmin.hotline.services"),
])
def test_every_documented_body_field_is_one_the_service_reads(prefix, services):
    """The handlers read the body themselves: a field documented under a name the service never reads would be
    silently ignored."""
    import importlib
    import inspect

    module = importlib.import_module(services)
    # The handlers may live in modules of their own (cases: returns.py, urgency.py, special_procedures.py).
    handler_modules = {inspect.getmodule(h) for h in getattr(module, "HANDLERS", {}).values()} - {module}
    source = "".join(inspect.getsource(m) for m in [module, *handler_modules])
    doc = _document()
    components = doc["components"]["schemas"]

    def properties(schema: dict) -> set[str]:
        names = set(schema.get("properties", {}))
        for prop in schema.get("properties", {}).values():
            for ref in [prop.get("$ref"), prop.get("items", {}).get("$ref"),
                        *[a.get("items", {}).get("$ref") for a in prop.get("anyOf", [])]]:
                if ref:
                    names |= properties(components[ref.rsplit("/", 1)[1]])
        return names

    for action in _actions()[prefix]:
        ref = doc["paths"][prefix + action]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        unread = {name for name in properties(components[ref.rsplit("/", 1)[1]]) if f'"{name}"' not in source}
        assert not unread, (action, unread)
