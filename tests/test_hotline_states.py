"""The work-order transition table, without a database."""
import pytest

from bianmin.hotline import states
from bianmin.hotline.states import Action, Status


def test_the_main_path():
    s = Status.RECEIVED
    for action, expected in [(Action.DISPATCH, Status.DISPATCHED), (Action.ACCEPT, Status.ACCEPTED),
                             (Action.REPLY, Status.REPLIED)]:
        s = states.target(action, s)
        assert s == expected
    assert states.target(Action.REVISIT, s, reached=True, resolved=True) == Status.REVISITED
    assert states.target(Action.CLOSE, Status.REVISITED) == Status.CLOSED


def test_answered_at_intake_closes_directly():
    assert states.target(Action.ANSWER, Status.RECEIVED) == Status.CLOSED
    with pytest.raises(states.IllegalTransition):
        states.target(Action.ANSWER, Status.DISPATCHED)


def test_return_goes_back_to_the_dispatcher_who_re_routes():
    assert states.target(Action.RETURN, Status.DISPATCHED) == Status.RETURNED
    assert states.target(Action.RETURN, Status.ACCEPTED) == Status.RETURNED
    assert states.target(Action.DISPATCH, Status.RETURNED) == Status.DISPATCHED
    with pytest.raises(states.IllegalTransition):  # a replied order is no longer the department's to return
        states.target(Action.RETURN, Status.REPLIED)


def test_revisit_outcomes():
    assert states.target(Action.REVISIT, Status.REPLIED, reached=False) == Status.REPLIED
    assert states.target(Action.REVISIT, Status.REPLIED, reached=True, resolved=False) == Status.ACCEPTED
    assert states.target(Action.REVISIT, Status.REPLIED, reached=True, resolved=True) == Status.REVISITED
    with pytest.raises(states.IllegalTransition):
        states.target(Action.REVISIT, Status.ACCEPTED, reached=True, resolved=True)


def test_extensions_only_while_the_department_owns_the_order():
    for act in (Action.REQUEST_EXTENSION, Action.APPROVE_EXTENSION, Action.REJECT_EXTENSION):
        assert states.target(act, Status.ACCEPTED) == Status.ACCEPTED
        for other in (Status.RECEIVED, Status.DISPATCHED, Status.REPLIED, Status.CLOSED):
            with pytest.raises(states.IllegalTransition):
                states.target(act, other)


def test_merge_before_the_reply_only_and_final_states_are_final():
    for s in (Status.RECEIVED, Status.DISPATCHED, Status.ACCEPTED, Status.RETURNED):
        assert states.target(Action.MERGE, s) == Status.MERGED
    for s in (Status.REPLIED, Status.CLOSED, Status.MERGED):
        with pytest.raises(states.IllegalTransition):
            states.target(Action.MERGE, s)
    for s in states.FINAL:
        assert set(states.allowed_actions(s)) == {Action.LINK}


def test_unknown_values_are_illegal_not_crashes():
    with pytest.raises(states.IllegalTransition):
        states.target("fly", Status.RECEIVED)
    with pytest.raises(states.IllegalTransition):
        states.target(Action.DISPATCH, "limbo")
