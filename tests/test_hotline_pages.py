"""Staff pages of the 12345 hotline: intake, the scoped list (with the department's row forms), the order page
with a form per allowed action, confidentiality on every page, persona scope, bad input that changes nothing,
the phrase library, the figures page and the navigation."""
import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bianmin.core.models import AuditLog, Clock
from bianmin.hotline.models import (
    Assignment,
    Attachment,
    ExtensionRequest,
    Phrase,
    ReturnVisit,
    WorkOrder,
    WorkOrderEvent,
)
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Role

from .hotline_helpers import act, intake
from .world import make_user

pytestmark = pytest.mark.django_db

NAME, PHONE = "欧阳秀英", "13588889999"
LEAKS = [NAME, PHONE, "135****9999", "欧**英"]


def call(**changes) -> dict:
    """The intake form as a browser posts it (hidden "0" before each checkbox)."""
    form = {"channel": "phone", "caller_name": "周晓梅", "caller_phone": "13911112222",
            "callback_consent": ["0", "1"], "confidential": "0", "category": "SHJZ", "type": "",
            "respondent_rank": "", "respondent": "", "place": "滨江社区", "text": "家中老人生病，想了解临时救助怎么申请。",
            "answered_at_intake": "0", "answer": ""}
    form.update(changes)
    return form


def take_call(client, expect=302, **changes):
    r = client.post("/workbench/hotline/new/", call(**changes))
    assert r.status_code == expect, r.content.decode()[:2000]
    return r


def order_of(response) -> WorkOrder:
    return WorkOrder.objects.get(pk=int(re.search(r"/workbench/hotline/(\d+)/", response["Location"]).group(1)))


def do(client, order, action, data=None, expect=302):
    r = client.post(f"/workbench/hotline/{order.pk}/{action}/", data or {})
    assert r.status_code == expect, r.content.decode()[:2000]
    return r


def page(client, order):
    return client.get(f"/workbench/hotline/{order.pk}/")


def forms_on(response) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', response.content.decode()))


def rows(response) -> str:
    """The list's table only (a flash message about the last order taken is elsewhere on the page)."""
    html = response.content.decode()
    return html[html.index('data-test="order-rows"'):html.index("</table>")]


def row_forms_on(response) -> set[str]:
    return set(re.findall(r'data-row-action="([a-z_]+)"', response.content.decode()))


def events(order) -> list[str]:
    return list(WorkOrderEvent.objects.filter(order=order).values_list("action", flat=True))


def snapshot():
    return (list(WorkOrder.objects.order_by("pk").values_list("status", "department_id", "respondent_rank")),
            WorkOrderEvent.objects.count(), Assignment.objects.count(), Clock.objects.count(),
            ExtensionRequest.objects.count(), ReturnVisit.objects.count(), Attachment.objects.count())


@pytest.fixture
def agent(hw, client_for):
    return client_for(hw.agent)


@pytest.fixture
def civil(hw, client_for):
    return client_for(hw.base.handler)


# ---------------------------------------------------------------- the loop through the pages

def test_a_call_is_taken_dispatched_replied_revisited_and_closed_through_the_pages(hw, agent, civil):
    form = agent.get("/workbench/hotline/new/")
    assert form.status_code == 200
    html = form.content.decode()
    assert "12345政务服务便民热线" in html  # the opening phrase beside the form
    assert 'data-test="other-scenarios"' in html and "来电无声" in html  # the other scenarios, folded
    assert "SHJZ · 社会救助" in html and 'data-efficiency="1"' in html

    order = order_of(take_call(agent))
    assert (order.status, order.caller_name, order.callback_consent, order.channel) == (
        "received", "周晓梅", True, "phone")
    detail = page(agent, order)
    assert forms_on(detail) == {"dispatch", "merge", "link"}
    assert "139****2222" in detail.content.decode() and "13911112222" not in detail.content.decode()

    do(agent, order, "dispatch", {"form": "dispatch", "department": hw.base.civil_affairs.pk, "note": "请核实"})
    order.refresh_from_db()
    assert order.status == "dispatched" and order.department == hw.base.civil_affairs

    # The department works from its own list: accept and reply there, and comes back to the list.
    listing = civil.get("/workbench/hotline/")
    assert order.number in listing.content.decode()
    assert row_forms_on(listing) >= {"accept", "reply", "return"}
    r = do(civil, order, "accept", {"form": "accept", "next": "list"})
    assert r["Location"] == "/workbench/hotline/"
    assert "request_extension" in row_forms_on(civil.get("/workbench/hotline/"))
    do(civil, order, "reply", {"form": "reply", "next": "list", "text": "已联系街道，本周内上门指导申请。"})
    order.refresh_from_db()
    assert order.status == "replied"

    assert forms_on(page(agent, order)) >= {"revisit"}
    assert "close" not in forms_on(page(agent, order))  # a return visit is owed first
    do(agent, order, "revisit", {"form": "revisit", "reached": "1", "resolved": "1", "satisfied": "1",
                                 "note": "已提交申请"})
    assert "close" in forms_on(page(agent, order))
    do(agent, order, "close", {"form": "close"})
    order.refresh_from_db()
    assert (order.status, order.closure) == ("closed", "resolved")
    assert events(order) == ["receive", "dispatch", "accept", "reply", "revisit", "close"]
    history = page(agent, order).content.decode()
    for label in ("登记受理", "派单", "签收", "答复", "回访", "办结"):
        assert label in history


