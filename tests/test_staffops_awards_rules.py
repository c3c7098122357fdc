"""Awards (S002 考核奖惩制度, issue 17 §3): the monthly 流动红旗 to the window with the most points (ties: the rating
confidence bound, then fewer overdue cases), held the next month; star staff; the annual awards with the 85-point
threshold and the −50 exclusion; the worker job on the 1st."""
import datetime as dt
from decimal import Decimal

import pytest

from bianmin.staffops import awards
from bianmin.staffops.models import AssessmentPolicy, Award

from .staffops_awards_helpers import (
    IN_NOVEMBER,
    IN_OCTOBER,
    OCTOBER,
    ON_NOV_1,
    TZ,
    barring,
    deduct,
    overdue_case,
    person,
    ratings,
    roll_up,
    warn,
    window,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(world, set_now):
    """Site A with window 1 (clerk_a) and windows 2 and 3, each with a person posted; on 1 November."""
    set_now(ON_NOV_1)
    return {"w1": world.window_a, "w2": window(world.site_a, "2", "社保窗口", "陈二"),
            "w3": window(world.site_a, "3", "民政窗口", "张三")}


def _flag(site, month=OCTOBER):
    return Award.objects.get(kind=Award.Kind.RED_FLAG, site=site, period=month)


# ---------------------------------------------------------------- 流动红旗

def test_red_flag_goes_to_the_window_with_the_most_points(world, hall):
    deduct(world.site_a, window=hall["w1"], points=2)   # early leave −2 → 98
    deduct(world.site_a, window=hall["w2"], points=1)   # late −1 → 99
    deduct(world.site_a, window=hall["w3"], points=10)  # complaint verified −10 → 90
    awards.award_month(world.site_a, OCTOBER)
    flag = _flag(world.site_a)
    assert (flag.window, flag.points, flag.detail["decided_by"]) == (hall["w2"], Decimal(99), "points")
    assert flag.detail["held_in"] == "2026-11"
    assert [c["points"] for c in flag.detail["candidates"]] == [99, 98, 90]


def test_a_tie_on_points_is_broken_by_the_rating_confidence_bound(world, hall):
    deduct(world.site_a, window=hall["w3"], points=5)  # out of the tie
    ratings(world.site_a, hall["w1"], good=10, bad=0)  # Wilson lower bound of 10/10 ≈ 0.72
    ratings(world.site_a, hall["w2"], good=95, bad=5)  # of 95/100 ≈ 0.89: the better bound wins
    roll_up()
    awards.award_month(world.site_a, OCTOBER)
    flag = _flag(world.site_a)
    assert (flag.window, flag.points, flag.detail["decided_by"]) == (hall["w2"], Decimal(100), "bound")
    assert flag.detail["bound"] == pytest.approx(0.8882, abs=1e-3)


def test_a_tie_on_points_and_bound_is_broken_by_fewer_overdue_cases(world, hall):
    deduct(world.site_a, window=hall["w3"], points=5)
    overdue_case(world, hall["w1"])  # window 1 ran past the time limit twice in October, window 2 once
    overdue_case(world, hall["w1"], due=IN_OCTOBER + dt.timedelta(days=3))
    overdue_case(world, hall["w2"])
    overdue_case(world, hall["w2"], due=dt.datetime(2026, 9, 20, 10, tzinfo=TZ))  # September: not counted
    awards.award_month(world.site_a, OCTOBER)
    flag = _flag(world.site_a)
    assert (flag.window, flag.detail["decided_by"], flag.detail["overdue"]) == (hall["w2"], "overdue", 1)


def test_a_case_finished_on_time_is_not_overdue(world, hall):
    overdue_case(world, hall["w1"], late_by=-dt.timedelta(hours=1))
    assert awards.overdue_counts([hall["w1"].pk], OCTOBER, ON_NOV_1) == {}


def test_a_window_with_an_award_barring_deduction_is_not_eligible(world, hall):
    deduct(world.site_a, window=hall["w2"], points=1)
    deduct(world.site_a, window=hall["w3"], points=2)
    # Window 1 was criticised by a higher authority in March (−50, no award that year): full marks in October,
    # still out of the running.
    barring(world.site_a, hall["w1"], at=dt.datetime(2026, 3, 10, 10, tzinfo=TZ))
    awards.award_month(world.site_a, OCTOBER)
    flag = _flag(world.site_a)
    assert flag.window == hall["w2"] and flag.detail["excluded_barred"] == [hall["w1"].pk]


def test_a_reversed_barring_deduction_excludes_nobody(world, hall):
    row = barring(world.site_a, hall["w1"], at=dt.datetime(2026, 3, 10, 10, tzinfo=TZ))
    row.reversed = True
    row.save()
    deduct(world.site_a, window=hall["w2"], points=1)
    deduct(world.site_a, window=hall["w3"], points=1)
    awards.award_month(world.site_a, OCTOBER)
    assert _flag(world.site_a).window == hall["w1"]


def test_awarding_a_month_twice_keeps_the_first_decision(world, hall):
    deduct(world.site_a, window=hall["w1"], points=1)
    deduct(world.site_a, window=hall["w3"], points=1)
    first = awards.award_month(world.site_a, OCTOBER)
    deduct(world.site_a, window=hall["w2"], points=20, at=IN_OCTOBER)  # a late fact changes nothing decided
    again = awards.award_month(world.site_a, dt.date(2026, 10, 31))
    assert [a.pk for a in again] == [a.pk for a in first]
    assert Award.objects.filter(kind=Award.Kind.RED_FLAG, site=world.site_a).count() == 1
    assert _flag(world.site_a).window == hall["w2"]


def test_the_flag_is_held_during_the_next_month(world, hall, set_now):
    deduct(world.site_a, window=hall["w1"], points=1)
    deduct(world.site_a, window=hall["w2"], points=1)
    awards.award_month(world.site_a, OCTOBER)
    assert awards.current_red_flag(world.site_a, dt.date(2026, 11, 1)).window == hall["w3"]
    assert awards.current_red_flag(world.site_a, dt.date(2026, 11, 30)).window == hall["w3"]
    assert awards.current_red_flag(world.site_a, dt.date(2026, 10, 31)) is None  # not yet
    assert awards.current_red_flag(world.site_a, dt.date(2026, 12, 1)) is None  # December's is November's flag
    set_now(IN_NOVEMBER)
    assert awards.current_red_flag(world.site_a).window == hall["w3"]


# ---------------------------------------------------------------- 服务之星

def test_stars_are_the_best_scored_people_without_a_warning(world, hall):
    w4 = window(world.site_a, "4", "税务窗口", "李四")
    deduct(world.site_a, staff=person(hall["w2"]), points=1)
    deduct(world.site_a, staff=person(hall["w3"]), points=2)
    deduct(world.site_a, staff=person(w4), points=5)
    # clerk_a has full marks but a personal efficiency warning in October (4 late arrivals): no star.
    warn(world.site_a, world.clerk_a.staff)
    stars = [a for a in awards.award_month(world.site_a, OCTOBER) if a.kind == Award.Kind.STAR]
    assert [(a.rank, a.staff, a.points) for a in stars] == [
        (1, person(hall["w2"]), 99), (2, person(hall["w3"]), 98), (3, person(w4), 95)]
    assert world.clerk_a.staff.pk in stars[0].detail["excluded"]


def test_a_warning_withdrawn_or_of_another_month_does_not_exclude(world, hall):
    w = warn(world.site_a, world.clerk_a.staff, at=dt.datetime(2026, 9, 5, 10, tzinfo=TZ))
    withdrawn = warn(world.site_a, person(hall["w2"]))
    withdrawn.withdrawn = True
    withdrawn.save()
    stars = {a.staff for a in awards.award_month(world.site_a, OCTOBER) if a.kind == Award.Kind.STAR}
    assert {world.clerk_a.staff, person(hall["w2"])} <= stars and w.period.month == 9


def test_stars_per_month_follows_the_policy_and_ties_go_by_work_id(world, hall):
    AssessmentPolicy.objects.create(unit=world.county, stars_per_month=2)
    stars = [a for a in awards.award_month(world.site_a, OCTOBER) if a.kind == Award.Kind.STAR]
    people = sorted([world.clerk_a.staff, person(hall["w2"]), person(hall["w3"])], key=lambda s: s.work_id)
    assert [a.staff for a in stars] == people[:2]


def test_a_barred_person_is_no_star(world, hall):
    barring(world.site_a, hall["w2"], at=dt.datetime(2026, 2, 3, 10, tzinfo=TZ))
    stars = {a.staff for a in awards.award_month(world.site_a, OCTOBER) if a.kind == Award.Kind.STAR}
    assert person(hall["w2"]) not in stars


# ---------------------------------------------------------------- annual

def _monthly_loss(site, w, points_by_month: dict[int, int], *, year=2025):
    for month, points in points_by_month.items():
        deduct(site, window=w, staff=person(w), points=points, at=dt.datetime(year, month, 10, 10, tzinfo=TZ))


def test_annual_awards_go_to_the_best_annual_score(world, hall):
    # 2025: window 1 loses 12 points in each of 6 months → mean 94; window 2 loses 24 in each → mean 88;
    # window 3 loses 24 in 9 months → mean 82 (< 85).
    _monthly_loss(world.site_a, hall["w1"], dict.fromkeys(range(1, 7), 12))
    _monthly_loss(world.site_a, hall["w2"], dict.fromkeys(range(1, 7), 24))
    _monthly_loss(world.site_a, hall["w3"], dict.fromkeys(range(1, 10), 24))
    made = awards.award_year(world.site_a, 2025)
    by_kind = {a.kind: a for a in made}
    unit, individual = by_kind[Award.Kind.ANNUAL_UNIT], by_kind[Award.Kind.ANNUAL_PERSON]
    assert (unit.window, unit.points, unit.period) == (hall["w1"], Decimal("94.00"), dt.date(2025, 1, 1))
    assert (individual.staff, individual.points) == (world.clerk_a.staff, Decimal("94.00"))
    assert unit.detail["excluded"] == {str(hall["w3"].pk): "below_minimum"}


def test_an_annual_score_below_85_excludes_even_the_best(world, hall):
    for w in hall.values():  # everybody loses 25 points every month: 75 for the year
        _monthly_loss(world.site_a, w, dict.fromkeys(range(1, 13), 25))
    assert awards.award_year(world.site_a, 2025) == []


def test_exactly_85_is_enough(world, hall):
    for w in hall.values():
        _monthly_loss(world.site_a, w, dict.fromkeys(range(1, 13), 15))
    made = awards.award_year(world.site_a, 2025)
    assert {a.points for a in made} == {Decimal("85.00")}


def test_a_minus_50_in_the_year_excludes_from_the_annual_awards(world, hall):
    # Window 1: one −50 (bars awards) and nothing else → annual 95.83, still excluded; window 2: 90.
    barring(world.site_a, hall["w1"], at=dt.datetime(2025, 5, 6, 10, tzinfo=TZ))
    _monthly_loss(world.site_a, hall["w2"], dict.fromkeys(range(1, 13), 10))
    _monthly_loss(world.site_a, hall["w3"], dict.fromkeys(range(1, 13), 12))
    made = {a.kind: a for a in awards.award_year(world.site_a, 2025)}
    assert made[Award.Kind.ANNUAL_UNIT].window == hall["w2"]
    assert made[Award.Kind.ANNUAL_PERSON].staff == person(hall["w2"])
    assert made[Award.Kind.ANNUAL_UNIT].detail["excluded"][str(hall["w1"].pk)] == "barred"


def test_a_warning_in_the_year_excludes_the_person_and_a_collective_one_the_window(world, hall):
    hall["w1"].departments.add(world.civil_affairs)
    warn(world.site_a, unit=world.civil_affairs, kind="collective", at=dt.datetime(2025, 8, 1, 10, tzinfo=TZ))
    warn(world.site_a, person(hall["w2"]), at=dt.datetime(2025, 4, 1, 10, tzinfo=TZ))
    _monthly_loss(world.site_a, hall["w3"], {1: 5})
    made = {a.kind: a for a in awards.award_year(world.site_a, 2025)}
    assert made[Award.Kind.ANNUAL_UNIT].window == hall["w2"]  # window 1's department was warned collectively
    assert made[Award.Kind.ANNUAL_PERSON].staff == world.clerk_a.staff  # 陈二 (window 2) was warned
    assert awards.award_year(world.site_a, 2025) == list(Award.objects.filter(
        kind__in=awards.ANNUAL, site=world.site_a).order_by("kind", "rank"))  # idempotent


# ---------------------------------------------------------------- the worker job

def test_the_job_awards_last_month_once_for_every_site_with_windows(world, hall, set_now,
                                                                    django_assert_max_num_queries):
    deduct(world.site_a, window=hall["w1"], points=1)
    deduct(world.site_a, window=hall["w3"], points=1)
    made = awards.award_due()
    assert made == 4  # site A: the flag and three stars; site B and the other county's site have no window
    assert _flag(world.site_a).window == hall["w2"]
    with django_assert_max_num_queries(3):  # nothing due: cheap
        assert awards.award_due() == 0
    set_now(IN_NOVEMBER)
    assert awards.award_due() == 0
    assert Award.objects.filter(kind=Award.Kind.RED_FLAG).count() == 1


def test_the_job_does_nothing_for_a_month_not_ended(world, hall, set_now):
    set_now(dt.datetime(2026, 10, 31, 23, 0, tzinfo=TZ))
    awards.award_due()
    assert not Award.objects.filter(period=OCTOBER).exists()


def test_in_january_the_job_also_gives_the_annual_awards(world, hall, set_now):
    set_now(dt.datetime(2026, 1, 2, 8, 0, tzinfo=TZ))
    _monthly_loss(world.site_a, hall["w2"], {3: 10})
    awards.award_due()  # December 2025 (monthly) and then 2025 (annual: the site was assessed that year)
    assert Award.objects.filter(period=dt.date(2025, 12, 1), kind=Award.Kind.RED_FLAG).exists()
    kinds = set(Award.objects.filter(period=dt.date(2025, 1, 1)).values_list("kind", flat=True))
    assert kinds == {Award.Kind.ANNUAL_UNIT, Award.Kind.ANNUAL_PERSON}
    assert awards.award_due() == 0


def test_a_month_or_year_not_ended_cannot_be_awarded(world, hall):
    from bianmin.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        awards.award_month(world.site_a, dt.date(2026, 11, 1))
    with pytest.raises(InvalidInput):
        awards.award_year(world.site_a, 2026)
    assert not Award.objects.exists()


def test_a_site_with_one_window_flies_no_red_flag(world, set_now):
    """A village station's one proxy window has nobody to compete with: no flag, still its star staff."""
    set_now(ON_NOV_1)
    station_window = window(world.site_b, "1", "代办窗口", "赵六")
    made = awards.award_month(world.site_b, OCTOBER)
    assert not [a for a in made if a.kind == Award.Kind.RED_FLAG]
    assert [a.staff for a in made if a.kind == Award.Kind.STAR] == [person(station_window)]
    window(world.site_b, "2", "民政窗口", "钱七")  # a second window: now there is a flag to pass on
    Award.objects.filter(site=world.site_b).delete()
    awards.award_month(world.site_b, OCTOBER)
    assert _flag(world.site_b).window.site == world.site_b
