"""一次一评 through a link or QR code: one rating per case and stage, retries store one row, clear refusals."""
import datetime as dt

import pytest
from django.test import Client

from bianmin.ratings.models import Rating

from .rating_helpers import accepted_case, finished_case, link_for, rate
from .wsgi_client import WsgiClient

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["django", "wsgi"])
def citizen(request):
    """Every rule here holds whichever way the request goes: through Django's handler (the full path), and through
    the WSGI application gunicorn serves, whose fast lane (ratings/ingest.py) answers simple token ratings itself."""
    return Client(HTTP_HOST="localhost") if request.param == "django" else WsgiClient()


def test_completed_case_gets_a_link_and_a_citizen_rates_it(world, api_for, citizen):
    case = finished_case(world)
    link = link_for(api_for(world.clerk_a), case)
    assert link["stage"] == "complete" and link["url"].endswith(f"/r/{link['token']}/")
    # The token is opaque: no personal data and no readable case number in the link.
    assert "13812345678" not in link["url"] and case.number not in link["url"]
    r = rate(citizen, {"token": link["token"], "level": "very_dissatisfied", "comment": "等了很久",
                       "answers": {"guide_clear": "no", "suggestion": "多开窗口"}})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["level"] == "very_dissatisfied" and body["is_bad"] is True
    rating = Rating.objects.get(pk=body["id"])
    # Every rated object is filled from the case.
    assert (rating.case_id, rating.item_id, rating.site_id, rating.window_id) == (
        case.pk, case.item_id, world.site_a.pk, world.window_a.pk)
    assert rating.staff == world.clerk_a.staff and rating.department == world.civil_affairs
    assert rating.real_name and rating.rater_phone == "13812345678"
    assert rating.answers == {"guide_clear": "no", "suggestion": "多开窗口"}


def test_good_levels_are_not_bad(world, api_for, citizen):
    for level, bad in [("very_satisfied", False), ("satisfied", False), ("basic", False), ("dissatisfied", True)]:
        link = link_for(api_for(world.clerk_a), finished_case(world))
        assert rate(citizen, {"token": link["token"], "level": level}).json()["is_bad"] is bad


def test_second_different_rating_is_refused_with_409(world, api_for, citizen):
    link = link_for(api_for(world.clerk_a), finished_case(world))
    assert rate(citizen, {"token": link["token"], "level": "satisfied"}).status_code == 201
    r = rate(citizen, {"token": link["token"], "level": "very_dissatisfied"})
    assert r.status_code == 409
    assert r.json()["code"] == "already_rated" and "一次" in r.json()["message"] and r.json()["message_en"]
    assert Rating.objects.get().level == "satisfied"


