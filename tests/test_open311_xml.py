"""The XML format GeoReport v2 defines beside JSON: every endpoint answers `.xml` with the spec's element names
(<services><service>, <service_definition>, <service_requests><request>, <errors><error>), the same content as
the JSON, `text/xml; charset=utf-8` and an XML declaration; hostile text is escaped, never markup."""
import pytest
from django.core.cache import cache

from bianmin.hotline.models import WorkOrder

from .open311_helpers import BASE, error_of, issue, post, xml_of

pytestmark = pytest.mark.django_db

# The spec's elements, in the spec's order.
SERVICE = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
           "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
           "address", "address_id", "zipcode", "lat", "long", "media_url"]
HOSTILE = "</description><script>alert('x')</script>&amp; ]]> <!-- <![CDATA[ \"'"


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def as_text(value) -> str:
    """A JSON value as its XML element's text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_services_xml(hw, client):
    root = xml_of(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services" and {e.tag for e in root} == {"service"}
    in_json = client.get(f"{BASE}/services.json").json()
    assert len(root) == len(in_json) == 5
    for element, row in zip(root, in_json, strict=True):
        assert [c.tag for c in element] == SERVICE
        assert {c.tag: c.text or "" for c in element} == {k: as_text(v) for k, v in row.items()}
    assert root.find("service/metadata").text == "false" and root.find("service/type").text == "realtime"


def test_service_definition_xml(hw, client):
    root = xml_of(client.get(f"{BASE}/services/BDC.xml"))
    assert root.tag == "service_definition" and [c.tag for c in root] == ["service_code", "attributes"]
    assert root.findtext("service_code") == "BDC" and len(root.find("attributes")) == 0


def test_post_and_get_requests_xml(hw, client):
    issue()
    r = post(client, "xml")
    assert r.status_code == 201
    root = xml_of(r)
    assert root.tag == "service_requests" and [e.tag for e in root] == ["request"]
    assert [c.tag for c in root[0]] == ["service_request_id", "service_notice", "account_id"]
    number = root.findtext("request/service_request_id")
    assert WorkOrder.objects.filter(number=number).exists() and number in root.findtext("request/service_notice")
    assert root.findtext("request/account_id") == ""

    for path in ("/requests.xml", f"/requests/{number}.xml", f"/requests.xml?service_request_id={number}"):
        listed = xml_of(client.get(BASE + path))
        assert listed.tag == "service_requests" and [e.tag for e in listed] == ["request"], path
        assert [c.tag for c in listed[0]] == REQUEST
        in_json = client.get(BASE + path.replace(".xml", ".json")).json()[0]
        assert {c.tag: c.text or "" for c in listed[0]} == {k: as_text(v) for k, v in in_json.items()}
    assert listed.findtext("request/lat") == "27.123456" and listed.findtext("request/long") == "113.654321"


def test_an_empty_list_is_an_empty_root(hw, client):
    root = xml_of(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests" and len(root) == 0


@pytest.mark.parametrize("method, path, status", [
    ("get", "/services/NOPE.xml", 404),
    ("get", "/requests/RX19990101000001.xml", 404),
    ("get", "/requests.xml?status=pending", 400),
    ("get", "/requests.xml?start_date=yesterday", 400),
    ("get", "/discovery.xml", 404),
    ("post", "/services.xml", 405),
    ("delete", "/requests.xml", 405),
    ("post", "/requests.xml", 403),  # no api_key
])
def test_errors_in_xml(hw, client, method, path, status):
    assert error_of(getattr(client, method)(BASE + path), status, "xml")


def test_a_bad_post_is_an_xml_400_naming_the_parameter(hw, client):
    issue()
    assert "description" in error_of(post(client, "xml", description=""), 400, "xml")
    assert "service_code" in error_of(post(client, "xml", service_code="NOPE"), 400, "xml")
    assert not WorkOrder.objects.exists()


def test_hostile_text_is_escaped_never_markup(hw, client):
    """What a citizen typed, and what an administrator wrote in the catalogue, come back as text: the document
    still parses and no element is injected. Characters XML cannot carry at all (control characters; the
    intake refuses them, but the catalogue is edited elsewhere) are replaced, not allowed to break the document."""
    hw.social.name = "<b>救助</b> & </service_name><group>x</group>"
    hw.social.description = "第一行\x01\x0b\x1f\ufffe第二行"
    hw.social.keywords = "]]>,<!--"
    hw.social.save()
    issue()
    number = post(client, description=HOSTILE, address_string="<a href='x'>楼</a>",
                  media_url="https://example.org/a.jpg?x=1&y=<2>").json()[0]["service_request_id"]
    for path in ("/services.xml", "/requests.xml", f"/requests/{number}.xml", "/requests.xml?service_code=<x>"):
        r = client.get(BASE + path)
        root = xml_of(r)  # parses
        assert b"<script>" not in r.content and b"<b>" not in r.content and b"<a href" not in r.content
        assert {e.tag for e in root.iter()} <= {"services", "service", "service_requests", "request", *SERVICE,
                                                *REQUEST}
    social = next(s for s in xml_of(client.get(f"{BASE}/services.xml")) if s.findtext("service_code") == "SHJZ")
    assert [c.tag for c in social] == SERVICE
    assert social.findtext("service_name") == "<b>救助</b> & </service_name><group>x</group>"
    assert social.findtext("description") == "第一行\ufffd\ufffd\ufffd\ufffd第二行"
    assert social.findtext("keywords") == "]]>, <!--"
    request = xml_of(client.get(f"{BASE}/requests/{number}.xml")).find("request")
    assert [c.tag for c in request] == REQUEST
    assert request.findtext("description").startswith(HOSTILE)
    assert "&y=<2>" in request.findtext("description")
    assert request.findtext("address").startswith("<a href='x'>楼</a>")
    # The JSON keeps the catalogue's text as stored.
    in_json = {row["service_code"]: row for row in client.get(f"{BASE}/services.json").json()}
    assert in_json["SHJZ"]["description"] == "第一行\x01\x0b\x1f\ufffe第二行"
