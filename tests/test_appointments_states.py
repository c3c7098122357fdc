"""The transition table on its own (no database): what may follow what, and which statuses free the place."""
from bianmin.appointments import states
from bianmin.appointments.models import Appointment


def test_the_table_names_every_status_and_only_booked_or_checked_in_move_on():
    assert set(states.TRANSITIONS) == set(Appointment.Status.values)
    movable = {s for s, targets in states.TRANSITIONS.items() if targets}
    assert movable == {states.BOOKED, states.CHECKED_IN}


def test_allowed_moves():
    assert states.allowed(states.BOOKED, states.CHECKED_IN)
    assert states.allowed(states.BOOKED, states.MOVED)
    assert states.allowed(states.CHECKED_IN, states.SERVED)
    assert not states.allowed(states.CHECKED_IN, states.CANCELLED)  # at the counter already
    assert not states.allowed(states.CANCELLED, states.BOOKED)
    assert not states.allowed(states.SERVED, states.NO_SHOW)
    assert not states.allowed("nonsense", states.BOOKED)


def test_the_place_is_freed_by_cancel_move_and_no_show_only():
    assert {states.CANCELLED, states.MOVED, states.NO_SHOW} == states.RELEASES_SEAT
