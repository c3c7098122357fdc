"""The case (办件) transition table of bianmin/cases/states.py, without a database: every allowed pair goes where
the table below says, every other pair is refused, the guards of the table hold and the final statuses are final.

The expected table is written out here rather than read from the module, so a changed transition shows up as a
failing test to be looked at, not as a silently different machine."""
import pytest

from bianmin.cases import states
from bianmin.cases.states import Action as A
from bianmin.cases.states import IllegalTransition
from bianmin.cases.states import Status as S

from .states_helpers import PURE_IMPORTS, every_pair, imported_modules, reachable

SAME = "same"  # the status does not change
RESUMED = "resumed"  # back to the status given as resume_to
DECIDED = "decided"  # where the review decision says (review_target)

EXPECTED = {
    (A.ANSWER_CONSULTATION, S.REGISTERED): S.CONSULTATION,
    (A.ACCEPT, S.REGISTERED): S.ACCEPTED,
    (A.REJECT, S.REGISTERED): S.REJECTED,
    (A.REJECT, S.AWAITING_SUPPLEMENT): S.REJECTED,
    (A.ROUTE_OUT, S.REGISTERED): S.OUT_OF_REMIT,
    (A.REQUEST_SUPPLEMENT, S.REGISTERED): S.AWAITING_SUPPLEMENT,
    (A.REQUEST_SUPPLEMENT, S.ACCEPTED): S.AWAITING_SUPPLEMENT,
    (A.REQUEST_SUPPLEMENT, S.HANDED_OVER): S.AWAITING_SUPPLEMENT,
    (A.RESUME, S.AWAITING_SUPPLEMENT): RESUMED,
    (A.EXTEND, S.ACCEPTED): SAME,
    (A.EXTEND, S.HANDED_OVER): SAME,
    (A.EXTEND, S.RESULT_RETURNED): SAME,
    (A.EXTEND, S.FORWARDED): SAME,
    (A.EXTEND, S.AWAITING_SUPPLEMENT): SAME,
    (A.HAND_OVER, S.ACCEPTED): S.HANDED_OVER,
    (A.RETURN_RESULT, S.HANDED_OVER): S.RESULT_RETURNED,
    (A.FORWARD, S.ACCEPTED): S.FORWARDED,
    (A.FINISH_JOINT_TASK, S.ACCEPTED): SAME,
    (A.FINISH_JOINT_TASK, S.HANDED_OVER): SAME,
    (A.FINISH_JOINT_TASK, S.RESULT_RETURNED): SAME,
    (A.COMPLETE, S.ACCEPTED): S.COMPLETED,
    (A.COMPLETE, S.RESULT_RETURNED): S.COMPLETED,
    (A.COMPLETE, S.FORWARDED): S.COMPLETED,
    (A.RETURN_APPLICATION, S.ACCEPTED): S.RETURNED,
    (A.RETURN_APPLICATION, S.HANDED_OVER): S.RETURNED,
    (A.RETURN_APPLICATION, S.RESULT_RETURNED): S.RETURNED,
    (A.REQUEST_REVIEW, S.RETURNED): S.REVIEW_REQUESTED,
    (A.DECIDE_REVIEW, S.REVIEW_REQUESTED): DECIDED,
    **{(A.DESIGNATE_URGENT, s): SAME for s in (S.REGISTERED, S.AWAITING_SUPPLEMENT, S.ACCEPTED, S.HANDED_OVER,
                                               S.RESULT_RETURNED, S.FORWARDED)},
    **{(a, s): SAME for a in (A.START_SPECIAL_PROCEDURE, A.END_SPECIAL_PROCEDURE)
       for s in (S.ACCEPTED, S.HANDED_OVER, S.RESULT_RETURNED)},
}
FINAL = {S.CONSULTATION, S.COMPLETED, S.REJECTED, S.OUT_OF_REMIT, S.RETURNED}
# A returned case is finished unless the applicant asks for a review (seed 002 §四 2(3)): its one way out.
AFTER_FINAL = {(A.REQUEST_REVIEW, S.RETURNED)}
ALLOWED = sorted(EXPECTED, key=str)
REFUSED = [pair for pair in every_pair(A, S) if pair not in EXPECTED]


