"""The home-visit and batch transition tables, without a database."""
import pytest

from bianmin.visits import states
from bianmin.visits.states import BatchStatus, VisitAction, VisitStatus


def test_visit_moves_through_schedule_to_done():
    assert states.visit_target(VisitAction.SCHEDULE, VisitStatus.REQUESTED) == VisitStatus.SCHEDULED
    assert states.visit_target(VisitAction.SCHEDULE, VisitStatus.SCHEDULED) == VisitStatus.SCHEDULED  # re-schedule
    assert states.visit_target(VisitAction.OPEN_CASE, VisitStatus.SCHEDULED) == VisitStatus.DONE
    assert states.visit_target(VisitAction.FINISH, VisitStatus.SCHEDULED) == VisitStatus.DONE


@pytest.mark.parametrize("action, status", [
    (VisitAction.OPEN_CASE, VisitStatus.REQUESTED),  # nobody was sent yet
    (VisitAction.FINISH, VisitStatus.REQUESTED),
    (VisitAction.SCHEDULE, VisitStatus.DONE),
    (VisitAction.CANCEL, VisitStatus.DONE),
    (VisitAction.SCHEDULE, VisitStatus.CANCELLED),
    ("fly", VisitStatus.REQUESTED),
])
def test_illegal_visit_moves(action, status):
    with pytest.raises(states.IllegalTransition):
        states.visit_target(action, status)


def test_final_visits_offer_nothing():
    assert states.visit_actions(VisitStatus.DONE) == []
    assert states.visit_actions(VisitStatus.CANCELLED) == []
    assert set(states.visit_actions(VisitStatus.REQUESTED)) == {VisitAction.SCHEDULE, VisitAction.CANCEL}


def test_batch_goes_prepared_sent_received_only_in_order():
    assert states.batch_target("send", BatchStatus.PREPARED) == BatchStatus.SENT
    assert states.batch_target("receive", BatchStatus.SENT) == BatchStatus.RECEIVED
    for action, status in [("receive", BatchStatus.PREPARED), ("send", BatchStatus.SENT),
                           ("send", BatchStatus.RECEIVED), ("receive", BatchStatus.RECEIVED)]:
        with pytest.raises(states.IllegalTransition):
            states.batch_target(action, status)
