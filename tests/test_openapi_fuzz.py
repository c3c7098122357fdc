"""A bounded schemathesis run over every operation of /api/v1/openapi.json (issue 14): whatever schemathesis
generates from the document, the API never answers 5xx, and every answer matches the schema the document gives
for its status. Runs in the Django app through WSGI, signed in as the supervisor of tests/world.py."""
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

pytestmark = pytest.mark.django_db(transaction=False)

# Examples per operation: enough to reach every documented input shape, small enough for about a minute on two
# cores over ~90 operations.
MAX_EXAMPLES = 8


@pytest.fixture(autouse=True)
def connection_kept_open():
    """Through WSGI each request ends with Django closing the database connection, which would end the test's
    transaction (PostgreSQL); django.test.Client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def supervisor_token(world):
    from bianmin.core.auth import issue_token

    token, _ = issue_token(world.supervisor)
    return token


# The document is read through the app itself, as a client would (schemathesis's lazy fixture loader does not
# work with pytest 9).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), headers={"Host": "localhost"})


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_answers_match_the_schema(case, supervisor_token):
    headers = {"Host": "localhost"}
    if "Authorization" not in (case.headers or {}):
        headers["Authorization"] = f"Bearer {supervisor_token}"
    response = case.call(headers=headers)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
