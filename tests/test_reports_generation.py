"""Scheduled reports (SPEC §9): the worker makes each due report once, with the period's figures, league tables
and the masked rectification ledger, as Excel and PDF; people download only the reports of their scope."""
import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from bianmin.core import timeutil
from bianmin.core.rates import Rate
from bianmin.ratings.models import Level
from bianmin.rectification import export
from bianmin.reports import calendar, excel, jobs, services
from bianmin.reports.models import Report
from bianmin.stats import metrics, rollup

from .pdf_text import pdf_text
from .stats_helpers import raw_rating
from .ticket_helpers import bad_rating, ticket_of

pytestmark = pytest.mark.django_db

# The October 2026 monthly report: 29 September – 28 October, due (and first generated) on 29 October.
PERIOD = calendar.monthly(2026, 10, calendar.Schedule())
ON_DUE_DAY = dt.datetime(2026, 10, 29, 1, 0)
PHONE = "13812345678"
APPLICANT = "刘德华"  # finished_case's applicant, who is also the rater


@pytest.fixture
def data(world):
    """Hand-built ratings in and around the period, and one bad review with its ticket inside it."""
    day = dt.date(2026, 10, 12)
    a, b = world.site_a, world.site_b
    raw_rating(a, day, Level.VERY_SATISFIED, window=world.window_a)
    raw_rating(a, day, Level.SATISFIED, window=world.window_a)
    raw_rating(a, PERIOD.date_from, Level.BASIC, window=world.window_a, hour=0)  # first day of the period
    raw_rating(b, day, Level.DISSATISFIED, real_name=True)
    raw_rating(b, day, Level.VERY_SATISFIED, is_default=True, channel="system")
    raw_rating(a, PERIOD.date_from - dt.timedelta(days=1), Level.VERY_DISSATISFIED)  # before the period
    raw_rating(a, PERIOD.due, Level.VERY_DISSATISFIED)  # after it
    raw_rating(world.site_other, day, Level.VERY_DISSATISFIED)  # another county
    with timeutil.travel_to(dt.datetime(2026, 10, 14, 10, 0)):
        rating = bad_rating(world, phone=PHONE)
    rollup.sweep()
    return ticket_of(rating)


def _sweep(moment=ON_DUE_DAY) -> int:
    with timeutil.travel_to(moment):
        return jobs.generate_due()


def _monthly(unit) -> Report:
    return Report.objects.get(kind="monthly", unit=unit, period_from=PERIOD.date_from, period_to=PERIOD.date_to)


# ---------------------------------------------------------------- the worker

def test_worker_generates_each_due_report_once_for_every_reporting_unit(world, data):
    assert _sweep() > 0
    monthly = Report.objects.filter(kind="monthly", period_from=PERIOD.date_from, period_to=PERIOD.date_to)
    county, city = world.county, world.county.parent
    # Province, city and counties; not the township (quarterly only) nor the civil-affairs department.
    assert {r.unit for r in monthly} == {city.parent, city, county, world.other_county}
    assert all(r.status == Report.Status.GENERATED and r.requested_by is None for r in monthly)
    assert all(bytes(r.pdf).startswith(b"%PDF") and bytes(r.excel).startswith(b"PK") for r in monthly)
    # The third quarter's case statistics (due 10 October) are within the catch-up window, townships included.
    quarterly = Report.objects.filter(kind="quarterly", period_from=dt.date(2026, 7, 1))
    assert world.township in {r.unit for r in quarterly}
    total = Report.objects.count()
    assert _sweep() == 0
    assert _sweep(ON_DUE_DAY + dt.timedelta(days=3)) == 0
    assert Report.objects.count() == total


def test_no_report_before_its_period_has_ended(world, data):
    _sweep(ON_DUE_DAY - dt.timedelta(hours=2))  # 28 October, 23:00: the period's last day
    assert not Report.objects.filter(kind="monthly", period_to=PERIOD.date_to).exists()
    _sweep()
    assert Report.objects.filter(kind="monthly", period_to=PERIOD.date_to).count() == 4


def test_reports_due_before_the_catch_up_window_are_not_made(world, settings):
    settings.BIANMIN = {**settings.BIANMIN, "REPORT_CATCH_UP_DAYS": 5}
    _sweep()
    assert set(Report.objects.values_list("kind", flat=True)) == {"monthly"}  # Q3 was due 10 October


