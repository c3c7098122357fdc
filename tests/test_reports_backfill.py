"""Reports exist for the history the data holds (issue #15 item 8): the worker generates, once, the reports of
the periods between the earliest data and the last complete period, and the report page lists the periods
that still have no report, each with its reason."""
import datetime as dt

import pytest

from bianmin.core import jobs as core_jobs
from bianmin.core import timeutil
from bianmin.ratings.models import Level
from bianmin.reports import jobs
from bianmin.reports.models import Report
from bianmin.stats import rollup

from .stats_helpers import raw_rating

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 9, 0)  # monthly reports are due on the 29th: the last complete one is "November"
URL = "/workbench/reports/"


@pytest.fixture
def history(world, settings):
    """County ratings from 10 May 2026 on: seven monthly periods ("May", due 29 May, covers 29 April – 28 May, to
    "November"), of which "August" (29 July – 28 August) holds none; nothing in the neighbouring county or
    the township."""
    settings.BIANMIN = {**settings.BIANMIN, "REPORT_BATCH": 100}
    for day in (dt.date(2026, 5, 10), dt.date(2026, 6, 10), dt.date(2026, 7, 3), dt.date(2026, 9, 15),
                dt.date(2026, 11, 20)):
        raw_rating(world.site_a, day, Level.VERY_SATISFIED, window=world.window_a)
    raw_rating(world.site_a, dt.date(2026, 10, 5), Level.DISSATISFIED, window=world.window_a)
    rollup.sweep()
    return world


def _backfill() -> int:
    with timeutil.travel_to(NOW):
        return jobs.backfill()


def _monthly(unit, status=None) -> list[int]:
    rows = Report.objects.filter(kind="monthly", unit=unit)
    if status:
        rows = rows.filter(status=status)
    return sorted(rows.values_list("number", flat=True))


def test_the_worker_generates_the_last_six_periods_of_each_kind_once(history):
    attempted = _backfill()
    county, city, province = history.county, history.county.parent, history.county.parent.parent
    # Seven monthly periods since the first data; the newest six are looked at, for the county and the units
    # above it: those with data are generated, "August" is recorded as having none.
    for unit in (county, city, province):
        assert _monthly(unit, Report.Status.GENERATED) == [6, 7, 9, 10, 11], unit
        assert _monthly(unit, Report.Status.NO_DATA) == [8], unit
    assert 5 not in _monthly(county)  # older than the six: listed as missing, not generated
    # Quarters two and three and the first half-year hold data too.
    quarters = Report.objects.filter(kind="quarterly", unit=county, status=Report.Status.GENERATED)
    assert sorted(quarters.values_list("number", flat=True)) == [2, 3]
    assert Report.objects.filter(kind="half_year", unit=county, status=Report.Status.GENERATED).exists()
    generated = Report.objects.filter(status=Report.Status.GENERATED)
    assert attempted == generated.count() and all(bytes(r.pdf).startswith(b"%PDF") for r in generated)
    assert all(r.requested_by is None for r in generated)

    # Idempotent: a second run generates nothing and adds no row.
    total = Report.objects.count()
    assert _backfill() == 0
    assert Report.objects.count() == total


def test_a_period_without_data_is_recorded_as_no_data_not_generated(history):
    _backfill()
    assert _monthly(history.other_county, Report.Status.NO_DATA) == [6, 7, 8, 9, 10, 11]
    assert not Report.objects.filter(unit=history.other_county, status=Report.Status.GENERATED).exists()
    township = Report.objects.filter(kind="quarterly", unit=history.township)
    assert {r.status for r in township} == {Report.Status.NO_DATA}
    assert not any(bytes(r.pdf) for r in township)


def test_no_data_at_all_means_nothing_to_backfill(world):
    assert _backfill() == 0
    assert not Report.objects.exists()


def test_a_run_stops_at_the_batch_and_the_next_runs_finish(history, settings):
    settings.BIANMIN = {**settings.BIANMIN, "REPORT_BATCH": 5}
    runs = [_backfill() for _ in range(8)]
    assert runs[0] == 5 and runs[-1] == 0
    assert _monthly(history.county, Report.Status.GENERATED) == [6, 7, 9, 10, 11]


def test_the_worker_runs_the_backfill_after_the_due_reports():
    order = core_jobs.ORDER
    assert order.index("stats_rollup") < order.index("scheduled_reports") < order.index("report_backfill")
    assert "report_backfill" in dict(core_jobs.JOBS)


def test_the_report_page_lists_missing_periods_with_their_reasons(history, client_for):
    _backfill()
    with timeutil.travel_to(NOW):
        r = client_for(history.supervisor).get(URL)
    assert r.status_code == 200
    missing = r.context["missing"]
    reasons = {(m["unit"].pk, m["kind"], m["period"].number): m["reason_key"] for m in missing}
    assert reasons[(history.county.pk, "monthly", 5)] == "older"  # beyond the six periods the worker fills
    assert reasons[(history.township.pk, "quarterly", 3)] == "no_data"
    assert (history.county.pk, "monthly", 11) not in reasons  # generated
    html = r.content.decode()
    assert 'data-test="missing"' in html and "缺少的报表" in html
    assert "无数据：该单位在统计期间内没有评价，也没有办结的办件。" in html
    assert history.other_county.name not in html  # outside the supervisor's scope


def test_before_the_backfill_ran_the_page_says_the_worker_will_generate_them(history, client_for):
    with timeutil.travel_to(NOW):
        missing = client_for(history.supervisor).get(URL).context["missing"]
    reasons = {(m["unit"].pk, m["kind"], m["period"].number): m["reason_key"] for m in missing}
    assert reasons[(history.county.pk, "monthly", 11)] == "waiting"


def test_a_person_may_still_generate_a_no_data_period(history, client_for):
    _backfill()
    report = Report.objects.get(kind="quarterly", unit=history.township, number=3)
    with timeutil.travel_to(NOW):
        r = client_for(history.supervisor).post(f"{URL}generate", {"kind": "quarterly", "year": "2026", "number": "3",
                                                                  "unit": str(history.township.pk)})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == Report.Status.GENERATED
