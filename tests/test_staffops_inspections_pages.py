"""Inspection and patrol pages (/workbench/inspections/…): a manager records an inspection of their site with the
checklist, findings and photos, and logs a patrol from a phone ("今日巡查 1/2"); a supervisor sees the subtree;
another site's manager meets 404s; clerks and outsiders are refused; a refused form is a bilingual 4xx with
nothing stored."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bianmin.staffops import inspections, rules
from bianmin.staffops.models import Deduction, Inspection, InspectionFinding, InspectionPhoto

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 19, 10, 0)  # a Thursday
LIST, NEW, PATROL = "/workbench/inspections/", "/workbench/inspections/new/", "/workbench/inspections/patrol/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path, set_now):
    settings.MEDIA_ROOT = tmp_path
    set_now(NOW)


def png(name="hall.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), "image/png")


def form(world, **extra):
    data = {"site": world.site_a.pk, "kind": "undercover", "at": "2026-11-19T09:30", "note": "暗访一次",
            "check_badge_worn": "pass", "check_dress": "pass", "check_no_unrelated": "fail",
            "note_no_unrelated": "1号窗口人员看手机视频", "check_attitude": "pass", "check_hall_clean": "",
            "finding_rule": [rules.PROHIBITED, ""], "finding_staff": [world.clerk_a.staff.pk, ""],
            "finding_window": ["", ""], "finding_note": ["看手机视频", ""]}
    data.update(extra)
    return data


def test_a_manager_records_an_inspection_with_checklist_findings_and_photos(world, client_for):
    client = client_for(world.manager_a)
    page = client.get(NEW)
    assert page.status_code == 200
    assert 'name="check_badge_worn"' in page.content.decode() and "finding_rule" in page.content.decode()
    response = client.post(NEW, {**form(world), "photos": [png("a.png"), png("b.png")]})
    assert response.status_code == 302
    found = Inspection.objects.get()
    assert (found.kind, str(found.score), found.site) == ("undercover", "75.0", world.site_a)  # 3 of 4 checked
    assert found.photos.count() == 2
    assert Deduction.objects.get(finding__inspection=found).points == 2
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "75.0" in body and "看手机视频" in body
    photo = found.photos.first()
    assert client.get(f"/workbench/inspections/photos/{photo.pk}/").status_code == 200


def test_the_list_shows_the_patrols_done_today(world, client_for):
    client = client_for(world.manager_a)
    response = client.post(PATROL, {"site": world.site_a.pk, "note": "上午巡查", "photos": png()})
    assert response.status_code == 302
    page = client.get(LIST + f"?site={world.site_a.pk}")
    assert page.status_code == 200
    assert "今日巡查 1/2" in page.content.decode()
    assert "今日巡查 1/2" in client.get(PATROL).content.decode()


def test_the_patrol_page_is_one_phone_screen_with_the_camera(world, client_for):
    body = client_for(world.manager_a).get(PATROL).content.decode()
    assert 'accept="image/*" capture="environment"' in body
    assert 'name="note"' in body and 'name="finding_rule"' in body


def test_a_patrol_with_a_finding_from_the_phone(world, client_for):
    response = client_for(world.manager_a).post(PATROL, {
        "site": world.site_a.pk, "note": "巡查发现串岗", "finding_rule": rules.PROHIBITED,
        "finding_staff": world.clerk_a.staff.pk, "finding_window": "", "finding_note": "串岗聊天"})
    assert response.status_code == 302
    assert Deduction.objects.get(finding__inspection__kind="patrol").staff == world.clerk_a.staff


def test_filters_by_site_kind_and_month(world, client_for):
    inspections.record_inspection(world.manager_a, world.site_a, "open", None, {"badge_worn": (True, "")}, [], "")
    inspections.log_patrol(world.supervisor, world.site_b, "镇中心巡查")
    client = client_for(world.supervisor)
    assert client.get(LIST).content.decode().count("data-inspection=") == 2
    assert client.get(LIST + "?kind=patrol").content.decode().count("data-inspection=") == 1
    assert client.get(LIST + f"?site={world.site_a.pk}").content.decode().count("data-inspection=") == 1
    assert client.get(LIST + "?month=2026-10").content.decode().count("data-inspection=") == 0
    assert client.get(LIST + "?month=2026-11").content.decode().count("data-inspection=") == 2


def test_visibility_by_persona(world, client_for):
    found = inspections.record_inspection(world.manager_a, world.site_a, "open", None, {"badge_worn": (True, "")},
                                          [], "")
    detail = f"/workbench/inspections/{found.pk}/"
    assert client_for(world.manager_a).get(detail).status_code == 200
    assert client_for(world.supervisor).get(detail).status_code == 200
    assert client_for(world.manager_b).get(detail).status_code == 404
    assert client_for(world.manager_b).get(LIST + f"?site={world.site_a.pk}").status_code == 404
    assert client_for(world.manager_b).get(NEW + f"?site={world.site_a.pk}").status_code == 404
    assert client_for(world.manager_b).get(LIST).content.decode().count("data-inspection=") == 0
    for user in (world.clerk_a, world.outsider):
        for url in (LIST, NEW, PATROL, detail):
            assert client_for(user).get(url).status_code == 403
    assert client_for(None).get(LIST).status_code == 302


def test_another_sites_manager_cannot_post_to_a_site_or_withdraw_its_findings(world, client_for):
    found = inspections.record_inspection(world.manager_a, world.site_a, "open", None, {"badge_worn": (False, "")},
                                          [{"rule_code": rules.PROHIBITED, "staff_id": world.clerk_a.staff.pk}], "")
    finding = found.findings.get()
    client = client_for(world.manager_b)
    assert client.post(NEW, form(world)).status_code == 404
    assert client.post(f"/workbench/inspections/findings/{finding.pk}/withdraw/", {"reason": "x"}).status_code == 404
    assert Inspection.objects.count() == 1 and not InspectionFinding.objects.filter(withdrawn=True).exists()
    ok = client_for(world.manager_a).post(f"/workbench/inspections/findings/{finding.pk}/withdraw/",
                                          {"reason": "误记"})
    assert ok.status_code == 302
    assert Deduction.objects.get(finding=finding).reversed


@pytest.mark.parametrize(("extra", "files"), [
    ({"finding_staff": ["", ""], "finding_window": ["", ""]}, {}),  # a finding naming nobody
    ({"finding_rule": ["no_such_rule", ""]}, {}),
    ({"check_no_such_item": "pass"}, {}),
    ({"check_badge_worn": "maybe"}, {}),
    ({"kind": "nonsense"}, {}),
    ({}, {"photos": SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")}),
    ({}, {"photos": SimpleUploadedFile("fake.png", b"not an image", "image/png")}),
], ids=["nobody", "rule", "item", "answer", "kind", "exe", "fake-image"])
def test_bad_input_is_a_bilingual_422_and_nothing_is_stored(world, client_for, extra, files):
    response = client_for(world.manager_a).post(NEW, {**form(world, **extra), **files})
    assert response.status_code == 422
    body = response.content.decode()
    assert any(w in body for w in ("请", "无效", "未知", "不", "须")) and any(c.isascii() and c.isalpha() for c in body)
    assert not Inspection.objects.exists() and not InspectionPhoto.objects.exists()
    assert not Deduction.objects.exists()


def test_a_finding_naming_another_sites_staff_is_refused_on_the_page(world, client_for):
    response = client_for(world.supervisor).post(NEW, form(world, finding_staff=[world.manager_b.staff.pk, ""]))
    assert response.status_code == 422
    assert "That staff member does not work at this site" in response.content.decode()
    assert not Inspection.objects.exists()


def test_the_withdraw_form_needs_a_reason(world, client_for):
    found = inspections.record_inspection(world.manager_a, world.site_a, "open", None, {"badge_worn": (False, "")},
                                          [{"rule_code": rules.PROHIBITED, "staff_id": world.clerk_a.staff.pk}], "")
    finding = found.findings.get()
    response = client_for(world.manager_a).post(f"/workbench/inspections/findings/{finding.pk}/withdraw/",
                                                {"reason": ""})
    assert response.status_code == 422
    finding.refresh_from_db()
    assert not finding.withdrawn and not Deduction.objects.get(finding=finding).reversed


def test_photos_are_not_served_to_other_sites(world, client_for):
    found = inspections.log_patrol(world.manager_a, world.site_a, "", [png()])
    url = f"/workbench/inspections/photos/{found.photos.get().pk}/"
    assert client_for(world.supervisor).get(url).status_code == 200
    assert client_for(world.manager_b).get(url).status_code == 404
    assert client_for(world.clerk_a).get(url).status_code == 403


def test_a_refused_form_comes_back_with_the_answers_entered(world, client_for):
    response = client_for(world.manager_a).post(NEW, form(world, finding_rule=["no_such_rule", ""]))
    assert response.status_code == 422
    body = response.content.decode()
    assert 'name="check_no_unrelated" value="fail" checked' in body
    assert 'value="1号窗口人员看手机视频"' in body