def test_answered_on_the_spot_closes_at_intake(hw, agent):
    order = order_of(take_call(agent, answered_at_intake=["0", "1"], answer="向户籍所在地乡镇申请。"))
    assert (order.status, order.answered_at_intake, order.closure) == ("closed", True, "answered")
    assert events(order) == ["receive", "answer"]
    assert forms_on(page(agent, order)) == {"link"}


def test_intake_keeps_attachments_and_a_bad_one_stores_nothing(hw, agent):
    photo = SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff" + b"0" * 100, content_type="image/jpeg")
    order = order_of(take_call(agent, files=[photo]))
    assert [a.name for a in order.attachments.all()] == ["现场.jpg"]
    assert events(order) == ["receive", "attach"]
    before = snapshot()
    good = SimpleUploadedFile("ok.pdf", b"%PDF-1.4", content_type="application/pdf")
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    r = take_call(agent, expect=422, files=[good, bad])
    assert "文件类型不支持" in r.content.decode() and "Unsupported file type" in r.content.decode()
    assert snapshot() == before


def test_an_answered_call_keeps_its_attachment(hw, agent):
    memo = SimpleUploadedFile("政策.pdf", b"%PDF-1.4", content_type="application/pdf")
    order = order_of(take_call(agent, files=[memo], answered_at_intake=["0", "1"], answer="已解答。"))
    assert order.status == "closed" and events(order) == ["receive", "attach", "answer"]


@pytest.mark.parametrize("changes, field, message", [
    ({"text": ""}, "text", "请填写诉求内容"),
    ({"category": ""}, "category", "派单目录中没有该分类"),
    ({"category": "NOPE"}, "category", "派单目录中没有该分类"),
    ({"channel": "pigeon"}, "channel", "请选择来源渠道"),
    ({"caller_phone": "call-me"}, "caller_phone", "联系电话只能包含数字"),
    ({"caller_phone": "", "callback_consent": ["0", "1"]}, "caller_phone", "需要回访时须留联系电话"),
    ({"answered_at_intake": ["0", "1"], "answer": ""}, "answer", "请填写答复内容"),
    ({"category": "XNTS", "respondent_rank": ""}, "respondent_rank", "被投诉人职级"),
    ({"type": "whenever"}, "type", "工单类型"),
    ({"place": "路" * 201}, "place", "事发地点过长"),
])
def test_bad_intake_shows_the_form_again_with_both_languages_and_stores_nothing(hw, agent, changes, field,
                                                                                 message):
    before = snapshot()
    r = take_call(agent, expect=422, **changes)
    html = r.content.decode()
    assert message in html and 'lang="en"' in html
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', html), field
    assert "家中老人生病" in html or changes.get("text") == ""  # what the agent typed is still there
    assert snapshot() == before


def test_efficiency_complaint_routes_by_the_rank_chosen_at_intake(hw, agent):
    order = order_of(take_call(agent, category="XNTS", respondent_rank="leadership", respondent="某局副局长",
                               text="反映审批拖延两个月。"))
    detail = page(agent, order).content.decode()
    assert 'id="dispatch-rank"' in detail and 'id="dispatch-department"' not in detail
    do(agent, order, "dispatch", {"form": "dispatch", "respondent_rank": "leadership"})
    order.refresh_from_db()
    assert order.department == hw.supervision


