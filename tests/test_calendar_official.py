"""Reading in the State Council's holiday notice and confirming a year (issue 13 §3, SPEC §3).

POST /api/v1/calendar/notice/parse reads a notice and changes nothing; POST /api/v1/calendar/years/{year}/official
makes it the year's calendar and recomputes the running clocks whose due date depended on the provisional days
(bianmin/core/worktime/official.py). Today the last official year is 2026, so 2027 is provisional.
"""
from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from bianmin.cases.models import Case, JointTask, Notice
from bianmin.cases.states import Status
from bianmin.core import clocks, sms
from bianmin.core.models import AuditLog, CalendarDay, CalendarYear, Clock, ClockDueChange, Notification
from bianmin.core.worktime.calendar import DayKind
from bianmin.core.worktime.loader import get_calendar
from bianmin.core.worktime.notice import parse_notice

from .notice_texts import NOTICE_2027
from .test_worktime_notice import NOTICES

TZ = ZoneInfo("Asia/Shanghai")
PHONE = "13812345678"

# A notice for 2027 written for these tests in the published form (the real one is not out on 2 December 2026):
# a longer 春节 break than the law's four days (2 February 5–13) with make-up Saturdays on 30 January and 20 February.


pytestmark = pytest.mark.django_db


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=TZ)


@pytest.fixture(autouse=True)
def _texts_kept_in_memory(memory_sms):
    """Text messages go to `sms.outbox` (tests/conftest.py)."""


@pytest.fixture
def admin(world):
    return get_user_model().objects.create_superuser("root", "root@example.org", "x")


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def make_case(world, number: str, workdays: int, *, receipt: bool = True, phone: str = PHONE,
              start: dt.datetime | None = None) -> Case:
    """An accepted case whose clock started 2026-12-28 (or `start`); with its 受理通知书 when `receipt`."""
    start = start or at(2026, 12, 28, 10)
    clock = clocks.start_clock(start, workdays, "workdays", purpose="case")
    case = Case.objects.create(number=number, site=world.site_a, item=world.item_committed,
                               handling_type=world.item_committed.handling_type, status=Status.ACCEPTED.value,
                               applicant_name="刘德华", applicant_phone=phone, clock=clock,
                               handled_by=world.clerk_a, accepted_at=start)
    if receipt:
        Notice.objects.create(kind=Notice.Kind.RECEIPT, number=f"SL-{number}", case=case, item=case.item,
                              site=case.site, created_by=world.clerk_a,
                              content={"due_date": clock.due_at.date().isoformat()})
    return case


def due_day(clock: Clock) -> dt.date:
    clock.refresh_from_db()
    return clock.due_at.astimezone(TZ).date()


def apply_2027(client, django_capture_on_commit_callbacks, text: str = NOTICE_2027):
    with django_capture_on_commit_callbacks(execute=True):
        return post(client, "/api/v1/calendar/years/2027/official", {"text": text})


# ---- the parse endpoint -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2025, 2026])
def test_parse_reads_past_notices_and_changes_nothing(world, admin, api_for, year):
    days_before = list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name"))
    years_before = list(CalendarYear.objects.order_by("year").values_list("year", "source", "note", "updated_at"))
    r = post(api_for(admin), "/api/v1/calendar/notice/parse", {"year": year, "text": NOTICES[year]})
    assert r.status_code == 200, r.content
    parsed = parse_notice(year, NOTICES[year])
    assert r.json() == {"year": year, "holidays": [d.isoformat() for d in parsed.holidays],
                        "workdays": [d.isoformat() for d in parsed.workdays], "warnings": []}
    assert list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name")) == days_before
    assert list(CalendarYear.objects.order_by("year").values_list("year", "source", "note", "updated_at")) == years_before


