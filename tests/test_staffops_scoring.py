"""The pure arithmetic of assessment (bianmin/staffops/scoring.py, no database): a month's score from its lines,
the months of a year, the annual score and award eligibility (seed 002: below 85 or any −50 excludes; issue 17: a
warning counts against it), and the order that picks the 流动红旗 (points, then the rating bound, then fewer
overdue cases, then the window id)."""
import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bianmin.staffops import scoring
from bianmin.staffops.scoring import Candidate, Line


def test_a_month_starts_at_100_and_reversed_lines_count_nothing():
    assert scoring.score([]) == 100
    assert scoring.score([Line("late", 1), Line("late", 1), Line("early", 2), Line("absent_half_day", 10, True)]) == 96
    # No floor: more than 100 points lost reads below zero.
    assert scoring.score([Line("criticised_higher", 50), Line("criticised_higher", 50), Line("late", 1)]) == -1


@given(st.lists(st.tuples(st.integers(0, 100), st.booleans()), max_size=30))
def test_the_score_is_100_minus_the_standing_points(lines):
    assert scoring.score(Line("x", p, r) for p, r in lines) == 100 - sum(p for p, r in lines if not r)


def test_months():
    assert scoring.month_start(dt.date(2026, 11, 30)) == dt.date(2026, 11, 1)
    assert scoring.next_month(dt.date(2026, 12, 1)) == dt.date(2027, 1, 1)
    assert scoring.next_month(dt.date(2026, 1, 1)) == dt.date(2026, 2, 1)
    assert len(scoring.months_of_year(2026)) == 12
    assert scoring.months_of_year(2026, until=dt.date(2026, 3, 15)) == [dt.date(2026, m, 1) for m in (1, 2, 3)]


def test_the_annual_score_is_the_mean_of_the_months_to_two_decimals():
    assert scoring.annual_score([]) == Decimal(100)
    assert scoring.annual_score([100, 96, 90]) == Decimal("95.33")
    assert scoring.annual_score([100, 99]) == Decimal("99.50")
    assert scoring.annual_score([85, 84, 86]) == Decimal("85.00")
    assert scoring.annual_score([100, 100, 99]) == Decimal("99.67")  # rounded half up


def test_eligibility_needs_85_no_bar_and_no_warning():
    assert scoring.eligible_for_annual(Decimal("85.00"), False, 0, 85)
    assert not scoring.eligible_for_annual(Decimal("84.99"), False, 0, 85)
    assert not scoring.eligible_for_annual(Decimal("99"), True, 0, 85)  # a −50 that year
    assert not scoring.eligible_for_annual(Decimal("99"), False, 1, 85)  # an efficiency warning that year
    assert scoring.eligible_for_annual(Decimal("80"), False, 0, 80)  # the jurisdiction's own minimum


def test_the_red_flag_goes_to_the_most_points():
    winner, how = scoring.red_flag([Candidate(1, 97, 0.9, 0), Candidate(2, 99, 0.1, 5), Candidate(3, 98, None, 0)])
    assert (winner.key, how) == (2, "points")


def test_a_tie_on_points_is_broken_by_the_rating_bound_and_none_counts_lowest():
    winner, how = scoring.red_flag([Candidate(1, 99, 0.80, 0), Candidate(2, 99, 0.85, 3), Candidate(3, 98, 0.99, 0)])
    assert (winner.key, how) == (2, "bound")
    winner, how = scoring.red_flag([Candidate(1, 99, None, 0), Candidate(2, 99, 0.01, 3)])
    assert (winner.key, how) == (2, "bound")


def test_then_by_fewer_overdue_cases_then_by_id():
    winner, how = scoring.red_flag([Candidate(5, 99, 0.8, 2), Candidate(7, 99, 0.8, 1)])
    assert (winner.key, how) == (7, "overdue")
    winner, how = scoring.red_flag([Candidate(9, 99, None, 0), Candidate(4, 99, None, 0)])
    assert (winner.key, how) == (4, "id")


def test_no_candidate_no_flag_and_one_candidate_wins_on_points():
    assert scoring.red_flag([]) == (None, "")
    assert scoring.red_flag([Candidate(3, 60, None, 9)])[1] == "points"


@given(st.lists(st.builds(Candidate, key=st.integers(1, 50), points=st.integers(0, 100),
                          bound=st.one_of(st.none(), st.floats(0, 1)), overdue=st.integers(0, 5)),
                min_size=1, max_size=8, unique_by=lambda c: c.key))
def test_the_winner_is_never_beaten_on_points_and_the_order_does_not_matter(candidates):
    winner, _how = scoring.red_flag(candidates)
    assert winner.points == max(c.points for c in candidates)
    assert scoring.red_flag(list(reversed(candidates)))[0] == winner