# ---------------------------------------------------------------- confidentiality and scope

def test_a_confidential_caller_never_appears_on_the_departments_pages(hw, agent, civil):
    order = order_of(take_call(agent, caller_name=NAME, caller_phone=PHONE, confidential=["0", "1"],
                               text=f"反映噪声扰民，来电人{NAME}，电话{PHONE}，请勿透露身份。"))
    do(agent, order, "dispatch", {"form": "dispatch", "department": hw.base.civil_affairs.pk,
                                  "note": f"来电人{NAME}要求保密"})
    do(civil, order, "accept", {"form": "accept"})
    do(civil, order, "extend", {"form": "request_extension", "reason": "需夜间核查", "amount": "2"})
    do(agent, order, "extend", {"form": "decide_extension", "decision": "approve", "note": f"已告知{NAME}"})
    do(civil, order, "reply", {"form": "reply", "text": "已约谈施工方。"})
    pages = [civil.get("/workbench/hotline/"), page(civil, order),
             civil.get(f"/workbench/hotline/?department={hw.base.civil_affairs.pk}"),
             civil.get("/workbench/hotline/figures/")]
    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    text = "\n".join(p.content.decode() for p in pages)
    assert order.number in text and "噪声扰民" in text  # the matter itself stays readable
    for leak in LEAKS:
        assert leak not in text, leak
    assert 'data-test="caller-hidden"' in text and 'data-test="unmask"' not in text
    # Asking anyway reveals nothing and logs nothing.
    r = civil.post(f"/workbench/hotline/{order.pk}/unmask/", {"reason": "需要回访"})
    assert r.status_code == 403 and not AuditLog.objects.filter(action="unmask").exists()
    for leak in LEAKS:
        assert leak not in r.content.decode()
    # The hotline itself sees the caller, masked, and may unmask with a logged reason.
    agent_view = page(agent, order).content.decode()
    assert "135****9999" in agent_view and PHONE not in agent_view
    r = agent.post(f"/workbench/hotline/{order.pk}/unmask/", {"reason": "回访核实"})
    assert r.status_code == 200 and PHONE in r.content.decode()
    assert AuditLog.objects.get(action="unmask").actor == hw.agent


def test_unmask_needs_a_reason(hw, agent):
    order = order_of(take_call(agent))
    r = agent.post(f"/workbench/hotline/{order.pk}/unmask/", {"reason": ""})
    assert r.status_code == 422 and "13911112222" not in r.content.decode()
    assert not AuditLog.objects.exists()


def test_each_persona_sees_only_its_scope(hw, agent, civil, client_for):
    order = order_of(take_call(agent))
    do(agent, order, "dispatch", {"department": hw.base.civil_affairs.pk})
    for user in (hw.agent, hw.base.handler, hw.base.manager_a, hw.base.supervisor):
        c = client_for(user)
        assert order.number in c.get("/workbench/hotline/").content.decode(), user
        assert page(c, order).status_code == 200, user
    land = client_for(hw.handler2)
    assert order.number not in land.get("/workbench/hotline/").content.decode()
    assert page(land, order).status_code == 404
    do(land, order, "accept", expect=404)
    assert client_for(hw.base.outsider).get("/workbench/hotline/").status_code == 403
    assert client_for(hw.base.clerk_a).get("/workbench/hotline/").status_code == 403
    assert page(client_for(None), order).status_code == 302  # to the sign-in page
    # Watchers watch: the manager and the supervisor get no action forms.
    assert forms_on(page(client_for(hw.base.manager_a), order)) == set()
    assert forms_on(page(civil, order)) == {"accept", "reply", "return"}
    assert forms_on(page(agent, order)) == {"merge", "link"}


def test_an_order_of_another_region_is_out_of_reach(hw, client_for):
    other = Unit.objects.create(name="邻县民政局", level=Unit.Level.COUNTY, kind=Unit.Kind.DEPARTMENT,
                                parent=hw.base.other_county)
    other_agent = make_user("agent_other", Role.AGENT, unit=hw.base.other_county)
    from bianmin.hotline.models import DispatchCategory

    DispatchCategory.objects.create(code="LXJZ", name="邻县救助", department=other)
    order = order_of(take_call(client_for(other_agent), category="LXJZ"))
    assert page(client_for(hw.agent), order).status_code == 404
    assert order.number not in client_for(hw.agent).get("/workbench/hotline/").content.decode()


