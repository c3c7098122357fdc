"""The superuser sees everything, like a county supervisor at the top of the tree (issue 14 §1, scoping).

Before one scoping rule, `Q() | Q(assignee=user)` collapsed the superuser's "everything" into "what is assigned
to me": the superuser `admin` saw 0 tickets and 0 appeals where the supervisor saw 40."""
import json

import pytest
from django.contrib.auth import get_user_model

from bianmin.cases.models import Case
from bianmin.hotline.models import WorkOrder
from bianmin.orgs.roles import Action
from bianmin.ratings.models import Rating
from bianmin.rectification.models import Appeal, Ticket

from .ticket_helpers import bad_rating, ticket_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return get_user_model().objects.create_superuser("root", "root@example.com", "test-pass-123")


@pytest.fixture
def ticket_and_appeal(world, api_for):
    rating = bad_rating(world)
    r = api_for(world.clerk_a).post(f"/api/v1/ratings/{rating.pk}/appeals", data=json.dumps({"reason": "误评"}),
                                    content_type="application/json")
    assert r.status_code == 201, r.content
    return ticket_of(rating), Appeal.objects.get(pk=r.json()["id"])


def test_superuser_sees_every_ticket_and_appeal_in_the_api(world, admin, api_for, ticket_and_appeal):
    ticket, appeal = ticket_and_appeal
    tickets = api_for(admin).get("/api/v1/rectifications").json()["items"]
    assert [t["id"] for t in tickets] == [ticket.pk]
    assert api_for(admin).get(f"/api/v1/rectifications/{ticket.pk}").status_code == 200
    appeals = api_for(admin).get("/api/v1/appeals").json()
    items = appeals["items"] if isinstance(appeals, dict) else appeals
    assert [a["id"] for a in items] == [appeal.pk]


def test_superuser_sees_every_ticket_and_appeal_in_the_pages(world, admin, client_for, ticket_and_appeal):
    ticket, appeal = ticket_and_appeal
    page = client_for(admin).get("/workbench/tickets/").content.decode()
    assert ticket.number in page
    assert client_for(admin).get(f"/workbench/tickets/{ticket.pk}/").status_code == 200
    page = client_for(admin).get("/workbench/tickets/appeals/").content.decode()
    assert f"#{appeal.rating_id}" in page or str(appeal.rating_id) in page


def test_superuser_matches_the_supervisor_on_every_scoped_model(world, admin, ticket_and_appeal):
    for model, action in ((Ticket, Action.VIEW_TICKETS), (Appeal, Action.DECIDE_APPEAL), (Case, Action.VIEW_CASE),
                          (Rating, Action.VIEW_RATINGS), (WorkOrder, Action.VIEW_WORKORDERS)):
        everything = set(model.objects.values_list("pk", flat=True))
        assert set(model.objects.for_user(admin, action).values_list("pk", flat=True)) == everything, model
        assert everything >= set(model.objects.for_user(world.supervisor, action).values_list("pk", flat=True))
