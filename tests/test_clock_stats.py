"""The statistics count late and overdue cases by the clock's own rule (core.clocks, issue 13): the rollup's late
cases are those whose clock state says `finished_late`, the live overdue count those a page would show overdue."""
import datetime as dt

import pytest

from bianmin.cases.models import Case
from bianmin.core import timeutil
from bianmin.core.clocks import state_of
from bianmin.stats import rollup
from bianmin.stats.metrics import Target, summary

from .test_stats_case_metrics import at, case_at

pytestmark = pytest.mark.django_db


def accepted_at(world, day: str, phone: str) -> Case:
    from bianmin.cases import services as case_services

    with timeutil.travel_to(at(day, 9)):
        case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                           applicant={"name": "王五", "phone": phone}, window_id=world.window_a.pk)
        return case_services.transition(case.pk, "accept", world.clerk_a, {})


def test_late_and_overdue_cases_are_counted_as_their_clocks_say(world):
    case_at(world, world.item_committed, "2026-11-02", "2026-11-05", "13900000001")  # on time (due 9 Nov)
    case_at(world, world.item_committed, "2026-11-02", "2026-11-12", "13900000002")  # three working days late
    accepted_at(world, "2026-11-03", "13900000003")  # due 10 November, still open
    accepted_at(world, "2026-11-27", "13900000004")  # due 4 December: not yet overdue on 2 December
    now = at("2026-12-02", 10)
    with timeutil.travel_to(now):
        rollup.sweep()
        figures = summary(Target(unit=world.county), dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        states = [state_of(c.clock, now) for c in Case.objects.select_related("clock")]
    late = sum(1 for s in states if s.finished_late)
    overdue_now = sum(1 for s in states if not s.stopped and s.warning.value == "red")
    assert (late, overdue_now) == (1, 1)
    assert (figures.on_time_rate.numerator, figures.on_time_rate.denominator) == (1, 2)
    assert figures.overdue == late + overdue_now
