"""Home visits (上门服务): requested by staff of the site, scheduled with one of its staff, and at the visit a case
registered through the case services and linked to the visit; guards, history, bad input, masked phones."""
import datetime as dt

import pytest

from bianmin.cases.models import Case, CaseEvent
from bianmin.core import timeutil
from bianmin.core.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.visits import services
from bianmin.visits.models import HomeVisit

PHONE = "13912345678"


def request_data(world, **extra):
    return {"name": "陈阿婆", "phone": PHONE, "address": "青山路8号3栋", "need": "elderly",
            "reason": "卧床无法到厅，申请低保", "item": str(world.item_committed.pk),
            "wanted_date": (timeutil.today() + dt.timedelta(days=2)).isoformat(), **extra}


def schedule(world, visit, who=None):
    when = (timeutil.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    return services.transition(visit.pk, "schedule", world.clerk_a,
                               {"assignee": str((who or world.clerk_a2).pk), "scheduled_at": when})


def test_clerk_requests_schedules_and_registers_the_case_at_the_visit(world, client_for):
    client = client_for(world.clerk_a)
    r = client.post("/workbench/visits/new/", request_data(world))
    assert r.status_code == 302, r.content.decode()
    visit = HomeVisit.objects.get()
    assert (visit.site, visit.status, visit.created_by) == (world.site_a, "requested", world.clerk_a)
    when = (timeutil.now() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(f"/workbench/visits/{visit.pk}/schedule/", {"assignee": world.clerk_a2.pk, "scheduled_at": when})
    assert r.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.assignee) == ("scheduled", world.clerk_a2)
    # The case form opens prefilled with the visit's person and phone.
    page = client.get(f"/workbench/visits/{visit.pk}/case/").content.decode()
    assert 'value="陈阿婆"' in page and f'value="{PHONE}"' in page
    r = client.post(f"/workbench/visits/{visit.pk}/case/", {
        "applicant_name": "陈阿婆", "applicant_phone": PHONE, "applicant_id_number": "", "question": "申请低保"})
    assert r.status_code == 302
    visit.refresh_from_db()
    case = Case.objects.get()
    assert r["Location"] == f"/workbench/cases/{case.pk}/"
    assert (visit.status, visit.case, case.item, case.site) == ("done", case, world.item_committed, world.site_a)
    assert CaseEvent.objects.filter(case=case, action="register").exists()
    assert list(visit.events.values_list("action", "to_status")) == [
        ("request", "requested"), ("schedule", "scheduled"), ("open_case", "done")]
    page = client.get(f"/workbench/visits/{visit.pk}/").content.decode()
    assert case.number in page and PHONE not in page and "139****5678" in page


def test_a_visit_not_yet_scheduled_cannot_become_a_case(world):
    visit = services.request_visit(world.clerk_a, world.site_a, request_data(world))
    with pytest.raises(Conflict):
        services.open_case(visit.pk, world.clerk_a, {})
    assert not Case.objects.exists()


def test_the_person_sent_must_be_staff_of_the_site(world):
    visit = services.request_visit(world.clerk_a, world.site_a, request_data(world))
    with pytest.raises(InvalidInput):
        schedule(world, visit, who=world.manager_b)  # a manager of another site
    with pytest.raises(InvalidInput):
        schedule(world, visit, who=world.supervisor)  # no counter role
    visit.refresh_from_db()
    assert visit.status == "requested" and visit.assignee is None and visit.events.count() == 1


def test_cancel_needs_a_reason_and_ends_the_visit(world):
    visit = services.request_visit(world.clerk_a, world.site_a, request_data(world))
    with pytest.raises(InvalidInput):
        services.transition(visit.pk, "cancel", world.clerk_a, {"reason": " "})
    services.transition(visit.pk, "cancel", world.clerk_a, {"reason": "家属已代为到厅办理"})
    visit.refresh_from_db()
    assert visit.status == "cancelled"
    with pytest.raises(Conflict):
        schedule(world, visit)


def test_finish_without_a_case_records_the_outcome(world):
    visit = schedule(world, services.request_visit(world.clerk_a, world.site_a, request_data(world)))
    services.transition(visit.pk, "finish", world.clerk_a, {"outcome": "当场解答政策，无需办理"})
    visit.refresh_from_db()
    assert (visit.status, visit.case, visit.outcome) == ("done", None, "当场解答政策，无需办理")


def test_only_staff_of_the_site_request_or_act(world):
    with pytest.raises(PermissionDenied):
        services.request_visit(world.manager_b, world.site_a, request_data(world))
    with pytest.raises(PermissionDenied):
        services.request_visit(world.supervisor, world.site_a, request_data(world))
    visit = services.request_visit(world.clerk_a, world.site_a, request_data(world))
    with pytest.raises(PermissionDenied):
        services.transition(visit.pk, "cancel", world.supervisor, {"reason": "x"})


@pytest.mark.parametrize("field, value", [
    ("phone", "call me"), ("name", ""), ("need", "vip"), ("item", "999999"), ("item", "abc"),
    ("wanted_date", "2020-01-01"), ("wanted_date", "tomorrow"), ("address", "x" * 201),
])
def test_bad_input_is_refused_with_nothing_kept(world, client_for, field, value):
    r = client_for(world.clerk_a).post("/workbench/visits/new/", request_data(world, **{field: value}))
    assert r.status_code == 422
    assert not HomeVisit.objects.exists()


def test_bad_schedule_input_is_4xx(world, client_for):
    visit = services.request_visit(world.clerk_a, world.site_a, request_data(world))
    client = client_for(world.clerk_a)
    assert client.post(f"/workbench/visits/{visit.pk}/schedule/", {"assignee": "x", "scheduled_at": "2030-01-01T09:00"}).status_code == 422
    assert client.post(f"/workbench/visits/{visit.pk}/schedule/", {"assignee": world.clerk_a2.pk, "scheduled_at": "soon"}).status_code == 422
    assert client.post(f"/workbench/visits/{visit.pk}/fly/", {}).status_code == 404
    assert client.get(f"/workbench/visits/{visit.pk}/cancel/").status_code == 405


def test_visibility_per_persona(world, client_for):
    visit = services.request_visit(world.clerk_a, world.site_a, request_data(world))
    url = f"/workbench/visits/{visit.pk}/"
    for user, code in [(world.clerk_a2, 200), (world.manager_a, 200), (world.supervisor, 200),
                       (world.manager_b, 404), (world.handler, 404), (world.outsider, 404)]:
        assert client_for(user).get(url).status_code == code, user
    # The case form is for those who can register a case at the site.
    assert client_for(world.supervisor).get(f"{url}case/").status_code == 403
