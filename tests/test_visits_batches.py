"""Village proxy batches: a station's cases go to its township on the township's batch weekday (default Monday),
built by the worker's sweep or the station's button; the township (only) receives; cases that missed their batch
show in red."""
import datetime as dt

import pytest
from django.utils import timezone

from bianmin.cases import services as case_services
from bianmin.core import jobs, timeutil
from bianmin.hall.models import HallSettings
from bianmin.orgs.models import Site, Unit
from bianmin.visits import batches
from bianmin.visits.models import BatchEvent, ProxyBatch

from .visits_helpers import station_case, station_world

MONDAY = dt.date(2026, 11, 30)
WEDNESDAY = dt.datetime(2026, 12, 2, 10, 0)


def at(moment: dt.datetime):
    return timeutil.travel_to(timezone.make_aware(moment))


@pytest.fixture
def station(world):
    station, window, clerk = station_world(world)
    return {"site": station, "window": window, "clerk": clerk}


def case_at(world, station, moment, item=None):
    return station_case(station["clerk"], station["site"], station["window"], item or world.item_committed, moment)


def test_the_township_is_the_one_on_the_parent_or_same_unit(world, station):
    assert batches.township_of(station["site"]) == world.site_b
    same_unit = Site.objects.create(unit=world.township, name="镇区代办点", kind=Site.Kind.STATION)
    assert batches.township_of(same_unit) == world.site_b
    far = Unit.objects.create(name="邻县某村", level=Unit.Level.VILLAGE, parent=world.other_county)
    assert batches.township_of(Site.objects.create(unit=far, name="远处代办点", kind=Site.Kind.STATION)) is None
    assert batches.township_of(world.site_a) is None  # not a station


def test_the_sweep_batches_on_the_batch_weekday_only(world, station):
    before = case_at(world, station, dt.datetime(2026, 11, 25, 10, 0))
    answered = case_at(world, station, dt.datetime(2026, 11, 26, 10, 0))
    case_services.transition(answered.pk, "answer_consultation", station["clerk"], {"answer": "已当场答复"})
    on_the_day = case_at(world, station, dt.datetime(2026, 11, 30, 9, 0))  # after the day began: next week's
    assert batches.build_due_batches(MONDAY - dt.timedelta(days=1)) == 0  # Sunday: not the day
    assert batches.build_due_batches(MONDAY) == 1
    batch = ProxyBatch.objects.get()
    assert (batch.station, batch.township, batch.batch_date, batch.status) == (
        station["site"], world.site_b, MONDAY, "prepared")
    assert list(batch.cases.all()) == [before]
    assert BatchEvent.objects.filter(batch=batch, action="prepare", to_status="prepared", actor=None).exists()
    assert batches.build_due_batches(MONDAY) == 0  # the next sweep of the same day changes nothing
    assert batches.build_due_batches(MONDAY + dt.timedelta(days=7)) == 1
    assert ProxyBatch.objects.get(batch_date=MONDAY + dt.timedelta(days=7)).cases.get() == on_the_day


def test_the_weekday_is_the_townships_setting(world, station):
    HallSettings.objects.create(site=world.site_b, batch_weekday=2)
    case_at(world, station, dt.datetime(2026, 11, 25, 10, 0))
    assert batches.build_due_batches(MONDAY) == 0
    assert batches.build_due_batches(WEDNESDAY.date()) == 1


def test_the_job_is_registered_in_its_place():
    names = [name for name, _job in jobs.JOBS]
    assert "proxy_batches" in names and names.index("proxy_batches") < names.index("stats_rollup")


