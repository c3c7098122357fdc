"""The clerk's calling panel (/workbench/queue/): call, the reason on screen, recall/skip/transfer/park/finish from
the page, 受理 into the new-case form prefilled from the ticket, the case and its rating keyed to the ticket."""
import pytest

from bianmin.queueing import services
from bianmin.queueing.models import QueueTicket

from .queue_helpers import at, civil_window, take

PANEL = "/workbench/queue/"


@pytest.fixture
def morning(set_now):
    return set_now(at(5))


def test_panel_calls_and_shows_why(world, client_for, morning):
    take(world, 0)
    green = take(world, 1, priority="pregnant")
    clerk = client_for(world.clerk_a)
    page = clerk.get(PANEL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-test="preview"' in html and green.number in html and "绿色通道" in html
    assert 'data-test="nav-queue"' in html
    assert clerk.post(PANEL + "call/", {"window": world.window_a.pk}).status_code == 302
    green.refresh_from_db()
    assert green.status == "called" and green.window == world.window_a
    html = clerk.get(PANEL).content.decode()
    assert 'data-test="current-number"' in html and green.number in html
    assert 'data-test="reason"' in html and "绿色通道" in html
    assert f"/workbench/cases/new/?ticket={green.pk}" in html


def test_panel_buttons_go_through_the_services(world, client_for, morning, set_now):
    window2 = civil_window(world)
    ticket = take(world, 0)
    clerk = client_for(world.clerk_a)
    clerk.post(PANEL + "call/", {"window": world.window_a.pk})
    too_soon = clerk.post(f"{PANEL}{ticket.pk}/recall/", {"window": world.window_a.pk}, follow=True)
    assert "秒后再重呼" in too_soon.content.decode()
    clerk.post(f"{PANEL}{ticket.pk}/transfer/", {"window": world.window_a.pk, "to_window": window2.pk,
                                                "reason": "民政审核"})
    ticket.refresh_from_db()
    assert ticket.status == "waiting" and ticket.window == window2
    other = client_for(world.clerk_a2)
    other.post(PANEL + "call/", {"window": window2.pk})
    other.post(f"{PANEL}{ticket.pk}/park/", {"window": window2.pk})
    assert 'data-test="unpark"' in other.get(f"{PANEL}?window={window2.pk}").content.decode()
    other.post(f"{PANEL}{ticket.pk}/unpark/", {"window": window2.pk})
    other.post(PANEL + "call/", {"window": window2.pk})
    other.post(f"{PANEL}{ticket.pk}/finish/", {"window": window2.pk})
    ticket.refresh_from_db()
    assert ticket.status == "finished" and ticket.served_by == world.clerk_a2.staff
    assert list(ticket.events.values_list("action", flat=True)) == [
        "issue", "call", "transfer", "call", "park", "unpark", "call", "finish"]


def test_accept_opens_the_case_form_prefilled_and_links_the_case(world, client_for, morning):
    from bianmin.ratings import services as rating_services
    from bianmin.ratings.services import RatingInput

    ticket = take(world, 0)
    clerk = client_for(world.clerk_a)
    clerk.post(PANEL + "call/", {"window": world.window_a.pk})
    form = clerk.get(f"/workbench/cases/new/?ticket={ticket.pk}").content.decode()
    assert f'value="{world.item_committed.code}"' in form and f'name="ticket" value="{ticket.pk}"' in form
    answer = clerk.post("/workbench/cases/new/", {
        "ticket": ticket.pk, "item_code": world.item_committed.code, "applicant_name": "刘德华",
        "applicant_phone": "13812345678", "window_id": world.window_a.pk})
    assert answer.status_code == 302
    ticket.refresh_from_db()
    assert ticket.case is not None and ticket.status == "serving" and ticket.served_by == world.clerk_a.staff
    assert ticket.case.window == world.window_a
    rating = rating_services.rating_for_case(ticket.case, "completion", RatingInput(level="satisfied", answers={},
                                                                                    comment=""))
    assert rating.queue_ticket_id == ticket.pk


def test_a_ticket_of_another_site_is_not_prefilled(world, client_for, morning):
    ticket = services.issue(world.site_a, item=world.item_committed, now=at(0))
    from bianmin.orgs.models import Window

    Window.objects.create(site=world.site_b, number="1", name="综合", kind=Window.Kind.COMPREHENSIVE)
    page = client_for(world.manager_b).get(f"/workbench/cases/new/?ticket={ticket.pk}")
    assert page.status_code == 200 and f'name="ticket" value="{ticket.pk}"' not in page.content.decode()


@pytest.mark.parametrize(("persona", "status"), [
    ("clerk_a", 200), ("manager_a", 200), ("manager_b", 200), ("supervisor", 403), ("handler", 403),
    ("outsider", 403), (None, 302),
])
def test_who_sees_the_panel(world, client_for, morning, persona, status):
    take(world, 0)
    user = getattr(world, persona) if persona else None
    page = client_for(user).get(PANEL)
    assert page.status_code == status
    if persona == "manager_b":  # site B has no windows and sees nothing of site A's line
        assert 'data-test="no-window"' in page.content.decode()
    if persona is None:
        assert "/accounts/login/" in page["Location"]


def test_other_sites_tickets_cannot_be_acted_on_from_the_page(world, client_for, morning):
    ticket = take(world, 0)
    services.call(world.clerk_a, world.window_a.pk)
    assert client_for(world.manager_b).post(f"{PANEL}{ticket.pk}/finish/").status_code == 404
    assert QueueTicket.objects.get(pk=ticket.pk).status == "called"