def test_the_module_is_pure_python():
    assert imported_modules(states) <= PURE_IMPORTS


def test_the_table_has_exactly_the_expected_pairs():
    table = {(a, s) for a, row in states.TRANSITIONS.items() for s in row}
    assert table == set(EXPECTED)
    assert set(states.TRANSITIONS) == set(A)  # every action has its row


@pytest.mark.parametrize("action,status", ALLOWED)
def test_every_allowed_transition_goes_where_expected(action, status):
    expected = EXPECTED[(action, status)]
    if expected == RESUMED:
        assert states.target(action, status, resume_to=S.HANDED_OVER) == S.HANDED_OVER
    elif expected == DECIDED:
        assert states.target(action, status, upheld=True) == S.ACCEPTED
        assert states.target(action, status, upheld=False) == S.RETURNED
        with pytest.raises(IllegalTransition):
            states.target(action, status)  # no decision, no target
        return
    else:
        assert states.target(action, status) == (status if expected == SAME else expected)
    # Plain strings (as stored in the database) work the same as the enums.
    if expected != RESUMED:
        assert states.target(action.value, status.value) == states.target(action, status)


@pytest.mark.parametrize("action,status", REFUSED)
def test_every_other_pair_is_refused(action, status):
    with pytest.raises(IllegalTransition) as refused:
        states.target(action, status, resume_to=S.ACCEPTED)
    assert (refused.value.action, refused.value.status) == (action, status)
    assert str(action) in str(refused.value) and str(status) in str(refused.value)


@pytest.mark.parametrize("previous", [S.REGISTERED, S.ACCEPTED, S.HANDED_OVER])
def test_resume_goes_back_to_where_the_case_was(previous):
    assert states.target(A.RESUME, S.AWAITING_SUPPLEMENT, resume_to=previous) == previous
    assert states.target(A.RESUME, S.AWAITING_SUPPLEMENT, resume_to=previous.value) == previous


@pytest.mark.parametrize("resume_to", [None, ""])
def test_resume_without_the_status_to_go_back_to_is_refused(resume_to):
    with pytest.raises(IllegalTransition):
        states.target(A.RESUME, S.AWAITING_SUPPLEMENT, resume_to=resume_to)


@pytest.mark.parametrize("action,status", [("fly", S.REGISTERED), (A.ACCEPT, "lost"), ("", "")])
def test_unknown_actions_and_statuses_are_refused_not_crashed(action, status):
    with pytest.raises(IllegalTransition):
        states.target(action, status)


@pytest.mark.parametrize("status", list(S))
def test_allowed_actions_are_the_rows_of_the_status(status):
    assert set(states.allowed_actions(status)) == {a for a, s in EXPECTED if s == status}
    assert states.allowed_actions(status.value) == states.allowed_actions(status)


def test_final_statuses_allow_nothing_and_open_ones_something():
    assert states.FINAL == FINAL
    assert set(S) - FINAL == states.OPEN
    for status in FINAL:
        assert {(a, status) for a in states.allowed_actions(status)} <= AFTER_FINAL
    for status in states.OPEN:
        assert states.allowed_actions(status)


def _next(status):
    out = set()
    for action in states.allowed_actions(status):
        if action is A.DECIDE_REVIEW:
            out |= {states.target(action, status, upheld=True), states.target(action, status, upheld=False)}
        else:
            out.add(states.target(action, status, resume_to=S.ACCEPTED))
    return out


def test_every_status_is_reachable_from_registration_and_every_open_one_can_finish():
    assert reachable(S.REGISTERED, _next) == set(S)
    for status in states.OPEN:
        assert reachable(status, _next) & FINAL, status