def test_parse_of_the_2027_notice_lists_its_days(world, admin, api_for):
    body = post(api_for(admin), "/api/v1/calendar/notice/parse", {"year": 2027, "text": NOTICE_2027}).json()
    assert body["warnings"] == []
    assert "2027-02-13" in body["holidays"] and "2027-01-30" in body["workdays"] and "2027-02-20" in body["workdays"]
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_parse_of_text_that_is_no_notice_is_422_naming_the_line(world, admin, api_for):
    text = "一、元旦：1月1日放假。\n二、春节：2月30日至3月2日放假调休，共8天。"
    r = post(api_for(admin), "/api/v1/calendar/notice/parse", {"year": 2027, "text": text})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "notice_unreadable" and body["line_number"] == 2
    assert "第2行无法识别" in body["message"] and "Line 2 could not be read" in body["message_en"]
    assert "2月30日" in body["message"] and body["line"] == text.splitlines()[1]


@pytest.mark.parametrize("text", ["这不是放假通知。", "hello\nworld"])
def test_parse_of_prose_is_422(world, admin, api_for, text):
    r = post(api_for(admin), "/api/v1/calendar/notice/parse", {"year": 2027, "text": text})
    assert r.status_code == 422 and r.json()["message"] and r.json()["message_en"]


def test_parse_of_oversized_or_empty_text_is_a_clear_error(world, admin, api_for):
    client = api_for(admin)
    r = post(client, "/api/v1/calendar/notice/parse", {"year": 2027, "text": NOTICE_2027 + "。" * 20_000})
    assert r.status_code == 413 and r.json()["code"] == "too_large" and "20000" in r.json()["message"]
    r = post(client, "/api/v1/calendar/notice/parse", {"year": 2027, "text": "  "})
    assert r.status_code == 422 and r.json()["field"] == "text"
    r = post(client, "/api/v1/calendar/notice/parse", {"year": 1900, "text": NOTICE_2027})
    assert r.status_code == 422