def test_one_sweep_makes_at_most_the_batch_and_the_next_sweeps_the_rest(world, settings):
    settings.BIANMIN = {**settings.BIANMIN, "REPORT_BATCH": 3, "REPORT_CATCH_UP_DAYS": 5}
    assert [_sweep(), _sweep(), _sweep()] == [3, 1, 0]
    assert Report.objects.filter(status=Report.Status.GENERATED).count() == 4


def test_a_report_that_exists_is_never_claimed_twice(world, data):
    first = services.claim(world.county, PERIOD)
    assert first is not None and first.status == Report.Status.PENDING
    assert services.claim(world.county, PERIOD) is None  # another worker is on it
    services.generate(first)
    assert services.claim(world.county, PERIOD) is None  # generated: final
    assert Report.objects.filter(unit=world.county, kind="monthly").count() == 1


def test_a_failed_report_is_retried_a_few_times_then_left(world, monkeypatch, settings, client_for):
    settings.BIANMIN = {**settings.BIANMIN, "REPORT_CATCH_UP_DAYS": 5, "REPORT_UNIT_LEVELS": ["county"]}
    monkeypatch.setattr(excel, "workbook_bytes", lambda content: 1 / 0)
    for _ in range(services.MAX_ATTEMPTS + 2):
        _sweep()
    report = _monthly(world.county)
    assert (report.status, report.attempts) == (Report.Status.FAILED, services.MAX_ATTEMPTS)
    assert "ZeroDivisionError" in report.error and not bytes(report.pdf)
    monkeypatch.undo()
    _sweep()
    assert _monthly(world.county).status == Report.Status.FAILED  # the worker gave up; a person may retry
    r = _post(client_for(world.supervisor), kind="monthly", year="2026", number="10", unit=str(world.county.pk))
    assert r.status_code == 302
    assert _monthly(world.county).status == Report.Status.GENERATED


def test_a_pending_report_whose_worker_died_is_taken_over(world, settings):
    settings.BIANMIN = {**settings.BIANMIN, "REPORT_CATCH_UP_DAYS": 5, "REPORT_UNIT_LEVELS": ["county"]}
    with timeutil.travel_to(ON_DUE_DAY):
        services.claim(world.county, PERIOD)  # claimed, then the worker was killed
    _sweep(ON_DUE_DAY + dt.timedelta(minutes=5))
    assert _monthly(world.county).status == Report.Status.PENDING  # still its worker's
    _sweep(ON_DUE_DAY + services.STALE_CLAIM + dt.timedelta(minutes=1))
    report = _monthly(world.county)
    assert (report.status, report.attempts) == (Report.Status.GENERATED, 2)


# ---------------------------------------------------------------- what a report says

def _sheet_rows(ws):
    return [list(r) for r in ws.iter_rows(min_row=excel.HEADER_ROW, values_only=True)]


def _workbook(report):
    return load_workbook(io.BytesIO(bytes(report.excel)))


def test_excel_figures_are_the_periods_summary(world, data):
    _sweep()
    wb = _workbook(_monthly(world.county))
    # The staff assessment's sheets (issue 17, staffops.report_parts) and the exchange's reconciliation (issue 19)
    # come before the ledger.
    assert wb.sheetnames == ["指标", "服务场所评价排名", "窗口评价排名", "窗口考核得分排名", "工作人员考核得分排名",
                             "效能告诫", "评优结果", "数据汇聚对账", "整改台账"]
    header, *rows = _sheet_rows(wb["指标"])
    assert header == ["指标", "数值", "分子", "分母", "口径", "代码"]
    by_key = {r[5]: r for r in rows}
    with timeutil.travel_to(ON_DUE_DAY):
        expected = metrics.rows(metrics.summary(metrics.Target(unit=world.county), PERIOD.date_from, PERIOD.date_to))
    assert list(by_key) == [m.key for m in expected]
    for m in expected:
        label, value, numerator, denominator, definition, _key = by_key[m.key]
        assert (label, definition) == (m.label, m.definition)
        if isinstance(m.raw, Rate):
            assert (numerator, denominator) == (m.raw.numerator, m.raw.denominator)
            assert value == (m.raw.value if m.raw.value is not None else "—")
        else:
            assert value == (m.raw if m.raw is not None else "—")
    # Hand-built: in the period, the county has 3 ratings at site A, 1 at site B and the bad review's.
    assert by_key["ratings"][1] == 5 and by_key["bad"][1] == 2 and by_key["default_good"][1] == 1
    assert by_key["good_rate"][1] == pytest.approx(0.4)


