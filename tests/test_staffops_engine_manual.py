"""Manual deductions and warnings by a manager (issue 17 §1-2): the guards (422 unknown rule, 404 outside scope,
409 twice), history rows, the derivation leaving them alone; acknowledging and withdrawing warnings; and the
collective warning of a department with 3 warnings in a year (seed 003)."""
import datetime as dt

import pytest

from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.core.models import Notification
from bianmin.orgs.models import Window
from bianmin.staffops import facts, services
from bianmin.staffops.models import Deduction, DeductionRule, EfficiencyWarning, WarningEvent

from .staffops_engine_helpers import END_OF_NOVEMBER, NOVEMBER, at, month_score, punch_month, working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world, set_now):
    set_now(END_OF_NOVEMBER)
    return world


def clerk(world):
    return world.clerk_a.staff


# ---------------------------------------------------------------- manual deductions

def test_a_manager_deducts_with_a_reason_and_a_history_row(w):
    row = services.add_deduction(w.manager_a, clerk(w), "criticised", "被县政府通报批评", at=at(10, 9),
                                 window=w.window_a)
    assert (row.source, row.points, row.created_by, row.month, row.hits_window) == ("manual", 20, w.manager_a,
                                                                                    NOVEMBER, True)
    assert [(e.kind, e.actor, e.reason) for e in row.events.all()] == [("created", w.manager_a, "被县政府通报批评")]
    assert month_score(clerk(w)) == 80
    assert facts.sync_month(NOVEMBER) == 0 and month_score(clerk(w)) == 80  # the derivation leaves it alone


def test_a_supervisor_deducts_in_the_subtree_and_a_rule_added_by_the_county_is_usable(w):
    DeductionRule.objects.create(unit=w.county, code="badge", label="未佩戴工作牌", points=1, hits="person")
    row = services.add_deduction(w.supervisor, w.manager_b.staff, "badge", "巡查发现未佩戴工作牌")
    assert (row.points, row.site, row.hits_window, row.at) == (1, w.site_b, False, END_OF_NOVEMBER)


@pytest.mark.parametrize("rule", ["no_such_rule", "", None, "x" * 200])
def test_an_unknown_rule_is_422(w, rule):
    with pytest.raises(InvalidInput) as e:
        services.add_deduction(w.manager_a, clerk(w), rule, "理由")
    assert e.value.status == 422 and e.value.field == "rule" and not Deduction.objects.exists()


def test_a_switched_off_rule_is_422(w):
    DeductionRule.objects.create(unit=w.county, code="late", label="迟到", points=1, active=False)
    with pytest.raises(InvalidInput):
        services.add_deduction(w.manager_a, clerk(w), "late", "理由")


@pytest.mark.parametrize("persona", ["manager_b", "clerk_a2", "handler", "outsider"])
def test_someone_outside_the_scope_is_404(w, persona):
    with pytest.raises(NotFound) as e:
        services.add_deduction(getattr(w, persona), clerk(w), "late", "理由")
    assert e.value.status == 404 and not Deduction.objects.exists()


@pytest.mark.parametrize("field,kwargs", [
    ("note", {"note": ""}), ("note", {"note": "长" * 501}), ("note", {"note": 5}),
    ("at", {"at": dt.datetime(2026, 12, 1, 9, tzinfo=END_OF_NOVEMBER.tzinfo)}), ("at", {"at": "1999-12-31 10:00"}),
    ("at", {"at": "昨天"}), ("window", {"window": "elsewhere"}),
])
def test_bad_input_is_422_and_changes_nothing(w, field, kwargs):
    args = {"note": "理由", **kwargs}
    if args.get("window") == "elsewhere":
        args["window"] = Window.objects.create(site=w.site_b, number="9", name="综合窗口")
    with pytest.raises(InvalidInput) as e:
        services.add_deduction(w.manager_a, clerk(w), "late", **args)
    assert e.value.field == field and not Deduction.objects.exists()


def test_reversing_once_then_409(w):
    row = services.add_deduction(w.manager_a, clerk(w), "late", "迟到未打卡")
    with pytest.raises(InvalidInput):
        services.reverse_deduction(w.manager_a, row.pk, "")
    services.reverse_deduction(w.manager_a, row.pk, "核实有请假")
    row.refresh_from_db()
    assert row.reversed and row.reversed_reason == "核实有请假" and month_score(clerk(w)) == 100
    assert [(e.kind, e.actor) for e in row.events.all()] == [("created", w.manager_a), ("reversed", w.manager_a)]
    with pytest.raises(Conflict) as e:
        services.reverse_deduction(w.manager_a, row.pk, "again")
    assert e.value.status == 409


def test_reversal_guards(w):
    row = services.add_deduction(w.manager_a, clerk(w), "late", "迟到")
    for persona in ("manager_b", "outsider", "clerk_a2"):
        with pytest.raises(NotFound):
            services.reverse_deduction(getattr(w, persona), row.pk, "无理由")
    with pytest.raises(PermissionDenied):  # clerk_a sees their own row but may not reverse it
        services.reverse_deduction(w.clerk_a, row.pk, "不服")
    with pytest.raises(NotFound):
        services.reverse_deduction(w.manager_a, "abc", "x")
    mine = services.add_deduction(w.supervisor, w.manager_a.staff, "late", "迟到")
    with pytest.raises(PermissionDenied):  # not one's own
        services.reverse_deduction(w.manager_a, mine.pk, "自己撤销")
    assert not Deduction.objects.filter(reversed=True).exists()