def test_retry_with_same_idempotency_key_returns_the_stored_rating(world, api_for, citizen):
    link = link_for(api_for(world.clerk_a), finished_case(world))
    first = rate(citizen, {"token": link["token"], "level": "satisfied", "idempotency_key": "k-1"})
    again = rate(citizen, {"token": link["token"], "level": "satisfied", "idempotency_key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Rating.objects.count() == 1


def test_retry_with_idempotency_header_and_same_content_store_one_rating(world, api_for, citizen):
    link = link_for(api_for(world.clerk_a), finished_case(world))
    body = {"token": link["token"], "level": "basic", "comment": "还行"}
    assert rate(citizen, body, HTTP_IDEMPOTENCY_KEY="h-1").status_code == 201
    assert rate(citizen, body, HTTP_IDEMPOTENCY_KEY="h-1").status_code == 200
    link2 = link_for(api_for(world.clerk_a), finished_case(world))
    body2 = {"token": link2["token"], "level": "basic"}
    assert [rate(citizen, body2).status_code for _ in range(3)] == [201, 200, 200]
    assert Rating.objects.count() == 2


def test_idempotency_key_reused_for_another_case_is_refused(world, api_for, citizen):
    a = link_for(api_for(world.clerk_a), finished_case(world))
    b = link_for(api_for(world.clerk_a), finished_case(world))
    assert rate(citizen, {"token": a["token"], "level": "basic", "idempotency_key": "same"}).status_code == 201
    r = rate(citizen, {"token": b["token"], "level": "basic", "idempotency_key": "same"})
    assert r.status_code == 422 and Rating.objects.count() == 1


def test_expired_link_answers_410(world, api_for, citizen, set_now):
    set_now(dt.datetime(2026, 11, 2, 10))
    case = finished_case(world)
    link = link_for(api_for(world.clerk_a), case)
    set_now(dt.datetime(2026, 11, 9, 23, 59))  # last day of the 7-day period: still open
    assert rate(citizen, {"token": link["token"], "level": "satisfied", "idempotency_key": "x"}).status_code == 201
    other = finished_case(world)
    link = link_for(api_for(world.clerk_a), other)
    set_now(dt.datetime(2026, 11, 17, 0, 1))  # the day after the period of a case completed on the 9th
    r = rate(citizen, {"token": link["token"], "level": "satisfied"})
    assert r.status_code == 410 and r.json()["code"] == "expired"
    assert Rating.objects.count() == 1


def test_receipt_link_before_completion_is_not_yet_usable(world, api_for, citizen):
    case = accepted_case(world)
    link = link_for(api_for(world.clerk_a), case)
    assert link["stage"] == "complete"
    r = rate(citizen, {"token": link["token"], "level": "satisfied"})
    assert r.status_code == 409 and r.json()["code"] == "not_yet"


@pytest.mark.parametrize("token", ["", "x" * 35, "abc", "A" * 5000, "../../etc/passwd", None, 123])
def test_malformed_or_forged_tokens_are_422(world, citizen, token):
    r = rate(citizen, {"token": token, "level": "satisfied"})
    assert r.status_code == 422, r.content
    assert r.json()["message"] and r.json()["message_en"]
    assert Rating.objects.count() == 0


def test_tampered_token_is_refused(world, api_for, citizen):
    token = link_for(api_for(world.clerk_a), finished_case(world))["token"]
    flipped = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    assert rate(citizen, {"token": flipped, "level": "satisfied"}).status_code == 422


@pytest.mark.parametrize("body", [
    {"level": "great"}, {"level": None}, {"level": "satisfied", "answers": {"guide_clear": "maybe"}},
    {"level": "satisfied", "answers": {"unknown": "yes"}}, {"level": "satisfied", "answers": ["yes"]},
    {"level": "satisfied", "comment": "长" * 1001}, {"level": "satisfied", "channel": "paper"},
    {"level": "satisfied", "idempotency_key": "k" * 81},
])
def test_bad_input_is_422_and_stores_nothing(world, api_for, citizen, body):
    token = link_for(api_for(world.clerk_a), finished_case(world))["token"]
    r = rate(citizen, {"token": token, **body})
    assert r.status_code == 422, r.content
    assert Rating.objects.count() == 0


def test_malformed_json_is_a_clear_4xx(world, citizen):
    r = citizen.post("/api/v1/ratings", data="{not json", content_type="application/json")
    assert 400 <= r.status_code < 500 and r.json()["message_en"]


def test_staff_cannot_rate_a_case_they_handled(world, api_for, client_for):
    case = finished_case(world)
    token = link_for(api_for(world.clerk_a), case)["token"]
    r = rate(client_for(world.clerk_a), {"token": token, "level": "very_satisfied"})
    assert r.status_code == 403 and r.json()["code"] == "own_case"
    # A colleague who did not touch the case is just a citizen here.
    assert rate(client_for(world.clerk_a2), {"token": token, "level": "satisfied"}).status_code == 201


def test_anonymous_rating_keeps_no_contact(world, api_for, citizen):
    token = link_for(api_for(world.clerk_a), finished_case(world))["token"]
    rate(citizen, {"token": token, "level": "dissatisfied", "anonymous": True})
    rating = Rating.objects.get()
    assert not rating.real_name and rating.rater_phone == "" and rating.rater_name == ""


def test_rating_link_needs_staff_who_may_see_the_case(world, api_for):
    case = finished_case(world)
    assert api_for(None).get(f"/api/v1/cases/{case.pk}/rating-link").status_code == 401
    assert api_for(world.manager_b).get(f"/api/v1/cases/{case.pk}/rating-link").status_code == 404
    assert api_for(world.supervisor).get(f"/api/v1/cases/{case.pk}/rating-link").status_code == 200


def test_accept_stage_can_be_rated_when_configured(world, api_for, citizen, settings):
    settings.BIANMIN = {**settings.BIANMIN, "RATING_STAGES": ["accept", "complete"]}
    case = accepted_case(world)
    link = link_for(api_for(world.clerk_a), case)
    assert link["stage"] == "accept"
    assert rate(citizen, {"token": link["token"], "level": "satisfied"}).status_code == 201
    from bianmin.cases import services as case_services
    case_services.transition(case.pk, "complete", world.clerk_a, {"result": "准予", "delivery": "window"})
    link2 = link_for(api_for(world.clerk_a), case)
    assert link2["stage"] == "complete"
    assert rate(citizen, {"token": link2["token"], "level": "basic"}).status_code == 201
    assert Rating.objects.filter(case=case).count() == 2
