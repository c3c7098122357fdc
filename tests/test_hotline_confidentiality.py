"""A caller who asks for confidentiality never reaches the department (GB/T 33358); others are masked."""
import pytest

from bianmin.core.models import AuditLog

from .hotline_helpers import act, get, intake, post

pytestmark = pytest.mark.django_db

NAME, PHONE = "欧阳秀英", "13588889999"
# Every form in which the caller could leak: full, masked, and as the agent wrote them into free text.
LEAKS = [NAME, PHONE, "135****9999", "欧**英"]


@pytest.fixture
def secret(hw, api_for):
    """A confidential order, taken, dispatched, accepted, noted and replied to: every field that could carry
    the caller has been filled, some by the agent who knows the caller."""
    agent, civil = api_for(hw.agent), api_for(hw.base.handler)
    order = intake(agent, caller={"name": NAME, "phone": PHONE, "confidential": True},
                   text=f"反映小区噪声扰民，来电人{NAME}，电话{PHONE}，请勿透露身份。", place="幸福小区3栋")
    act(agent, order["id"], "dispatch", {"note": f"来电人{NAME}要求保密"})
    act(civil, order["id"], "accept")
    act(civil, order["id"], "extend", {"reason": "需夜间核查", "amount": 2})
    act(agent, order["id"], "extend", {"decision": "approve", "note": f"已告知{NAME}"})
    act(civil, order["id"], "reply", {"text": "已约谈施工方，夜间停止施工。"})
    act(agent, order["id"], "revisit", {"reached": True, "resolved": False, "satisfied": False,
                                        "note": f"{NAME}（{PHONE}）称夜里仍有噪声"})
    return order


def everything_the_handler_can_read(hw, api_for, order_id) -> str:
    civil = api_for(hw.base.handler)
    responses = [civil.get(f"/api/v1/workorders/{order_id}"), civil.get("/api/v1/workorders"),
                 civil.get(f"/api/v1/workorders?department={hw.base.civil_affairs.pk}")]
    assert [r.status_code for r in responses] == [200, 200, 200]
    return "\n".join(r.content.decode() for r in responses)


def test_handler_never_sees_a_confidential_caller_in_any_form(hw, api_for, secret):
    text = everything_the_handler_can_read(hw, api_for, secret["id"])
    assert secret["number"] in text  # the handler does see the order
    for leak in LEAKS:
        assert leak not in text, leak
    detail = get(api_for(hw.base.handler), secret["id"])
    assert detail["callers"] == [{"name": None, "phone": None, "confidential": True, "hidden": True,
                                  "callback_consent": True}]
    assert detail["confidential"] is True and "［保密］" in detail["text"]
    assert "幸福小区3栋" in detail["place"] and "噪声扰民" in detail["text"]  # the matter itself stays readable
    assert detail["repeat_suggestions"] == []


def test_handler_cannot_unmask_a_confidential_caller(hw, api_for, secret):
    r = post(api_for(hw.base.handler), f"/api/v1/workorders/{secret['id']}/unmask", {"reason": "需要回访"})
    for leak in LEAKS:
        assert leak not in r.content.decode()
    assert r.status_code == 403 and not AuditLog.objects.filter(action="unmask").exists()


def test_agent_sees_the_caller_masked_and_unmasking_is_logged(hw, api_for, secret):
    agent = api_for(hw.agent)
    detail = get(agent, secret["id"])
    assert detail["callers"][0] == {"name": "欧**英", "phone": "135****9999", "confidential": True,
                                    "hidden": False, "callback_consent": True}
    assert PHONE not in agent.get(f"/api/v1/workorders/{secret['id']}").content.decode()
    r = post(agent, f"/api/v1/workorders/{secret['id']}/unmask", {"reason": "回访核实"})
    assert r.status_code == 200 and r.json()["callers"][0]["phone"] == PHONE
    log = AuditLog.objects.get(action="unmask")
    assert (log.actor, log.object_type, log.object_id, log.reason) == (
        hw.agent, "hotline.WorkOrder", str(secret["id"]), "回访核实")
    r = post(agent, f"/api/v1/workorders/{secret['id']}/unmask", {"reason": ""})
    assert r.status_code == 422 and AuditLog.objects.count() == 1


def test_a_non_confidential_caller_is_masked_for_the_department_and_may_be_unmasked_for_a_call_back(
        hw, api_for):
    agent, civil = api_for(hw.agent), api_for(hw.base.handler)
    order = act(agent, intake(agent, caller={"name": NAME, "phone": PHONE})["id"], "dispatch")
    text = civil.get(f"/api/v1/workorders/{order['id']}").content.decode()
    assert "135****9999" in text and PHONE not in text and NAME not in text
    r = post(civil, f"/api/v1/workorders/{order['id']}/unmask", {"reason": "电话联系来电人"})
    assert r.json()["callers"][0]["phone"] == PHONE and AuditLog.objects.filter(actor=hw.base.handler).exists()


def test_a_merged_confidential_caller_stays_hidden_on_a_normal_master(hw, api_for):
    agent, civil = api_for(hw.agent), api_for(hw.base.handler)
    master = act(agent, intake(agent)["id"], "dispatch")
    dup = intake(agent, caller={"name": NAME, "phone": PHONE, "confidential": True}, text=f"{NAME}反映同一问题")
    act(agent, dup["id"], "merge", {"into": master["id"]})
    detail = get(civil, master["id"])
    assert [c["hidden"] for c in detail["callers"]] == [False, True]
    text = civil.get(f"/api/v1/workorders/{master['id']}").content.decode()
    for leak in LEAKS:
        assert leak not in text, leak
    assert detail["confidential"] is True
