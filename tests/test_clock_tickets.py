"""Bad-review tickets and the one definition of "overdue" (issue 13): a finished step is on time or late, never
overdue, on the page, in the API, the list filter and counts, the Excel ledger and the figures alike; a reopened
ticket's verification is done once it is verified again; a ticket opened late by the worker's sweep starts its
clocks at the rating; a bad review just before the year's end opens its ticket with a provisional due date."""
import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from bianmin.core.jobs import run_once
from bianmin.ratings import services as rating_services
from bianmin.rectification import figures, followups, jobs
from bianmin.rectification import services as s
from bianmin.rectification.models import Appeal, Ticket

from .ticket_helpers import bad_rating, no_inline_ticket, ticket_of

pytestmark = pytest.mark.django_db


def act(world, ticket, action, user=None, **data):
    return s.transition(ticket.pk, action, user or world.clerk_a, data)


def answer(world, ticket, outcome="explained"):
    act(world, ticket, "verify", channel="phone", reached=True)
    act(world, ticket, "resolve", outcome=outcome, note="政策规定需本人到场")
    act(world, ticket, "feedback", channel="phone", message="已向您解释")


def page(client, ticket) -> str:
    r = client.get(f"/workbench/tickets/{ticket.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def due_cell(html: str, test: str) -> str:
    return re.search(rf'data-test="{test}">(.*?)</dd>', html, re.DOTALL).group(1)


def api_row(client, ticket, **query) -> dict | None:
    r = client.get("/api/v1/rectifications", query)
    assert r.status_code == 200, r.content.decode()
    return next((row for row in r.json()["items"] if row["id"] == ticket.pk), None)


def listed(client, query: str) -> str:
    return client.get("/workbench/tickets/" + query).content.decode()


def overview_count(client, bucket="overdue") -> int:
    return int(re.search(rf'data-test="bucket-{bucket}"><span>[^<]+</span><b>(\d+)</b>', listed(client, "")).group(1))


def ledger_flags(client) -> dict[str, str]:
    ws = load_workbook(io.BytesIO(client.get("/workbench/tickets/export.xlsx").content)).active
    rows = list(ws.iter_rows(values_only=True))
    column = rows[0].index("是否超期")
    return {row[0]: row[column] for row in rows[1:]}


def reopened_and_closed(world, set_now) -> Ticket:
    """Answered, closed, reopened by a bad follow-up, then verified, answered and closed again — all in time."""
    set_now(dt.datetime(2026, 11, 20, 10))  # Friday
    ticket = ticket_of(bad_rating(world))
    answer(world, ticket)
    act(world, ticket, "close")
    set_now(dt.datetime(2026, 11, 23, 10))
    rating_services.submit_with_token(followups.token_for(ticket), level="dissatisfied")
    ticket.refresh_from_db()
    assert ticket.status == "verifying" and ticket.reopened == 1
    set_now(dt.datetime(2026, 11, 23, 15))
    answer(world, ticket)
    act(world, ticket, "close")
    return Ticket.objects.get(pk=ticket.pk)


def test_a_reopened_and_reverified_ticket_has_its_verification_done(world, set_now, api_for, client_for):
    set_now(dt.datetime(2026, 11, 20, 10))
    ticket = ticket_of(bad_rating(world))
    answer(world, ticket)
    first_round = ticket.verify_clock_id
    rating_services.submit_with_token(followups.token_for(ticket), level="very_dissatisfied")
    ticket.refresh_from_db()
    assert ticket.verify_clock_id != first_round and ticket.verify_clock.status == "running"
    set_now(dt.datetime(2026, 11, 20, 16))
    act(world, ticket, "verify", channel="phone", reached=True, note="再次回访")
    ticket.refresh_from_db()
    assert ticket.verify_clock.status == "stopped"
    assert ticket.verify_clock.stopped_at == timezone.make_aware(dt.datetime(2026, 11, 20, 16))
    set_now(dt.datetime(2027, 1, 20, 10))  # two months on
    row = api_row(api_for(world.supervisor), ticket)
    assert row["verify"]["finished_late"] is False and row["verify"]["warning"] == "none"
    html = page(client_for(world.supervisor), ticket)
    assert 'data-test="on-time"' in due_cell(html, "verify-due")


def test_a_closed_ticket_is_overdue_nowhere(world, set_now, api_for, client_for):
    ticket = reopened_and_closed(world, set_now)
    set_now(dt.datetime(2027, 2, 26, 10))  # about 60 working days after both rounds ended
    sup, api = client_for(world.supervisor), api_for(world.supervisor)
    html = page(sup, ticket)
    assert "超期" not in due_cell(html, "verify-due") and "超期" not in due_cell(html, "rectify-due")
    assert due_cell(html, "verify-due").count('data-test="on-time"') == 1
    assert due_cell(html, "rectify-due").count('data-test="on-time"') == 1
    row = api_row(api, ticket)
    assert row["overdue"] is False and row["verify_warning"] == "none" and row["rectify_warning"] == "none"
    assert row["verify"]["overdue_days"] == 0 and row["rectify"]["finished_late"] is False
    assert api_row(api, ticket, overdue="true") is None and api_row(api, ticket, overdue="false") is not None
    assert ticket.number not in listed(sup, "?due=overdue") and overview_count(sup) == 0
    assert ledger_flags(sup) == {ticket.number: "否"}
    on_time = figures.compute(Ticket.objects.all(), Appeal.objects.none()).on_time
    assert (on_time.numerator, on_time.denominator) == (1, 1)


def test_a_step_finished_late_is_late_not_overdue(world, set_now, api_for, client_for):
    set_now(dt.datetime(2026, 11, 20, 10))  # verification due Monday 23rd
    ticket = ticket_of(bad_rating(world))
    set_now(dt.datetime(2026, 11, 25, 10))  # two working days late
    answer(world, ticket)
    set_now(dt.datetime(2027, 1, 20, 10))
    sup = client_for(world.supervisor)
    verify = due_cell(page(sup, ticket), "verify-due")
    assert 'data-test="finished-late"' in verify and "逾期 2 个工作日完成" in verify and "超期" not in verify
    row = api_row(api_for(world.supervisor), ticket)
    assert row["overdue"] is False and row["verify"]["finished_late"] is True
    assert row["verify"]["overdue_days"] == 2 and row["verify_warning"] == "red"
    assert ticket.number not in listed(sup, "?due=overdue") and overview_count(sup) == 0
    assert ledger_flags(sup) == {ticket.number: "逾期完成"}
    on_time = figures.compute(Ticket.objects.all(), Appeal.objects.none()).on_time
    assert (on_time.numerator, on_time.denominator) == (0, 1)


def test_list_filter_counts_api_and_pages_agree(world, set_now, api_for, client_for):
    set_now(dt.datetime(2026, 11, 20, 10))
    overdue, answered, reopened_done, fresh = (ticket_of(bad_rating(world)) for _ in range(4))
    answer(world, answered)
    answer(world, reopened_done)
    rating_services.submit_with_token(followups.token_for(reopened_done), level="dissatisfied")
    act(world, reopened_done, "verify", channel="phone", reached=True)
    set_now(dt.datetime(2026, 11, 30, 10))
    fresh_late = ticket_of(bad_rating(world))  # opened today: not overdue
    set_now(dt.datetime(2026, 12, 2, 10))
    act(world, fresh_late, "verify", channel="phone", reached=True)
    sup, api = client_for(world.supervisor), api_for(world.supervisor)
    on_pages = {t.number for t in Ticket.objects.all() if 'data-test="overdue"' in page(sup, t)}
    # `overdue` still needs its verification; `fresh` too (opened on the 20th like it).
    assert on_pages == {overdue.number, fresh.number}
    filtered = {n for n in on_pages | {answered.number, reopened_done.number, fresh_late.number}
                if n in listed(sup, "?due=overdue")}
    assert filtered == on_pages and overview_count(sup) == len(on_pages)
    r = api.get("/api/v1/rectifications", {"overdue": "true"}).json()
    assert {row["number"] for row in r["items"]} == on_pages and r["count"] == len(on_pages)
    everything = api.get("/api/v1/rectifications").json()["items"]
    assert {row["number"] for row in everything if row["overdue"]} == on_pages
    assert {n for n, flag in ledger_flags(sup).items() if flag == "是"} == on_pages


def test_a_ticket_opened_late_by_the_sweep_starts_at_the_rating(world, set_now, monkeypatch, client_for):
    set_now(dt.datetime(2026, 11, 20, 10))  # Friday; verification due Monday 23rd
    with no_inline_ticket():  # the inline receiver did not open the ticket
        rating = bad_rating(world)
    assert not Ticket.objects.filter(rating=rating).exists()
    set_now(dt.datetime(2026, 11, 24, 9))  # the sweep catches up two working days later
    assert jobs.open_tickets_for_new_bad_ratings() == 1
    ticket = ticket_of(rating)
    for clock in (ticket.verify_clock, ticket.rectify_clock):
        assert clock.start == rating.created_at
    assert timezone.localtime(ticket.verify_clock.due_at).date() == dt.date(2026, 11, 23)
    assert timezone.localtime(ticket.rectify_clock.due_at).date() == dt.date(2026, 12, 11)
    html = page(client_for(world.supervisor), ticket)
    assert "超期 1 个工作日" in due_cell(html, "verify-due")
    run_once()  # already overdue: the centre manager hears at once
    ticket.refresh_from_db()
    assert ticket.escalation == 1


def test_late_sweeps_give_an_overdue_ticket_no_extra_days(world, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))  # verification due Monday 23rd
    ticket = ticket_of(bad_rating(world))
    set_now(dt.datetime(2026, 11, 26, 9))  # the worker was down until Thursday: 3 working days overdue
    run_once()
    run_once()
    ticket.refresh_from_db()
    assert ticket.escalation == 2  # the supervisor's step was due on Wednesday already