def test_excel_league_tables_rank_the_sites_and_windows_of_the_unit(world, data):
    _sweep()
    wb = _workbook(_monthly(world.county))
    _header, *sites = _sheet_rows(wb["服务场所评价排名"])
    assert [(r[0], r[1], r[2]) for r in sites] == [(1, "测试县政务服务中心", 4), (2, "青山镇便民服务中心", 1)]
    _header, *windows = _sheet_rows(wb["窗口评价排名"])
    assert [(r[1], r[2]) for r in windows] == [("测试县政务服务中心 1号 综合窗口", 4)]
    city_sites = [r[1] for r in _sheet_rows(_workbook(_monthly(world.county.parent))["服务场所评价排名"])[1:]]
    assert "邻县政务服务中心" in city_sites


def test_ledger_lists_the_periods_tickets_with_masked_phones(world, data):
    _sweep()
    report = _monthly(world.county)
    header, *rows = _sheet_rows(_workbook(report)["整改台账"])
    assert header == export.headers()
    assert [r[0] for r in rows] == [data.number]
    assert rows[0][header.index("评价人电话")] == "138****5678"
    cells = [str(c) for ws in _workbook(report).worksheets for r in ws.iter_rows(values_only=True) for c in r]
    assert not any(PHONE in c or APPLICANT in c for c in cells)
    # Another county's report has no ticket of this county.
    _h, *other = _sheet_rows(_workbook(_monthly(world.other_county))["整改台账"])
    assert other == [["本期无差评整改工单。"] + [None] * (len(header) - 1)]


def _pdf_text(data: bytes) -> str:
    """The text drawn in the PDF, as a viewer extracts it (tests/pdf_text.py: embedded subset and CID fonts)."""
    return pdf_text(data)


def test_pdf_has_the_unit_the_period_and_the_masked_ledger(world, data):
    _sweep()
    document = bytes(_monthly(world.county).pdf)
    assert document.startswith(b"%PDF")
    text = _pdf_text(document)
    assert "测试县" in text and "月报" in text and "2026-09-29 至 2026-10-28" in text
    assert "好评率" in text and "测试县政务服务中心" in text
    assert data.number in text and "138****5678" in text
    assert PHONE not in text and APPLICANT not in text


# ---------------------------------------------------------------- who may download

def _report_for(world, unit):
    _sweep()
    return _monthly(unit)


