"""Who sees which ratings, masked by default; unmasking needs a reason and is logged."""
import json

import pytest

from bianmin.core.models import AuditLog

from .rating_helpers import finished_case, link_for, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(world, api_for):
    case = finished_case(world, phone="13812345678", name="刘德华")
    rate(api_for(None), {"token": link_for(api_for(world.clerk_a), case)["token"], "level": "very_dissatisfied"})
    return case


def ids(client, query=""):
    r = client.get("/api/v1/ratings" + query)
    assert r.status_code == 200, r.content
    return [row["id"] for row in r.json()["items"]]


def test_each_persona_sees_exactly_its_scope(world, api_for, rated):
    assert len(ids(api_for(world.manager_a))) == 1
    assert len(ids(api_for(world.supervisor))) == 1
    assert ids(api_for(world.manager_b)) == []
    assert ids(api_for(world.clerk_a)) == []  # clerks have no ratings list (they see their own on a page)
    assert ids(api_for(world.handler)) == []
    assert api_for(None).get("/api/v1/ratings").status_code == 401


def test_filters_unit_dates_and_bad(world, api_for, rated):
    sup = api_for(world.supervisor)
    assert len(ids(sup, f"?unit={world.county.pk}&bad=true")) == 1
    assert ids(sup, f"?unit={world.other_county.pk}") == []
    assert ids(sup, "?bad=false") == []
    assert ids(sup, "?from=2000-01-01&to=2000-01-02") == []
    assert api_for(world.supervisor).get("/api/v1/ratings?from=notadate").status_code == 422


def test_rater_data_is_masked_in_lists(world, api_for, rated):
    body = api_for(world.manager_a).get("/api/v1/ratings").content.decode()
    assert "13812345678" not in body and "刘德华" not in body
    row = json.loads(body)["items"][0]
    assert row["rater_phone"] == "138****5678" and row["is_bad"] is True


def test_unmask_needs_permission_and_reason_and_is_logged(world, api_for, rated):
    rating_id = ids(api_for(world.manager_a))[0]
    url = f"/api/v1/ratings/{rating_id}/unmask"
    mgr = api_for(world.manager_a)
    r = mgr.post(url, data=json.dumps({"reason": ""}), content_type="application/json")
    assert r.status_code == 422 and not AuditLog.objects.filter(action="unmask").exists()
    r = mgr.post(url, data=json.dumps({"reason": "差评回访核实"}), content_type="application/json")
    assert r.status_code == 200 and r.json()["rater_phone"] == "13812345678"
    log = AuditLog.objects.get(action="unmask")
    assert log.actor == world.manager_a and log.reason == "差评回访核实" and log.object_id == str(rating_id)
    assert api_for(world.manager_b).post(url, data=json.dumps({"reason": "看看"}),
                                         content_type="application/json").status_code == 404
