"""The standard phrase library: seeded from S004 and adapted, shown per step, kept by managers."""
import pytest

from bianmin.hotline.models import Phrase, Scenario
from bianmin.hotline.phrases import INTAKE_STEPS, phrase_for

pytestmark = pytest.mark.django_db


def test_every_scenario_is_seeded_for_a_government_hotline():
    for scenario in Scenario.values:
        assert phrase_for(scenario), scenario
    assert phrase_for("opening")[0].startswith("您好，12345政务服务便民热线")
    assert phrase_for("silent_call") == [  # the three steps of the source's silent-call script, in order
        "您好，12345政务服务便民热线，您的电话已接通，请问有什么可以帮您？",
        "您好，您的电话已接通，请问您能听见我的声音吗？",
        "对不起，您的电话无声，请您换一部电话再拨，谢谢您的来电，再见！"]
    assert any("评价" in p for p in phrase_for("closing"))  # closing with a rating request
    assert any("保密" in p for p in phrase_for("identity_check"))
    assert any("职务" in p for p in phrase_for("complaint"))  # efficiency complaints are routed by rank
    every = " ".join(Phrase.objects.values_list("text", flat=True))
    for commercial in ("95160", "酒店", "订餐", "公司"):  # the source's commercial wording is gone
        assert commercial not in every, commercial
    assert all(phrase_for(step) for step in INTAKE_STEPS)
    assert phrase_for("no-such-step") == []


def test_a_switched_off_phrase_is_not_shown():
    first = Phrase.objects.get(scenario="closing", step=1)
    first.active = False
    first.save()
    assert first.text not in phrase_for("closing")


def test_managers_edit_phrases_agents_read_them(hw, api_for):
    phrase = Phrase.objects.get(scenario="opening", step=1)
    url = f"/api/v1/phrases/{phrase.pk}"
    new = "您好，澄溪12345热线，请问有什么可以帮您？"
    r = api_for(hw.agent).patch(url, data={"text": new}, content_type="application/json")
    assert r.status_code == 403 and r.json()["message_en"]
    r = api_for(hw.base.handler).patch(url, data={"text": new}, content_type="application/json")
    assert r.status_code == 403
    r = api_for(hw.base.manager_a).patch(url, data={"text": new}, content_type="application/json")
    assert r.status_code == 200 and r.json()["text"] == new
    phrase.refresh_from_db()
    assert phrase.updated_by == hw.base.manager_a and phrase_for("opening")[0] == new
    r = api_for(hw.base.manager_a).patch(url, data={"text": ""}, content_type="application/json")
    assert r.status_code == 422
    listed = api_for(hw.agent).get("/api/v1/phrases?scenario=opening").json()
    assert listed[0]["text"] == new and listed[0]["scenario_label"] == "开头语"
    assert api_for(hw.base.handler).get("/api/v1/phrases").status_code == 403
    assert api_for(hw.agent).get("/api/v1/phrases?scenario=nonsense").status_code == 422


def test_admin_lets_managers_with_a_staff_account_edit_phrases(hw, client_for):
    manager = hw.base.manager_a
    manager.is_staff = True
    manager.save()
    client = client_for(manager)
    phrase = Phrase.objects.get(scenario="opening", step=1)
    assert client.get("/admin/hotline/phrase/").status_code == 200
    assert client.get(f"/admin/hotline/phrase/{phrase.pk}/change/").status_code == 200
    assert client.get("/admin/hotline/workorder/").status_code == 403  # orders are not theirs to browse here
    clerk = hw.base.clerk_a
    clerk.is_staff = True
    clerk.save()
    assert client_for(clerk).get("/admin/hotline/phrase/").status_code == 403
