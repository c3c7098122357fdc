"""Deductions derived from attendance (issue 17 §1, seed 002 四: late −1, early −2, half a day's absence −5 so a
whole day −10), reversed when approved leave excuses the day, idempotent; the 效能告诫 for more than 3 late
arrivals or early leaves in a month (seed 003); and the schedule a jurisdiction edits."""
import datetime as dt

import pytest

from bianmin.core.models import Notification
from bianmin.hall import services as hall_services
from bianmin.hall.models import Presence
from bianmin.staffops import facts
from bianmin.staffops.models import Deduction, DeductionEvent, DeductionRule, EfficiencyWarning

from .staffops_engine_helpers import END_OF_NOVEMBER, NOVEMBER, at, month_score, punch_month, standing, working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(world, set_now):
    set_now(END_OF_NOVEMBER)
    return world


def clerk(world):
    return world.clerk_a.staff


def test_a_late_arrival_costs_one_point_at_the_window_too(november):
    w = november
    days = working_days(w.site_a)
    punch_month(clerk(w), w.window_a, w.site_a, late=[days[2]])
    assert facts.sync_month(NOVEMBER) == 1
    row = standing(clerk(w)).get()
    assert (row.rule_code, row.points, row.source, row.hits_person, row.hits_window) == ("late", 1, "attendance",
                                                                                        True, True)
    assert row.window == w.window_a and row.site == w.site_a and row.at == at(days[2], 8, 45)
    assert row.source_key == f"att:late:{clerk(w).pk}:2026-11-{days[2]:02d}"
    assert month_score(clerk(w)) == 99
    assert row.events.get().kind == DeductionEvent.Kind.CREATED and row.events.get().actor is None


def test_an_early_leave_costs_two_points(november):
    w = november
    punch_month(clerk(w), w.window_a, w.site_a, early=[working_days(w.site_a)[0]])
    facts.sync_month(NOVEMBER)
    assert [(d.rule_code, d.points) for d in standing(clerk(w))] == [("early", 2)]
    assert month_score(clerk(w)) == 98


def test_a_day_absent_without_leave_is_two_half_days_ten_points(november):
    w = november
    day = working_days(w.site_a)[5]
    punch_month(clerk(w), w.window_a, w.site_a, absent=[day])
    facts.sync_month(NOVEMBER)
    row = standing(clerk(w)).get()
    assert (row.rule_code, row.points) == ("absent_half_day", 10) and "两个半天" in row.note
    assert row.at == at(day, 8, 30)  # the start of the day's hours
    assert month_score(clerk(w)) == 90


def test_approved_leave_afterwards_reverses_the_absence_with_a_history_row(november):
    w = november
    day = working_days(w.site_a)[5]
    punch_month(clerk(w), w.window_a, w.site_a, absent=[day])
    facts.sync_month(NOVEMBER)
    leave = hall_services.request_leave(w.clerk_a, {"kind": "sick", "starts_at": at(day, 8), "ends_at": at(day, 18),
                                                    "reason": "病假补批"})
    hall_services.decide_leave(w.manager_a, leave.pk, "approve")  # the hall's signal re-derives the month
    row = Deduction.objects.get(staff=clerk(w), rule_code="absent_half_day")
    assert row.reversed and "考勤" in row.reversed_reason
    assert [e.kind for e in row.events.all()] == ["created", "reversed"]
    assert month_score(clerk(w)) == 100


def test_nobody_is_absent_before_their_first_punch(november):
    """A site that starts keeping attendance mid-month does not find its staff absent on the days before."""
    w = november
    days = working_days(w.site_a)
    first = days[10]
    punch_month(clerk(w), w.window_a, w.site_a, absent=days[:10])
    facts.sync_month(NOVEMBER)
    assert not standing(clerk(w)).exists() and Presence.objects.filter(at__lt=at(first, 0)).count() == 0
    # Staff who never punched (the managers) lose nothing either.
    assert not Deduction.objects.filter(staff=w.manager_a.staff).exists()


def test_deriving_twice_changes_nothing(november):
    w = november
    days = working_days(w.site_a)
    punch_month(clerk(w), w.window_a, w.site_a, late=days[:2], early=[days[3]], absent=[days[4]])
    assert facts.sync_month(NOVEMBER) == 4
    before = list(Deduction.objects.values_list("pk", "reversed", "points"))
    events = DeductionEvent.objects.count()
    assert facts.sync_month(NOVEMBER) == 0
    assert list(Deduction.objects.values_list("pk", "reversed", "points")) == before
    assert DeductionEvent.objects.count() == events


def test_four_late_arrivals_imported_give_96_and_one_personal_warning(november, api_for):
    """The issue's example, through POST /api/v1/attendance/import."""
    w = november
    days = working_days(w.site_a)
    late = set(days[:4])
    punches = []
    for day in days:
        punches.append({"work_id": clerk(w).work_id, "at": f"2026-11-{day:02d} {'08:45' if day in late else '08:20'}"})
        punches.append({"work_id": clerk(w).work_id, "at": f"2026-11-{day:02d} 17:40"})
    r = api_for(w.manager_a).post("/api/v1/attendance/import", {"punches": punches}, content_type="application/json")
    assert r.status_code == 200 and r.json()["imported"] == len(punches), r.content.decode()
    assert month_score(clerk(w)) == 96
    warning = EfficiencyWarning.objects.get(staff=clerk(w))
    assert (warning.kind, warning.reason_code, warning.period) == ("personal", "late_early", NOVEMBER)
    assert warning.number.startswith("XNGJ-2026-") and len(warning.number) == len("XNGJ-2026-0001")
    assert warning.source_key == f"warn:late_early:{clerk(w).pk}:2026-11"
    assert warning.unit == clerk(w).origin_unit and warning.site == w.site_a
    assert warning.at == at(days[3], 8, 45)  # the fourth late arrival
    assert Notification.objects.filter(user=w.clerk_a, link=f"/workbench/warnings/{warning.pk}/").exists()
    # A warning deducts no points by itself.
    assert month_score(clerk(w)) == 96


