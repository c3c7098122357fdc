"""Staff pages of the bad-review loop: scope per persona, forms per allowed action, posts that write
history, bad input that changes nothing, attachments, the Excel ledger, appeals, the notification bell."""
import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from bianmin.core.models import Notification
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Role
from bianmin.rectification.models import Appeal, Attachment, ContactAttempt, Ticket, TicketEvent

from .ticket_helpers import bad_rating, ticket_of
from .world import make_user

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


def page(client, ticket):
    return client.get(f"/workbench/tickets/{ticket.pk}/")


def post(client, ticket, action, data=None):
    return client.post(f"/workbench/tickets/{ticket.pk}/{action}/", data or {})


def forms_on(response) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', response.content.decode()))


def other_department_handler(world):
    labour = Unit.objects.create(name="测试县人社局", level=Unit.Level.COUNTY, kind=Unit.Kind.DEPARTMENT,
                                 parent=world.county)
    return make_user("labour_handler", Role.HANDLER, unit=labour)


def history(ticket):
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("action", flat=True))


# ---------------------------------------------------------------- scope

def test_each_persona_sees_only_its_scope(world, client_for):
    ticket = ticket_of(bad_rating(world))
    for user in (world.clerk_a, world.manager_a, world.supervisor, world.handler):
        assert ticket.number in client_for(user).get("/workbench/tickets/").content.decode(), user
        assert page(client_for(user), ticket).status_code == 200, user
    for user in (world.clerk_a2, world.manager_b, world.outsider, other_department_handler(world)):
        assert ticket.number not in client_for(user).get("/workbench/tickets/").content.decode(), user
        assert page(client_for(user), ticket).status_code == 404, user
    assert page(client_for(None), ticket).status_code == 302  # to the sign-in page


def test_ticket_page_shows_the_rating_with_the_phone_masked(world, client_for):
    ticket = ticket_of(bad_rating(world, phone=PHONE))
    body = page(client_for(world.manager_a), ticket).content.decode()
    assert "138****5678" in body and PHONE not in body
    assert "办事太慢" in body and ticket.case.number in body
    assert 'data-test="verify-due"' in body and 'data-test="rectify-due"' in body


def test_a_complaint_ticket_shows_the_complaint_masked_and_cannot_be_called_malicious(world, client_for):
    from bianmin.ratings import comments
    from bianmin.rectification.services import open_for_complaint

    comment = comments.add_comment(world.supervisor, source="hotline", text="窗口推诿，让我跑了三次",
                                   target_unit=world.civil_affairs, contact_name="陈小春", contact_phone=PHONE,
                                   is_complaint=True)
    ticket = open_for_complaint(comment)
    handler = client_for(world.handler)
    body = page(handler, ticket).content.decode()
    assert "窗口推诿" in body and "138****5678" in body and PHONE not in body and "陈小春" not in body
    post(handler, ticket, "verify", {"channel": "phone", "reached": "1"})
    body = page(handler, ticket).content.decode()
    assert 'value="explained"' in body and 'value="malicious"' not in body
    assert 'data-test="appeal-button"' not in body  # appeals are about ratings


# ---------------------------------------------------------------- forms and actions

def test_forms_appear_only_for_actions_the_state_and_the_person_allow(world, client_for):
    ticket = ticket_of(bad_rating(world))
    assert forms_on(page(client_for(world.clerk_a), ticket)) == {"verify"}  # the assignee
    assert forms_on(page(client_for(world.handler), ticket)) == {"verify"}  # the department
    assert forms_on(page(client_for(world.supervisor), ticket)) == set()  # sees, does not handle
    assert post(client_for(world.clerk_a), ticket, "verify", {"channel": "phone", "reached": "1"}).status_code == 302
    assert forms_on(page(client_for(world.clerk_a), ticket)) == {"verify", "resolve"}
    post(client_for(world.clerk_a), ticket, "resolve", {"outcome": "malicious", "note": "评价人承认误点"})
    assert forms_on(page(client_for(world.clerk_a), ticket)) == set()
    assert forms_on(page(client_for(world.supervisor), ticket)) == {"approve_exclusion", "reject_exclusion"}


