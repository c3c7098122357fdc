"""Helpers for rating tests: finished cases made through the real case services, and rating calls."""
import json

from bianmin.cases import services as case_services


def finished_case(world, clerk=None, item=None, phone="13812345678", name="刘德华"):
    """A case registered, accepted and completed at site A's window 1 by `clerk` (default clerk_a)."""
    clerk = clerk or world.clerk_a
    case = case_services.register_case(clerk, site=world.site_a, item=item or world.item_committed,
                                       applicant={"name": name, "phone": phone}, window_id=world.window_a.pk)
    case_services.transition(case.pk, "accept", clerk, {})
    return case_services.transition(case.pk, "complete", clerk, {"result": "准予办理", "delivery": "window"})


def accepted_case(world, clerk=None):
    clerk = clerk or world.clerk_a
    case = case_services.register_case(clerk, site=world.site_a, item=world.item_committed,
                                       applicant={"name": "刘德华", "phone": "13812345678"}, window_id=world.window_a.pk)
    return case_services.transition(case.pk, "accept", clerk, {})


def link_for(api_client, case):
    r = api_client.get(f"/api/v1/cases/{case.pk}/rating-link")
    assert r.status_code == 200, r.content.decode()
    return r.json()


def rate(client, body, **headers):
    return client.post("/api/v1/ratings", data=json.dumps(body), content_type="application/json", **headers)
