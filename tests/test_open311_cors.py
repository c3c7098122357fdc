"""CORS for the public Open311 reads: every GET, HEAD and OPTIONS answer carries `Access-Control-Allow-Origin: *`
(errors too, so a page can show them) and OPTIONS answers a preflight allowing GET and HEAD only; a POST needs a
server-held api_key, so its answers carry no CORS header and a browser page is never invited to send one."""
import pytest
from django.core.cache import cache

from .open311_helpers import BASE, error_of, issue, post

pytestmark = pytest.mark.django_db

ORIGIN = {"HTTP_ORIGIN": "https://map.example.org"}
READS = ["/services.json", "/services.xml", "/services/SHJZ.json", "/requests.json", "/requests.xml"]


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("path", READS)
def test_gets_and_heads_may_be_read_from_any_origin(hw, client, path):
    for method in (client.get, client.head):
        r = method(BASE + path, **ORIGIN)
        assert r.status_code == 200 and r["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in r  # public data: no cookies are ever involved


def test_a_request_and_errors_of_a_get_carry_the_header_too(hw, client):
    issue()
    number = post(client).json()[0]["service_request_id"]
    assert client.get(f"{BASE}/requests/{number}.xml", **ORIGIN)["Access-Control-Allow-Origin"] == "*"
    for path in ("/services/NOPE.json", "/requests.json?status=pending", "/nothing/here", "/requests.csv"):
        r = client.get(BASE + path, **ORIGIN)
        assert r.status_code in (400, 404) and r["Access-Control-Allow-Origin"] == "*", path


@pytest.mark.parametrize("path, allow", [
    ("/services.json", "GET, HEAD, OPTIONS"),
    ("/services/SHJZ.xml", "GET, HEAD, OPTIONS"),
    ("/requests.json", "GET, POST, HEAD, OPTIONS"),
    ("/requests/RX1.json", "GET, HEAD, OPTIONS"),
])
def test_a_preflight_allows_reading_only(hw, client, path, allow):
    r = client.options(BASE + path, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                       HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept", **ORIGIN)
    assert r.status_code == 204 and r["Allow"] == allow
    assert r["Access-Control-Allow-Origin"] == "*"
    assert r["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"  # never POST
    assert "Accept" in r["Access-Control-Allow-Headers"] and int(r["Access-Control-Max-Age"]) > 0


def test_post_answers_carry_no_cors_header(hw, client):
    origin = {"Origin": ORIGIN["HTTP_ORIGIN"]}
    r = post(client, headers=origin)
    error_of(r, 403)  # no client holds the key yet
    assert "Access-Control-Allow-Origin" not in r
    issue()
    r = post(client, headers=origin)
    assert r.status_code == 201 and "Access-Control-Allow-Origin" not in r
    r = post(client, "xml", headers=origin, description="")
    assert r.status_code == 400 and "Access-Control-Allow-Origin" not in r
    r = client.post(f"{BASE}/services.json", **ORIGIN)
    assert r.status_code == 405 and "Access-Control-Allow-Origin" not in r


def test_the_rest_of_the_site_is_untouched(hw, client):
    for path in ("/api/v1/public/units", "/"):
        assert "Access-Control-Allow-Origin" not in client.get(path, **ORIGIN), path