def test_a_department_that_returns_an_order_goes_back_to_its_list(hw, agent, civil):
    order = order_of(take_call(agent))
    do(agent, order, "dispatch", {"department": hw.base.civil_affairs.pk})
    r = do(civil, order, "return", {"form": "return", "reason": "属不动产登记职责"})
    assert r["Location"] == "/workbench/hotline/"
    order.refresh_from_db()
    assert order.status == "returned" and page(civil, order).status_code == 404
    detail = page(agent, order)
    assert "dispatch" in forms_on(detail) and "属不动产登记职责" in detail.content.decode()
    do(agent, order, "dispatch", {"form": "dispatch", "department": hw.land.pk})
    order.refresh_from_db()
    assert order.department == hw.land


# ---------------------------------------------------------------- bad input on every form

def _dispatched(hw, agent):
    order = order_of(take_call(agent))
    do(agent, order, "dispatch", {"department": hw.base.civil_affairs.pk})
    order.refresh_from_db()
    return order


def _accepted(hw, agent, civil):
    order = _dispatched(hw, agent)
    do(civil, order, "accept")
    return order


def _replied(hw, agent, civil):
    order = _accepted(hw, agent, civil)
    do(civil, order, "reply", {"text": "已办理"})
    return order


def _pending(hw, agent, civil):
    order = _accepted(hw, agent, civil)
    do(civil, order, "extend", {"reason": "需要现场核查", "amount": "2"})
    return order


@pytest.mark.parametrize("setup, who, action, data, status", [
    ("received", "agent", "dispatch", {"department": "999999"}, 422),
    ("received", "agent", "dispatch", {"department": "abc"}, 422),
    ("received", "agent", "explode", {}, 404),
    ("received", "agent", "merge", {"into": ""}, 422),
    ("received", "agent", "merge", {"into": "RX19990101000001"}, 404),
    ("received", "agent", "link", {"to": "self"}, 404),
    ("received", "agent", "close", {}, 409),
    ("dispatched", "civil", "return", {"reason": "  "}, 422),
    ("dispatched", "civil", "dispatch", {"department": "1"}, 403),
    ("dispatched", "agent", "reply", {"text": "坐席代答"}, 403),
    ("accepted", "civil", "reply", {"text": ""}, 422),
    ("accepted", "civil", "reply", {"text": "长" * 2001}, 422),
    ("accepted", "civil", "extend", {"reason": "", "amount": "2"}, 422),
    ("accepted", "civil", "extend", {"reason": "核查", "amount": "-3"}, 422),
    ("accepted", "civil", "extend", {"reason": "核查", "amount": "many"}, 422),
    ("accepted", "civil", "extend", {"reason": "核查", "until": "not-a-date"}, 422),
    ("accepted", "civil", "extend", {"reason": "核查"}, 422),
    ("accepted", "agent", "extend", {"decision": "approve"}, 409),
    ("pending", "agent", "extend", {"decision": "maybe"}, 422),
    ("pending", "agent", "extend", {"decision": "reject", "note": ""}, 422),
    ("pending", "civil", "extend", {"reason": "再延", "amount": "1"}, 409),
    ("replied", "agent", "revisit", {}, 422),
    ("replied", "agent", "revisit", {"reached": "perhaps"}, 422),
    ("replied", "agent", "revisit", {"reached": "1", "resolved": "1"}, 422),
    ("replied", "agent", "close", {}, 409),
    ("replied", "civil", "reply", {"text": "再答一次"}, 409),
])
def test_bad_input_on_every_form_is_4xx_and_changes_nothing(hw, agent, civil, setup, who, action, data, status):
    order = {"received": lambda: order_of(take_call(agent)), "dispatched": lambda: _dispatched(hw, agent),
             "accepted": lambda: _accepted(hw, agent, civil), "pending": lambda: _pending(hw, agent, civil),
             "replied": lambda: _replied(hw, agent, civil)}[setup]()
    client = {"agent": agent, "civil": civil}[who]
    before = snapshot()
    r = client.post(f"/workbench/hotline/{order.pk}/{action}/", data)
    assert r.status_code == status, r.content.decode()[:1500]
    html = r.content.decode()
    assert 'data-test="error"' in html and 'lang="en"' in html  # the page again, with both languages
    assert snapshot() == before


