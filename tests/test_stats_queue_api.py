"""GET /api/v1/stats/summary carries the queue figures under the issue's contract names (wait_within_30min_rate,
average_wait_minutes, no_show_rate), keeps every earlier key, and stays within the caller's scope."""
from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from bianmin.queueing.models import TicketStatus

from .stats_queue_helpers import DAY, known_day, ticket

pytestmark = pytest.mark.django_db
URL = "/api/v1/stats/summary"
EARLIER = {"unit", "unit_name", "site", "from", "to", "ratings", "good", "bad", "default_good", "good_rate",
           "bad_rate", "satisfaction_index", "coverage", "rectified_rate", "revisit_rectified_rate", "revisit_rate",
           "rectified_on_time_rate", "on_time_rate", "overdue", "instant_rate", "instant_case_share",
           "time_compression", "one_visit_rate", "hotline_response_rate", "hotline_resolution_rate",
           "hotline_satisfaction_rate", "hotline_first_call_rate", "counts", "definitions"}
PERIOD = {"from": DAY.isoformat(), "to": DAY.isoformat()}


@pytest.fixture
def queued(world):
    known_day(world)
    ticket(world.site_b, "09:00", wait=45, status=TicketStatus.NO_SHOW)
    call_command("stats_rebuild", stdout=io.StringIO())
    return world


def test_summary_has_the_queue_keys_and_every_earlier_one(queued, api_for):
    body = api_for(queued.manager_a).get(URL, PERIOD).json()
    assert body.keys() >= EARLIER | {"wait_within_30min_rate", "average_wait_minutes", "no_show_rate", "queue"}
    assert body["site"] == queued.site_a.pk
    assert body["wait_within_30min_rate"] == 0.8  # 29, 30, 5 and 0 of 29, 30, 31, 5, 0 minutes
    assert body["average_wait_minutes"] == 19.0
    assert body["no_show_rate"] == 0.2
    assert body["counts"]["wait_within_30min_rate"] == {"numerator": 4, "denominator": 5, "value": 0.8}
    q = body["queue"]
    assert (q["tickets"], q["abandoned"], q["served"], q["average_service_minutes"]) == (7, 1, 3, 12.0)
    assert (q["appointments"], q["appointment_use_rate"], q["estimate_hit_rate"]) == (4, 0.5, 0.5)
    assert q["wait_target_minutes"] == 30
    assert "30 分钟" in body["definitions"]["wait_within_30min_rate"]


def test_the_county_adds_its_sites_and_a_manager_sees_only_their_own(queued, api_for):
    county = api_for(queued.supervisor).get(URL, {**PERIOD, "unit": queued.county.pk}).json()
    assert county["queue"]["tickets"] == 8 and county["no_show_rate"] == round(2 / 6, 4)
    own = api_for(queued.manager_b).get(URL, PERIOD).json()
    assert (own["site"], own["queue"]["tickets"], own["average_wait_minutes"]) == (queued.site_b.pk, 1, 45.0)
    assert own["wait_within_30min_rate"] == 0.0
    assert api_for(queued.manager_b).get(URL, {**PERIOD, "site": queued.site_a.pk}).status_code == 404


def test_nothing_to_count_is_null(world, api_for):
    body = api_for(world.manager_a).get(URL, PERIOD).json()
    assert body["wait_within_30min_rate"] is None and body["average_wait_minutes"] is None
    assert body["no_show_rate"] is None and body["queue"]["tickets"] == 0


def test_the_queue_keys_are_in_the_openapi_schema(db, client_for):
    schemas = client_for().get("/api/v1/openapi.json").json()["components"]["schemas"]
    props = schemas["SummaryOut"]["properties"]
    assert {"wait_within_30min_rate", "average_wait_minutes", "no_show_rate", "queue"} <= props.keys()
