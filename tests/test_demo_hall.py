"""`manage.py demo` loads the hall (bianmin/demo/hall.py): opening sessions with a lunch-time session at the county
centre, a weekend duty day, hall settings, today's sign-ins, a morning of queue history with its events, today's
appointments and those of the coming days, a few people waiting now for the demo clerks — deterministic,
idempotent, and rolled up so that the dashboard shows the queue figures.

The demo is loaded once for this module (each test reads it in its own savepoint), as in tests/test_demo_data.py."""
from __future__ import annotations

import datetime as dt
import io
import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from bianmin.appointments.models import Appointment
from bianmin.core import timeutil
from bianmin.core.sequences import next_value
from bianmin.demo import hall as demo_hall
from bianmin.hall import hours
from bianmin.hall.models import DutyDay, HallSettings, OpeningSession, Presence
from bianmin.orgs.models import Site
from bianmin.queueing.models import QueueEvent, QueueTicket, TicketStatus
from bianmin.stats import queue_metrics
from bianmin.stats.metrics import Target

from .demo_helpers import DEMO_NOW, load_demo_at
from .once import module_shares, module_transaction

pytestmark = pytest.mark.django_db
TODAY = DEMO_NOW.date()  # Wednesday 18 November 2026, 15:30
HALL_MODELS = [OpeningSession, DutyDay, HallSettings, Presence, QueueTicket, QueueEvent, Appointment]


@pytest.fixture(scope="module")
def demo_loaded(request, django_db_setup, django_db_blocker):
    assert module_shares(request, "demo"), "every database test of this module must use the `demo` fixture"
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock(), override_settings(
                BIANMIN={**settings.BIANMIN, "DEMO_HISTORY": False, "REPORT_UNIT_LEVELS": [],
                         "REPORT_QUARTERLY_UNIT_LEVELS": []}):
            output = load_demo_at(DEMO_NOW)
        yield output


@pytest.fixture
def demo(demo_loaded, db):
    with timeutil.travel_to(DEMO_NOW):
        yield SimpleNamespace(output=demo_loaded, centre=Site.objects.get(kind=Site.Kind.CENTER),
                              town=Site.objects.get(name="青石镇便民服务中心"))


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def test_opening_sessions_lunch_duty_day_and_settings(demo):
    centre = demo.centre
    kinds = sorted((s.kind, f"{s.start:%H:%M}", f"{s.end:%H:%M}") for s in OpeningSession.objects.filter(site=centre))
    assert kinds == [("lunch", "11:30", "14:30"), ("regular", "08:30", "11:30"), ("regular", "14:30", "17:30")]
    lunch = OpeningSession.objects.get(site=centre, kind="lunch")
    assert sorted(w.number for w in lunch.windows.all()) == ["01", "02"]
    assert [s.kind for s in hours.sessions_on(centre, TODAY)] == ["regular", "lunch", "regular"]
    assert OpeningSession.objects.filter(site=demo.town).count() == 2  # the defaults, seed 002
    duty = DutyDay.objects.get(site=centre)
    assert duty.date.weekday() == 5 and duty.date > TODAY and not hours.is_working_day(duty.date)
    assert sorted(w.number for w in duty.windows.all()) == ["01", "09"] and duty.staff.count() == 2
    assert [s.kind for s in hours.sessions_on(centre, duty.date)] == ["duty"]
    assert hours.settings_for(centre).pk and hours.settings_for(centre).wait_target_minutes == 30


def test_the_demo_clerks_signed_in_at_their_windows_this_morning(demo):
    for work_id, number in demo_hall.PERSONA_WINDOWS.items():
        rows = list(Presence.objects.filter(staff__work_id=work_id, at__date=TODAY))
        assert [(r.kind, r.window.number) for r in rows] == [("in", number)], work_id
        assert dt.time(8, 10) <= _local(rows[0].at).time() < dt.time(8, 30)
    town_clerk = Presence.objects.get(staff__work_id="BM1010101", at__date=TODAY)
    assert town_clerk.window.site == demo.town


def test_a_morning_of_queue_history(demo):
    tickets = list(QueueTicket.objects.filter(site=demo.centre, day=TODAY))
    morning = [t for t in tickets if _local(t.created_at).time() < dt.time(11, 30)]
    assert 60 <= len(morning) <= 120
    assert min(_local(t.created_at).time() for t in tickets) >= dt.time(8, 30)
    statuses = {t.status for t in tickets}
    assert {TicketStatus.FINISHED, TicketStatus.NO_SHOW, TicketStatus.ABANDONED, TicketStatus.WAITING} <= statuses
    assert len({t.priority for t in tickets}) >= 3 and len({t.number[0] for t in tickets}) >= 4
    called = [t for t in tickets if t.called_at]
    waits = [(t.called_at - t.created_at).total_seconds() / 60 for t in called]
    assert sum(w <= 30 for w in waits) / len(waits) >= 0.8 and max(waits) < 90
    assert all(t.served_by_id and t.window_id for t in called)
    assert all(t.finished_at > t.called_at for t in called if t.status == TicketStatus.FINISHED)
    assert all(t.estimate_low is not None and t.estimate_low <= t.estimate_high for t in tickets)
    assert len({t.token for t in tickets}) == len(tickets) and all(len(t.token) >= 30 for t in tickets)
    # Every call is in the history, by the clerk at the window.
    calls = QueueEvent.objects.filter(ticket__in=called, action="call")
    assert calls.count() == len(called)
    assert all(e.at == e.ticket.called_at and e.window_id == e.ticket.window_id for e in calls.select_related("ticket"))
    assert QueueEvent.objects.filter(ticket__in=tickets, action="skip").count() == sum(
        t.status == TicketStatus.NO_SHOW for t in tickets)
    # demo-clerk served at window 01 this morning.
    assert any(t.served_by.work_id == "ZW011" for t in called)
    assert QueueTicket.objects.filter(site=demo.town, day=TODAY).count() >= 15


