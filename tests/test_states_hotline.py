"""The whole work-order transition table of bianmin/hotline/states.py, without a database (tests/test_hotline_states.py
walks the main paths; this one checks every action × status pair, the revisit guard and the final statuses).

The expected table is written out here rather than read from the module, so a changed transition shows up as a
failing test to be looked at, not as a silently different machine."""
import pytest

from bianmin.hotline import states
from bianmin.hotline.states import Action as A
from bianmin.hotline.states import IllegalTransition
from bianmin.hotline.states import Status as S

from .states_helpers import PURE_IMPORTS, every_pair, imported_modules, reachable

SAME = "same"  # the status does not change
BY_VISIT = "by visit"  # revisit: see VISITS

FINAL = {S.CLOSED, S.MERGED}
OPEN = [s for s in S if s not in FINAL]
EXPECTED = {
    (A.ANSWER, S.RECEIVED): S.CLOSED,  # answered at intake
    (A.DISPATCH, S.RECEIVED): S.DISPATCHED,
    (A.DISPATCH, S.RETURNED): S.DISPATCHED,  # re-routed by the dispatcher
    (A.ACCEPT, S.DISPATCHED): S.ACCEPTED,
    (A.RETURN, S.DISPATCHED): S.RETURNED,
    (A.RETURN, S.ACCEPTED): S.RETURNED,
    (A.REPLY, S.ACCEPTED): S.REPLIED,
    (A.REQUEST_EXTENSION, S.ACCEPTED): SAME,
    (A.APPROVE_EXTENSION, S.ACCEPTED): SAME,
    (A.REJECT_EXTENSION, S.ACCEPTED): SAME,
    (A.REVISIT, S.REPLIED): BY_VISIT,
    (A.CLOSE, S.REPLIED): S.CLOSED,  # the caller cannot be reached
    (A.CLOSE, S.REVISITED): S.CLOSED,
    **{(A.MERGE, s): S.MERGED for s in [S.RECEIVED, S.DISPATCHED, S.ACCEPTED, S.RETURNED]},
    **{(A.LINK, s): SAME for s in S},  # a repeat call may be linked to any order, open or closed
    **{(A.ATTACH, s): SAME for s in OPEN},
}
# (reached, resolved) → status after the return visit
VISITS = {
    (False, None): S.REPLIED, (False, True): S.REPLIED, (False, False): S.REPLIED,  # try again
    (True, True): S.REVISITED,
    (True, False): S.ACCEPTED, (True, None): S.ACCEPTED,  # reached, not resolved: back to the department
}
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
    if expected == BY_VISIT:
        for (reached, resolved), target in VISITS.items():
            assert states.target(action, status, reached=reached, resolved=resolved) == target
    else:
        assert states.target(action, status) == (status if expected == SAME else expected)
        assert states.target(action.value, status.value) == states.target(action, status)


@pytest.mark.parametrize("action,status", REFUSED)
def test_every_other_pair_is_refused(action, status):
    with pytest.raises(IllegalTransition) as refused:
        states.target(action, status, reached=True, resolved=True)
    assert (refused.value.action, refused.value.status) == (action, status)


@pytest.mark.parametrize("action,status", [("fly", S.RECEIVED), (A.ACCEPT, "lost"), ("", "")])
def test_unknown_actions_and_statuses_are_refused_not_crashed(action, status):
    with pytest.raises(IllegalTransition):
        states.target(action, status)


def test_the_revisit_guard():
    for (reached, resolved), target in VISITS.items():
        assert states.revisit_target(reached, resolved) == target


@pytest.mark.parametrize("status", list(S))
def test_allowed_actions_are_the_rows_of_the_status(status):
    assert set(states.allowed_actions(status)) == {a for a, s in EXPECTED if s == status}


def test_final_statuses_only_take_a_linked_repeat_call():
    assert states.FINAL == FINAL and set(OPEN) == states.OPEN
    for status in FINAL:
        assert states.allowed_actions(status) == [A.LINK]


def _next(status):
    out = set()
    for action in states.allowed_actions(status):
        if action == A.REVISIT:
            out.update(VISITS.values())
        else:
            out.add(states.target(action, status))
    return out


def test_every_status_is_reachable_and_every_open_order_can_finish():
    assert reachable(S.RECEIVED, _next) == set(S)
    for status in OPEN:
        assert reachable(status, _next) & FINAL, status