def test_every_action_by_form_changes_the_ticket_and_writes_history(world, client_for, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))
    ticket = ticket_of(bad_rating(world))
    clerk = client_for(world.clerk_a)
    steps = [
        ("verify", {"channel": "phone", "reached": "0", "note": "无人接听"}, "verifying"),
        ("verify", {"channel": "sms", "reached": "1", "note": "短信回复"}, "verifying"),
        ("resolve", {"outcome": "ledger", "note": "改造叫号系统", "deadline": "2026-12-10"}, "rectifying"),
        ("progress", {"note": "已采购设备"}, "rectifying"),
        ("rectified", {"note": "叫号系统已上线"}, "resolved"),
        ("feedback", {"channel": "phone", "message": "已整改，感谢监督"}, "answered"),
        ("close", {}, "closed"),
    ]
    for action, data, status in steps:
        before = len(history(ticket))
        r = post(clerk, ticket, action, data)
        assert r.status_code == 302 and r["Location"] == f"/workbench/tickets/{ticket.pk}/", action
        ticket.refresh_from_db()
        assert ticket.status == status, action
        assert history(ticket)[before:] == [action]
    assert ContactAttempt.objects.filter(ticket=ticket).count() == 2
    body = page(clerk, ticket).content.decode()
    assert "已采购设备" in body and "已整改，感谢监督" in body and "短信回复" in body


def test_supervisor_approves_or_rejects_a_malicious_finding_by_form(world, client_for):
    rating = bad_rating(world)
    ticket = ticket_of(rating)
    clerk, sup = client_for(world.clerk_a), client_for(world.supervisor)
    post(clerk, ticket, "verify", {"channel": "phone", "reached": "1"})
    post(clerk, ticket, "resolve", {"outcome": "malicious", "note": "疑似恶意"})
    assert post(sup, ticket, "reject_exclusion", {"note": "证据不足"}).status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "verifying" and history(ticket)[-1] == "reject_exclusion"
    post(clerk, ticket, "resolve", {"outcome": "malicious", "note": "录音证实"})
    assert post(sup, ticket, "approve_exclusion", {"note": "核实属实"}).status_code == 302
    ticket.refresh_from_db()
    rating.refresh_from_db()
    assert ticket.status == "resolved" and history(ticket)[-1] == "approve_exclusion" and rating.excluded


@pytest.mark.parametrize("action,data,status", [
    ("verify", {"channel": "pigeon", "reached": "1"}, 422),
    ("verify", {"channel": "phone", "reached": "maybe"}, 422),
    ("verify", {"channel": "phone"}, 422),
    ("verify", {"channel": "phone", "reached": "1", "note": "长" * 2001}, 422),
    ("resolve", {"outcome": "rectified_now", "note": "x"}, 409),  # not verified yet
    ("close", {}, 409),  # no feedback yet
    ("explode", {}, 404),
    ("escalate", {}, 404),  # a system action, not one for a person
])
def test_bad_input_is_refused_with_a_message_and_changes_nothing(world, client_for, action, data, status):
    ticket = ticket_of(bad_rating(world))
    before = history(ticket)
    r = post(client_for(world.clerk_a), ticket, action, data)
    assert r.status_code == status
    assert 'data-test="error"' in r.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "assigned" and history(ticket) == before and not ticket.contacts.exists()


@pytest.mark.parametrize("data", [
    {"outcome": "bogus", "note": "x"},
    {"outcome": "ledger", "note": "x", "deadline": "2026-13-45"},
    {"outcome": "ledger", "note": "x", "deadline": "not a date"},
    {"outcome": "ledger", "note": "x", "deadline": "2020-01-01"},  # in the past
    {"outcome": "ledger", "note": "x"},  # a ledger needs a deadline
    {"outcome": "explained", "note": ""},
    {"outcome": "explained", "note": "长" * 2001},
])
def test_bad_resolve_input_keeps_the_ticket_verifying(world, client_for, data):
    ticket = ticket_of(bad_rating(world))
    clerk = client_for(world.clerk_a)
    post(clerk, ticket, "verify", {"channel": "phone", "reached": "1"})
    before = history(ticket)
    r = post(clerk, ticket, "resolve", data)
    assert r.status_code == 422 and 'data-test="error"' in r.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "verifying" and ticket.outcome == "" and history(ticket) == before


def test_an_oversized_post_is_a_413_not_a_500(world, client_for):
    ticket = ticket_of(bad_rating(world))
    r = post(client_for(world.clerk_a), ticket, "verify", {"channel": "phone", "reached": "1", "note": "长" * 600_000})
    assert r.status_code == 413 and history(ticket) == ["create", "assign"]


