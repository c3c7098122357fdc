"""首问负责 until done (seeds 002 L521-603, 003 L133-137; SPEC §4): an entry stays on its owner's list until it is
answered, accepted as a case or handed to a named window and person who confirms; one left open past
FIRST_CONTACT_LIMIT_WORKDAYS working days (1) warns its owner and the site's managers once, and counts as a
first-contact failure in staff assessment."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.cases import first_contacts
from bianmin.cases import services as case_services
from bianmin.cases.models import FirstContact
from bianmin.core import jobs
from bianmin.core.models import Notification
from bianmin.orgs.models import Window
from bianmin.orgs.roles import Role
from bianmin.staffops import facts
from bianmin.staffops.models import EfficiencyWarning

from .world import make_user

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
FRIDAY = dt.datetime(2026, 12, 4, 10, 0, tzinfo=TZ)  # due at the end of Monday 7 December
DECEMBER = dt.date(2026, 12, 1)
PHONE = "13912345678"


def log(world, who=None, outcome="pending", **extra):
    data = {"visitor_name": "张三丰", "visitor_phone": PHONE, "question": "咨询低保申请条件", "channel": "phone"}
    data.update(extra)
    return first_contacts.log(who or world.clerk_a, site=world.site_a, outcome=outcome, **data)


def open_list(api_for, user) -> list[dict]:
    r = api_for(user).get("/api/v1/first-contacts?open=true")
    assert r.status_code == 200
    return r.json()["items"]


def post(api_for, user, path: str, body: dict | None = None):
    return api_for(user).post(f"/api/v1/first-contacts{path}", body or {}, content_type="application/json")


# ---------------------------------------------------------------- the limit, in working days

def test_an_entry_on_a_friday_is_due_at_the_end_of_monday_and_ages_in_working_days(world, set_now, api_for):
    set_now(FRIDAY)
    entry = log(world)
    assert entry.at == FRIDAY and entry.closed_at is None
    assert entry.due_at == dt.datetime(2026, 12, 7, 23, 59, 59, tzinfo=TZ)
    set_now(dt.datetime(2026, 12, 6, 18, 0, tzinfo=TZ))  # Sunday: still the Friday's working day count
    [row] = open_list(api_for, world.clerk_a)
    assert (row["id"], row["channel"], row["age_workdays"], row["overdue"]) == (entry.pk, "phone", 0, False)
    assert row["owner"].startswith("王小红")
    set_now(dt.datetime(2026, 12, 7, 23, 0, tzinfo=TZ))  # Monday evening: one working day, not yet overdue
    [row] = open_list(api_for, world.clerk_a)
    assert (row["age_workdays"], row["overdue"]) == (1, False)
    set_now(dt.datetime(2026, 12, 8, 9, 0, tzinfo=TZ))
    [row] = open_list(api_for, world.clerk_a)
    assert (row["age_workdays"], row["overdue"]) == (2, True)


def test_the_new_year_holiday_is_not_a_working_day(world, set_now):
    set_now(dt.datetime(2026, 12, 31, 15, 0, tzinfo=TZ))  # Thursday; Friday 1 January 2027 is a holiday
    entry = log(world)
    assert timezone_date(entry.due_at) == dt.date(2027, 1, 4)


def timezone_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(TZ).date()


def test_the_limit_follows_the_setting(world, set_now, settings):
    settings.BIANMIN = {**settings.BIANMIN, "FIRST_CONTACT_LIMIT_WORKDAYS": 3}
    set_now(FRIDAY)
    assert timezone_date(log(world).due_at) == dt.date(2026, 12, 9)


# ---------------------------------------------------------------- who sees the open list

def test_own_entries_for_a_clerk_the_sites_for_its_manager(world, set_now, api_for):
    set_now(FRIDAY)
    mine = log(world)
    other = log(world, who=world.clerk_a2)
    assert [r["id"] for r in open_list(api_for, world.clerk_a)] == [mine.pk]
    assert [r["id"] for r in open_list(api_for, world.clerk_a2)] == [other.pk]
    assert {r["id"] for r in open_list(api_for, world.manager_a)} == {mine.pk, other.pk}
    assert {r["id"] for r in open_list(api_for, world.supervisor)} == {mine.pk, other.pk}
    assert open_list(api_for, world.manager_b) == []
    assert api_for(world.outsider).get("/api/v1/first-contacts?open=true").json()["items"] == []


def test_answering_closes_the_entry(world, set_now, api_for):
    set_now(FRIDAY)
    entry = log(world)
    r = post(api_for, world.clerk_a, f"/{entry.pk}/answer", {"answer": "已电话告知所需材料"})
    assert r.status_code == 200 and r.json()["open"] is False and r.json()["outcome"] == "answered"
    assert open_list(api_for, world.clerk_a) == []
    assert post(api_for, world.clerk_a, f"/{entry.pk}/answer", {"answer": "再答"}).status_code == 409
    answered_now = log(world, outcome="answered", answer="当场答复")
    assert answered_now.closed_at == FRIDAY


def test_registering_a_case_closes_its_entry(world, set_now, api_for):
    set_now(FRIDAY)
    case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                       applicant={"name": "刘德华", "phone": "13812345678"})
    entry = FirstContact.objects.get(case=case)
    assert entry.outcome == "case" and entry.closed_at is not None
    assert open_list(api_for, world.clerk_a) == []


def test_the_earlier_service_name_still_logs(world, set_now):
    set_now(FRIDAY)
    entry = case_services.log_first_contact(world.clerk_a, site=world.site_a, visitor_name="路人", visitor_phone="",
                                            question="问路", outcome="guided", guided_to_window=world.window_a,
                                            guided_to_person="李明")
    # Taken to the window and person on the spot (the earlier form): done when logged.
    assert entry.outcome == "guided" and entry.closed_at is not None and entry.channel == "counter"


# ---------------------------------------------------------------- hand-over and confirmation

def test_a_hand_over_stays_open_until_the_named_person_confirms(world, set_now, api_for):
    set_now(FRIDAY)
    entry = log(world)
    r = post(api_for, world.clerk_a, f"/{entry.pk}/hand_over",
             {"window_id": world.window_a.pk, "handed_to_id": world.clerk_a2.pk})
    assert r.status_code == 200 and r.json()["handed_to_id"] == world.clerk_a2.pk and r.json()["open"] is True
    assert [e["id"] for e in open_list(api_for, world.clerk_a)] == [entry.pk]  # still the owner's
    [waiting] = open_list(api_for, world.clerk_a2)
    assert waiting["awaiting_my_confirmation"] is True
    assert Notification.objects.filter(user=world.clerk_a2, text__contains="张*丰").exists()
    # Only the named person confirms: not the owner, not the manager.
    for someone in (world.clerk_a, world.manager_a):
        refused = post(api_for, someone, f"/{entry.pk}/confirm")
        assert refused.status_code == 403 and refused.json()["message"] and refused.json()["message_en"]
    assert FirstContact.objects.get(pk=entry.pk).closed_at is None
    r = post(api_for, world.clerk_a2, f"/{entry.pk}/confirm")
    assert r.status_code == 200 and r.json()["open"] is False and r.json()["confirmed_at"]
    assert open_list(api_for, world.clerk_a) == [] and open_list(api_for, world.clerk_a2) == []


def test_a_hand_over_names_a_window_of_the_site_and_an_active_person_who_handles_cases_there(world, set_now,
                                                                                               api_for):
    set_now(FRIDAY)
    entry = log(world)
    window_b = Window.objects.create(site=world.site_b, number="9", name="镇综合窗口")
    tries = [
        ({"window_id": window_b.pk, "handed_to_id": world.clerk_a2.pk}, "guided_to_window"),
        ({"handed_to_id": world.clerk_a2.pk}, "guided_to_window"),
        ({"window_id": world.window_a.pk, "handed_to_id": world.manager_b.pk}, "handed_to"),
        ({"window_id": world.window_a.pk, "handed_to_id": world.outsider.pk}, "handed_to"),
        ({"window_id": world.window_a.pk, "handed_to_id": world.clerk_a.pk}, "handed_to"),  # the owner
        ({"window_id": world.window_a.pk}, "handed_to"),
    ]
    for body, field in tries:
        r = post(api_for, world.clerk_a, f"/{entry.pk}/hand_over", body)
        assert r.status_code == 422, body
        assert r.json()["field"] == field and r.json()["message"] and r.json()["message_en"]
    world.clerk_a2.is_active = False
    world.clerk_a2.save()
    assert post(api_for, world.clerk_a, f"/{entry.pk}/hand_over",
                {"window_id": world.window_a.pk, "handed_to_id": world.clerk_a2.pk}).status_code == 422
    stored = FirstContact.objects.get(pk=entry.pk)
    assert (stored.handed_to_id, stored.guided_to_window_id, stored.outcome) == (None, None, "pending")


def test_a_clerk_of_another_site_gets_404(world, set_now, api_for):
    set_now(FRIDAY)
    entry = log(world)
    clerk_b = make_user("clerk_b", Role.CLERK, site=world.site_b, staff_name="孙小梅")
    for user in (clerk_b, world.manager_b):
        assert api_for(user).get(f"/api/v1/first-contacts/{entry.pk}").status_code == 404
        for action, body in (("answer", {"answer": "x"}), ("confirm", {}),
                             ("hand_over", {"window_id": world.window_a.pk, "handed_to_id": user.pk})):
            assert post(api_for, user, f"/{entry.pk}/{action}", body).status_code == 404
    assert FirstContact.objects.get(pk=entry.pk).closed_at is None


def test_bad_input_is_a_bilingual_422_and_nothing_is_stored(world, set_now, api_for):
    set_now(FRIDAY)
    base = {"visitor_name": "张三", "question": "咨询", "outcome": "pending"}
    for change, field in (({"channel": "fax"}, "channel"), ({"outcome": "case"}, "outcome"),
                          ({"visitor_name": " "}, "visitor_name"), ({"visitor_phone": "call me"}, "visitor_phone"),
                          ({"question": ""}, "question"), ({"outcome": "guided"}, "guided_to_window")):
        r = post(api_for, world.clerk_a, "", {**base, **change})
        assert r.status_code == 422, change
        body = r.json()
        assert body["field"] == field and body["message"] != body["message_en"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]) and body["message_en"].isascii()
    assert not FirstContact.objects.exists()
    r = post(api_for, world.clerk_a, "", {**base, "channel": "visit"})
    assert r.status_code == 201 and r.json()["channel"] == "visit" and r.json()["due_at"]


def test_names_and_phones_are_masked_in_the_api_and_the_page(world, set_now, api_for, client_for):
    set_now(FRIDAY)
    log(world, question=f"请回电 {PHONE}")
    [row] = open_list(api_for, world.clerk_a)
    assert (row["visitor_name"], row["visitor_phone"]) == ("张*丰", "139****5678")
    assert PHONE not in str(row)
    page = client_for(world.clerk_a).get("/workbench/first-contacts/").content.decode()
    assert PHONE not in page and "139****5678" in page


# ---------------------------------------------------------------- the warning and the assessment fact

def test_an_overdue_entry_warns_its_owner_and_the_sites_managers_once(world, set_now):
    set_now(FRIDAY)
    entry = log(world)
    answered = log(world, outcome="answered")
    set_now(dt.datetime(2026, 12, 7, 23, 0, tzinfo=TZ))
    assert first_contacts.warn_overdue() == 0
    set_now(dt.datetime(2026, 12, 8, 9, 0, tzinfo=TZ))
    assert first_contacts.warn_overdue() == 1
    told = set(Notification.objects.filter(text__contains="首问").values_list("user__username", flat=True))
    assert told == {"clerk_a", "manager_a"}
    assert first_contacts.warn_overdue() == 0  # once
    assert Notification.objects.filter(text__contains="首问").count() == 2
    entry.refresh_from_db()
    answered.refresh_from_db()
    assert entry.warned_at is not None and answered.warned_at is None


def test_the_warning_is_a_worker_job_right_after_the_deadlines(world, set_now):
    names = [name for name, _job in jobs.JOBS]
    assert names[names.index("deadlines") + 1] == "first_contact_warnings"
    set_now(FRIDAY)
    log(world)
    set_now(dt.datetime(2026, 12, 8, 9, 0, tzinfo=TZ))
    assert jobs.run_once()["first_contact_warnings"] == 1
    assert jobs.run_once()["first_contact_warnings"] == 0


def test_an_entry_left_open_past_its_limit_is_a_first_contact_failure(world, set_now):
    set_now(FRIDAY)
    left = log(world)
    late = log(world)
    done = log(world)
    first_contacts.answer(world.clerk_a, done.pk, text="当日答复")
    set_now(dt.datetime(2026, 12, 7, 22, 0, tzinfo=TZ))
    facts.sync_month(DECEMBER)
    assert not EfficiencyWarning.objects.filter(reason_code="first_contact").exists()  # within its limit
    set_now(dt.datetime(2026, 12, 8, 10, 0, tzinfo=TZ))
    first_contacts.answer(world.clerk_a, late.pk, text="次日才答复")  # closed, but after the limit
    facts.sync_month(DECEMBER)
    warnings = EfficiencyWarning.objects.filter(reason_code="first_contact")
    assert {w.source_key for w in warnings} == {f"warn:first_contact:{left.pk}", f"warn:first_contact:{late.pk}"}
    assert {w.staff for w in warnings} == {world.clerk_a.staff}


# ---------------------------------------------------------------- the page

def test_the_page_lists_open_entries_and_takes_the_forms(world, set_now, client_for):
    set_now(FRIDAY)
    entry = log(world)
    set_now(dt.datetime(2026, 12, 8, 9, 0, tzinfo=TZ))
    owner = client_for(world.clerk_a)
    page = owner.get("/workbench/first-contacts/").content.decode()
    assert f'data-test="fc-row-{entry.pk}"' in page and 'data-test="fc-overdue"' in page
    # A refused hand-over (to the owner) is shown with its message on the page, nothing changed.
    r = owner.post(f"/workbench/first-contacts/{entry.pk}/hand-over/",
                   {"window": world.window_a.pk, "handed_to": world.clerk_a.pk})
    assert r.status_code == 422 and "不能转交给首问责任人本人" in r.content.decode()
    assert FirstContact.objects.get(pk=entry.pk).handed_to_id is None
    r = owner.post(f"/workbench/first-contacts/{entry.pk}/hand-over/",
                   {"window": world.window_a.pk, "handed_to": world.clerk_a2.pk})
    assert r.status_code == 302
    named = client_for(world.clerk_a2)
    page = named.get("/workbench/first-contacts/").content.decode()
    assert 'data-test="fc-waiting"' in page and 'data-test="fc-confirm"' in page
    assert 'data-test="fc-site"' in client_for(world.manager_a).get("/workbench/first-contacts/").content.decode()
    assert owner.post(f"/workbench/first-contacts/{entry.pk}/confirm/").status_code == 403
    assert named.post(f"/workbench/first-contacts/{entry.pk}/confirm/").status_code == 302
    assert FirstContact.objects.get(pk=entry.pk).closed_at is not None


def test_the_page_logs_with_channel_and_keep_following(world, set_now, client_for):
    set_now(FRIDAY)
    c = client_for(world.clerk_a)
    r = c.post("/workbench/first-contacts/", {"visitor_name": "赵六", "question": "电话咨询社保", "channel": "phone",
                                              "outcome": "pending"})
    assert r.status_code == 302
    entry = FirstContact.objects.get()
    assert (entry.channel, entry.outcome, entry.closed_at) == ("phone", "pending", None)
    r = c.post("/workbench/first-contacts/", {"visitor_name": "赵六", "question": "x", "channel": "fax",
                                              "outcome": "pending"})
    assert r.status_code == 422 and FirstContact.objects.count() == 1
    assert client_for(world.outsider).get("/workbench/first-contacts/").status_code == 404
    r = c.post(f"/workbench/first-contacts/{entry.pk}/answer/", {"answer": "已答复"})
    assert r.status_code == 302 and FirstContact.objects.get().closed_at is not None


def test_the_page_in_english(world, set_now, client_for):
    set_now(FRIDAY)
    entry = log(world)
    first_contacts.hand_over(world.clerk_a, entry.pk, window=world.window_a, to_user=world.clerk_a2)
    c = client_for(world.clerk_a2)
    c.cookies["django_language"] = "en"
    html = c.get("/workbench/first-contacts/").content.decode()
    for english in ("Waiting for my confirmation", "Confirm taking over", "Log a first contact", "Channel",
                    "Person taking over (must confirm)"):
        assert english in html, english
    assert "待我确认" not in html and "确认接手" not in html
