"""Property (issue 17, "Done when"): for random attendance, inspection findings and manual reversals, a person's
month score is 100 minus the points of the standing deductions derived from the facts — computed here straight
from the facts with seed 002's numbers — and deriving again after random reversals keeps it so (the reversed rows
stay reversed, nothing else changes). The late/early warning stands exactly when more than 3 remain."""
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bianmin.staffops import facts, scores, services
from bianmin.staffops.models import Deduction, EfficiencyWarning, Inspection, InspectionFinding

from .staffops_engine_helpers import END_OF_NOVEMBER, NOVEMBER, at, punch_month

pytestmark = pytest.mark.django_db

# The 21 working days of November 2026 (no holiday in the month).
DAYS = [d for d in range(1, 31) if at(d, 12).weekday() < 5]
POINTS = {"late": 1, "early": 2, "absent": 10, "prohibited": 2, "duty_breach": 5}

day_kinds = st.dictionaries(st.sampled_from(DAYS), st.sampled_from(["late", "early", "both", "absent"]), max_size=10)
findings = st.lists(st.sampled_from(["prohibited", "duty_breach"]), max_size=3)
reversals = st.sets(st.integers(min_value=0, max_value=30), max_size=6)


def expected_points(days: dict, found: list) -> int:
    # Attendance counts from a person's first punch on: absent days before it are not absences (facts.py).
    first_punch = min(d for d in DAYS if days.get(d) != "absent")
    lost = 0
    for day, kind in days.items():
        if kind == "absent" and day < first_punch:
            continue
        lost += {"late": 1, "early": 2, "both": 3, "absent": 10}[kind]
    return lost + sum(POINTS[code] for code in found)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=day_kinds, found=findings, reverse=reversals)
def test_the_score_is_100_minus_the_standing_deductions(world, set_now, days, found, reverse):
    set_now(END_OF_NOVEMBER)
    staff = world.clerk_a.staff
    with transaction.atomic():
        punch_month(staff, world.window_a, world.site_a,
                    late=[d for d, k in days.items() if k in ("late", "both")],
                    early=[d for d, k in days.items() if k in ("early", "both")],
                    absent=[d for d, k in days.items() if k == "absent"])
        if found:
            inspection = Inspection.objects.create(site=world.site_a, kind="open", inspector=world.supervisor,
                                                   at=at(20, 10), created_at=at(20, 11))
            for code in found:
                InspectionFinding.objects.create(inspection=inspection, rule_code=code, staff=staff, note="发现问题")
        facts.sync_month(NOVEMBER)
        rows = list(Deduction.objects.filter(staff=staff).order_by("pk"))
        sheet = scores.staff_sheet(staff, NOVEMBER)
        assert sheet.score == 100 - expected_points(days, found)
        assert sheet.score == 100 - sum(d.points for d in rows if not d.reversed)

        gone = {rows[i].pk for i in reverse if i < len(rows)}
        for pk in gone:
            services.reverse_deduction(world.manager_a, pk, "复核撤销")
        assert facts.sync_month(NOVEMBER) == 0  # deriving again after the reversals changes nothing
        rows = list(Deduction.objects.filter(staff=staff).order_by("pk"))
        assert {d.pk for d in rows if d.reversed} == gone
        standing = [d for d in rows if not d.reversed]
        assert scores.staff_sheet(staff, NOVEMBER).score == 100 - sum(d.points for d in standing)
        assert scores.staff_scores([staff.pk], NOVEMBER)[staff.pk] == 100 - sum(d.points for d in standing)

        late_early = sum(1 for d in standing if d.rule_code in ("late", "early"))
        warned = EfficiencyWarning.objects.filter(staff=staff, reason_code="late_early", withdrawn=False).count()
        assert warned == (1 if late_early > 3 else 0)
        transaction.set_rollback(True)
