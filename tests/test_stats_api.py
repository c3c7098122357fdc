"""GET /api/v1/stats/summary: scoped to the caller, fed by the worker, clear errors on bad input."""
import datetime as dt

import pytest
from django.core.management import call_command

from bianmin.core import timeutil
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Level

from .rating_helpers import finished_case
from .stats_helpers import raw_rating

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/summary"
KEYS = {"ratings", "good", "bad", "good_rate", "bad_rate", "satisfaction_index", "coverage", "rectified_rate",
        "revisit_rectified_rate", "on_time_rate", "default_good", "unit", "from", "to",
        "revisit_rate"}  # issue 7's API contract names it; kept beside the combined figure


def _rate_case(world, level, phone):
    case = finished_case(world, phone=phone)
    rating_services.submit_with_token(rating_services.rating_link(case).token, level=level)


def test_new_ratings_show_after_the_worker_sweep(world, api_for):
    _rate_case(world, Level.VERY_SATISFIED, "13800000021")
    _rate_case(world, Level.DISSATISFIED, "13800000022")
    client = api_for(world.supervisor)
    before = client.get(URL).json()
    assert before["ratings"] == 0 and before["good_rate"] is None
    call_command("worker", "--once")
    body = client.get(URL).json()
    assert body.keys() >= KEYS
    assert body["unit"] == world.county.pk  # the supervisor's broadest unit
    assert (body["ratings"], body["good"], body["bad"]) == (2, 1, 1)
    assert body["good_rate"] == 0.5 and body["bad_rate"] == 0.5
    assert body["satisfaction_index"] == 70.0
    assert body["coverage"] == 1.0
    assert body["rectified_rate"] == 0.0 and body["revisit_rectified_rate"] == 0.0 and body["rectified_on_time_rate"] is None
    assert body["revisit_rate"] == 0.0
    assert body["on_time_rate"] == 1.0 and body["overdue"] == 0
    today = timeutil.today()
    assert body["to"] == today.isoformat() and body["from"] == (today - dt.timedelta(days=29)).isoformat()
    assert "100、80、60、40、20" in body["definitions"]["satisfaction_index"]


def test_supervisor_sees_the_county_and_the_township_but_not_the_neighbour(world, api_for):
    day = timeutil.today()
    raw_rating(world.site_a, day, Level.SATISFIED)
    raw_rating(world.site_b, day, Level.BASIC)
    raw_rating(world.site_other, day, Level.VERY_DISSATISFIED)
    call_command("worker", "--once")
    client = api_for(world.supervisor)
    assert client.get(URL, {"unit": world.county.pk}).json()["ratings"] == 2
    assert client.get(URL, {"unit": world.township.pk}).json()["ratings"] == 1
    assert client.get(URL, {"site": world.site_b.pk}).json()["ratings"] == 1
    assert client.get(URL, {"unit": world.other_county.pk}).status_code == 404
    assert client.get(URL, {"unit": world.county.parent_id}).status_code == 404  # the city is above them


def test_a_manager_sees_their_own_site_only(world, api_for):
    day = timeutil.today()
    raw_rating(world.site_a, day, Level.SATISFIED)
    raw_rating(world.site_b, day, Level.BASIC)
    call_command("stats_rebuild")
    client = api_for(world.manager_b)
    own = client.get(URL).json()
    assert (own["site"], own["ratings"], own["unit"]) == (world.site_b.pk, 1, world.township.pk)
    assert client.get(URL, {"site": world.site_a.pk}).status_code == 404
    # The county would include site A: a site-bound manager is not a county viewer.
    assert client.get(URL, {"unit": world.county.pk}).status_code == 404
    assert client.get(URL, {"unit": world.township.pk}).status_code == 404
    assert client.get(URL, {"unit": 999999}).status_code == 404


def test_callers_without_the_right_are_refused(world, api_for):
    assert api_for(None).get(URL).status_code == 401
    assert api_for(world.clerk_a).get(URL).status_code == 403
    assert api_for(world.clerk_a).get(URL, {"unit": world.county.pk}).status_code == 404


@pytest.mark.parametrize("params", [
    {"from": "2025-13-01"}, {"to": "yesterday"}, {"unit": "abc"}, {"from": "2025-03-02", "to": "2025-03-01"},
    {"from": "1990-01-01", "to": "2025-01-01"},
])
def test_bad_input_is_a_422(world, api_for, params):
    r = api_for(world.supervisor).get(URL, params)
    assert r.status_code == 422, r.content.decode()
    assert r.json()["message"] and r.json()["message_en"]


def test_unit_and_site_together_is_a_422(world, api_for):
    r = api_for(world.supervisor).get(URL, {"unit": world.county.pk, "site": world.site_a.pk})
    assert r.status_code == 422


def test_summary_is_in_the_openapi_schema(db, client_for):
    paths = client_for().get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/stats/summary" in paths


@pytest.mark.parametrize("query", [{"unit": "9" * 40}, {"site": "9" * 25}, {"unit": "-5"}])
def test_out_of_range_ids_are_a_clear_4xx(world, api_for, query):
    r = api_for(world.supervisor).get(URL, query)
    assert r.status_code in (404, 422)
    assert r.json()["message"] and r.json()["message_en"]