def test_supervisor_downloads_the_county_report(world, data, client_for, api_for):
    report = _report_for(world, world.county)
    client = client_for(world.supervisor)
    r = client.get(f"/workbench/reports/{report.pk}.xlsx")
    assert r.status_code == 200 and r["Content-Type"] == excel.CONTENT_TYPE
    assert r.content == bytes(report.excel)
    assert "attachment" in r["Content-Disposition"]
    r = client.get(f"/workbench/reports/{report.pk}.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    api = api_for(world.supervisor)
    assert api.get(f"/api/v1/reports/{report.pk}/pdf").content == bytes(report.pdf)
    r = api.get(f"/api/v1/reports/{report.pk}/excel")
    assert r.status_code == 200 and r.content == bytes(report.excel)


def test_reports_outside_the_scope_are_not_found(world, data, client_for, api_for):
    county = _report_for(world, world.county)
    neighbour = _monthly(world.other_county)
    for user, report in [(world.manager_b, county), (world.supervisor, neighbour)]:
        client, api = client_for(user), api_for(user)
        assert client.get(f"/workbench/reports/{report.pk}.xlsx").status_code == 404
        assert client.get(f"/workbench/reports/{report.pk}.pdf").status_code == 404
        assert api.get(f"/api/v1/reports/{report.pk}/excel").status_code == 404
        assert api.get(f"/api/v1/reports/{report.pk}/pdf").status_code == 404
    assert client_for(world.clerk_a).get(f"/workbench/reports/{county.pk}.pdf").status_code == 403
    assert client_for(None).get(f"/workbench/reports/{county.pk}.pdf").status_code == 302  # to sign-in


def test_lists_show_the_reports_of_the_scope_only(world, data, client_for, api_for):
    _sweep()
    page = client_for(world.supervisor).get("/workbench/reports/")
    assert page.status_code == 200
    shown = set(re.findall(r'data-report="(\d+)"', page.content.decode()))
    in_county = {str(pk) for pk in Report.objects.filter(unit__path__startswith=world.county.path)
                 .values_list("pk", flat=True)}
    assert shown == in_county and in_county
    body = api_for(world.supervisor).get("/api/v1/reports", {"kind": "monthly"}).json()
    # September's report (due 29 September) is within the catch-up window too.
    assert [(item["unit"], item["period_to"]) for item in body["items"]] == [
        (world.county.pk, "2026-10-28"), (world.county.pk, "2026-09-28")]
    assert body["items"][0]["excel_url"].endswith("/excel")
    assert api_for(world.manager_b).get("/api/v1/reports").json()["items"] == []
    assert api_for(world.clerk_a).get("/api/v1/reports").status_code == 403
    assert api_for(world.supervisor).get("/api/v1/reports", {"kind": "weekly"}).status_code == 422


# ---------------------------------------------------------------- generating on demand

GENERATE = "/workbench/reports/generate"


def _post(client, **body):
    with timeutil.travel_to(dt.datetime(2026, 11, 2, 9, 0)):
        return client.post(GENERATE, body)


def test_a_supervisor_generates_a_report_on_demand_once(world, data, client_for):
    client = client_for(world.supervisor)
    r = _post(client, kind="monthly", year="2026", number="10", unit=str(world.township.pk))
    assert r.status_code == 302
    report = Report.objects.get(unit=world.township, kind="monthly")
    assert (report.period_from, report.period_to, report.status) == (PERIOD.date_from, PERIOD.date_to, "generated")
    assert report.requested_by == world.supervisor
    r = _post(client, kind="monthly", year="2026", number="10", unit=str(world.township.pk))
    assert r.status_code == 302 and Report.objects.filter(unit=world.township).count() == 1
    _post(client, kind="annual", year="2025", unit=str(world.county.pk))
    assert Report.objects.get(kind="annual", unit=world.county).period_to == dt.date(2025, 12, 31)


BAD_INPUT = [
    ({"kind": "weekly", "year": "2026", "number": "10"}, 422),
    ({"year": "2026", "number": "10"}, 422),
    ({"kind": "monthly", "year": "abc", "number": "10"}, 422),
    ({"kind": "monthly", "year": "1999", "number": "10"}, 422),
    ({"kind": "monthly", "year": "2026", "number": "13"}, 422),
    ({"kind": "quarterly", "year": "2026", "number": "5"}, 422),
    ({"kind": "monthly", "year": "2026", "number": "x" * 5000}, 422),
    ({"kind": "monthly", "year": "2026", "number": "11"}, 422),  # November's period has not ended
    ({"kind": "annual", "year": "2026"}, 422),  # nor has the year
    ({"kind": "monthly", "year": "2026", "number": "10", "unit": "abc"}, 422),
    ({"kind": "monthly", "year": "2026", "number": "10", "unit": "civil"}, 422),  # a department
    ({"kind": "monthly", "year": "2026", "number": "10", "unit": "other"}, 404),  # outside the scope
]


def test_bad_input_on_the_generate_form_is_refused_and_nothing_is_made(world, client_for):
    # One world for every case: building it is most of the time of a test.
    units = {"civil": world.civil_affairs.pk, "other": world.other_county.pk}
    client = client_for(world.supervisor)
    for body, status in BAD_INPUT:
        body = {"unit": str(world.county.pk), **body}
        body["unit"] = str(units.get(body["unit"], body["unit"]))
        r = _post(client, **body)
        assert r.status_code == status, body
        assert 'data-test="error"' in r.content.decode(), body
        assert not Report.objects.exists(), body


def test_the_generate_form_needs_csrf_and_a_role(world, client_for):
    from django.test import Client

    client = Client(HTTP_HOST="localhost", enforce_csrf_checks=True)
    client.force_login(world.supervisor)
    body = {"kind": "monthly", "year": "2026", "number": "10", "unit": str(world.county.pk)}
    assert _post(client, **body).status_code == 403
    assert _post(client_for(world.clerk_a), **body).status_code == 403
    assert _post(client_for(world.manager_b), **body).status_code == 404  # a site's manager has no unit
    assert not Report.objects.exists()
