"""Every GET of /api/v1/openapi.json, called with real records (the demo data) by the people who see them,
answers JSON that validates against the schema the document gives for that operation and status; so does the
rating unmask answer (which the case unmask schema used to describe)."""
import json

import jsonschema_rs
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from bianmin.api import api
from bianmin.core.auth import issue_token

from .demo_helpers import DEMO_NOW, load_demo_at
from .once import module_shares, module_transaction

pytestmark = pytest.mark.django_db

PEOPLE = ("demo-supervisor", "demo-manager", "demo-clerk", "demo-agent", "admin")

# Required query parameters of the operations that have some: a value that reads real data.
QUERY = {"start": "2026-11-18", "amount": "5", "level": "site", "term": "排队"}
# Path parameters no list endpoint gives.
FIXED = {"day": "2026-10-01", "kind": "case"}
# Path parameters whose values come from another list than the path above them: the exchange preview of a record
# (`/exchange/preview/{kind}/{id}`, kind "case") takes a case of the person's list.
LISTED_BY = {"id": "/api/v1/cases"}


@pytest.fixture(scope="module")
def demo_clients(request, django_db_setup, django_db_blocker):
    """The demo and its people's API clients, built once for the module (each test runs in a savepoint)."""
    assert module_shares(request, "demo"), "every database test of this module must use the `demo` fixture"
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            load_demo_at(DEMO_NOW)
            users = get_user_model().objects
            clients = {name: _signed_in(users.get(username=name)) for name in PEOPLE}
            _add_a_survey_and_an_assessment(clients["demo-supervisor"])
            clients["a rating device"] = _a_device(clients["demo-manager"])
            FIXED["window_id"] = _a_window_of_the_manager()  # GET /windows/{id}/score: /windows is no list
            FIXED["token"] = _a_queue_ticket_token()  # GET /queue/tickets/{token}: no list gives a ticket's token
            QUERY.update(_a_bookable_slot())  # GET /appointments/slots: the site, item and day of a demo booking
        yield clients


@pytest.fixture
def demo(demo_clients, db):
    return demo_clients


def _a_bookable_slot() -> dict:
    from bianmin.appointments.models import Appointment

    booking = Appointment.objects.select_related("item").order_by("date", "pk").first()
    return {"site": str(booking.site_id), "item": booking.item.code, "date": booking.date.isoformat()}


def _a_queue_ticket_token() -> str:
    from bianmin.orgs.models import Window
    from bianmin.queueing import services
    from bianmin.queueing.models import QueueTicket

    token = QueueTicket.objects.order_by("pk").values_list("token", flat=True).first()
    if token:
        return token
    window = Window.objects.filter(items__isnull=False).order_by("pk").first()
    return services.issue(window.site, item=window.items.order_by("pk").first()).token


def _a_window_of_the_manager() -> int:
    from bianmin.orgs.models import Membership

    site = Membership.objects.filter(user__username="demo-manager", site__isnull=False).first().site
    return site.windows.order_by("pk").first().pk


def _signed_in(user) -> Client:
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {issue_token(user)[0]}")


def _a_device(manager) -> Client:
    from bianmin.orgs.models import Membership

    site = Membership.objects.filter(user__username="demo-manager", site__isnull=False).first().site
    r = manager.post("/api/v1/devices", {"window_id": site.windows.first().pk, "name": "评价器"},
                     content_type="application/json")
    assert r.status_code == 201, r.content
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {r.json()['key']}")