def test_parse_and_apply_are_for_administrators_only(world, api_for):
    staff = get_user_model().objects.create_user("staff_only", password="x", is_staff=True)
    for user in (world.clerk_a, world.manager_a, world.supervisor, staff):
        client = api_for(user)
        r = post(client, "/api/v1/calendar/notice/parse", {"year": 2027, "text": NOTICE_2027})
        assert r.status_code == 403, user
        assert r.json()["message"] and r.json()["message_en"]
        assert post(client, "/api/v1/calendar/years/2027/official", {"text": NOTICE_2027}).status_code == 403
    assert post(api_for(None), "/api/v1/calendar/notice/parse", {"year": 2027, "text": NOTICE_2027}).status_code == 401
    assert post(api_for(None), "/api/v1/calendar/years/2027/official", {"text": NOTICE_2027}).status_code == 401
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_staff_with_the_calendar_permission_is_an_administrator(world, api_for):
    staff = get_user_model().objects.create_user("calendar_keeper", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_calendaryear"))
    r = post(api_for(staff), "/api/v1/calendar/notice/parse", {"year": 2027, "text": NOTICE_2027})
    assert r.status_code == 200


# ---- confirming a year ------------------------------------------------------------------------------------------


def test_provisional_due_dates_of_the_scenario(world, set_now):
    """The dates the tests below rely on, under the provisional 2027 (the law's 春节: 5–8 February, 补假 9–10)."""
    set_now(at(2026, 12, 28, 10))
    assert due_day(make_case(world, "P30", 30).clock) == dt.date(2027, 2, 15)
    assert due_day(make_case(world, "P24", 24).clock) == dt.date(2027, 2, 1)
    assert due_day(make_case(world, "P20", 20).clock) == dt.date(2027, 1, 26)
    assert get_calendar().is_provisional(dt.date(2027, 2, 15))


def test_confirming_2027_recomputes_running_clocks_and_tells_people(world, admin, api_for, set_now,
                                                                     django_capture_on_commit_callbacks):
    set_now(at(2026, 12, 28, 10))
    later = make_case(world, "L30", 30)  # provisional 2027-02-15; official: the break runs to 13 Feb → 16 Feb
    unmoved = make_case(world, "U20", 20)  # due 26 January either way
    joint = JointTask.objects.create(case=later, department=world.civil_affairs, task="核查",
                                     clock=clocks.start_clock(at(2026, 12, 28, 10), 24, "workdays", purpose="joint"))
    set_now(at(2026, 12, 30, 9))
    r = apply_2027(api_for(admin), django_capture_on_commit_callbacks)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["year"] == 2027 and "2027-02-12" in body["holidays"] and "2027-01-30" in body["workdays"]
    assert body["recomputed_clocks"] == 3 and body["moved_due_dates"] == 2

    # The year is official now, with the notice's days; 2028 is the provisional year.
    year = CalendarYear.objects.get(year=2027)
    assert year.source == CalendarYear.Source.NOTICE and year.note == "国办发明电〔2026〕99号"
    cal = get_calendar()
    assert cal.kind(dt.date(2027, 2, 12)) == DayKind.HOLIDAY and cal.kind(dt.date(2027, 1, 30)) == DayKind.ADJUSTED_WORKDAY
    assert cal.name(dt.date(2027, 1, 30)) == "春节" and not cal.is_provisional(dt.date(2027, 2, 16))
    assert cal.provisional_years == frozenset({2028})

    # A later due date: shown, recorded, handler and manager told, the applicant texted (phone masked in logs).
    assert due_day(later.clock) == dt.date(2027, 2, 16)
    change = ClockDueChange.objects.get(clock=later.clock)
    assert (change.old_due_at, change.new_due_at) == (end_of(dt.date(2027, 2, 15)), end_of(dt.date(2027, 2, 16)))
    assert not change.promise_kept and change.sms == ClockDueChange.Sms.SENT and "2027" in change.reason
    for person in (world.clerk_a, world.manager_a):
        note = Notification.objects.get(user=person, text__startswith="办件 L30")
        assert "2027-02-15 → 2027-02-16" in note.text and note.link == f"/workbench/cases/{later.pk}/"
    assert not Notification.objects.filter(user=world.manager_b).exists()
    assert sms.outbox == [{"to": PHONE, "text": sms.outbox[0]["text"]}]
    assert "2027年2月16日" in sms.outbox[0]["text"] and "L30" in sms.outbox[0]["text"]

    # A joint task's internal deadline has no promise to a citizen: it moves earlier (1 February → 30 January).
    assert due_day(joint.clock) == dt.date(2027, 1, 30)
    assert ClockDueChange.objects.get(clock=joint.clock).new_due_at == end_of(dt.date(2027, 1, 30))
    assert Notification.objects.filter(user=world.handler, text__contains="协办").exists()

    # Recomputed but not moved: no history, nobody told.
    assert due_day(unmoved.clock) == dt.date(2027, 1, 26)
    assert not ClockDueChange.objects.filter(clock=unmoved.clock).exists()
    assert not Notification.objects.filter(text__contains="U20").exists()
    assert AuditLog.objects.filter(action="calendar_official", object_id="2027", actor=admin).exists()


def test_a_date_printed_on_the_receipt_is_never_brought_forward(world, admin, api_for, set_now,
                                                               django_capture_on_commit_callbacks):
    set_now(at(2026, 12, 28, 10))
    promised = make_case(world, "R24", 24)  # receipt says 2027-02-01; the official calendar gives 30 January
    internal = make_case(world, "N24", 24, receipt=False)  # the same clock without a receipt
    set_now(at(2026, 12, 30, 9))
    body = apply_2027(api_for(admin), django_capture_on_commit_callbacks).json()
    assert body["moved_due_dates"] == 1  # only the one without a promise

    assert due_day(promised.clock) == dt.date(2027, 2, 1)
    assert promised.clock.not_before == end_of(dt.date(2027, 2, 1))
    assert clocks.state_of(promised.clock).due_date == dt.date(2027, 2, 1)
    kept = ClockDueChange.objects.get(clock=promised.clock)
    assert kept.promise_kept and kept.old_due_at == kept.new_due_at == end_of(dt.date(2027, 2, 1))
    assert kept.calendar_due_at == end_of(dt.date(2027, 1, 30)) and kept.sms == ClockDueChange.Sms.NONE
    assert not Notification.objects.filter(text__contains="R24").exists()
    assert sms.outbox == []

    assert due_day(internal.clock) == dt.date(2027, 1, 30)


def test_stopped_and_paused_clocks_are_left_alone(world, admin, api_for, set_now, django_capture_on_commit_callbacks):
    set_now(at(2026, 12, 28, 10))
    done = make_case(world, "S30", 30)
    paused = make_case(world, "W30", 30)
    set_now(at(2026, 12, 29, 15))
    clocks.stop(done.clock)
    clocks.pause(paused.clock, "supplement")
    done.clock.refresh_from_db()
    stored = (done.clock.due_at, done.clock.yellow_at, done.clock.warning, done.clock.stopped_at)
    set_now(at(2026, 12, 30, 9))
    body = apply_2027(api_for(admin), django_capture_on_commit_callbacks).json()
    assert body["recomputed_clocks"] == 0 and body["moved_due_dates"] == 0
    done.clock.refresh_from_db()
    assert (done.clock.due_at, done.clock.yellow_at, done.clock.warning, done.clock.stopped_at) == stored
    paused.clock.refresh_from_db()
    assert paused.clock.due_at is None and paused.clock.status == Clock.Status.PAUSED
    assert not ClockDueChange.objects.exists() and sms.outbox == []


def test_applying_the_same_notice_twice_changes_nothing_the_second_time(world, admin, api_for, set_now,
                                                                       django_capture_on_commit_callbacks):
    set_now(at(2026, 12, 28, 10))
    case = make_case(world, "I30", 30)
    set_now(at(2026, 12, 30, 9))
    client = api_for(admin)
    assert apply_2027(client, django_capture_on_commit_callbacks).json()["moved_due_dates"] == 1
    snapshot = (list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "year_id")),
                CalendarYear.objects.get(year=2027).updated_at, ClockDueChange.objects.count(),
                Notification.objects.count(), len(sms.outbox), AuditLog.objects.count())
    case.clock.refresh_from_db()
    clock_row = (case.clock.due_at, case.clock.yellow_at, case.clock.not_before, case.clock.warning)
    set_now(at(2026, 12, 31, 9))
    again = apply_2027(client, django_capture_on_commit_callbacks).json()
    assert again["recomputed_clocks"] == 0 and again["moved_due_dates"] == 0
    assert (list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "year_id")),
            CalendarYear.objects.get(year=2027).updated_at, ClockDueChange.objects.count(),
            Notification.objects.count(), len(sms.outbox), AuditLog.objects.count()) == snapshot
    case.clock.refresh_from_db()
    assert (case.clock.due_at, case.clock.yellow_at, case.clock.not_before, case.clock.warning) == clock_row


