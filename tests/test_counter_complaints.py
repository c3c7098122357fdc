"""窗口投诉 (seed 002 投诉制度 L1319-1333): a complaint made at the centre is answered the same or the next working day,
a complex one within a week; a written one in writing (a numbered, printable reply); one about a service opens the
rectification loop; the complainant's phone is masked and the person complained about never sees their name."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.cases import complaints
from bianmin.cases.models import CounterComplaint
from bianmin.core.clock_owners import owner_of
from bianmin.core.clocks import state_of
from bianmin.orgs.models import Window
from bianmin.orgs.roles import Role
from bianmin.ratings.models import Comment
from bianmin.rectification.models import Ticket

from .world import make_user

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
FRIDAY = dt.datetime(2026, 12, 4, 10, 0, tzinfo=TZ)
PHONE = "13912345678"


def receive(world, who=None, **extra):
    data = {"form": "oral", "complainant_name": "钱多多", "complainant_phone": PHONE,
            "text": "窗口人员态度生硬，让我来回跑了三趟"}
    data.update(extra)
    return complaints.receive(who or world.clerk_a, site=world.site_a, **data)


def api_post(api_for, user, path: str, body: dict):
    return api_for(user).post(f"/api/v1/counter-complaints{path}", body, content_type="application/json")


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(TZ)


# ---------------------------------------------------------------- limits

def test_an_ordinary_complaint_is_answered_by_the_next_working_day(world, set_now, api_for):
    set_now(FRIDAY)
    on_time, late = receive(world), receive(world)
    assert local(on_time.clock.due_at) == dt.datetime(2026, 12, 7, 23, 59, 59, tzinfo=TZ)  # Monday, not Saturday
    assert on_time.clock.purpose == "counter_complaint"
    set_now(dt.datetime(2026, 12, 7, 16, 0, tzinfo=TZ))
    r = api_post(api_for, world.clerk_a, f"/{on_time.pk}/answer", {"answer": "已调查并批评教育", "answer_form": "oral"})
    assert r.status_code == 200 and r.json()["answered"] is True and r.json()["answered_late"] is False
    set_now(dt.datetime(2026, 12, 8, 9, 0, tzinfo=TZ))
    listed = {c["id"]: c for c in api_for(world.manager_a).get("/api/v1/counter-complaints").json()["items"]}
    assert listed[late.pk]["overdue"] is True and listed[on_time.pk]["overdue"] is False
    overdue = api_for(world.manager_a).get("/api/v1/counter-complaints?overdue=true").json()["items"]
    assert [c["id"] for c in overdue] == [late.pk]
    r = api_post(api_for, world.manager_a, f"/{late.pk}/answer", {"answer": "已处理", "answer_form": "phone"})
    assert r.json()["answered_late"] is True and r.json()["overdue"] is False
    late.refresh_from_db()
    state = state_of(late.clock, dt.datetime(2027, 3, 1, tzinfo=TZ))
    assert state.stopped and state.finished_late  # frozen at the answer


def test_a_complex_complaint_has_a_week_and_a_week_ending_on_a_holiday_runs_to_the_next_working_day(world, set_now):
    set_now(dt.datetime(2026, 12, 23, 10, 0, tzinfo=TZ))  # Wednesday
    assert local(receive(world, complex=True).clock.due_at).date() == dt.date(2026, 12, 30)
    set_now(dt.datetime(2026, 12, 25, 10, 0, tzinfo=TZ))  # Friday + 7 days = New Year's Day (holiday)
    assert local(receive(world, complex=True).clock.due_at).date() == dt.date(2027, 1, 4)
    assert local(receive(world).clock.due_at).date() == dt.date(2026, 12, 28)


# ---------------------------------------------------------------- written complaints, written replies

def test_a_written_complaint_is_answered_in_writing_with_a_numbered_printable_reply(world, set_now, api_for,
                                                                                    client_for):
    set_now(FRIDAY)
    oral = receive(world)
    written = receive(world, form="written", text="书面投诉：申请材料被无故退回")
    assert (oral.number, written.number) == ("投字〔2026〕第000001号", "投字〔2026〕第000002号")
    r = api_post(api_for, world.manager_a, f"/{written.pk}/answer", {"answer": "经核实，已责令改正", "answer_form": "oral"})
    assert r.status_code == 422 and r.json()["field"] == "answer_form"
    assert r.json()["message"] == "书面投诉必须书面答复。" and "writing" in r.json()["message_en"]
    written.refresh_from_db()
    assert written.answered_at is None and written.clock.status == "running"
    c = client_for(world.manager_a)
    assert c.get(f"/workbench/complaints/{written.pk}/reply/").status_code == 404  # not answered yet
    r = api_post(api_for, world.manager_a, f"/{written.pk}/answer",
                 {"answer": f"经核实，已责令改正，联系人电话 {PHONE}", "answer_form": "written"})
    assert r.status_code == 200 and r.json()["answer_form"] == "written"
    sheet = c.get(f"/workbench/complaints/{written.pk}/reply/").content.decode()
    assert "投诉答复书" in sheet and "投字〔2026〕第000002号" in sheet and "钱多多" in sheet
    assert PHONE not in sheet
    # An oral complaint may be answered orally: logged, no printed reply.
    api_post(api_for, world.clerk_a, f"/{oral.pk}/answer", {"answer": "当面解释并致歉", "answer_form": "oral"})
    assert CounterComplaint.objects.get(pk=oral.pk).answer == "当面解释并致歉"
    assert c.get(f"/workbench/complaints/{oral.pk}/reply/").status_code == 404
    assert api_post(api_for, world.clerk_a, f"/{oral.pk}/answer",
                    {"answer": "再答", "answer_form": "oral"}).status_code == 409


# ---------------------------------------------------------------- the rectification loop

def test_a_complaint_about_a_service_opens_a_rectification_ticket(world, set_now, api_for):
    set_now(FRIDAY)
    r = api_post(api_for, world.clerk_a, "", {"form": "phone", "complainant_name": "钱多多", "complainant_phone": PHONE,
                                              "text": "低保申请迟迟没有结果", "about_item_code": world.item_committed.code})
    assert r.status_code == 201
    complaint = CounterComplaint.objects.get(pk=r.json()["id"])
    comment = complaint.comment
    assert (comment.source, comment.is_complaint, comment.target_item) == ("counter", True, world.item_committed)
    assert comment.contact_name == "" and comment.contact_phone == ""  # the complainant stays with the centre
    ticket = Ticket.objects.get(comment=comment)
    assert ticket.assigned_unit == world.civil_affairs and ticket.source == "complaint"
    assert api_for(world.clerk_a).get(f"/api/v1/counter-complaints/{complaint.pk}").json()["ticket_id"] == ticket.pk


def test_a_complaint_about_a_window_opens_one_for_the_centre_and_one_about_conduct_only_none(world, set_now):
    set_now(FRIDAY)
    window = receive(world, about_window=world.window_a)
    assert Ticket.objects.get(comment=window.comment).assigned_unit == world.county
    conduct = receive(world, about_staff=world.clerk_a2)
    assert conduct.comment is None and Comment.objects.count() == 1


# ---------------------------------------------------------------- confidentiality and masking

def test_the_person_complained_about_never_sees_the_complainant(world, set_now, api_for, client_for):
    set_now(FRIDAY)
    complaint = receive(world, about_staff=world.clerk_a2)
    theirs = api_for(world.clerk_a2).get(f"/api/v1/counter-complaints/{complaint.pk}").json()
    assert theirs["complainant_name"] == "（保密）" and "钱多多" not in str(theirs)
    page = client_for(world.clerk_a2).get(f"/workbench/complaints/{complaint.pk}/").content.decode()
    assert "钱多多" not in page and PHONE not in page
    assert "钱多多" not in client_for(world.clerk_a2).get("/workbench/complaints/").content.decode()
    manager = api_for(world.manager_a).get(f"/api/v1/counter-complaints/{complaint.pk}").json()
    assert (manager["complainant_name"], manager["complainant_phone"]) == ("钱多多", "139****5678")
    page = client_for(world.manager_a).get(f"/workbench/complaints/{complaint.pk}/").content.decode()
    assert "钱多多" in page and "139****5678" in page and PHONE not in page
    # Nor may they answer it.
    r = api_post(api_for, world.clerk_a2, f"/{complaint.pk}/answer", {"answer": "我没错", "answer_form": "oral"})
    assert r.status_code == 403 and r.json()["message_en"]
    assert CounterComplaint.objects.get(pk=complaint.pk).answered_at is None


# ---------------------------------------------------------------- guards

def test_other_sites_and_other_clerks_do_not_see_it(world, set_now, api_for, client_for):
    set_now(FRIDAY)
    complaint = receive(world)
    clerk_b = make_user("clerk_b", Role.CLERK, site=world.site_b, staff_name="孙小梅")
    for user in (clerk_b, world.manager_b, world.clerk_a2):
        assert api_for(user).get(f"/api/v1/counter-complaints/{complaint.pk}").status_code == 404
        assert api_post(api_for, user, f"/{complaint.pk}/answer",
                        {"answer": "x", "answer_form": "oral"}).status_code == 404
        assert client_for(user).get(f"/workbench/complaints/{complaint.pk}/").status_code == 404
    assert api_for(world.manager_b).get("/api/v1/counter-complaints").json()["items"] == []
    assert [c["id"] for c in api_for(world.supervisor).get("/api/v1/counter-complaints").json()["items"]] == [
        complaint.pk]


def test_bad_input_is_a_bilingual_422_and_nothing_is_stored(world, set_now, api_for):
    set_now(FRIDAY)
    window_b = Window.objects.create(site=world.site_b, number="9", name="镇综合窗口")
    base = {"form": "oral", "complainant_name": "钱多多", "text": "态度差"}
    for change, field in (({"form": "email"}, "form"), ({"text": ""}, "text"), ({"complainant_name": ""},
                                                                                  "complainant_name"),
                          ({"complainant_phone": "abc"}, "complainant_phone"),
                          ({"about_window_id": window_b.pk}, "about_window"),
                          ({"about_staff_id": world.manager_b.pk}, "about_staff"),
                          ({"about_item_code": "NO-SUCH"}, "about_item_code")):
        r = api_post(api_for, world.clerk_a, "", {**base, **change})
        assert r.status_code == 422, change
        assert r.json()["field"] == field and r.json()["message"] and r.json()["message_en"].isascii()
    assert not CounterComplaint.objects.exists() and not Comment.objects.exists()
    assert api_post(api_for, world.supervisor, "", base).status_code in (403, 422)  # receives at no site
    assert not CounterComplaint.objects.exists()


def test_deadline_news_reaches_the_receiver_and_the_sites_managers(world, set_now):
    set_now(FRIDAY)
    complaint = receive(world)
    owner = owner_of(complaint.clock)
    assert owner.kind == "counter_complaint" and complaint.number in owner.label
    assert {u.username for u in owner.people} == {"clerk_a", "manager_a"}
    assert owner.link == f"/workbench/complaints/{complaint.pk}/"


# ---------------------------------------------------------------- pages

def test_the_pages_record_list_and_answer(world, set_now, client_for):
    set_now(FRIDAY)
    c = client_for(world.clerk_a)
    r = c.post("/workbench/complaints/", {"form": "written", "complainant_name": "钱多多", "complainant_phone": PHONE,
                                          "text": "窗口未一次性告知", "about_window": world.window_a.pk,
                                          "complex": "on"})
    assert r.status_code == 302
    complaint = CounterComplaint.objects.get()
    assert complaint.complex and complaint.about_window == world.window_a and complaint.received_by == world.clerk_a
    r = c.post("/workbench/complaints/", {"form": "written", "complainant_name": "钱多多", "text": ""})
    assert r.status_code == 422 and "请填写投诉内容" in r.content.decode() and CounterComplaint.objects.count() == 1
    set_now(dt.datetime(2026, 12, 14, 9, 0, tzinfo=TZ))  # past the week
    listing = c.get("/workbench/complaints/").content.decode()
    assert 'data-test="complaint-overdue"' in listing and PHONE not in listing and "139****5678" in listing
    r = c.post(f"/workbench/complaints/{complaint.pk}/answer/", {"answer": "口头解释", "answer_form": "oral"})
    assert r.status_code == 422 and "书面投诉必须书面答复" in r.content.decode()
    r = c.post(f"/workbench/complaints/{complaint.pk}/answer/", {"answer": "已书面答复", "answer_form": "written"})
    assert r.status_code == 302
    page = c.get(f"/workbench/complaints/{complaint.pk}/").content.decode()
    assert 'data-test="answered-late"' in page and 'data-test="complaint-reply"' in page
    assert client_for(world.outsider).get("/workbench/complaints/").status_code == 404
    assert 'data-test="home-complaints"' in c.get("/workbench/").content.decode()


def test_the_pages_in_english(world, set_now, client_for):
    set_now(FRIDAY)
    complaint = receive(world, form="written")
    complaints.answer(world.manager_a, complaint.pk, text="已处理", answer_form="written")
    c = client_for(world.manager_a)
    c.cookies["django_language"] = "en"
    listing = c.get("/workbench/complaints/").content.decode()
    assert "Record a complaint" in listing and "Form of complaint" in listing and "登记投诉" not in listing
    assert "Answered on time" in c.get(f"/workbench/complaints/{complaint.pk}/").content.decode()
    assert "Reply to a complaint" in c.get(f"/workbench/complaints/{complaint.pk}/reply/").content.decode()
