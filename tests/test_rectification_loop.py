"""Every bad review opens a ticket for whoever handled the case; verify, resolve, answer, follow up, close."""
import datetime as dt

import pytest
from django.utils import timezone

from bianmin.core.models import Notification
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Rating
from bianmin.rectification import followups
from bianmin.rectification.models import Ticket, TicketEvent

from .rating_helpers import finished_case
from .ticket_helpers import bad_rating, do, no_inline_ticket, ticket_of

pytestmark = pytest.mark.django_db


def local_day(moment):
    return timezone.localtime(moment).date()


def test_bad_rating_opens_a_ticket_for_the_handling_unit_and_person(world, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))  # a Friday
    rating = bad_rating(world)
    ticket = ticket_of(rating)
    assert ticket.status == "assigned" and ticket.source == "rating" and ticket.real_name
    assert ticket.assigned_unit == world.civil_affairs and ticket.assigned_site == world.site_a
    assert ticket.assignee == world.clerk_a and ticket.case == rating.case
    # Verify within 1 working day (Monday), rectify within 15 working days, counted from the next day.
    assert local_day(ticket.verify_clock.due_at) == dt.date(2026, 11, 23)
    assert local_day(ticket.rectify_clock.due_at) == dt.date(2026, 12, 11)
    assert Notification.objects.filter(user=world.clerk_a, text__contains=ticket.number).exists()
    assert list(ticket.events.values_list("action", flat=True)) == ["create", "assign"]


def test_good_and_basic_ratings_open_no_ticket(world):
    for level in ("very_satisfied", "satisfied", "basic"):
        bad_rating(world, level=level)
    assert not Ticket.objects.exists()


def test_due_dates_skip_the_national_day_holiday(world, set_now):
    set_now(dt.datetime(2026, 9, 30, 16))  # the day before the 1-7 October holiday
    ticket = ticket_of(bad_rating(world))
    assert local_day(ticket.verify_clock.due_at) == dt.date(2026, 10, 8)  # the first working day after it
    # 15 working days: 8, 9, 10 (make-up Saturday), 12-16, 19-23, 26-27 October.
    assert local_day(ticket.rectify_clock.due_at) == dt.date(2026, 10, 27)


def test_the_whole_loop_through_the_api(world, api_for, set_now, client):
    set_now(dt.datetime(2026, 11, 20, 10))
    rating = bad_rating(world)
    ticket = ticket_of(rating)
    clerk = api_for(world.clerk_a)
    do(clerk, ticket, "close", expect=409)  # no feedback yet
    do(clerk, ticket, "resolve", {"outcome": "explained", "note": "x"}, expect=409)  # verify first
    body = do(clerk, ticket, "verify", {"channel": "phone", "reached": True, "note": "电话联系，了解情况"})
    assert body["status"] == "verifying" and body["contacts"][0]["reached"] is True
    body = do(clerk, ticket, "resolve", {"outcome": "rectified_now", "note": "当场补办并致歉"})
    assert body["status"] == "resolved"
    do(clerk, ticket, "close", expect=409)
    body = do(clerk, ticket, "feedback", {"channel": "phone", "message": "已整改，感谢监督"})
    assert body["status"] == "answered"
    ticket.refresh_from_db()
    assert ticket.verify_clock.status == "stopped" and ticket.rectify_clock.status == "stopped"
    # The rater rates again through the follow-up token: satisfied closes the ticket.
    token = followups.token_for(ticket)
    rating2, created = rating_services.submit_with_token(token, level="satisfied", channel="sms")
    assert created and rating2.stage == "followup" and rating2.followup_of == rating
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.followup_rating == rating2
    # A second follow-up is refused.
    r = client.post("/api/v1/ratings", data={"token": token, "level": "basic"}, content_type="application/json")
    assert r.status_code == 409


def test_bad_follow_up_reopens_and_escalates(world, api_for, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))
    ticket = ticket_of(bad_rating(world))
    clerk = api_for(world.clerk_a)
    do(clerk, ticket, "verify", {"channel": "phone", "reached": True})
    do(clerk, ticket, "resolve", {"outcome": "explained", "note": "政策规定需本人到场"})
    do(clerk, ticket, "feedback", {"channel": "sms", "message": "已向您解释"})
    do(clerk, ticket, "close")
    rating_services.submit_with_token(followups.token_for(ticket), level="dissatisfied")
    ticket.refresh_from_db()
    assert ticket.status == "verifying" and ticket.reopened == 1 and ticket.escalation == 1
    # The reopened ticket runs on fresh limits: contact again within 1 working day (Mon 23 Nov), answer in 15.
    assert ticket.verify_clock.status == "running" and ticket.rectify_clock.status == "running"
    assert timezone.localtime(ticket.verify_clock.due_at).date() == dt.date(2026, 11, 23)
    assert Notification.objects.filter(user=world.manager_a, text__contains="督办").exists()
    # The follow-up itself opens no second ticket.
    assert Ticket.objects.count() == 1


def test_follow_up_before_feedback_is_not_yet_possible(world):
    ticket = ticket_of(bad_rating(world))
    with pytest.raises(Exception) as info:
        rating_services.submit_with_token(followups.token_for(ticket), level="satisfied")
    assert getattr(info.value, "code", "") == "not_yet"


