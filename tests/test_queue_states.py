"""The ticket state machine on its own (queueing/states.py): no database."""
import pytest

from bianmin.queueing.states import (
    ACTIVE,
    FINAL,
    Action,
    CoolingDown,
    IllegalTransition,
    Status,
    allowed,
    recall_outcome,
    target,
)


@pytest.mark.parametrize(("action", "start", "end"), [
    ("call", "waiting", "called"), ("recall", "called", "called"), ("start", "called", "serving"),
    ("skip", "called", "no_show"), ("park", "called", "parked"), ("park", "serving", "parked"),
    ("unpark", "parked", "waiting"), ("transfer", "called", "waiting"), ("transfer", "serving", "waiting"),
    ("finish", "called", "finished"), ("finish", "serving", "finished"), ("next", "serving", "finished"),
    ("abandon", "waiting", "abandoned"), ("abandon", "parked", "abandoned"),
])
def test_allowed_moves(action, start, end):
    assert target(action, start) == Status(end)


@pytest.mark.parametrize(("action", "start"), [
    ("call", "called"), ("recall", "waiting"), ("skip", "serving"), ("finish", "waiting"), ("unpark", "waiting"),
    ("transfer", "parked"), ("abandon", "called"), ("call", "finished"), ("start", "no_show"), ("bogus", "waiting"),
])
def test_illegal_moves(action, start):
    with pytest.raises(IllegalTransition):
        target(action, start)


def test_final_states_allow_nothing():
    for status in FINAL:
        assert allowed(status) == []
    assert set(Status) == ACTIVE | FINAL


def test_recall_cool_down_then_no_show_after_max():
    with pytest.raises(CoolingDown) as waiting:
        recall_outcome(recalls=0, max_recalls=3, seconds_since_call=20, cooldown_seconds=60)
    assert waiting.value.seconds_left == 40
    assert recall_outcome(recalls=2, max_recalls=3, seconds_since_call=60, cooldown_seconds=60) == Status.CALLED
    assert recall_outcome(recalls=3, max_recalls=3, seconds_since_call=61, cooldown_seconds=60) == Status.NO_SHOW


def test_every_action_has_a_row():
    from bianmin.queueing.states import TRANSITIONS

    assert set(TRANSITIONS) == set(Action)