def test_a_refused_post_keeps_what_was_typed(world, client_for):
    ticket = ticket_of(bad_rating(world))
    r = post(client_for(world.clerk_a), ticket, "verify", {"channel": "phone", "note": "已电话联系评价人"})
    assert r.status_code == 422 and "已电话联系评价人" in r.content.decode()


def test_those_who_may_not_act_are_refused(world, client_for):
    ticket = ticket_of(bad_rating(world))
    r = post(client_for(world.supervisor), ticket, "verify", {"channel": "phone", "reached": "1"})
    assert r.status_code == 403 and "无权" in r.content.decode()
    assert post(client_for(world.manager_b), ticket, "verify", {"channel": "phone", "reached": "1"}).status_code == 404
    assert client_for(world.clerk_a).get(f"/workbench/tickets/{ticket.pk}/verify/").status_code == 405
    assert not ContactAttempt.objects.exists() and history(ticket) == ["create", "assign"]


# ---------------------------------------------------------------- attachments

@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_attachments_upload_and_download_only_in_scope(world, client_for, media):
    ticket = ticket_of(bad_rating(world))
    r = client_for(world.clerk_a).post(f"/workbench/tickets/{ticket.pk}/attach/",
                                       {"file": SimpleUploadedFile("整改照片.txt", b"photo", "text/plain")})
    assert r.status_code == 302
    attachment = Attachment.objects.get(ticket=ticket)
    assert history(ticket)[-1] == "attach"
    url = f"/workbench/tickets/files/{attachment.pk}/"
    assert url in page(client_for(world.manager_a), ticket).content.decode()
    r = client_for(world.manager_a).get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"photo"
    for user in (world.manager_b, world.clerk_a2, other_department_handler(world)):
        assert client_for(user).get(url).status_code == 404, user


