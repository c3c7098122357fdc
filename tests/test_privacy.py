"""Phone and ID numbers are masked by default; unmasking is a permission and is logged."""
import logging

import pytest

from bianmin.core.masking import MaskPersonalDataFilter, mask_id_number, mask_phone, mask_text
from bianmin.core.models import AuditLog

from .case_helpers import post, register


def test_mask_functions():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("110105199001011234") == "110105********1234"
    assert mask_text("电话13812345678，身份证11010519900101123X") == "电话138****5678，身份证110105********123X"
    assert mask_phone("") == ""


def test_log_records_are_masked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "caller %s called", ("13812345678",), None)
    MaskPersonalDataFilter().filter(record)
    assert "13812345678" not in record.getMessage() and "138****5678" in record.getMessage()


@pytest.mark.django_db
def test_case_api_masks_phone_and_id(world, api_for):
    clerk = api_for(world.clerk_a)
    case = register(clerk, world.item_committed, phone="13812345678", applicant={"id_number": "110105199001011234"})
    body = clerk.get(f"/api/v1/cases/{case['id']}").json()
    assert body["applicant_phone"] == "138****5678"
    assert body["applicant_id_number"] == "110105********1234"
    assert "13812345678" not in clerk.get(f"/api/v1/cases/{case['id']}").content.decode()


@pytest.mark.django_db
def test_case_page_masks_phone(world, api_for, client_for):
    case = register(api_for(world.clerk_a), world.item_committed, phone="13812345678")
    html = client_for(world.clerk_a).get(f"/workbench/cases/{case['id']}/").content.decode()
    assert "138****5678" in html and "13812345678" not in html


@pytest.mark.django_db
def test_unmask_is_logged_with_reason_and_needs_permission(world, api_for):
    case = register(api_for(world.clerk_a), world.item_committed, phone="13812345678")
    url = f"/api/v1/cases/{case['id']}/unmask"
    assert post(api_for(world.clerk_a), url, {"reason": "回访"}).status_code == 403
    assert post(api_for(world.manager_a), url, {"reason": ""}).status_code == 422
    assert AuditLog.objects.count() == 0
    r = post(api_for(world.manager_a), url, {"reason": "回访核实办理结果"})
    assert r.status_code == 200 and r.json()["applicant_phone"] == "13812345678"
    log = AuditLog.objects.get()
    assert log.actor == world.manager_a and log.action == "unmask" and log.reason == "回访核实办理结果"


@pytest.mark.django_db
def test_unmask_on_the_page_is_logged(world, api_for, client_for):
    case = register(api_for(world.clerk_a), world.item_committed, phone="13812345678")
    r = client_for(world.manager_a).post(f"/workbench/cases/{case['id']}/unmask/", {"reason": "电话回访"})
    assert "13812345678" in r.content.decode()
    assert AuditLog.objects.filter(action="unmask", actor=world.manager_a).count() == 1


def test_only_18_and_15_character_id_numbers_are_masked_not_case_or_ticket_numbers():
    assert mask_text("工单ZG2026120200001，办件BJ2026120200016") == "工单ZG2026120200001，办件BJ2026120200016"
    assert mask_text("旧证110105900101123") == "旧证110105*****1123"
    assert mask_text("16位1101051990010112") == "16位1101051990010112"