def test_a_bad_review_on_20_december_opens_its_ticket_at_once(world, set_now, api_for, client_for):
    set_now(dt.datetime(2026, 12, 20, 10))  # Sunday; 15 working days run into the provisional 2027
    ticket = ticket_of(bad_rating(world))
    assert timezone.localtime(ticket.verify_clock.due_at).date() == dt.date(2026, 12, 21)
    # 21-25, 28-31 December (9), 1 January 2027 is 元旦, 4-8 January (14), 11 January (15).
    assert timezone.localtime(ticket.rectify_clock.due_at).date() == dt.date(2027, 1, 11)
    html = page(client_for(world.supervisor), ticket)
    assert 'data-test="provisional"' in due_cell(html, "rectify-due")
    assert 'data-test="provisional"' not in due_cell(html, "verify-due")
    row = api_row(api_for(world.supervisor), ticket)
    assert row["due_provisional"] is True and row["rectify"]["due_provisional"] is True
    assert row["verify"]["due_provisional"] is False


def test_a_decided_appeal_is_on_time_or_late_never_overdue(world, set_now, client_for):
    set_now(dt.datetime(2026, 11, 20, 10))  # appeals are decided within 5 working days: by 27 November
    on_time, late = bad_rating(world), bad_rating(world)
    first = s.file_appeal(world.clerk_a, on_time, reason="评价人误点")
    second = s.file_appeal(world.clerk_a, late, reason="评价人误点")
    set_now(dt.datetime(2026, 11, 24, 10))
    s.decide_appeal(world.supervisor, first.pk, decision="dismissed", reason="证据不足")
    set_now(dt.datetime(2026, 12, 1, 10))  # two working days late
    s.decide_appeal(world.supervisor, second.pk, decision="upheld", reason="录音证实为误评")
    set_now(dt.datetime(2027, 1, 20, 10))
    html = client_for(world.supervisor).get("/workbench/tickets/appeals/").content.decode()
    cells = dict(re.findall(r'data-appeal="(\d+)".*?data-test="appeal-due">(.*?)</dd>', html, re.DOTALL))
    assert 'data-test="on-time"' in cells[str(first.pk)]
    assert "逾期 2 个工作日完成" in cells[str(second.pk)]
    assert "超期" not in cells[str(first.pk)] + cells[str(second.pk)]
