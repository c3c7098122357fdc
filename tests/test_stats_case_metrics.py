"""Case figures of the statistics (SPEC §9): 按时办结率, overdue count, 即办件比率, time compression against the
statutory limit across holidays and make-up working days, 一次办结率 and coverage kept right by the worker."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.cases import services as case_services
from bianmin.catalog.models import Item
from bianmin.core import timeutil
from bianmin.hotline import figures as hotline_figures
from bianmin.hotline.models import WorkOrder
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Level
from bianmin.stats import case_rollup, rollup
from bianmin.stats.metrics import Target, rows, summary
from bianmin.stats.models import CaseDimension, DailyCaseRollup, WorkdayOrdinal

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


def case_at(world, item, accepted: str, completed: str, phone: str, supplement: bool = False, done_hour: int = 16):
    """A case accepted (at 9:00) and completed (at done_hour) on the given days, through the real services."""
    clerk = world.clerk_a
    with timeutil.travel_to(at(accepted, 9)):
        case = case_services.register_case(clerk, site=world.site_a, item=item,
                                           applicant={"name": "王五", "phone": phone}, window_id=world.window_a.pk)
        case = case_services.transition(case.pk, "accept", clerk, {})
        if supplement:
            case_services.transition(case.pk, "request_supplement", clerk,
                                     {"materials": ["户口簿复印件"], "deadline": "2026-10-20"})
            case = case_services.transition(case.pk, "resume", clerk, {})
    with timeutil.travel_to(at(completed, 9) + dt.timedelta(hours=done_hour - 9)):
        return case_services.transition(case.pk, "complete", clerk, {"result": "准予办理", "delivery": "window"})


@pytest.fixture
def national_day_cases(world):
    """Around National Day 2026 (1–7 Oct off, Sat 10 Oct a make-up working day). Committed limit 5
    working days, statutory 20."""
    on_time = case_at(world, world.item_committed, "2026-09-30", "2026-10-10", "13900000001")  # 3 wd used
    late = case_at(world, world.item_committed, "2026-09-28", "2026-10-14", "13900000002", supplement=True)  # 8 wd
    # 即办件: finished 20 minutes after acceptance, within its 30 minutes; 0 working days used.
    instant = case_at(world, world.item_instant, "2026-10-12", "2026-10-12", "13900000003", done_hour=9 + 1 / 3)
    rollup.sweep()
    return on_time, late, instant


def test_case_figures_on_hand_built_cases(world, national_day_cases):
    s = summary(Target(unit=world.county), dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert (s.on_time_rate.numerator, s.on_time_rate.denominator) == (2, 3)
    assert s.overdue == 1
    assert (s.instant_case_share.numerator, s.instant_case_share.denominator) == (1, 3)
    assert (s.one_visit_rate.numerator, s.one_visit_rate.denominator) == (2, 3)
    # 1 − (3 + 8 + 0) working days used ÷ (20 + 20 + 20) statutory: the make-up Saturday counts, the
    # holiday week does not.
    assert s.time_compression == pytest.approx(1 - 11 / 60, abs=1e-4)
    assert (s.coverage.numerator, s.coverage.denominator) == (0, 3)


def test_site_target_and_period_bounds(world, national_day_cases):
    # The late case was completed on 14 Oct: a period ending on the 13th has two cases, both on time.
    s = summary(Target(site=world.site_a), dt.date(2026, 10, 1), dt.date(2026, 10, 13))
    assert (s.on_time_rate.numerator, s.on_time_rate.denominator, s.overdue) == (2, 2, 0)
    assert summary(Target(site=world.site_b), dt.date(2026, 10, 1), dt.date(2026, 10, 31)).on_time_rate.value is None
    other = summary(Target(unit=world.other_county), dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert other.instant_rate.value is None and other.time_compression is None


def test_an_instant_case_finished_after_its_30_minutes_is_late(world):
    case_at(world, world.item_instant, "2026-10-12", "2026-10-12", "13900000004", done_hour=10)
    rollup.sweep()
    s = summary(Target(unit=world.county), dt.date(2026, 10, 12), dt.date(2026, 10, 12))
    assert (s.on_time_rate.numerator, s.on_time_rate.denominator, s.overdue) == (0, 1, 1)


def test_calendar_day_limits_are_converted_at_five_working_days_a_week(world, national_day_cases):
    # 14 calendar days count as 10 working days; a limit in minutes has no statutory days and leaves the
    # compression figure (the instant case drops out of it).
    Item.objects.filter(pk=world.item_committed.pk).update(statutory_limit=14, statutory_unit="days")
    Item.objects.filter(pk=world.item_instant.pk).update(statutory_limit=30, statutory_unit="minutes")
    rollup.rebuild()
    s = summary(Target(unit=world.county), dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert s.time_compression == pytest.approx(1 - 11 / 20, abs=1e-4)
    Item.objects.filter(pk=world.item_committed.pk).update(statutory_limit=10, statutory_unit="days")  # 7.14 → 7
    rollup.rebuild()
    s = summary(Target(unit=world.county), dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert s.time_compression == pytest.approx(1 - 11 / 14, abs=1e-4)


def test_working_day_numbers_follow_the_calendar(world, national_day_cases):
    ordinals = case_rollup.workday_ordinals()
    d = dt.date
    assert ordinals[d(2026, 10, 10)] - ordinals[d(2026, 9, 30)] == 3  # 1–7 Oct off, Sat 10 Oct worked
    assert ordinals[d(2026, 10, 14)] - ordinals[d(2026, 9, 28)] == 8
    after = max(ordinals) + dt.timedelta(days=1)
    assert after == d(after.year, 1, 1) and after not in ordinals  # past the calendar: no number
    assert WorkdayOrdinal.objects.count() == len(ordinals)  # written by the sweep


def test_open_case_past_its_due_day_counts_as_overdue(world):
    with timeutil.travel_to(at("2026-09-28", 9)):
        case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                           applicant={"name": "王五", "phone": "13900000009"},
                                           window_id=world.window_a.pk)
        case_services.transition(case.pk, "accept", world.clerk_a, {})
    # Due 10 Oct (5 working days after 28 Sep, over the holiday); still open.
    assert summary(Target(unit=world.county), dt.date(2026, 10, 1), dt.date(2026, 10, 31)).overdue == 1
    assert summary(Target(unit=world.county), dt.date(2026, 10, 11), dt.date(2026, 10, 31)).overdue == 0


def test_a_later_rating_makes_the_completed_case_covered_after_the_sweep(world, national_day_cases):
    with timeutil.travel_to(at("2026-10-11")):  # within the rating period after completion
        rating_services.submit_with_token(rating_services.rating_link(national_day_cases[0]).token,
                                          level=Level.SATISFIED)
    period = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert summary(Target(unit=world.county), *period).coverage.numerator == 0  # not yet swept
    rollup.sweep()
    assert summary(Target(unit=world.county), *period).coverage.numerator == 1


def test_a_day_recomputed_for_a_rating_is_not_recomputed_again_and_loses_no_completion(world, national_day_cases):
    # A rating for the case completed on 14 Oct and another case completed that day, in one sweep: the
    # ratings pass recomputes 14 Oct (with the new case in it), the completions pass skips it.
    with timeutil.travel_to(at("2026-10-14", 17)):
        rating_services.submit_with_token(rating_services.rating_link(national_day_cases[1]).token,
                                          level=Level.SATISFIED)
    case_at(world, world.item_committed, "2026-10-13", "2026-10-14", "13900000005", done_hour=17)
    assert rollup.sweep_new() >= 1
    row = DailyCaseRollup.objects.get(dimension=CaseDimension.SITE, day=dt.date(2026, 10, 14))
    assert (row.completed, row.rated) == (2, 1)
    assert case_rollup.dirty_days(dt.date(2026, 9, 1)) == []


def test_an_exclusion_found_by_the_recount_uncovers_the_case(world, national_day_cases, settings):
    settings.BIANMIN = {**settings.BIANMIN, "STATS_RECOUNT_SECONDS": 0}
    with timeutil.travel_to(at("2026-10-11")):
        rating, _ = rating_services.submit_with_token(rating_services.rating_link(national_day_cases[0]).token,
                                                      level=Level.SATISFIED)
    rollup.sweep()
    period = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert summary(Target(unit=world.county), *period).coverage.numerator == 1
    type(rating).objects.filter(pk=rating.pk).update(excluded=True)  # as an approved appeal does
    rollup.sweep()
    assert summary(Target(unit=world.county), *period).coverage.numerator == 0


def test_case_rollup_equals_recomputation_and_rebuild(world, national_day_cases):
    def stored():
        return sorted((r.day, r.dimension, r.key, r.unit_path, r.site_key, r.completed, r.late, r.instant, r.rated,
                       r.one_visit, r.limit_cases, r.used_workdays, r.statutory_workdays)
                      for r in DailyCaseRollup.objects.all())

    swept = stored()
    rollup.rebuild()
    assert stored() == swept
    # One region row per unit on the path: province, county, township of site A.
    regions = DailyCaseRollup.objects.filter(dimension=CaseDimension.REGION, day=dt.date(2026, 10, 10))
    assert {r.key for r in regions} == {p for p in world.site_a.unit.path.strip("/").split("/")}
    assert case_rollup.dirty_days(dt.date(2026, 9, 1)) == []


def test_hotline_rates_are_the_hotline_modules(world):
    s = summary(Target(unit=world.county), dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    expected = hotline_figures.compute(WorkOrder.objects.filter(unit_path__startswith=world.county.path), None,
                                       dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert s.hotline_response_rate == expected.response
    assert s.hotline_satisfaction_rate == expected.satisfaction
    # A site has no hotline orders of its own.
    assert summary(Target(site=world.site_a), dt.date(2026, 10, 1), dt.date(2026, 10, 31)).hotline_response_rate \
        .denominator == 0


def test_every_figure_has_a_label_a_definition_and_a_display(world, national_day_cases):
    s = summary(Target(unit=world.county), dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    shown = {r.key: r for r in rows(s)}
    assert shown["time_compression"].value == "81.7%"
    assert shown["on_time_rate"].value == "66.7%"
    assert shown["overdue"].value == "1"
    assert shown["hotline_response_rate"].value == "—"
    assert all(r.label and r.definition for r in shown.values())