def test_a_promise_kept_is_recorded_once(world, admin, api_for, set_now, django_capture_on_commit_callbacks):
    set_now(at(2026, 12, 28, 10))
    promised = make_case(world, "K24", 24)
    client = api_for(admin)
    apply_2027(client, django_capture_on_commit_callbacks)
    # A correction with one more make-up Saturday in January would bring it further forward (29 January): the
    # promise already kept stands, and nothing new is recorded.
    corrected = NOTICE_2027.replace("1月30日（周六）、2月20日", "1月23日（周六）、1月30日（周六）、2月20日")
    body = apply_2027(client, django_capture_on_commit_callbacks, corrected).json()
    assert body["recomputed_clocks"] == 1 and body["moved_due_dates"] == 0
    assert due_day(promised.clock) == dt.date(2027, 2, 1)
    assert ClockDueChange.objects.filter(clock=promised.clock).count() == 1


def test_a_correction_moves_only_what_it_changes(world, admin, api_for, set_now, django_capture_on_commit_callbacks):
    set_now(at(2026, 12, 28, 10))
    case = make_case(world, "C30", 30)
    client = api_for(admin)
    apply_2027(client, django_capture_on_commit_callbacks)
    assert due_day(case.clock) == dt.date(2027, 2, 16)
    # The corrected notice drops the make-up Saturday of 30 January: one working day fewer before the break.
    corrected = NOTICE_2027.replace("1月30日（周六）、2月20日（周六）上班", "2月20日（周六）上班")
    body = apply_2027(client, django_capture_on_commit_callbacks, corrected).json()
    assert body["moved_due_dates"] == 1 and due_day(case.clock) == dt.date(2027, 2, 17)
    assert not CalendarDay.objects.filter(date=dt.date(2027, 1, 30)).exists()
    assert ClockDueChange.objects.filter(clock=case.clock).count() == 2


