"""Who sees which tickets: the assignee, the site's manager, the department, the county supervisor."""
import pytest

from .ticket_helpers import bad_rating, do, ticket_of

pytestmark = pytest.mark.django_db


def ids(client, query=""):
    r = client.get("/api/v1/rectifications" + query)
    assert r.status_code == 200, r.content
    return [row["id"] for row in r.json()["items"]]


def test_each_persona_sees_exactly_its_scope(world, api_for):
    ticket = ticket_of(bad_rating(world))
    for user in (world.clerk_a, world.manager_a, world.supervisor, world.handler):
        assert ids(api_for(user)) == [ticket.pk], user
    for user in (world.clerk_a2, world.manager_b, world.outsider):
        assert ids(api_for(user)) == [], user
        assert api_for(user).get(f"/api/v1/rectifications/{ticket.pk}").status_code == 404
    assert api_for(None).get("/api/v1/rectifications").status_code == 401


def test_list_has_the_contract_fields_and_filters(world, api_for):
    ticket = ticket_of(bad_rating(world))
    row = api_for(world.supervisor).get("/api/v1/rectifications").json()["items"][0]
    for key in ("id", "rating_id", "case_id", "assigned_unit", "verify_due", "rectify_due", "status"):
        assert key in row
    assert ids(api_for(world.supervisor), "?status=assigned") == [ticket.pk]
    assert ids(api_for(world.supervisor), "?status=closed") == []
    assert ids(api_for(world.supervisor), "?overdue=true") == []
    assert ids(api_for(world.supervisor), "?overdue=false") == [ticket.pk]
    assert api_for(world.supervisor).get("/api/v1/rectifications?status=nonsense").status_code == 422


def test_those_who_only_see_cannot_act(world, api_for):
    ticket = ticket_of(bad_rating(world))
    do(api_for(world.supervisor), ticket, "verify", {"channel": "phone", "reached": True}, expect=403)
    do(api_for(world.manager_b), ticket, "verify", {"channel": "phone", "reached": True}, expect=404)
    do(api_for(world.handler), ticket, "verify", {"channel": "phone", "reached": True})  # the department may


def test_ticket_detail_does_not_expose_the_raters_phone(world, api_for):
    ticket = ticket_of(bad_rating(world, phone="13812345678"))
    body = api_for(world.manager_a).get(f"/api/v1/rectifications/{ticket.pk}").content.decode()
    assert "13812345678" not in body


def test_overdue_filter_follows_the_due_time_even_before_the_worker_sweeps(world, api_for, set_now):
    import datetime as dt

    set_now(dt.datetime(2026, 11, 20, 10))  # Friday; verify due Monday 23 Nov
    ticket = ticket_of(bad_rating(world))
    set_now(dt.datetime(2026, 11, 24, 9))  # Tuesday, no sweep has run: the stored warning is still "none"
    ticket.verify_clock.refresh_from_db()
    assert ticket.verify_clock.warning == "none"
    assert ids(api_for(world.supervisor), "?overdue=true") == [ticket.pk]
    assert ids(api_for(world.supervisor), "?overdue=false") == []