def test_a_missed_case_is_red_and_the_button_batches_it(world, station, client_for):
    missed = case_at(world, station, dt.datetime(2026, 11, 25, 10, 0))  # the worker never ran on the 30th
    fresh = case_at(world, station, dt.datetime(2026, 12, 1, 10, 0))  # waits for the next Monday: not late
    clerk = client_for(station["clerk"])
    with at(WEDNESDAY):
        page = clerk.get("/workbench/batches/")
        html = page.content.decode()
        assert page.status_code == 200
        assert [c.pk for c in page.context["missed"]] == [missed.pk]
        assert 'class="red bad-row" data-test="missed-case"' in html and missed.number in html
        assert "139****5678" in html and "13912345678" not in html
        # The township sees its stations' missed cases too; site A's manager does not.
        assert [c.pk for c in client_for(world.manager_b).get("/workbench/batches/").context["missed"]] == [missed.pk]
        assert client_for(world.manager_a).get("/workbench/batches/").context["missed"] == []
        r = clerk.post("/workbench/batches/build/", {"station": station["site"].pk})
    assert r.status_code == 302
    batch = ProxyBatch.objects.get()
    assert batch.batch_date == WEDNESDAY.date() and batch.prepared_by == station["clerk"]
    assert set(batch.cases.all()) == {missed, fresh}
    with at(WEDNESDAY):
        assert clerk.get("/workbench/batches/").context["missed"] == []
        assert clerk.post("/workbench/batches/build/", {"station": station["site"].pk}).status_code == 409  # nothing left


def test_send_then_receive_by_the_township_only(world, station, client_for):
    case_at(world, station, dt.datetime(2026, 11, 25, 10, 0))
    batches.build_due_batches(MONDAY)
    batch = ProxyBatch.objects.get()
    clerk, township = client_for(station["clerk"]), client_for(world.manager_b)
    sheet = clerk.get(f"/workbench/batches/{batch.pk}/").content.decode()
    assert "代办件交接单" in sheet and batch.cases.get().number in sheet and "13912345678" not in sheet
    assert township.post(f"/workbench/batches/{batch.pk}/receive/").status_code == 409  # not sent yet
    assert township.post(f"/workbench/batches/{batch.pk}/send/").status_code == 403  # the station sends
    assert clerk.post(f"/workbench/batches/{batch.pk}/send/").status_code == 302
    assert clerk.post(f"/workbench/batches/{batch.pk}/receive/").status_code == 403  # the station cannot sign for it
    assert client_for(world.manager_a).post(f"/workbench/batches/{batch.pk}/receive/").status_code == 404
    assert client_for(world.supervisor).post(f"/workbench/batches/{batch.pk}/receive/").status_code == 403
    batch.refresh_from_db()
    assert batch.status == "sent" and batch.sent_by == station["clerk"]
    assert township.post(f"/workbench/batches/{batch.pk}/receive/").status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.received_by) == ("received", world.manager_b)
    assert list(batch.events.values_list("action", "to_status")) == [
        ("prepare", "prepared"), ("send", "sent"), ("receive", "received")]
    assert township.post(f"/workbench/batches/{batch.pk}/receive/").status_code == 409


def test_visibility_and_bad_input(world, station, client_for):
    case_at(world, station, dt.datetime(2026, 11, 25, 10, 0))
    batches.build_due_batches(MONDAY)
    batch = ProxyBatch.objects.get()
    url = f"/workbench/batches/{batch.pk}/"
    for user, code in [(station["clerk"], 200), (world.manager_b, 200), (world.supervisor, 200),
                       (world.manager_a, 404), (world.clerk_a, 404), (world.outsider, 404)]:
        assert client_for(user).get(url).status_code == code, user
    assert client_for(world.handler).get("/workbench/batches/").status_code == 403
    clerk = client_for(station["clerk"])
    for value in ("", "abc", "99999999", str(world.site_a.pk), "9" * 40):
        assert clerk.post("/workbench/batches/build/", {"station": value}).status_code == 422
    assert client_for(world.clerk_a).post("/workbench/batches/build/", {"station": station["site"].pk}).status_code == 403
    assert clerk.post(f"/workbench/batches/{batch.pk}/explode/").status_code == 404
    assert clerk.get(f"/workbench/batches/{batch.pk}/send/").status_code == 405
    assert ProxyBatch.objects.get().status == "prepared"
