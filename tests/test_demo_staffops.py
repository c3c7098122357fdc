"""`manage.py demo` loads staff assessment (bianmin/demo/staffops.py): a month of attendance with a few slips and
demo-clerk's four late arrivals (96 and a personal 效能告诫, seed 003), an approved leave day, inspections and the
hall heads' two patrols a day (seed 002), quality-service records of every kind (seed 003 第六條-第八條), the
checklist of the three kinds of site (seed 004), and last month's 流动红旗 held this month — deterministic and
idempotent.

The demo is loaded once for this module (each test reads it in its own savepoint), as in tests/test_demo_hall.py."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from bianmin.core import timeutil
from bianmin.demo import staffops as demo_staffops
from bianmin.hall import attendance
from bianmin.hall.models import LeaveRequest, Presence
from bianmin.orgs.models import Site, Staff
from bianmin.staffops import awards, rules, scores
from bianmin.staffops.models import (
    Award,
    Deduction,
    EfficiencyWarning,
    Inspection,
    InspectionFinding,
    QualityRecord,
    SiteCheckAnswer,
    TrainingResult,
)

from .demo_helpers import DEMO_NOW, load_demo_at
from .once import module_shares, module_transaction

pytestmark = pytest.mark.django_db
TODAY = DEMO_NOW.date()  # Wednesday 18 November 2026, 15:30
LAST_MONTH = dt.date(2026, 10, 1)
THIS_MONTH = dt.date(2026, 11, 1)
STAFFOPS_MODELS = [Presence, LeaveRequest, Inspection, InspectionFinding, QualityRecord, TrainingResult,
                   SiteCheckAnswer, Deduction, EfficiencyWarning, Award]


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
        town = Site.objects.get(name="青石镇便民服务中心")
        yield SimpleNamespace(
            output=demo_loaded, centre=Site.objects.get(kind=Site.Kind.CENTER), town=town,
            station=Site.objects.filter(kind=Site.Kind.STATION, unit__parent=town.unit).order_by("pk").first())


def _loader(demo) -> SimpleNamespace:
    return SimpleNamespace(centre=demo.centre, township_sites={"青石镇": demo.town},
                           stations=[(demo.station.unit, demo.station)])


def _counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in STAFFOPS_MODELS}


def test_a_month_of_attendance_for_the_centres_staff(demo):
    from bianmin.hall.services import site_staff

    people = list(site_staff(demo.centre))
    assert len(people) >= 30
    total_late = 0
    for person in people:
        october = attendance.month(person, 2026, 10)
        november = attendance.month(person, 2026, 11)
        working = [d for d in october + november if d.working and d.date < TODAY]
        assert len(working) >= 25, person.work_id  # October (after the National Day holiday) and 2–17 November
        assert not any(d.absent for d in working), person.work_id  # everybody signed in or was on leave
        total_late += sum(d.late for d in october)
    assert 4 < total_late < len(people)  # mostly on time, a few late


def test_demo_clerk_was_late_four_times_last_month_scores_96_and_has_a_warning(demo):
    clerk = Staff.objects.get(work_id=demo_staffops.LATE_PERSON)
    assert sum(d.late for d in attendance.month(clerk, 2026, 10)) == 4
    assert scores.staff_sheet(clerk, LAST_MONTH).score == 96
    warning = EfficiencyWarning.objects.get(staff=clerk, kind="personal", period=LAST_MONTH)
    assert warning.reason_code == "late_early" and not warning.acknowledged_at
    # Nobody else slipped more than twice a month: one personal warning from attendance.
    assert EfficiencyWarning.objects.filter(kind="personal", reason_code="late_early").count() == 1


def test_an_approved_leave_day_is_no_absence(demo):
    leave = LeaveRequest.objects.get(staff__work_id=demo_staffops.LEAVE_PERSON)
    assert leave.status == "approved" and leave.events.count() == 2
    day = timezone.localtime(leave.starts_at).date()
    record = next(d for d in attendance.month(leave.staff, day.year, day.month) if d.date == day)
    assert record.on_leave and not record.absent and record.first_in is None


def test_the_centre_holds_a_red_flag_this_month(demo):
    flag = awards.current_red_flag(demo.centre, TODAY)
    assert flag is not None and flag.period == LAST_MONTH and flag.window.site == demo.centre
    assert Award.objects.filter(kind="star", site=demo.centre, period=LAST_MONTH).exists()
    assert awards.current_red_flag(demo.town, TODAY) is not None


def test_inspections_with_a_prohibited_behaviour_and_two_patrols_a_day(demo):
    kinds = set(Inspection.objects.exclude(kind="patrol").values_list("kind", flat=True))
    assert kinds == {"open", "undercover", "mystery"}
    finding = InspectionFinding.objects.get(inspection__kind="undercover")
    assert finding.rule_code == rules.PROHIBITED and finding.staff.work_id == demo_staffops.FINDING_PERSON
    deduction = Deduction.objects.get(finding=finding)
    assert deduction.points == 2 and not deduction.reversed
    assert all(i.score is not None and i.checks.count() == 12 for i in Inspection.objects.exclude(kind="patrol"))
    yesterday = TODAY - dt.timedelta(days=1)
    for site in (demo.centre, demo.town):
        patrols = Inspection.objects.filter(site=site, kind="patrol", at__date=yesterday)
        assert patrols.count() == 2
        assert all(p.at <= timeutil.now() for p in Inspection.objects.filter(kind="patrol"))


def test_quality_records_of_every_kind_with_a_training_and_this_years_meeting(demo):
    from bianmin.staffops import records

    assert set(QualityRecord.objects.filter(site=demo.centre).values_list("kind", flat=True)) == set(
        QualityRecord.Kind.values)
    training = QualityRecord.objects.get(site=demo.centre, kind="training")
    results = list(training.results.all())
    assert len(results) >= 10 and any(not r.attended for r in results)
    assert all(0 <= r.exam_score <= 100 for r in results if r.attended)
    assert records.meetings_this_year(demo.centre, TODAY.year).label == "本年度座谈会 1/1–2"
    assert all(r.date <= TODAY for r in QualityRecord.objects.all())


def test_checklist_answers_for_the_three_kinds_of_site(demo):
    from bianmin.staffops import sitecheck

    centre = sitecheck.site_checklist(demo.centre)
    assert [i["code"] for i in centre["items"] if i["passed"] is False] == ["counter"]
    town = sitecheck.site_checklist(demo.town)
    assert all(i["passed"] is not None for i in town["items"])
    station = sitecheck.site_checklist(demo.station)
    assert len(station["items"]) == 6
    assert [i["code"] for i in station["items"] if not i["passed"]] == ["has_register"]


def test_loading_again_changes_nothing(demo):
    before = _counts()
    with timeutil.travel_to(DEMO_NOW):
        result = demo_staffops.load(_loader(demo))
    assert not sum(result.created.values())
    assert _counts() == before


def test_loading_after_the_punches_and_awards_are_gone_puts_them_back(demo):
    """The demo's staff assessment rebuilds what is missing (here: last month's awards and the punches before
    today). Its loading time is measured by the benchmarks (bench/), not asserted here."""
    Award.objects.all().delete()
    Presence.objects.filter(at__date__lt=TODAY).delete()
    with timeutil.travel_to(DEMO_NOW):
        result = demo_staffops.load(_loader(demo))
    assert result.created["presence"] > 2000
    assert awards.current_red_flag(demo.centre, TODAY) is not None