# ---- the year limit ---------------------------------------------------------------------------------------------


def test_a_year_more_than_one_after_the_last_official_year_is_refused(world, admin, api_for, client):
    r = client.get("/api/v1/calendar/due", {"start": "2027-12-20", "amount": 20}, HTTP_HOST="localhost")
    assert r.status_code == 422 and r.json()["code"] == "calendar_not_covered" and "2028" in r.json()["message"]
    r = post(api_for(admin), "/api/v1/calendar/years/2028/official", {"text": NOTICE_2027.replace("2027", "2028")})
    assert r.status_code == 422 and r.json()["code"] == "calendar_not_covered"
    assert "2027" in r.json()["message"] and r.json()["message_en"]
    assert not CalendarYear.objects.filter(year__gte=2027).exists()


def test_once_2027_is_official_2028_is_provisional_and_2029_refused(world, admin, api_for, client,
                                                                   django_capture_on_commit_callbacks):
    apply_2027(api_for(admin), django_capture_on_commit_callbacks)
    r = client.get("/api/v1/calendar/due", {"start": "2027-12-20", "amount": 20}, HTTP_HOST="localhost")
    assert r.status_code == 200 and r.json()["provisional"] is True
    r = client.get("/api/v1/calendar/due", {"start": "2028-12-20", "amount": 20}, HTTP_HOST="localhost")
    assert r.status_code == 422 and r.json()["code"] == "calendar_not_covered"


def test_correcting_an_official_year_from_its_notice_keeps_its_days(world, admin, api_for,
                                                                    django_capture_on_commit_callbacks):
    """The 2023 notice over the package's 2023 (chinese-calendar holds the same days): nothing moves; its 元旦 break
    starting 31 December 2022 stays in 2022; the year's source becomes the notice."""
    before = list(CalendarDay.objects.filter(date__year__in=[2022, 2023]).order_by("date")
                  .values_list("date", "kind", "name"))
    with django_capture_on_commit_callbacks(execute=True):
        r = post(api_for(admin), "/api/v1/calendar/years/2023/official", {"text": NOTICES[2023]})
    assert r.status_code == 200 and r.json()["moved_due_dates"] == 0 and r.json()["recomputed_clocks"] == 0
    assert list(CalendarDay.objects.filter(date__year__in=[2022, 2023]).order_by("date")
                .values_list("date", "kind", "name")) == before
    assert CalendarDay.objects.get(date=dt.date(2022, 12, 31)).year.year == 2022
    assert CalendarYear.objects.get(year=2023).source == CalendarYear.Source.NOTICE


def test_unreadable_notice_applies_nothing(world, admin, api_for, django_capture_on_commit_callbacks):
    r = apply_2027(api_for(admin), django_capture_on_commit_callbacks, "一、元旦：1月1日放假。\n二、春节：")
    assert r.status_code == 422 and r.json()["line_number"] == 2
    assert not CalendarYear.objects.filter(year=2027).exists()


class BrokenGateway:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("gateway down")


def test_a_failed_text_message_is_recorded_and_the_number_never_logged(world, admin, api_for, set_now, settings,
                                                                       caplog, django_capture_on_commit_callbacks):
    settings.BIANMIN = {**settings.BIANMIN, "SMS_BACKEND": "tests.test_calendar_official.BrokenGateway"}
    set_now(at(2026, 12, 28, 10))
    case = make_case(world, "F30", 30)
    r = apply_2027(api_for(admin), django_capture_on_commit_callbacks)
    assert r.status_code == 200 and r.json()["moved_due_dates"] == 1
    assert ClockDueChange.objects.get(clock=case.clock).sms == ClockDueChange.Sms.FAILED
    assert CalendarYear.objects.get(year=2027).source == CalendarYear.Source.NOTICE  # the calendar change stands
    assert "text message" in caplog.text and PHONE not in caplog.text