def test_ledger_needs_a_deadline_and_progress_notes_then_rectified(world, api_for, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))
    ticket = ticket_of(bad_rating(world))
    clerk = api_for(world.clerk_a)
    do(clerk, ticket, "verify", {"channel": "visit", "reached": False, "note": "无人"})
    do(clerk, ticket, "resolve", {"outcome": "ledger", "note": "需要改造叫号系统"}, expect=422)
    do(clerk, ticket, "resolve", {"outcome": "ledger", "note": "x", "deadline": "2020-01-01"}, expect=422)
    body = do(clerk, ticket, "resolve", {"outcome": "ledger", "note": "改造叫号系统", "deadline": "2026-12-10"})
    assert body["status"] == "rectifying" and body["ledger_deadline"] == "2026-12-10"
    do(clerk, ticket, "feedback", {"channel": "phone", "message": "x"}, expect=409)
    do(clerk, ticket, "progress", {"note": "已采购设备"})
    body = do(clerk, ticket, "rectified", {"note": "叫号系统已上线"})
    assert body["status"] == "resolved"
    assert [e["action"] for e in body["events"]][-3:] == ["resolve", "progress", "rectified"]


def test_malicious_needs_a_supervisor_and_then_leaves_the_statistics(world, api_for):
    rating = bad_rating(world)
    ticket = ticket_of(rating)
    clerk, sup = api_for(world.clerk_a), api_for(world.supervisor)
    do(clerk, ticket, "verify", {"channel": "phone", "reached": True})
    body = do(clerk, ticket, "resolve", {"outcome": "malicious", "note": "评价人承认误点"})
    assert body["status"] == "awaiting_approval"
    rating.refresh_from_db()
    assert not rating.excluded  # not before approval
    do(clerk, ticket, "approve_exclusion", {}, expect=403)
    do(api_for(world.manager_a), ticket, "approve_exclusion", {}, expect=403)
    body = do(sup, ticket, "approve_exclusion", {"note": "核实属实"})
    assert body["status"] == "resolved"
    rating.refresh_from_db()
    assert rating.excluded and not rating.counts_in_statistics and "误评" in rating.excluded_reason
    assert Notification.objects.filter(user=world.supervisor, text__contains="不计入统计").exists()


def test_rejected_exclusion_goes_back_to_verifying(world, api_for):
    ticket = ticket_of(bad_rating(world))
    do(api_for(world.clerk_a), ticket, "verify", {"channel": "phone", "reached": True})
    do(api_for(world.clerk_a), ticket, "resolve", {"outcome": "malicious", "note": "疑似恶意"})
    do(api_for(world.supervisor), ticket, "reject_exclusion", {}, expect=422)  # a reason is required
    body = do(api_for(world.supervisor), ticket, "reject_exclusion", {"note": "证据不足"})
    assert body["status"] == "verifying" and body["outcome"] == ""


@pytest.mark.parametrize("action,body", [
    ("verify", {"channel": "pigeon", "reached": True}), ("verify", {"channel": "phone", "reached": "yes"}),
    ("verify", {"channel": "phone", "reached": True, "note": "x" * 2001}), ("dance", {}),
])
def test_bad_input_is_4xx_and_changes_nothing(world, api_for, action, body):
    ticket = ticket_of(bad_rating(world))
    events = TicketEvent.objects.count()
    r = api_for(world.clerk_a).post(f"/api/v1/rectifications/{ticket.pk}/{action}", data=body,
                                    content_type="application/json")
    assert 400 <= r.status_code < 500 and r.json()["message_en"]
    ticket.refresh_from_db()
    assert ticket.status == "assigned" and TicketEvent.objects.count() == events


def test_malformed_json_is_422(world, api_for):
    ticket = ticket_of(bad_rating(world))
    r = api_for(world.clerk_a).post(f"/api/v1/rectifications/{ticket.pk}/verify", data="{oops",
                                    content_type="application/json")
    assert r.status_code == 422


def test_complaint_comment_opens_a_ticket_for_the_target_unit(world):
    from bianmin.core import timeutil
    from bianmin.ratings.models import Comment
    from bianmin.rectification.services import open_for_complaint

    comment = Comment.objects.create(source="mailbox", is_complaint=True, target_unit=world.civil_affairs,
                                     text="窗口人员态度差", contact_phone="13900002222", created_at=timeutil.now())
    ticket = open_for_complaint(comment)
    assert ticket.source == "complaint" and ticket.assigned_unit == world.civil_affairs and ticket.real_name
    assert open_for_complaint(comment) == ticket


def test_complaint_entered_by_staff_opens_a_ticket_at_once_and_a_plain_comment_does_not(world):
    from bianmin.ratings import comments
    from bianmin.rectification.models import Ticket

    complaint = comments.add_comment(world.manager_a, source="mailbox", text="办事要跑三次", is_complaint=True,
                                     target_unit=world.civil_affairs)
    praise = comments.add_comment(world.manager_a, source="mailbox", text="服务很好", target_unit=world.civil_affairs)
    assert Ticket.objects.get(comment=complaint).assigned_unit == world.civil_affairs
    assert not Ticket.objects.filter(comment=praise).exists()


def test_worker_opens_tickets_the_hook_missed(world):
    from bianmin.core.jobs import run_once

    with no_inline_ticket():
        rating = bad_rating(world)
    assert not Ticket.objects.exists()
    run_once()
    assert ticket_of(rating).status == "assigned"


def test_tickets_and_history_cannot_be_deleted(world):
    ticket = ticket_of(bad_rating(world))
    from django.db.models import ProtectedError
    with pytest.raises(ProtectedError):
        Rating.objects.filter(pk=ticket.rating_id).delete()
    assert TicketEvent.objects.filter(ticket=ticket).count() == 2


def test_unrated_case_unaffected(world):
    finished_case(world)
    assert not Ticket.objects.exists()
