"""Phone and ID numbers that people type into free text (a case result, a rating comment or suggestion, a ticket's
notes and feedback, a 综合点评) are masked wherever the text is shown, sent to a log or logged (SPEC §11);
the stored text stays whole for those allowed to unmask."""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from django.conf import settings

from bianmin.cases import services as case_services
from bianmin.core import sms
from bianmin.core.masking import MaskPersonalDataFilter
from bianmin.ratings import services as rating_services
from bianmin.rectification.models import Ticket

from .rating_helpers import finished_case

PHONE, ID = "13987654321", "110105199001011234"
SECRET = f"请打电话{PHONE}，身份证{ID}"
MASKED_PHONE, MASKED_ID = "139****4321", "110105********1234"
TEMPLATES = Path(settings.BASE_DIR) / "bianmin" / "templates"


def shows_masked(html: str) -> bool:
    return PHONE not in html and ID not in html and MASKED_PHONE in html and MASKED_ID in html


@pytest.mark.django_db
def test_a_case_result_with_a_number_is_masked_on_the_case_page(world, client_for):
    case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                       applicant={"name": "刘德华", "phone": "13812345678"}, window_id=world.window_a.pk)
    case_services.transition(case.pk, "accept", world.clerk_a, {})
    case_services.transition(case.pk, "complete", world.clerk_a, {"result": f"准予办理，{SECRET}", "delivery": "window"})
    assert shows_masked(client_for(world.clerk_a).get(f"/workbench/cases/{case.pk}/").content.decode())
    case.refresh_from_db()
    assert PHONE in case.result  # kept whole


@pytest.mark.django_db
def test_a_rating_comment_and_suggestion_with_numbers_are_masked_on_staff_pages(world, client_for):
    case = finished_case(world)
    link = rating_services.rating_link(case)
    rating, _ = rating_services.submit_with_token(link.token, level="very_dissatisfied", comment=SECRET)
    staff = client_for(world.manager_a)
    assert shows_masked(staff.get(f"/workbench/ratings/{rating.pk}/").content.decode())
    assert shows_masked(staff.get("/workbench/ratings/").content.decode().replace("…", ""))  # list row, truncated
    ticket = Ticket.objects.get(rating=rating)
    assert shows_masked(staff.get(f"/workbench/tickets/{ticket.pk}/").content.decode())


def test_text_messages_in_the_log_file_mask_numbers_in_the_text(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    sms.FileBackend().send("13812345678", f"您的办件已办结，{SECRET}")
    record = json.loads((tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()[-1])
    assert record["to"] == "138****5678" and MASKED_PHONE in record["text"] and PHONE not in record["text"]
    assert ID not in record["text"]


def test_console_text_messages_mask_numbers_in_the_text(capsys):
    sms.ConsoleBackend().send("13812345678", SECRET)
    out = capsys.readouterr().out
    assert PHONE not in out and ID not in out and MASKED_PHONE in out


def test_a_logged_traceback_masks_numbers():
    try:
        raise ValueError(f"bad caller {PHONE}")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    MaskPersonalDataFilter().filter(record)
    text = logging.Formatter().format(record)
    assert PHONE not in text and MASKED_PHONE in text and "ValueError" in text


# Attributes that hold text people typed; shown in a template, each must go through the `pii` filter first.
FREE_TEXT = r"(?:comment|suggestion|result|reason|note|outcome_note|text|feedback_text|decision_note|question)"
SHOWN = re.compile(r"\{\{\s*((?:[a-zA-Z_][\w]*\.)*" + FREE_TEXT + r")\s*(\|[^}]*)?\}\}")
# Form fields give back what the person just typed; staff-written phrases and hotline texts (redacted of their
# callers by hotline/disclosure.py before they reach a template) are not free text of the public.
# The reports list's reason a period has no report and the unit page's note on differing counts are the product's
# own sentences.
# preview.reason: the queue ordering engine's own explanation (queueing.ordering), never typed by anyone.
NOT_FREE_TEXT = ("form.", "delay_form.", "posted.", "paper_form.", "p.text", "order.text", "m.reason", "n.text", "preview.reason")


def test_every_template_shows_free_text_through_the_pii_filter():
    missing = []
    for path in TEMPLATES.rglob("*.html"):
        for match in SHOWN.finditer(path.read_text(encoding="utf-8")):
            name, filters = match.group(1), (match.group(2) or "")
            if name.startswith(NOT_FREE_TEXT) or ("." not in name and name != "suggestion"):
                continue
            if not filters.startswith("|pii"):
                missing.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert not missing, "free text shown without |pii:\n" + "\n".join(missing)


@pytest.mark.django_db
def test_staff_api_answers_mask_numbers_in_free_text(world, api_for):
    case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                       applicant={"name": "刘德华", "phone": "13812345678"}, window_id=world.window_a.pk)
    case_services.transition(case.pk, "accept", world.clerk_a, {})
    case_services.transition(case.pk, "complete", world.clerk_a, {"result": SECRET, "delivery": "window"})
    assert shows_masked(api_for(world.manager_a).get(f"/api/v1/cases/{case.pk}").content.decode())
    rating, _ = rating_services.submit_with_token(rating_services.rating_link(finished_case(world)).token,
                                                  level="very_dissatisfied", comment="办事太慢")
    ticket = Ticket.objects.get(rating=rating)
    client = api_for(world.manager_a)
    r = client.post(f"/api/v1/rectifications/{ticket.pk}/verify", data=json.dumps(
        {"channel": "phone", "reached": True, "note": SECRET}), content_type="application/json")
    assert r.status_code == 200, r.content.decode()
    assert shows_masked(client.get(f"/api/v1/rectifications/{ticket.pk}").content.decode())


@pytest.mark.django_db
def test_rating_and_comment_api_answers_mask_numbers_in_free_text(world, api_for, client_for):
    rating, _ = rating_services.submit_with_token(rating_services.rating_link(finished_case(world)).token,
                                                  level="very_dissatisfied", comment=SECRET,
                                                  answers={"suggestion": SECRET})
    staff = api_for(world.supervisor)
    detail = staff.get(f"/api/v1/ratings/{rating.pk}")
    assert detail.status_code == 200 and shows_masked(detail.content.decode())
    assert detail.json()["answers"]["suggestion"].startswith("请打电话139****4321")
    assert shows_masked(staff.get("/api/v1/ratings").content.decode())
    r = client_for().post("/api/v1/comments", data=json.dumps({"channel": "portal", "text": SECRET}),
                          content_type="application/json")
    assert r.status_code == 201, r.content.decode()
    assert shows_masked(staff.get("/api/v1/comments").content.decode())