def test_a_derived_deduction_reversed_by_a_manager_stays_reversed(w):
    punch_month(clerk(w), w.window_a, w.site_a, late=working_days(w.site_a)[:1])
    facts.sync_month(NOVEMBER)
    row = Deduction.objects.get()
    services.reverse_deduction(w.manager_a, row.pk, "考勤机故障")
    assert facts.sync_month(NOVEMBER) == 0
    row.refresh_from_db()
    assert row.reversed and month_score(clerk(w)) == 100


def test_a_manual_late_entry_counts_toward_the_late_early_warning(w):
    punch_month(clerk(w), w.window_a, w.site_a, late=working_days(w.site_a)[:3])
    facts.sync_month(NOVEMBER)
    assert not EfficiencyWarning.objects.exists()
    row = services.add_deduction(w.manager_a, clerk(w), "late", "11月30日迟到（补录）", at=at(30, 9))
    assert EfficiencyWarning.objects.get().reason_code == "late_early" and month_score(clerk(w)) == 96
    services.reverse_deduction(w.manager_a, row.pk, "补录有误")
    assert EfficiencyWarning.objects.get().withdrawn


# ---------------------------------------------------------------- warnings

def test_a_manual_warning_is_numbered_notified_and_acknowledged_once_by_the_person(w):
    warning = services.issue_warning(w.manager_a, clerk(w), "上班时间擅离岗位", at=at(12, 10))
    assert (warning.kind, warning.reason_code, warning.issued_by, warning.period) == ("personal", "manual",
                                                                                      w.manager_a, NOVEMBER)
    assert warning.number.startswith("XNGJ-2026-")
    assert Notification.objects.filter(user=w.clerk_a, link=f"/workbench/warnings/{warning.pk}/").exists()
    assert month_score(clerk(w)) == 100  # a warning takes no points
    with pytest.raises(PermissionDenied):
        services.acknowledge_warning(w.manager_a, warning.pk)
    for persona in ("manager_b", "clerk_a2", "outsider"):
        with pytest.raises(NotFound):
            services.acknowledge_warning(getattr(w, persona), warning.pk)
    services.acknowledge_warning(w.clerk_a, warning.pk)
    warning.refresh_from_db()
    assert warning.acknowledged_by == w.clerk_a and warning.acknowledged_at == END_OF_NOVEMBER
    with pytest.raises(Conflict):
        services.acknowledge_warning(w.clerk_a, warning.pk)
    assert [e.kind for e in warning.events.all()] == ["issued", "acknowledged"]


def test_issuing_needs_scope_and_a_reason(w):
    with pytest.raises(NotFound):
        services.issue_warning(w.manager_b, clerk(w), "理由")
    with pytest.raises(InvalidInput):
        services.issue_warning(w.manager_a, clerk(w), " ")
    assert not EfficiencyWarning.objects.exists()


def test_withdrawing_a_warning(w):
    warning = services.issue_warning(w.manager_a, clerk(w), "擅离岗位")
    with pytest.raises(PermissionDenied):
        services.withdraw_warning(w.clerk_a, warning.pk, "不服")
    with pytest.raises(NotFound):
        services.withdraw_warning(w.manager_b, warning.pk, "x")
    services.withdraw_warning(w.supervisor, warning.pk, "经核实有公务外出登记")
    warning.refresh_from_db()
    assert warning.withdrawn and warning.events.last().kind == WarningEvent.Kind.WITHDRAWN
    with pytest.raises(Conflict):
        services.withdraw_warning(w.manager_a, warning.pk, "again")
    with pytest.raises(Conflict):
        services.acknowledge_warning(w.clerk_a, warning.pk)


def test_three_warnings_of_a_department_in_a_year_give_one_collective_warning(w):
    """clerk_a and clerk_a2 both come from the county (their Staff.origin_unit)."""
    services.issue_warning(w.manager_a, clerk(w), "擅离岗位", at=at(3, 10, month=2))
    services.issue_warning(w.manager_a, w.clerk_a2.staff, "推诿", at=at(8, 10, month=6))
    assert not EfficiencyWarning.objects.filter(kind="collective").exists()
    services.issue_warning(w.manager_a, w.clerk_a2.staff, "接待群众态度生硬", at=at(12, 10, month=11))
    collective = EfficiencyWarning.objects.get(kind="collective")
    assert (collective.unit, collective.staff, collective.site, collective.reason_code) == (
        w.county, None, w.site_a, "collective")
    assert collective.source_key == f"warn:collective:{w.county.pk}:2026-01" and collective.period == NOVEMBER
    assert "累计被效能告诫 3 次" in collective.reason
    assert Notification.objects.filter(user=w.manager_a, link=f"/workbench/warnings/{collective.pk}/").exists()
    # Acknowledged by a manager in scope, not by a clerk.
    with pytest.raises(NotFound):
        services.acknowledge_warning(w.clerk_a, collective.pk)
    services.acknowledge_warning(w.manager_a, collective.pk)
    # Deriving again changes nothing; withdrawing one personal warning withdraws the collective one.
    assert facts.sync_month(NOVEMBER) == 0
    first = EfficiencyWarning.objects.filter(kind="personal").order_by("at").first()
    services.withdraw_warning(w.manager_a, first.pk, "复核撤销")
    collective.refresh_from_db()
    assert collective.withdrawn and "低于" in collective.withdrawn_reason


def test_warnings_of_last_year_do_not_count_toward_this_years_collective(w):
    services.issue_warning(w.manager_a, clerk(w), "擅离岗位", at=at(20, 10, month=12, year=2025))
    services.issue_warning(w.manager_a, clerk(w), "推诿", at=at(8, 10, month=6))
    services.issue_warning(w.manager_a, clerk(w), "态度生硬", at=at(9, 10, month=6))
    assert not EfficiencyWarning.objects.filter(kind="collective").exists()
