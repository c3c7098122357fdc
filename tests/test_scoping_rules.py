"""The one scoping place (orgs.scoping): its rule, its object-level twin, who is told, and that no app builds its
own membership query (issue 14 §1)."""
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from bianmin.orgs import scoping
from bianmin.orgs.roles import Action, Role
from bianmin.rectification.models import Ticket

from .ticket_helpers import bad_rating, ticket_of

SOURCE = Path(__file__).resolve().parent.parent / "bianmin"


def test_everything_survives_a_union():
    """The superuser's "everything" must stay everything when a personal grant is added to it: `Q() | Q(x)` is
    just Q(x), which is how the superuser once saw only the tickets assigned to them."""
    assert (scoping.EVERYTHING | scoping.NOTHING) != scoping.NOTHING
    assert scoping._or(scoping.NOTHING, scoping.NOTHING) == scoping.NOTHING


@pytest.mark.django_db
def test_for_user_and_may_agree_for_every_persona(world):
    ticket = ticket_of(bad_rating(world))
    root = get_user_model().objects.create_superuser("root", "r@example.com", "test-pass-123")
    people = [world.clerk_a, world.clerk_a2, world.manager_a, world.manager_b, world.supervisor, world.handler,
              world.outsider, root]
    for user in people:
        for action in (Action.VIEW_TICKETS, Action.HANDLE_TICKET, Action.APPROVE_EXCLUSION):
            listed = Ticket.objects.for_user(user, action).filter(pk=ticket.pk).exists()
            assert listed == scoping.may(user, action, ticket), (user, action)
    assert scoping.may(root, Action.APPROVE_EXCLUSION, ticket)
    assert scoping.may(world.clerk_a, Action.HANDLE_TICKET, ticket)  # the assignee, personally
    assert not scoping.may(world.clerk_a, Action.APPROVE_EXCLUSION, ticket)  # … for the assignee's actions only


@pytest.mark.django_db
def test_people_are_those_whose_grant_reaches_the_object(world):
    ticket = ticket_of(bad_rating(world))
    assert scoping.people([Role.MANAGER], ticket) == [world.manager_a]  # site A's, not site B's
    assert scoping.people([Role.HANDLER], ticket) == [world.handler]  # the department the case came from
    assert scoping.people([Role.SUPERVISOR], ticket) == [world.supervisor]
    world.supervisor.is_active = False
    world.supervisor.save()
    assert scoping.people([Role.SUPERVISOR], ticket) == []


@pytest.mark.django_db
def test_a_model_without_a_scope_is_refused(world):
    with pytest.raises(TypeError):
        scoping.may(world.supervisor, Action.VIEW_SITE, world.window_a)


def test_no_app_builds_its_own_membership_query():
    """Membership grants are read in orgs.scoping only (the admin and the demo loader write them)."""
    pattern = re.compile(r"memberships_for\(|Membership\.objects|\.memberships\.|DEPARTMENT_SCOPED_ROLES")
    # orgs/people.py reads a person's roles to name their post on the page, not to decide what they may see.
    allowed = {"orgs/scoping.py", "orgs/roles.py", "orgs/models.py", "orgs/admin.py", "orgs/people.py"}
    offenders = []
    for path in SOURCE.rglob("*.py"):
        rel = path.relative_to(SOURCE).as_posix()
        if rel in allowed or rel.startswith(("demo/", "orgs/migrations/")) or "/migrations/" in rel:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