def test_the_next_real_ticket_gets_a_fresh_number(demo):
    ticket = QueueTicket.objects.filter(site=demo.centre, day=TODAY).order_by("-number").first()
    letter = ticket.number[0]
    used = set(QueueTicket.objects.filter(site=demo.centre, day=TODAY, number__startswith=letter)
               .values_list("number", flat=True))
    assert f"{letter}{next_value(f'queue-{demo.centre.pk}-{TODAY:%Y%m%d}-{letter}'):03d}" not in used


def test_people_waiting_now_for_the_demo_clerk_to_call(demo):
    from bianmin.queueing import services

    waiting = QueueTicket.objects.filter(site=demo.centre, day=TODAY, status=TicketStatus.WAITING)
    assert waiting.count() >= 3
    assert all(DEMO_NOW - dt.timedelta(minutes=30) <= timezone.make_naive(t.created_at) <= DEMO_NOW for t in waiting)
    clerk = get_user_model().objects.get(username="demo-clerk")
    called = services.call(clerk)
    assert called is not None
    ticket, _reason = called
    assert ticket.status == TicketStatus.CALLED and ticket.window.number == "01"


def test_appointments_today_and_for_the_coming_working_days(demo):
    today = list(Appointment.objects.filter(site=demo.centre, date=TODAY))
    assert {"served", "no_show", "booked"} <= {a.status for a in today}
    assert all(a.ticket.source == "appointment" for a in today if a.status in ("checked_in", "served"))
    coming = Appointment.objects.filter(date__gt=TODAY)
    days = sorted(set(coming.values_list("date", flat=True)))
    assert len(days) >= 4 and days[0] == TODAY + dt.timedelta(days=1)  # tomorrow, a Thursday
    for day in days:
        n = coming.filter(date=day).count()
        assert 3 <= n <= 6, day
        assert hours.sessions_on(demo.centre, day), day  # only days the centre is open (a duty Saturday included)
    everything = list(Appointment.objects.all())
    assert {a.channel for a in everything} >= {"online", "phone"}
    codes = [a.code for a in everything]
    assert len(set(codes)) == len(codes) and all(re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", c) for c in codes)
    assert all(len(a.token) >= 30 for a in everything)
    phone = next(a for a in everything if a.channel == "phone")
    assert phone.created_by.username == "demo-clerk"


def test_the_dashboard_shows_the_demo_queue(demo, client_for):
    figures = queue_metrics.figures(Target(site=demo.centre), TODAY, TODAY)
    assert figures.tickets == QueueTicket.objects.filter(site=demo.centre, day=TODAY).count()
    assert figures.average_wait_minutes and figures.wait_within_target_rate.value >= 0.8
    assert figures.no_show and figures.abandoned and figures.appointments
    manager = get_user_model().objects.get(username="demo-manager")
    html = client_for(manager).get("/workbench/stats/").content.decode()
    section = html.split('data-test="queue"')[1].split("</section>")[0]
    assert 'data-test="chart-queue-hours"' in section and "01号" in section


def test_loading_again_adds_nothing(demo):
    before = {m._meta.label: m.objects.count() for m in HALL_MODELS}
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert {m._meta.label: m.objects.count() for m in HALL_MODELS} == before
    assert "新建 0 条" in out.getvalue()


def _queue_of(day: dt.date) -> list[tuple]:
    return list(QueueTicket.objects.filter(day=day).order_by("site_id", "number").values_list(
        "site_id", "number", "status", "priority", "created_at", "called_at", "finished_at", "window_id",
        "estimate_low", "estimate_high"))


def _loader(demo) -> SimpleNamespace:
    return SimpleNamespace(centre=demo.centre, township_sites={
        s.unit.name: s for s in Site.objects.filter(kind=Site.Kind.TOWNSHIP).select_related("unit")})


def test_the_same_day_gives_the_same_queue(demo):
    first = _queue_of(TODAY)
    QueueTicket.objects.filter(day=TODAY).delete()
    Appointment.objects.filter(date=TODAY).delete()
    Presence.objects.filter(at__date=TODAY).delete()
    demo_hall.load(_loader(demo))
    assert _queue_of(TODAY) == first


def test_on_a_sunday_the_history_is_of_the_saturday_duty_and_nobody_waits(demo):
    sunday = dt.datetime(2026, 11, 22, 10, 0)
    with timeutil.travel_to(sunday):
        result = demo_hall.load(_loader(demo))
    # The last day the centre opened: the duty Saturday, with its two duty windows.
    assert result.queue_day == dt.date(2026, 11, 21)
    assert DutyDay.objects.filter(site=demo.centre, date=result.queue_day).exists()
    assert DutyDay.objects.filter(site=demo.centre, date=dt.date(2026, 11, 28)).exists()  # the next one
    saturday = QueueTicket.objects.filter(site=demo.centre, day=result.queue_day)
    assert 10 <= saturday.count() <= 30 and not saturday.filter(status=TicketStatus.WAITING).exists()
    assert set(saturday.exclude(window=None).values_list("window__number", flat=True)) <= {"01", "09"}
    assert not QueueTicket.objects.filter(site=demo.town, day=result.queue_day).exists()  # closed on Saturday
    assert not QueueTicket.objects.filter(day=sunday.date()).exists()
    signed = Presence.objects.filter(at__date=result.queue_day)
    assert set(signed.values_list("window__number", flat=True)) == {"01", "09"}
    assert signed.filter(kind="out").exists()
