"""The year boundary never refuses counter work (issue 13, part 3): a limit running into the provisional year (the
one after the last official year, derived from the law) is accepted, and its due date is marked 暂定 on the case
page, the clerk's queue, the printed receipt and the API. A limit running beyond that year is still refused."""
import datetime as dt

import pytest

from bianmin.cases.models import Case, CaseEvent, Notice
from bianmin.core.models import Clock

from .case_helpers import act, post, register

RECEIPT_NOTE = "（暂定，以国务院办公厅公布的节假日安排为准）"


@pytest.fixture
def clerk(world, api_for):
    return api_for(world.clerk_a)


@pytest.fixture
def twenty_days(world):
    world.item_committed.committed_limit = 20
    world.item_committed.save()
    return world.item_committed


def test_acceptance_into_the_provisional_year_is_accepted_with_a_provisional_due_date(
        world, clerk, twenty_days, client_for, set_now):
    set_now(dt.datetime(2026, 12, 28, 10))
    case = act(clerk, register(clerk, twenty_days)["id"], "accept")
    assert case["status"] == "accepted"
    # 29–31 Dec, then 2027 without 1 Jan (元旦): 4–8, 11–15, 18–22, 25–26 Jan.
    assert case["due_date"] == "2027-01-26" and case["due_provisional"] is True
    listed = clerk.get("/api/v1/cases").json()["items"]
    assert [(c["id"], c["due_provisional"]) for c in listed] == [(case["id"], True)]

    c = client_for(world.clerk_a)
    page = c.get(f"/workbench/cases/{case['id']}/").content.decode()
    due = page.split('data-test="due"', 1)[1].split("</dd>", 1)[0]
    assert "2027-01-26" in due and "暂定" in due
    queue = c.get("/workbench/").content.decode()
    row = queue.split(f'data-case="{case["number"]}"', 1)[1].split("</tr>", 1)[0]
    assert "2027-01-26" in row and 'data-test="provisional"' in row

    receipt = Notice.objects.get(case_id=case["id"], kind=Notice.Kind.RECEIPT)
    assert receipt.content["provisional"] is True
    printed = c.get(f"/workbench/notices/{receipt.pk}/").content.decode()
    assert "2027-01-26" + f'<span data-test="provisional">{RECEIPT_NOTE}</span>' in printed.replace("</b>", "")


def test_a_due_date_in_an_official_year_is_not_provisional(world, clerk, client_for, set_now):
    set_now(dt.datetime(2026, 11, 23, 10))
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    assert case["due_date"] == "2026-11-30" and case["due_provisional"] is False
    receipt = Notice.objects.get(case_id=case["id"], kind=Notice.Kind.RECEIPT)
    printed = client_for(world.clerk_a).get(f"/workbench/notices/{receipt.pk}/").content.decode()
    assert "暂定" not in printed
    assert "暂定" not in client_for(world.clerk_a).get(f"/workbench/cases/{case['id']}/").content.decode()


def test_an_extension_into_the_provisional_year_is_marked_on_its_notice(world, clerk, client_for, set_now):
    set_now(dt.datetime(2026, 12, 21, 10))
    case = act(clerk, register(clerk, world.item_committed)["id"], "accept")
    assert (case["due_date"], case["due_provisional"]) == ("2026-12-28", False)
    case = act(clerk, case["id"], "extend", {"amount": 5, "reason": "需现场勘察", "approver": "manager_a"})
    assert (case["due_date"], case["due_provisional"]) == ("2027-01-05", True)
    notice = Notice.objects.get(case_id=case["id"], kind=Notice.Kind.EXTENSION)
    printed = client_for(world.clerk_a).get(f"/workbench/notices/{notice.pk}/").content.decode()
    assert "2027-01-05" in printed and 'data-test="provisional"' in printed


def test_a_limit_beyond_the_provisional_year_is_refused_and_changes_nothing(world, clerk, twenty_days, set_now):
    set_now(dt.datetime(2027, 12, 20, 10))
    case = register(clerk, twenty_days)
    clocks, events, notices = Clock.objects.count(), CaseEvent.objects.count(), Notice.objects.count()
    r = post(clerk, f"/api/v1/cases/{case['id']}/accept")
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["code"] == "calendar_not_covered" and "2028" in body["message"] and "2028" in body["message_en"]
    fresh = Case.objects.get(pk=case["id"])
    assert fresh.status == "registered" and fresh.clock_id is None and fresh.accepted_at is None
    assert (Clock.objects.count(), CaseEvent.objects.count(), Notice.objects.count()) == (clocks, events, notices)


def test_the_page_refuses_it_too_with_a_message_in_both_languages(world, twenty_days, client_for, set_now):
    set_now(dt.datetime(2027, 12, 20, 10))
    c = client_for(world.clerk_a)
    c.post("/workbench/cases/new/", {"item_code": twenty_days.code, "applicant_name": "周阿姨"})
    case = Case.objects.get()
    r = c.post(f"/workbench/cases/{case.pk}/accept/")
    assert r.status_code == 422
    html = r.content.decode()
    assert "工作日历未包含 2028 年" in html and "does not cover 2028" in html
    case.refresh_from_db()
    assert case.status == "registered" and case.clock_id is None