def _add_a_survey_and_an_assessment(client) -> None:
    """The demo has neither; the supervisor draws a sample and imports an assessment, as the pages would."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bianmin.orgs.models import Membership

    unit = Membership.objects.filter(user__username="demo-supervisor").select_related("unit").first().unit
    r = client.post("/api/v1/surveys", {"unit_id": unit.pk, "period_start": "2026-10-01", "period_end": "2026-11-18",
                                        "rate": 1, "seed": 1}, content_type="application/json")
    assert r.status_code == 201, r.content
    csv = f"单位,评估期起,评估期止,得分,评估意见\n{unit.division_code},2026-01-01,2026-06-30,91.5,良好\n"
    r = client.post("/api/v1/assessments/import", {"assessor": "第三方", "file": SimpleUploadedFile(
        "a.csv", csv.encode(), content_type="text/csv")})
    assert r.status_code == 201, r.content


def _document() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema()))  # as served: status codes as strings


def _validator(doc: dict, schema: dict):
    return jsonschema_rs.validator_for({**schema, "components": doc["components"]})


def _entries(answer) -> list:
    if isinstance(answer, dict):
        for key in ("items", "units"):
            if isinstance(answer.get(key), list):
                return answer[key]
        return []
    return answer if isinstance(answer, list) else []


def _first_key(client, list_url: str):
    r = client.get(list_url)
    if r.status_code != 200:
        return None
    for entry in _entries(r.json()):
        for key in ("id", "code"):
            if key in entry:
                return entry[key]
    return None


def _url(client, path: str, operation: dict) -> str | None:
    """The path with each parameter filled from the list above it (`/cases/{case_id}` ← `/cases`)."""
    for p in operation.get("parameters", []):
        if p["in"] != "path":
            continue
        marker = "{" + p["name"] + "}"
        value = FIXED.get(p["name"]) or _first_key(client, LISTED_BY.get(p["name"]) or path.split("/" + marker)[0])
        if value is None:
            return None
        path = path.replace(marker, str(value))
    return path


def _query(operation: dict) -> dict:
    required = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query" and p.get("required")]
    missing = [name for name in required if name not in QUERY]
    assert not missing, f"add a value for the required query parameters {missing} to QUERY"
    return {name: QUERY[name] for name in required}


def test_every_get_answers_what_its_schema_says(demo):
    doc = _document()
    checked, failures = set(), []
    for path, operations in doc["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        success = operation["responses"].get("200", {}).get("content", {}).get("application/json")
        if success is None:
            continue  # files (reports, attachments): no JSON schema to meet
        validator = _validator(doc, success["schema"])
        for name, client in demo.items():
            url = _url(client, path, operation)
            if url is None:
                continue
            r = client.get(url, _query(operation))
            if r.status_code != 200:
                continue
            checked.add(path)
            for error in validator.iter_errors(r.json()):
                failures.append(f"GET {url} as {name}: {error}")
    assert not failures, "\n".join(failures[:20])
    json_gets = {p for p, ops in doc["paths"].items()
                 if "get" in ops and "application/json" in ops["get"]["responses"].get("200", {}).get("content", {})}
    # Every JSON GET was answered with real data by someone (a new endpoint needs its list or a FIXED value).
    assert checked == json_gets, sorted(json_gets - checked)


def test_the_rating_unmask_answer_meets_its_own_schema(demo):
    from bianmin.ratings.models import Rating

    doc = _document()
    operation = doc["paths"]["/api/v1/ratings/{rating_id}/unmask"]["post"]
    validator = _validator(doc, operation["responses"]["200"]["content"]["application/json"]["schema"])
    rating = Rating.objects.exclude(rater_phone="").order_by("pk").first()
    answers = [client.post(f"/api/v1/ratings/{rating.pk}/unmask", {"reason": "核实差评"},
                           content_type="application/json") for client in demo.values()]
    shown = [r.json() for r in answers if r.status_code == 200]
    assert shown, [r.status_code for r in answers]
    for answer in shown:
        assert validator.is_valid(answer), answer
        assert set(answer) == {"rater_name", "rater_phone"}


def test_error_answers_meet_the_error_schema(demo):
    doc = _document()
    client = demo["demo-clerk"]
    answers = {
        404: client.get("/api/v1/cases/999999999"),
        422: client.get("/api/v1/cases", {"warning": "purple"}),
        401: Client(HTTP_HOST="localhost").get("/api/v1/cases"),
        409: client.post(f"/api/v1/cases/{_first_key(client, '/api/v1/cases?status=completed')}/accept", {},
                         content_type="application/json"),
    }
    for status, r in answers.items():
        assert r.status_code == status, (status, r.content)
        operation = doc["paths"]["/api/v1/cases/{case_id}/accept" if status == 409 else
                                 "/api/v1/cases/{case_id}" if status == 404 else "/api/v1/cases"]
        schema = operation["post" if status == 409 else "get"]["responses"][str(status)]["content"][
            "application/json"]["schema"]
        assert _validator(doc, schema).is_valid(r.json()), r.json()
