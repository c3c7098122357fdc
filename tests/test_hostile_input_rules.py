"""The rules of the input boundary (issue 14 §2), beyond the probe's own inputs: which characters no text may
hold (and which it may), where they are looked for, the integer range at its edges, the size limits of plain and
multipart bodies, and the safety net for what reaches the database out of range anyway."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DataError
from django.test import RequestFactory

from bianmin.core import inputs
from bianmin.core.middleware import InputBoundaryMiddleware
from bianmin.core.models import Clock
from bianmin.hotline.models import Attachment, WorkOrder, WorkOrderEvent

from .hotline_helpers import intake, post
from .test_hostile_input_probe import api_refused, open311_refused, page_refused

pytestmark = pytest.mark.django_db

INT_MAX = 2**63 - 1


def stored() -> tuple:
    return WorkOrder.objects.count(), WorkOrderEvent.objects.count(), Clock.objects.count(), Attachment.objects.count()


def intake_body(text: str) -> dict:
    return {"channel": "phone", "category": "SHJZ", "text": text, "caller": {"name": "周晓梅", "phone": "13911112222"}}


# ---------------------------------------------------------------- which characters

@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f",
                                  "\ud800"])
def test_control_characters_and_lone_surrogates_are_refused(hw, api_for, char):
    before = stored()
    r = post(api_for(hw.agent), "/api/v1/workorders", raw=json.dumps(intake_body(f"咨询{char}救助")))
    body = api_refused(r, statuses=(422,))
    assert body["code"] == "control_character" and body["field"] == "text"
    assert stored() == before


def test_tabs_and_line_breaks_are_text(hw, api_for):
    order = intake(api_for(hw.agent), text="第一行\r\n第二行\n\t缩进的第三行")
    assert "\t缩进" in WorkOrder.objects.get(pk=order["id"]).text


# ---------------------------------------------------------------- where they are looked for

def test_a_nul_in_a_path_is_refused(world, client_for):
    api_refused(client_for(None).get("/api/v1/items/ITEM%00"), statuses=(422,))
    page_refused(client_for(None).get("/guides/ITEM%00/"))


def test_a_refusal_carries_the_security_headers(world, client_for):
    r = client_for(None).get("/search/?q=%00")
    assert r.status_code == 400 and r["Content-Security-Policy"] and r["X-Frame-Options"] == "DENY"


def test_a_nul_in_a_parameter_name_is_refused(world, client_for):
    body = api_refused(client_for(None).get("/api/v1/items?q%00x=1"), statuses=(422,))
    assert body["field"] == "q?x"


def test_a_nul_in_a_json_key_or_a_list_is_refused(hw, api_for):
    client = api_for(hw.agent)
    assert api_refused(post(client, "/api/v1/workorders", {**intake_body("咨询"), "x\x00": 1}))["field"] == "x?"
    assert api_refused(post(client, "/api/v1/workorders", {**intake_body("咨询"), "tags": ["ok", "no\x00"]}))[
        "field"] == "tags.1"


def test_a_json_body_sent_as_text_is_checked_too(hw, api_for):
    """The API parses any body as JSON, whatever its content type: so does the boundary."""
    r = api_for(hw.agent).post("/api/v1/workorders", json.dumps(intake_body("咨询\x00")), content_type="text/plain")
    assert api_refused(r)["field"] == "text"


def test_a_nul_in_a_page_form_is_a_readable_400_and_stores_nothing(hw, client_for):
    before = stored()
    r = client_for(hw.agent).post("/workbench/hotline/new/", {
        "channel": "phone", "caller_name": "周晓梅", "caller_phone": "13911112222", "category": "SHJZ",
        "place": "滨江社区", "text": "家中老人生病\x00"})
    assert "text" in page_refused(r)
    assert stored() == before


def test_open311_refuses_in_xml_at_an_xml_address(hw, client_for):
    r = client_for(None).get("/open311/v2/requests.xml?service_code=%00")
    assert r.status_code == 400 and r["Content-Type"].startswith("text/xml")
    assert b"<errors><error><code>400</code>" in r.content and b"service_code" in r.content


# ---------------------------------------------------------------- integers at the edge

def test_the_largest_integer_is_an_answer_and_one_more_is_422(hw, api_for):
    client = api_for(hw.base.supervisor)
    for url in ("/api/v1/workorders", "/api/v1/reports", "/api/v1/ratings"):
        assert client.get(url, {"offset": INT_MAX, "limit": 1000}).json()["items"] == []  # pages hold <= 1000
        assert api_refused(client.get(url, {"offset": INT_MAX + 1}), statuses=(422,))["code"] == "out_of_range"
    assert client.get("/api/v1/ratings", {"site_id": INT_MAX}).json()["items"] == []
    assert client.get("/api/v1/ratings", {"site_id": -INT_MAX - 1}).json()["items"] == []
    assert api_refused(client.get("/api/v1/ratings", {"site_id": -INT_MAX - 2}), statuses=(422,))["field"] == "site_id"


def test_a_huge_integer_in_a_json_body_is_422_before_the_view_reads_it(hw, api_for):
    client = api_for(hw.agent)
    order = intake(client)
    before = stored()
    r = post(client, f"/api/v1/workorders/{order['id']}/merge", raw=f'{{"into": 1, "extra": [{INT_MAX + 1}]}}')
    assert api_refused(r, statuses=(422,))["field"] == "extra.0"
    assert stored() == before


@pytest.mark.parametrize("raw, page", [("99999999999999999999", inputs.MAX_PAGE), ("-5", 1), ("x", 1), ("", 1),
                                       ("7", 7), (None, 1)])
def test_page_numbers_are_clamped(raw, page):
    assert inputs.page_number(raw) == page


def test_a_huge_page_number_is_an_empty_page(world, client_for):
    r = client_for(None).get("/search/", {"q": "最低", "page": "99999999999999999999"})
    assert r.status_code == 200 and r.context["page"] == inputs.MAX_PAGE and r.context["results"] == []


# ---------------------------------------------------------------- size

def test_an_oversized_page_form_is_a_readable_413(hw, client_for):
    before = stored()
    r = client_for(hw.agent).post("/workbench/hotline/new/", "text=" + "x" * 1_100_000,
                                  content_type="application/x-www-form-urlencoded")
    page_refused(r, statuses=(413,))
    assert stored() == before


def test_files_over_the_body_limit_reach_the_view_and_huge_ones_do_not(hw, api_for, settings):
    """A multipart body carries files (10 MB each at most): it has its own limit, MAX_UPLOAD_REQUEST_BYTES."""
    client = api_for(hw.agent)
    order = intake(client)
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 " + b"x" * 2_000_000)
    r = client.post(f"/api/v1/workorders/{order['id']}/attachments", {"file": scan})
    assert r.status_code == 201, r.content[:300]
    settings.MAX_UPLOAD_REQUEST_BYTES = 1_500_000
    scan.seek(0)
    r = client.post(f"/api/v1/workorders/{order['id']}/attachments", {"file": scan})
    api_refused(r, statuses=(413,))
    assert Attachment.objects.count() == 1


def test_a_form_posted_where_json_is_read_is_a_4xx(hw, api_for):
    """The boundary parses forms before the view: a view reading the raw body still can, or refuses cleanly."""
    client = api_for(hw.agent)
    order = intake(client)
    r = client.post(f"/api/v1/workorders/{order['id']}/merge", {"into": "1"})
    api_refused(r, statuses=(422,))
    r = client.post(f"/api/v1/workorders/{order['id']}/merge",
                    {"into": "1", "file": SimpleUploadedFile("scan.pdf", b"x" * 1_100_000)})
    api_refused(r, statuses=(400, 422))


def test_too_many_form_fields_is_a_400(hw, client_for):
    r = client_for(None).post("/open311/v2/requests.json", "&".join(f"f{i}=1" for i in range(600)),
                              content_type="application/x-www-form-urlencoded")
    open311_refused(r)


# ---------------------------------------------------------------- the safety net

@pytest.mark.parametrize("path, shape", [("/api/v1/x", "api"), ("/open311/v2/requests.json", "open311"),
                                         ("/workbench/", "page")])
@pytest.mark.parametrize("error", [OverflowError("Python int too large to convert to SQLite INTEGER"),
                                   DataError("bigint out of range")])
def test_what_reaches_the_database_out_of_range_is_a_4xx(world, path, shape, error, caplog):
    request = RequestFactory().get(path)
    request.user = world.supervisor
    response = InputBoundaryMiddleware(lambda r: None).process_exception(request, error)
    if shape == "api":
        response.json = lambda: json.loads(response.content)
        api_refused(response, statuses=(422,))
    elif shape == "open311":
        response.json = lambda: json.loads(response.content)
        open311_refused(response)
    else:
        page_refused(response)
    assert "reached the database" in caplog.text  # logged: the boundary has a gap to close


def test_other_errors_are_not_the_safety_nets(world):
    assert InputBoundaryMiddleware(lambda r: None).process_exception(RequestFactory().get("/"), KeyError()) is None


@pytest.mark.django_db
def test_an_api_page_holds_at_most_a_thousand_rows(world, api_for):
    client = api_for(world.supervisor)
    assert client.get("/api/v1/cases?limit=1000").status_code == 200
    r = client.get("/api/v1/cases?limit=1001")
    assert r.status_code == 422 and r.json()["message"] and r.json()["message_en"]