def test_bad_attachments_are_refused(world, client_for, media):
    ticket = ticket_of(bad_rating(world))
    clerk = client_for(world.clerk_a)
    r = clerk.post(f"/workbench/tickets/{ticket.pk}/attach/", {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert r.status_code == 422 and 'data-test="error"' in r.content.decode()
    assert clerk.post(f"/workbench/tickets/{ticket.pk}/attach/", {}).status_code == 422
    r = client_for(world.supervisor).post(f"/workbench/tickets/{ticket.pk}/attach/",
                                          {"file": SimpleUploadedFile("a.txt", b"x")})
    assert r.status_code == 403
    assert not Attachment.objects.exists() and "attach" not in history(ticket)


# ---------------------------------------------------------------- list, overview, filters

def test_list_filters_and_the_overview_counts(world, client_for, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))  # Friday: verification due Monday 23 November
    waiting, verified = ticket_of(bad_rating(world)), ticket_of(bad_rating(world))
    post(client_for(world.clerk_a), verified, "verify", {"channel": "phone", "reached": "1"})
    sup = client_for(world.supervisor)

    def listed(query=""):
        return [int(i) for i in re.findall(r'data-ticket="(\d+)"', sup.get("/workbench/tickets/" + query)
                                           .content.decode())]

    assert sorted(listed()) == sorted([waiting.pk, verified.pk])
    assert listed("?status=assigned") == [waiting.pk]
    assert listed("?status=verifying") == [verified.pk]
    assert listed("?due=overdue") == []
    set_now(dt.datetime(2026, 11, 23, 9))
    assert listed("?due=today") == [waiting.pk]
    set_now(dt.datetime(2026, 11, 24, 9))
    assert listed("?due=overdue") == [waiting.pk]
    body = sup.get("/workbench/tickets/").content.decode()
    assert re.search(r'data-test="bucket-overdue"><span>[^<]*</span><b>1</b>', body)
    assert 'href="?due=overdue"' in body
    assert listed("?date_from=2026-11-21") == []
    assert sorted(listed("?date_from=2026-11-20&date_to=2026-11-20")) == sorted([waiting.pk, verified.pk])


def test_invalid_filter_values_are_ignored_with_a_note(world, client_for):
    ticket = ticket_of(bad_rating(world))
    r = client_for(world.supervisor).get("/workbench/tickets/?status=nonsense&date_from=garbage&unit=99999&due=x"
                                         "&page=abc")
    assert r.status_code == 200
    body = r.content.decode()
    assert 'data-test="filter-error"' in body and f'data-ticket="{ticket.pk}"' in body


def test_the_list_paginates(world, client_for, monkeypatch):
    from bianmin.rectification import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first, second = ticket_of(bad_rating(world)), ticket_of(bad_rating(world))
    sup = client_for(world.supervisor)
    page1, page2 = sup.get("/workbench/tickets/").content.decode(), sup.get("/workbench/tickets/?page=2").content.decode()
    assert f'data-ticket="{second.pk}"' in page1 and f'data-ticket="{first.pk}"' not in page1
    assert f'data-ticket="{first.pk}"' in page2 and 'rel="prev"' in page2


def test_figures_and_overview_are_for_those_with_a_scope(world, client_for):
    ticket_of(bad_rating(world))
    assert 'data-test="figures"' in client_for(world.supervisor).get("/workbench/tickets/").content.decode()
    clerk_page = client_for(world.clerk_a).get("/workbench/tickets/").content.decode()
    assert 'data-test="figures"' not in clerk_page and 'data-test="overview"' not in clerk_page


def test_figures_on_the_page_follow_the_period(world, client_for):
    ticket = ticket_of(bad_rating(world))
    post(client_for(world.clerk_a), ticket, "verify", {"channel": "phone", "reached": "1"})
    sup = client_for(world.supervisor)

    def revisit(query=""):
        body = sup.get("/workbench/tickets/" + query).content.decode()
        return re.search(r'data-test="fig-revisit"><b>([^<]+)</b>', body).group(1)

    assert revisit() == "100.0%"
    assert revisit("?date_from=2000-01-01&date_to=2000-01-31") == "—"


# ---------------------------------------------------------------- Excel ledger

def sheet_rows(response):
    ws = load_workbook(io.BytesIO(response.content)).active
    return [[c for c in row] for row in ws.iter_rows(values_only=True)]


def test_excel_export_is_scoped_filtered_and_masked(world, client_for):
    first = ticket_of(bad_rating(world, phone=PHONE))
    ticket_of(bad_rating(world, phone="13900001111"))
    post(client_for(world.clerk_a), first, "verify", {"channel": "phone", "reached": "1"})
    r = client_for(world.supervisor).get("/workbench/tickets/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = sheet_rows(r)
    assert len(rows) == 3 and "评价人电话" in rows[0]
    phones = {row[rows[0].index("评价人电话")] for row in rows[1:]}
    assert phones == {"138****5678", "139****1111"}
    flat = " ".join(str(c) for row in rows for c in row)
    assert PHONE not in flat and "13900001111" not in flat
    only = sheet_rows(client_for(world.supervisor).get("/workbench/tickets/export.xlsx?status=verifying"))
    assert [row[0] for row in only[1:]] == [first.number]
    assert len(sheet_rows(client_for(world.manager_b).get("/workbench/tickets/export.xlsx"))) == 1  # header only
    assert client_for(world.clerk_a).get("/workbench/tickets/export.xlsx").status_code == 403
    assert client_for(world.outsider).get("/workbench/tickets/export.xlsx").status_code == 403


# ---------------------------------------------------------------- appeals

def test_appeal_filed_from_the_ticket_page_and_decided_by_the_reviewer(world, client_for, media):
    rating = bad_rating(world)
    ticket = ticket_of(rating)
    clerk, sup = client_for(world.clerk_a), client_for(world.supervisor)
    assert 'data-test="appeal-button"' in page(clerk, ticket).content.decode()  # the rated staff member
    assert 'data-test="appeal-button"' not in page(sup, ticket).content.decode()  # a reviewer, not a party
    url = f"/workbench/tickets/appeals/new/{rating.pk}/"
    assert client_for(world.manager_b).get(url).status_code == 404
    assert clerk.post(url, {"reason": "  "}).status_code == 422 and not Appeal.objects.exists()
    r = clerk.post(url, {"reason": "评价人误将“办结”当成“退件”",
                         "files": [SimpleUploadedFile("录音.mp3", b"audio")]})
    assert r.status_code == 302
    appeal = Appeal.objects.get(rating=rating)
    assert appeal.attachments.count() == 1
    assert 'data-test="appeal-status"' in page(clerk, ticket).content.decode()
    assert clerk.post(url, {"reason": "再申诉一次"}).status_code == 409  # one appeal per rating
    assert 'data-test="decide-form"' not in clerk.get("/workbench/tickets/appeals/").content.decode()
    assert 'data-test="decide-form"' in sup.get("/workbench/tickets/appeals/").content.decode()
    decide = f"/workbench/tickets/appeals/{appeal.pk}/decide/"
    assert clerk.post(decide, {"decision": "upheld", "reason": "x"}).status_code == 403
    r = sup.post(decide, {"decision": "maybe", "reason": "x"})
    assert r.status_code == 422 and 'data-test="error"' in r.content.decode()
    assert sup.post(decide, {"decision": "upheld", "reason": ""}).status_code == 422
    appeal.refresh_from_db()
    assert appeal.status == "pending"
    assert sup.post(decide, {"decision": "upheld", "reason": "录音证实为误评"}).status_code == 302
    rating.refresh_from_db()
    assert rating.excluded
    for client in (clerk, sup):  # both sides see the decision and its reason
        body = client.get("/workbench/tickets/appeals/").content.decode()
        assert 'data-test="decision"' in body and "录音证实为误评" in body
    assert client_for(world.manager_b).get("/workbench/tickets/appeals/").content.decode().count("data-appeal=") == 0
    assert client_for(world.manager_b).post(decide, {"decision": "dismissed", "reason": "x"}).status_code == 404


# ---------------------------------------------------------------- notifications and navigation

def bell(client) -> int:
    found = re.search(r'data-test="bell-count">(\d+)<', client.get("/workbench/").content.decode())
    return int(found.group(1)) if found else 0


def test_the_bell_counts_unread_notifications_and_the_page_marks_them_read(world, client_for):
    ticket = ticket_of(bad_rating(world))
    clerk = client_for(world.clerk_a)
    unread = Notification.objects.filter(user=world.clerk_a, read_at__isnull=True).count()
    assert unread >= 1 and bell(clerk) == unread
    Notification.objects.create(user=world.manager_b, text="别人的通知")
    body = clerk.get("/workbench/notifications/").content.decode()
    assert ticket.number in body and f'href="/workbench/tickets/{ticket.pk}/"' in body and "别人的通知" not in body
    assert bell(clerk) == 0 and not Notification.objects.filter(user=world.clerk_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=world.manager_b, read_at__isnull=True).exists()


def test_ticket_links_in_the_navigation_for_those_who_handle_tickets(world, client_for):
    ticket_of(bad_rating(world))  # assigned to clerk_a personally
    for user in (world.handler, world.manager_a, world.supervisor, world.clerk_a):
        body = client_for(user).get("/workbench/").content.decode()
        assert 'data-test="nav-tickets"' in body and 'data-test="home-appeals"' in body, user
    assert 'data-test="nav-tickets"' not in client_for(world.clerk_a2).get("/workbench/").content.decode()


def test_tickets_cannot_be_deleted_through_the_pages(world, client_for):
    ticket = ticket_of(bad_rating(world))
    r = client_for(world.supervisor).post(f"/workbench/tickets/{ticket.pk}/delete/")
    assert r.status_code == 404 and Ticket.objects.filter(pk=ticket.pk).exists()


def test_handler_sees_the_full_number_only_with_a_logged_reason(world, client_for):
    from bianmin.core.models import AuditLog

    ticket = ticket_of(bad_rating(world, phone="13812345678"))
    clerk = client_for(world.clerk_a)
    page = clerk.get(f"/workbench/tickets/{ticket.pk}/").content.decode()
    assert "13812345678" not in page and 'data-test="unmask"' in page
    refused = clerk.post(f"/workbench/tickets/{ticket.pk}/unmask/", {"reason": ""})
    assert refused.status_code == 422 and "13812345678" not in refused.content.decode()
    assert not AuditLog.objects.filter(action="unmask").exists()
    shown = clerk.post(f"/workbench/tickets/{ticket.pk}/unmask/", {"reason": "电话回访评价人"})
    assert shown.status_code == 200 and "13812345678" in shown.content.decode()
    log = AuditLog.objects.get(action="unmask")
    assert log.actor == world.clerk_a and log.reason == "电话回访评价人"
    # A supervisor may read the ticket but does not call back: no full number for them.
    supervisor = client_for(world.supervisor)
    assert supervisor.post(f"/workbench/tickets/{ticket.pk}/unmask/", {"reason": "看看"}).status_code == 404
