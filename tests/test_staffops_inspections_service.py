"""Inspections (明查暗访) and the hall head's patrols, the services: the checklist score is the share of items passed
×100 to one decimal; a finding becomes a deduction through staffops.facts (S002: a prohibited behaviour found at
inspection −2, a window duty breach −5 to the person on duty) and is reversed when withdrawn; a finding must name a
person or window of the inspected site and a rule in force; photos are images, size-limited; patrols: at least 2 a
day (S002 工作督查制度) on days the hall is open."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bianmin.core.errors import Conflict, InvalidInput, NotFound
from bianmin.core.uploads import MAX_FILE_BYTES
from bianmin.hall import services as hall
from bianmin.orgs.models import Window
from bianmin.staffops import checklists, inspections, rules
from bianmin.staffops.models import (
    AssessmentPolicy,
    Deduction,
    DeductionRule,
    Inspection,
    InspectionCheck,
    InspectionFinding,
    InspectionPhoto,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 19, 10, 0)  # a Thursday, a working day; the hall is open
Kind = Inspection.Kind


@pytest.fixture(autouse=True)
def media(settings, tmp_path, set_now):
    settings.MEDIA_ROOT = tmp_path
    set_now(NOW)


def png(name="hall.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def checks(passed: int, failed: int) -> dict:
    codes = [i.code for i in checklists.INSPECTION_ITEMS]
    assert passed + failed <= len(codes)
    return {**{c: (True, "") for c in codes[:passed]}, **{c: (False, "问题") for c in codes[passed:passed + failed]}}


def inspect(world, user=None, site=None, **kw):
    return inspections.record_inspection(
        user or world.manager_a, site or world.site_a, kw.pop("kind", Kind.OPEN), kw.pop("at", None),
        kw.pop("checks", checks(1, 0)), kw.pop("findings", []), kw.pop("note", ""), kw.pop("photos", ()))


def nothing_stored():
    return not (Inspection.objects.exists() or InspectionFinding.objects.exists() or InspectionPhoto.objects.exists()
                or Deduction.objects.exists())


# ---------------------------------------------------------------- the score

@pytest.mark.parametrize(("passed", "failed", "score"), [
    (12, 0, "100.0"), (9, 3, "75.0"), (2, 1, "66.7"), (1, 2, "33.3"), (0, 4, "0.0"), (7, 1, "87.5")])
def test_the_score_is_the_share_of_items_passed_to_one_decimal(world, passed, failed, score):
    found = inspect(world, checks=checks(passed, failed))
    found.refresh_from_db()
    assert str(found.score) == score
    assert InspectionCheck.objects.filter(inspection=found).count() == passed + failed
    assert InspectionCheck.objects.filter(inspection=found, passed=False).count() == failed


def test_the_checklist_has_the_seed_items_and_links_prohibited_behaviour_and_duty_breach():
    codes = {i.code: i for i in checklists.INSPECTION_ITEMS}
    for code in ("badge_worn", "window_sign", "dress", "no_unrelated", "no_noise", "one_time_notice", "attitude",
                 "first_contact", "notice_board", "hall_clean", "posts_covered", "duty_window_ready"):
        assert code in codes
    assert {c for c, i in codes.items() if i.rule_code == rules.PROHIBITED} == {"dress", "no_unrelated", "no_noise"}
    assert codes["duty_window_ready"].rule_code == rules.DUTY_BREACH


def test_an_inspection_other_than_a_patrol_needs_the_checklist(world):
    with pytest.raises(InvalidInput) as err:
        inspect(world, checks={})
    assert err.value.status == 422 and err.value.en
    assert nothing_stored()


def test_unknown_item_or_a_non_boolean_answer_is_refused(world):
    with pytest.raises(InvalidInput):
        inspect(world, checks={"no_such_item": (True, "")})
    with pytest.raises(InvalidInput):
        inspect(world, checks={"badge_worn": ("yes", "")})
    assert nothing_stored()


def test_a_time_in_the_future_is_refused(world):
    with pytest.raises(InvalidInput):
        inspect(world, at="2026-11-20T10:00")
    assert nothing_stored()


# ---------------------------------------------------------------- findings → deductions

def test_a_prohibited_behaviour_found_costs_two_points_to_the_person_and_window(world):
    found = inspect(world, checks=checks(2, 1), findings=[
        {"rule_code": rules.PROHIBITED, "staff_id": world.clerk_a.staff.pk, "note": "上班时间玩手机游戏"}])
    finding = InspectionFinding.objects.get(inspection=found)
    row = Deduction.objects.get(finding=finding)
    assert (row.staff, row.points, row.rule_code, row.source, row.reversed) == (
        world.clerk_a.staff, 2, rules.PROHIBITED, Deduction.Source.INSPECTION, False)


def test_a_duty_breach_naming_only_a_window_hits_the_person_on_duty_then(world):
    hall.sign(world.clerk_a, "in", world.window_a.pk)
    inspect(world, findings=[{"rule_code": rules.DUTY_BREACH, "window_id": world.window_a.pk,
                              "note": "大厅卫生未打扫"}])
    row = Deduction.objects.get(source=Deduction.Source.INSPECTION)
    assert (row.points, row.window, row.staff) == (5, world.window_a, world.clerk_a.staff)


def test_withdrawing_a_finding_reverses_its_deduction_and_keeps_both(world):
    found = inspect(world, findings=[{"rule_code": rules.PROHIBITED, "staff_id": world.clerk_a.staff.pk,
                                      "note": "穿拖鞋"}])
    finding = found.findings.get()
    inspections.withdraw_finding(world.manager_a, finding.pk, "经核实为误记")
    finding.refresh_from_db()
    assert finding.withdrawn and finding.withdrawn_reason == "经核实为误记"
    row = Deduction.objects.get(finding=finding)
    assert row.reversed
    with pytest.raises(Conflict):
        inspections.withdraw_finding(world.manager_a, finding.pk, "再次撤销")
    with pytest.raises(InvalidInput):
        inspections.withdraw_finding(world.manager_a, finding.pk, "")


def test_another_sites_manager_cannot_withdraw_a_finding(world):
    found = inspect(world, findings=[{"rule_code": rules.PROHIBITED, "staff_id": world.clerk_a.staff.pk}])
    finding = found.findings.get()
    with pytest.raises(NotFound):
        inspections.withdraw_finding(world.manager_b, finding.pk, "理由")
    finding.refresh_from_db()
    assert not finding.withdrawn


def test_a_finding_naming_another_sites_staff_or_window_is_refused(world):
    other = Window.objects.create(site=world.site_b, number="9", name="民政窗口")
    with pytest.raises(InvalidInput) as err:
        inspect(world, findings=[{"rule_code": rules.PROHIBITED, "staff_id": world.manager_b.staff.pk}])
    assert err.value.status == 422 and err.value.field == "findings"
    with pytest.raises(InvalidInput):
        inspect(world, findings=[{"rule_code": rules.PROHIBITED, "window_id": other.pk}])
    with pytest.raises(InvalidInput):
        inspect(world, findings=[{"rule_code": rules.PROHIBITED}])  # names nobody
    assert nothing_stored()


def test_a_finding_needs_a_rule_in_force(world):
    DeductionRule.objects.create(unit=world.county, code=rules.PROHIBITED, label="检查中发现禁止行为", points=2,
                                 active=False)
    for code in (rules.PROHIBITED, "no_such_rule", ""):
        with pytest.raises(InvalidInput):
            inspect(world, findings=[{"rule_code": code, "staff_id": world.clerk_a.staff.pk}])
    assert nothing_stored()


def test_a_site_out_of_scope_is_not_found(world):
    with pytest.raises(NotFound):
        inspect(world, user=world.manager_b, site=world.site_a)
    with pytest.raises(NotFound):
        inspect(world, user=world.clerk_a)
    assert nothing_stored()
    assert inspect(world, user=world.supervisor, site=world.site_b).site == world.site_b


# ---------------------------------------------------------------- photos

def test_photos_are_stored_with_the_inspection(world):
    found = inspect(world, photos=[png("a.png"), png("b.jpg")])
    assert found.photos.count() == 2


@pytest.mark.parametrize("upload", [
    lambda: SimpleUploadedFile("notes.txt", b"hello", "text/plain"),
    lambda: SimpleUploadedFile("fake.jpg", b"%PDF-1.4 not an image", "image/jpeg"),
    lambda: SimpleUploadedFile("report.pdf", b"%PDF-1.4", "application/pdf"),
    lambda: SimpleUploadedFile("huge.jpg", b"\xff" * (MAX_FILE_BYTES + 1), "image/jpeg"),
], ids=["text", "renamed", "pdf", "oversized"])
def test_a_photo_that_is_not_an_acceptable_image_refuses_the_whole_inspection(world, upload):
    with pytest.raises(InvalidInput) as err:
        inspect(world, photos=[png(), upload()],
                findings=[{"rule_code": rules.PROHIBITED, "staff_id": world.clerk_a.staff.pk}])
    assert err.value.zh and err.value.en and err.value.field == "photos"
    assert nothing_stored()


# ---------------------------------------------------------------- patrols

def test_two_patrols_a_day_on_a_working_day(world):
    assert inspections.patrol_compliance(world.site_a, NOW.date()) == (0, 2)
    inspections.log_patrol(world.manager_a, world.site_a, "上午巡查：各窗口到岗", [png()])
    assert inspections.patrol_compliance(world.site_a, NOW.date()) == (1, 2)
    patrol = inspections.log_patrol(world.manager_a, world.site_a, "下午巡查", findings=[
        {"rule_code": rules.PROHIBITED, "staff_id": world.clerk_a.staff.pk, "note": "串岗"}])
    assert patrol.kind == Kind.PATROL and patrol.score is None
    assert inspections.patrol_compliance(world.site_a, NOW.date()) == (2, 2)
    assert Deduction.objects.filter(finding__inspection=patrol, points=2).count() == 1
    assert inspections.patrol_compliance(world.site_b, NOW.date()) == (0, 2)  # per site


def test_no_patrol_is_required_on_a_rest_day_and_the_jurisdiction_sets_the_number(world):
    assert inspections.patrol_compliance(world.site_a, dt.date(2026, 11, 21)) == (0, 0)  # a Saturday
    AssessmentPolicy.objects.create(unit=world.county, patrols_per_day=3)
    assert inspections.patrol_compliance(world.site_a, NOW.date()) == (0, 3)


def test_a_patrol_needs_a_note_or_a_photo(world):
    with pytest.raises(InvalidInput):
        inspections.log_patrol(world.manager_a, world.site_a, "  ", [])
    assert nothing_stored()
    assert inspections.log_patrol(world.manager_a, world.site_a, "", [png()]).photos.count() == 1