def test_three_late_arrivals_give_97_and_no_warning(november):
    w = november
    punch_month(clerk(w), w.window_a, w.site_a, late=working_days(w.site_a)[:3])
    facts.sync_month(NOVEMBER)
    assert month_score(clerk(w)) == 97 and not EfficiencyWarning.objects.exists()


def test_late_and_early_count_together_and_a_reversal_withdraws_the_warning(november):
    w = november
    days = working_days(w.site_a)
    punch_month(clerk(w), w.window_a, w.site_a, late=days[:2], early=days[2:4])
    facts.sync_month(NOVEMBER)
    warning = EfficiencyWarning.objects.get(staff=clerk(w), reason_code="late_early")
    assert "迟到 2 次、早退 2 次" in warning.reason
    # Leave approved afterwards for one of the late mornings: back to three, the warning is withdrawn.
    leave = hall_services.request_leave(w.clerk_a, {"kind": "personal", "starts_at": at(days[0], 8),
                                                    "ends_at": at(days[0], 9), "reason": "事假补批"})
    hall_services.decide_leave(w.manager_a, leave.pk, "approve")
    warning.refresh_from_db()
    assert warning.withdrawn and [e.kind for e in warning.events.all()] == ["issued", "withdrawn"]
    assert month_score(clerk(w)) == 100 - 1 - 2 - 2


def test_a_rule_switched_off_derives_nothing_new(november):
    w = november
    days = working_days(w.site_a)
    punch_month(clerk(w), w.window_a, w.site_a, late=days[:2])
    DeductionRule.objects.create(unit=w.county, code="late", label="迟到", points=1, active=False)
    assert facts.sync_month(NOVEMBER) == 0 and month_score(clerk(w)) == 100


def test_a_rule_switched_off_later_leaves_what_it_derived(november):
    w = november
    punch_month(clerk(w), w.window_a, w.site_a, late=working_days(w.site_a)[:1])
    facts.sync_month(NOVEMBER)
    DeductionRule.objects.create(unit=w.county, code="late", label="迟到", points=1, active=False)
    assert facts.sync_month(NOVEMBER) == 0 and month_score(clerk(w)) == 99


def test_the_nearest_jurisdiction_sets_the_points(november):
    """The county raises lateness to −3; the township (site B) keeps its own −2: each site's staff lose their own
    jurisdiction's points, copied into the row."""
    w = november
    DeductionRule.objects.create(unit=w.county, code="late", label="迟到（县）", points=3)
    DeductionRule.objects.create(unit=w.township, code="late", label="迟到（镇）", points=2)
    b_staff = w.manager_b.staff
    days = working_days(w.site_a)
    punch_month(clerk(w), w.window_a, w.site_a, late=days[:1])
    punch_month(b_staff, None, w.site_b, late=days[:1])
    facts.sync_month(NOVEMBER)
    a_row, b_row = standing(clerk(w)).get(), standing(b_staff).get()
    assert (a_row.points, a_row.rule_label) == (3, "迟到（县）")
    assert (b_row.points, b_row.rule_label, b_row.site, b_row.window) == (2, "迟到（镇）", w.site_b, None)
    assert (b_row.hits_person, b_row.hits_window) == (True, False)  # no window known: the person only
    # Editing the schedule later does not rewrite the month already derived.
    DeductionRule.objects.filter(unit=w.county, code="late").update(points=5)
    assert facts.sync_month(NOVEMBER) == 0 and month_score(clerk(w)) == 97


def test_sync_recent_runs_at_most_every_ten_minutes_unless_forced(world, set_now):
    set_now(dt.datetime(2026, 12, 3, 10, 0, tzinfo=END_OF_NOVEMBER.tzinfo))
    punch_month(clerk(world), world.window_a, world.site_a, late=working_days(world.site_a)[:1])
    assert facts.recent_months(dt.date(2026, 12, 3)) == [NOVEMBER, dt.date(2026, 12, 1)]
    assert facts.recent_months(dt.date(2026, 12, 11)) == [dt.date(2026, 12, 1)]
    # November (its late arrival) still counts in December's first ten days; 1 and 2 December had no punch.
    assert facts.sync_recent() == 3
    assert sorted(Deduction.objects.values_list("month", "rule_code")) == [
        (NOVEMBER, "late"), (dt.date(2026, 12, 1), "absent_half_day"), (dt.date(2026, 12, 1), "absent_half_day")]
    Presence.objects.create(staff=clerk(world), window=world.window_a, kind="in", at=at(2, 9, 0, month=12))
    assert facts.sync_recent() == 0  # ran less than ten minutes ago
    assert facts.sync_recent(force=True) == 2  # 2 December: no longer absent but late
    assert month_score(clerk(world), dt.date(2026, 12, 1)) == 100 - 10 - 1
