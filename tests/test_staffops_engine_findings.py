"""Inspection findings become deductions under the rule they name (seed 002: a prohibited behaviour −2, a window
duty breach −5 to the person on duty); a duty breach of an unattended window hits the window alone; a withdrawn
finding's deduction is reversed."""
import datetime as dt

import pytest

from bianmin.hall.models import Presence
from bianmin.staffops import facts, scores
from bianmin.staffops.models import Deduction, Inspection, InspectionFinding

from .staffops_engine_helpers import NOVEMBER, TZ, at, month_score

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(world, set_now):
    set_now(dt.datetime(2026, 11, 20, 15, 0, tzinfo=TZ))
    return Inspection.objects.create(site=world.site_a, kind=Inspection.Kind.UNDERCOVER, inspector=world.supervisor,
                                     at=at(20, 10, 0), created_at=at(20, 10, 30))


def finding(inspection, code, **who):
    return InspectionFinding.objects.create(inspection=inspection, rule_code=code, note="窗口人员玩手机", **who)


def clerk(world):
    return world.clerk_a.staff


def test_a_prohibited_behaviour_costs_the_person_and_their_window_two_points(world, inspection):
    found = finding(inspection, "prohibited", staff=clerk(world))
    assert facts.sync_finding(found) == 1
    row = Deduction.objects.get(finding=found)
    assert (row.points, row.source, row.staff, row.window, row.at) == (2, "inspection", clerk(world),
                                                                       world.window_a, inspection.at)
    assert "暗访发现" in row.note and row.source_key == f"finding:{found.pk}"
    assert month_score(clerk(world)) == 98 and scores.window_sheet(world.window_a, NOVEMBER).score == 98


def test_a_duty_breach_of_a_window_hits_the_person_on_duty(world, inspection):
    Presence.objects.create(staff=clerk(world), window=world.window_a, kind="in", at=at(20, 8, 25))
    found = finding(inspection, "duty_breach", window=world.window_a)
    facts.sync_month(NOVEMBER)
    row = Deduction.objects.get(finding=found)
    assert (row.points, row.staff, row.window, row.hits_person, row.hits_window) == (5, clerk(world), world.window_a,
                                                                                   True, True)
    assert month_score(clerk(world)) == 95


def test_a_duty_breach_of_an_unattended_window_hits_the_window_alone(world, inspection):
    # clerk_a signed in and out again before the inspection: nobody was at the window.
    Presence.objects.create(staff=clerk(world), window=world.window_a, kind="in", at=at(20, 8, 25))
    Presence.objects.create(staff=clerk(world), window=world.window_a, kind="out", at=at(20, 9, 30))
    found = finding(inspection, "duty_breach", window=world.window_a)
    facts.sync_finding(found)
    row = Deduction.objects.get(finding=found)
    assert (row.staff, row.window, row.hits_person, row.hits_window) == (None, world.window_a, False, True)
    assert scores.window_sheet(world.window_a, NOVEMBER).score == 95 and month_score(clerk(world)) == 100


def test_a_withdrawn_finding_is_reversed(world, inspection):
    found = finding(inspection, "prohibited", staff=clerk(world))
    facts.sync_finding(found)
    InspectionFinding.objects.filter(pk=found.pk).update(withdrawn=True, withdrawn_reason="复核不属实")
    found.refresh_from_db()
    assert facts.sync_finding(found) == 1
    row = Deduction.objects.get(finding=found)
    assert row.reversed and "撤销" in row.reversed_reason and month_score(clerk(world)) == 100


def test_criticised_by_a_higher_authority_costs_fifty_and_bars_the_year(world, inspection):
    finding(inspection, "criticised_higher", staff=clerk(world))
    facts.sync_month(NOVEMBER)
    assert month_score(clerk(world)) == 50
    annual, barred = scores.annual_scores("staff_id", [clerk(world).pk], 2026, until=dt.date(2026, 11, 30))[
        clerk(world).pk]
    assert barred and annual < 100


def test_a_finding_under_an_unknown_rule_derives_nothing(world, inspection):
    finding(inspection, "no_such_rule", staff=clerk(world))
    assert facts.sync_month(NOVEMBER) == 0 and not Deduction.objects.exists()