def test_an_action_url_is_post_only_and_unknown_orders_are_404(hw, agent):
    order = order_of(take_call(agent))
    assert agent.get(f"/workbench/hotline/{order.pk}/dispatch/").status_code == 405
    assert agent.post("/workbench/hotline/999999/dispatch/", {}).status_code == 404
    assert agent.get("/workbench/hotline/999999/").status_code == 404


def test_extension_is_requested_by_the_department_and_decided_by_the_dispatcher(hw, agent, civil):
    order = _accepted(hw, agent, civil)
    do(civil, order, "extend", {"form": "request_extension", "reason": "需调取档案", "amount": "3", "until": ""})
    assert "decide_extension" in forms_on(page(agent, order))
    assert "request_extension" not in forms_on(page(civil, order))
    due = Clock.objects.get(pk=order.clock_id).due_at
    do(agent, order, "extend", {"form": "decide_extension", "decision": "approve", "note": "同意"})
    assert Clock.objects.get(pk=order.clock_id).due_at > due
    assert ExtensionRequest.objects.get(order=order).status == "approved"


def test_merge_and_link_name_orders_by_their_number(hw, agent):
    master = order_of(take_call(agent))
    duplicate = order_of(take_call(agent, caller_name="罗明", caller_phone="13900000001"))
    repeat = order_of(take_call(agent))
    do(agent, repeat, "link", {"form": "link", "to": master.number})
    assert repeat.linked.filter(pk=master.pk).exists()
    do(agent, duplicate, "merge", {"form": "merge", "into": master.number.lower()})
    duplicate.refresh_from_db()
    assert duplicate.status == "merged" and duplicate.merged_into == master
    detail = page(agent, master).content.decode()
    assert duplicate.number in detail and repeat.number in detail
    assert "139****0001" in detail  # the master keeps every caller
    assert "另 1 人" in rows(agent.get("/workbench/hotline/"))


