"""The bad-review ticket transition table of bianmin/rectification/states.py, without a database: every allowed
pair goes where the table below says, every other pair is refused, the outcome guard of `resolve` holds, the
system-only actions stay off the handler's list and a closed ticket only reopens.

The expected table is written out here rather than read from the module, so a changed transition shows up as a
failing test to be looked at, not as a silently different machine."""
import pytest

from bianmin.rectification import states
from bianmin.rectification.states import Action as A
from bianmin.rectification.states import IllegalTransition
from bianmin.rectification.states import Outcome as O
from bianmin.rectification.states import Status as S

from .states_helpers import PURE_IMPORTS, every_pair, imported_modules, reachable

SAME = "same"  # the status does not change
BY_OUTCOME = "by outcome"  # resolve: see OUTCOMES

OPEN = [S.ASSIGNED, S.VERIFYING, S.RECTIFYING, S.AWAITING_APPROVAL, S.RESOLVED, S.ANSWERED]
EXPECTED = {
    (A.ASSIGN, S.RECEIVED): S.ASSIGNED,
    (A.VERIFY, S.ASSIGNED): S.VERIFYING,
    (A.VERIFY, S.VERIFYING): SAME,  # another contact attempt
    (A.VERIFY, S.RECTIFYING): SAME,
    (A.RESOLVE, S.VERIFYING): BY_OUTCOME,
    (A.PROGRESS, S.RECTIFYING): SAME,
    (A.RECTIFIED, S.RECTIFYING): S.RESOLVED,
    (A.APPROVE_EXCLUSION, S.AWAITING_APPROVAL): S.RESOLVED,
    (A.REJECT_EXCLUSION, S.AWAITING_APPROVAL): S.VERIFYING,
    (A.FEEDBACK, S.RESOLVED): S.ANSWERED,
    (A.FEEDBACK, S.ANSWERED): SAME,  # a further answer to the rater
    (A.CLOSE, S.ANSWERED): S.CLOSED,
    (A.REOPEN, S.ANSWERED): S.VERIFYING,  # a follow-up rating that is still bad
    (A.REOPEN, S.CLOSED): S.VERIFYING,
    **{(A.ESCALATE, s): SAME for s in [S.RECEIVED, *OPEN]},
    **{(A.ATTACH, s): SAME for s in OPEN},
}
OUTCOMES = {
    O.RECTIFIED_NOW: S.RESOLVED,  # 立行立改
    O.EXPLAINED: S.RESOLVED,  # 解释说明
    O.LEDGER: S.RECTIFYING,  # 建立台账、限期整改
    O.MALICIOUS: S.AWAITING_APPROVAL,  # 误评/恶意差评: a supervisor approves the exclusion
}
SYSTEM_ACTIONS = {A.ASSIGN, A.REOPEN, A.ESCALATE}  # taken by the loop itself, never offered to a handler
ALLOWED = sorted(EXPECTED, key=str)
REFUSED = [pair for pair in every_pair(A, S) if pair not in EXPECTED]


def test_the_module_is_pure_python():
    assert imported_modules(states) <= PURE_IMPORTS


def test_the_table_has_exactly_the_expected_pairs():
    table = {(a, s) for a, row in states.TRANSITIONS.items() for s in row}
    assert table == set(EXPECTED)
    assert set(states.TRANSITIONS) == set(A)


@pytest.mark.parametrize("action,status", ALLOWED)
def test_every_allowed_transition_goes_where_expected(action, status):
    expected = EXPECTED[(action, status)]
    if expected == BY_OUTCOME:
        for outcome, target in OUTCOMES.items():
            assert states.target_of(action, status, outcome) == target
    else:
        assert states.target_of(action, status) == (status if expected == SAME else expected)


@pytest.mark.parametrize("action,status", REFUSED)
def test_every_other_pair_is_refused(action, status):
    with pytest.raises(IllegalTransition) as refused:
        states.target_of(action, status, O.RECTIFIED_NOW)
    assert (refused.value.action, refused.value.status) == (action, status)


def test_every_outcome_has_its_target():
    assert states.OUTCOME_TARGET == OUTCOMES
    assert set(states.OUTCOME_TARGET) == set(O)


def test_resolve_needs_an_outcome():
    with pytest.raises(ValueError):
        states.target_of(A.RESOLVE, S.VERIFYING)


def test_an_outcome_does_not_unlock_resolve_elsewhere():
    for status in set(S) - {S.VERIFYING}:
        with pytest.raises(IllegalTransition):
            states.target_of(A.RESOLVE, status, O.MALICIOUS)


@pytest.mark.parametrize("status", list(S))
def test_handlers_are_offered_the_table_minus_the_system_actions(status):
    expected = {a for a, s in EXPECTED if s == status} - SYSTEM_ACTIONS
    assert set(states.allowed_actions(status)) == expected
    assert not set(states.allowed_actions(status)) & SYSTEM_ACTIONS


def test_a_closed_ticket_is_final_except_for_a_bad_follow_up():
    assert {S.CLOSED} == states.FINAL
    assert states.allowed_actions(S.CLOSED) == []
    assert {a for a in A if (a, S.CLOSED) in EXPECTED} == {A.REOPEN}
    # A received ticket is assigned by the loop at once: handlers have nothing to do before.
    assert states.allowed_actions(S.RECEIVED) == []


def _next(status):
    out = set()
    for action in A:
        if (action, status) not in EXPECTED:
            continue
        if action == A.RESOLVE:
            out.update(OUTCOMES.values())
        else:
            out.add(states.target_of(action, status))
    return out


def test_every_status_is_reachable_and_every_open_ticket_can_close():
    assert reachable(S.RECEIVED, _next) == set(S)
    for status in [S.RECEIVED, *OPEN]:
        assert S.CLOSED in reachable(status, _next), status