def test_attachments_are_uploaded_and_downloaded_within_scope(hw, agent, civil, client_for):
    order = _dispatched(hw, agent)
    r = civil.post(f"/workbench/hotline/{order.pk}/attach/",
                   {"file": SimpleUploadedFile("核查记录.pdf", b"%PDF-1.4 x", content_type="application/pdf")})
    assert r.status_code == 302
    attachment = order.attachments.get()
    r = civil.get(f"/workbench/hotline/{order.pk}/files/{attachment.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 x"
    assert f"attachment-{attachment.pk}.pdf" in r["Content-Disposition"]
    assert client_for(hw.handler2).get(f"/workbench/hotline/{order.pk}/files/{attachment.pk}/").status_code == 404
    r = civil.post(f"/workbench/hotline/{order.pk}/attach/", {})
    assert r.status_code == 422 and order.attachments.count() == 1


# ---------------------------------------------------------------- the list

def test_the_list_filters_and_marks_due_times(hw, agent, set_now):
    set_now(dt.datetime(2026, 11, 23, 9, 0))
    late = _dispatched(hw, agent)
    fresh = order_of(take_call(agent, text="另一件事"))
    set_now(dt.datetime(2026, 12, 3, 9, 0))  # 7 calendar days later: the first one is overdue
    listing = agent.get("/workbench/hotline/?due=overdue")
    assert late.number in rows(listing) and fresh.number not in rows(listing)
    assert re.search(rf'<tr data-order="{late.pk}" class="red"', rows(listing))
    assert 'data-test="bucket-overdue"><span>已超期</span><b>1</b>' in listing.content.decode()
    assert fresh.number in rows(agent.get("/workbench/hotline/?status=received"))
    assert late.number not in rows(agent.get("/workbench/hotline/?status=received"))
    assert late.number in rows(agent.get("/workbench/hotline/?category=SHJZ&type=ordinary"))
    assert late.number not in rows(agent.get("/workbench/hotline/?category=BDC"))
    assert late.number in rows(agent.get("/workbench/hotline/?date_from=2026-11-23&date_to=2026-11-23"))
    for bad in ("?status=nope", "?department=abc", "?date_from=2026-13-45", "?date_from=2026-12-01&date_to=2026-01-01",
                "?page=-1"):
        r = agent.get("/workbench/hotline/" + bad)
        assert r.status_code == 200, bad
    assert agent.get("/workbench/hotline/?category=%00").status_code == 400  # refused at the input boundary


# ---------------------------------------------------------------- phrases, figures, navigation

def test_agents_read_the_phrases_and_managers_edit_them(hw, agent, client_for):
    phrase = Phrase.objects.get(scenario="opening", step=1)
    r = agent.get("/workbench/hotline/phrases/")
    assert r.status_code == 200 and phrase.text in r.content.decode()
    assert 'data-test="save-phrase"' not in r.content.decode()
    assert agent.post(f"/workbench/hotline/phrases/{phrase.pk}/", {"text": "改"}).status_code == 403
    manager = client_for(hw.base.manager_a)
    assert 'data-test="save-phrase"' in manager.get("/workbench/hotline/phrases/").content.decode()
    r = manager.post(f"/workbench/hotline/phrases/{phrase.pk}/",
                     {"text": "您好，12345热线，请讲。", "title": "接通来电", "active": ["0", "1"]})
    assert r.status_code == 302
    phrase.refresh_from_db()
    assert (phrase.text, phrase.updated_by) == ("您好，12345热线，请讲。", hw.base.manager_a)
    assert "您好，12345热线，请讲。" in agent.get("/workbench/hotline/new/").content.decode()
    r = manager.post(f"/workbench/hotline/phrases/{phrase.pk}/", {"text": "", "active": "1"})
    assert r.status_code == 422 and "请填写标准用语" in r.content.decode()
    phrase.refresh_from_db()
    assert phrase.text == "您好，12345热线，请讲。"
    manager.post(f"/workbench/hotline/phrases/{phrase.pk}/", {"text": phrase.text, "active": "0"})
    phrase.refresh_from_db()
    assert phrase.active is False and phrase.text not in agent.get("/workbench/hotline/phrases/").content.decode()
    assert manager.post("/workbench/hotline/phrases/999999/", {"text": "x", "active": "1"}).status_code == 404
    assert client_for(hw.base.handler).get("/workbench/hotline/phrases/").status_code == 403


def test_figures_page_shows_each_rate_with_its_definition_by_department(hw, agent, civil, client_for):
    _replied(hw, agent, civil)
    take_call(agent, answered_at_intake=["0", "1"], answer="已解答")
    r = client_for(hw.base.manager_a).get("/workbench/hotline/figures/")
    html = r.content.decode()
    assert r.status_code == 200
    for label in ("响应率", "按时转派率", "解决率", "满意率", "一次办结率"):
        assert label in html
    assert "一次办结率：坐席当场答复办结的工单数" in html and "测试县民政局" in html
    assert "50.0%" in html  # one of two calls answered on the spot
    r = client_for(hw.base.manager_a).get(f"/workbench/hotline/figures/?department={hw.base.civil_affairs.pk}"
                                          "&date_from=2020-01-01&date_to=2099-12-31")
    assert r.status_code == 200 and html.count('data-test="fig-row"') >= 2
    assert client_for(hw.base.manager_a).get("/workbench/hotline/figures/?date_from=bad").status_code == 200
    assert client_for(hw.base.outsider).get("/workbench/hotline/figures/").status_code == 403
    land = client_for(hw.handler2).get("/workbench/hotline/figures/").content.decode()
    assert "测试县民政局" not in land  # a department sees its own figures only


def test_navigation_leads_the_hotline_people_to_it(hw, client_for):
    assert 'data-test="nav-hotline"' in client_for(hw.agent).get("/workbench/hotline/").content.decode()
    assert client_for(hw.agent).get("/workbench/")["Location"] == "/workbench/hotline/"
    home = client_for(hw.base.handler).get("/workbench/").content.decode()
    assert 'data-test="home-hotline"' in home and 'data-test="nav-hotline"' in home
    clerk = client_for(hw.base.clerk_a).get("/workbench/").content.decode()
    assert 'data-test="nav-hotline"' not in clerk and 'data-test="home-hotline"' not in clerk


def test_the_public_intake_account_cannot_sign_in(hw, client_for):
    from bianmin.hotline import services

    user = services.public_intake_account()
    assert not user.is_active and not user.has_usable_password()
    assert services.public_intake_account() == user


def test_the_api_intake_and_the_page_share_one_rule(hw, api_for, agent, civil):
    """The API's order shows up on the pages and moves there (one service behind both)."""
    api = api_for(hw.agent)
    order = intake(api)
    assert order["number"] in agent.get("/workbench/hotline/").content.decode()
    act(api, order["id"], "dispatch")
    assert "accept" in forms_on(page(civil, WorkOrder.objects.get(pk=order["id"])))
