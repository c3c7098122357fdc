"""综合点评: the public leaves comments on the portal, staff key in what came by hotline or mailbox;
every bad input is a bilingual 4xx that stores nothing; reading is scoped and phones are masked."""
import datetime as dt
import json

import pytest
from django.core.cache import cache

from bianmin.core.errors import PermissionDenied
from bianmin.core.models import AuditLog
from bianmin.orgs.roles import Role
from bianmin.ratings import comments
from bianmin.ratings.models import Comment

from .world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()  # the public throttle counts per address in the cache
    yield
    cache.clear()


def post_comment(client, body, **headers):
    return client.post("/api/v1/comments", data=json.dumps(body), content_type="application/json", **headers)


def assert_bilingual_error(response, status, code=None):
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert body["message"] and body["message_en"] and body["message"] != body["message_en"]
    if code:
        assert body["code"] == code


# ---------------------------------------------------------------- public API

def test_public_comment_is_stored_as_portal_without_a_staff_author(world, client_for):
    r = post_comment(client_for(), {"channel": "portal", "text": "  大厅座位太少，老人等候很辛苦。 "})
    assert r.status_code == 201, r.content
    c = Comment.objects.get(pk=r.json()["id"])
    assert (c.source, c.text, c.entered_by, c.unit_path, c.is_complaint) == (
        "portal", "大厅座位太少，老人等候很辛苦。", None, "", False)


def test_channel_defaults_to_portal(world, client_for):
    r = post_comment(client_for(), {"text": "希望延长周末办公时间"})
    assert r.status_code == 201 and Comment.objects.get().source == "portal"


def test_target_unit_or_item_sets_the_unit_path(world, client_for):
    r1 = post_comment(client_for(), {"text": "镇中心服务很好", "target": {"unit_id": world.township.pk}})
    r2 = post_comment(client_for(), {"text": "低保材料太多", "target": {"item_code": world.item_committed.code},
                                     "is_complaint": True, "level": "dissatisfied",
                                     "contact_name": "刘德华", "contact_phone": "13812345678"})
    assert r1.status_code == r2.status_code == 201
    assert Comment.objects.get(pk=r1.json()["id"]).unit_path == world.township.path
    c2 = Comment.objects.get(pk=r2.json()["id"])
    assert c2.target_item == world.item_committed and c2.unit_path == world.civil_affairs.path
    assert (c2.is_complaint, c2.level, c2.contact_phone) == (True, "dissatisfied", "13812345678")


def test_created_at_comes_from_the_services_clock(world, client_for, set_now):
    moment = set_now(dt.datetime(2025, 3, 4, 10, 30))
    post_comment(client_for(), {"text": "测试时间"})
    assert Comment.objects.get().created_at == moment


def test_public_may_not_claim_a_staff_channel(world, client_for):
    for channel in ("hotline", "mailbox", "email", "supervision", "media"):
        r = post_comment(client_for(), {"channel": channel, "text": "冒充热线"})
        assert_bilingual_error(r, 403, "staff_only_source")
    assert not Comment.objects.exists()


def test_a_signed_in_session_does_not_count_as_staff_on_the_public_endpoint(world, client_for):
    r = post_comment(client_for(world.supervisor), {"channel": "hotline", "text": "会话不能冒充"})
    assert r.status_code == 403 and not Comment.objects.exists()


def test_staff_with_a_bearer_token_may_use_any_channel(world, api_for):
    r = post_comment(api_for(world.supervisor), {"channel": "hotline", "text": "来电反映窗口人员态度好",
                                                 "target": {"unit_id": world.county.pk}})
    assert r.status_code == 201, r.content
    c = Comment.objects.get()
    assert (c.source, c.entered_by, c.unit_path) == ("hotline", world.supervisor, world.county.path)


def test_staff_may_not_enter_a_comment_about_a_unit_outside_their_scope(world, api_for):
    r = post_comment(api_for(world.supervisor), {"channel": "hotline", "text": "邻县的事",
                                                 "target": {"unit_id": world.other_county.pk}})
    assert_bilingual_error(r, 403)
    assert not Comment.objects.exists()


def test_a_token_without_enter_comment_is_treated_as_the_public(world, api_for):
    client = api_for(world.clerk_a)
    assert post_comment(client, {"channel": "hotline", "text": "x"}).status_code == 403
    r = post_comment(client, {"channel": "portal", "text": "窗口人员帮我填表"})
    assert r.status_code == 201 and Comment.objects.get().entered_by is None


def test_an_invalid_bearer_token_is_401(world, client_for):
    r = post_comment(client_for(), {"text": "x"}, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert_bilingual_error(r, 401)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body, field", [
    ({"text": ""}, "text"),
    ({"text": "   "}, "text"),
    ({"text": "长" * 2001}, "text"),
    ({"text": "含有\x00字符"}, "text"),
    ({"text": "ok", "channel": "fax"}, "source"),
    ({"text": "ok", "contact_phone": "12345"}, "contact_phone"),
    ({"text": "ok", "contact_phone": "1381234567a"}, "contact_phone"),
    ({"text": "ok", "contact_phone": "23812345678"}, "contact_phone"),
    ({"text": "ok", "contact_name": "名" * 101}, "contact_name"),
    ({"text": "ok", "level": "great"}, "level"),
    ({"text": "ok", "target": {"unit_id": 999999}}, "target.unit_id"),
    ({"text": "ok", "target": {"item_code": "NO-SUCH-ITEM"}}, "target.item_code"),
])
def test_bad_input_is_a_bilingual_422_and_stores_nothing(world, client_for, body, field):
    r = post_comment(client_for(), body)
    assert_bilingual_error(r, 422)
    assert r.json().get("field") == field
    assert not Comment.objects.exists()


@pytest.mark.parametrize("body", [
    {}, {"text": 123}, {"text": "ok", "target": {"unit_id": "abc"}}, {"text": "ok", "is_complaint": "maybe"},
    {"text": "ok", "target": "county"},
])
def test_malformed_bodies_are_422_not_500(world, client_for, body):
    assert_bilingual_error(post_comment(client_for(), body), 422)
    assert not Comment.objects.exists()


def test_unparseable_json_is_400(world, client_for):
    r = client_for().post("/api/v1/comments", data="{not json", content_type="application/json")
    assert_bilingual_error(r, 400)


def test_public_cannot_target_a_secret_item(world, client_for, api_for):
    world.item_committed.secret = True
    world.item_committed.save()
    r = post_comment(client_for(), {"text": "ok", "target": {"item_code": world.item_committed.code}})
    assert_bilingual_error(r, 422)
    r = post_comment(api_for(world.supervisor), {"channel": "mailbox", "text": "ok",
                                                 "target": {"item_code": world.item_committed.code}})
    assert r.status_code == 201


@pytest.mark.parametrize("phone, stored", [
    ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("+8613812345678", "13812345678"),
    ("0571-87654321", "0571-87654321"), ("057187654321", "057187654321"), ("87654321", "87654321"),
    ("010-12345678-123", "010-12345678-123"), ("", ""),
])
def test_accepted_phone_formats(world, client_for, phone, stored):
    r = post_comment(client_for(), {"text": "ok", "contact_phone": phone})
    assert r.status_code == 201, r.content
    assert Comment.objects.get().contact_phone == stored


def test_public_comments_are_throttled_per_address(world, client_for, settings):
    settings.BIANMIN = {**settings.BIANMIN, "PUBLIC_RATE_PER_MINUTE": 3}
    client = client_for()
    codes = [post_comment(client, {"text": f"第{i}条"}).status_code for i in range(3)]
    assert codes == [201, 201, 201]
    r = post_comment(client, {"text": "第四条"})
    assert_bilingual_error(r, 429, "rate_limited")
    assert Comment.objects.count() == 3
    # Another address is not affected.
    assert post_comment(client, {"text": "别处"}, REMOTE_ADDR="10.0.0.9").status_code == 201


def test_receivers_of_comment_stored_see_each_new_comment_and_a_failing_one_is_only_logged(world, client_for, caplog):
    from bianmin.ratings import events

    seen = []

    def see(sender, comment, **kwargs):
        seen.append(comment.pk)

    def fail(sender, comment, **kwargs):
        raise ZeroDivisionError

    events.comment_stored.connect(see)
    events.comment_stored.connect(fail)
    try:
        r = post_comment(client_for(), {"text": "投诉", "is_complaint": True})
    finally:
        events.comment_stored.disconnect(see)
        events.comment_stored.disconnect(fail)
    assert r.status_code == 201 and seen == [r.json()["id"]]
    assert "ZeroDivisionError" in caplog.text


def test_service_refuses_staff_sources_without_an_actor(world):
    with pytest.raises(PermissionDenied):
        comments.add_comment(None, source="hotline", text="x")


# ---------------------------------------------------------------- reading, scoped

@pytest.fixture
def spread(world):
    """One comment about each of: the county, the township, the civil-affairs item, the other county, nothing."""
    def add(text, **kw):
        return comments.add_comment(None, source="portal", text=text, contact_name="刘德华",
                                    contact_phone="13812345678", **kw)
    return {
        "county": add("县中心", target_unit=world.county, is_complaint=True),
        "township": add("镇中心", target_unit=world.township),
        "item": add("低保事项", target_item=world.item_committed),
        "other": add("邻县", target_unit=world.other_county),
        "general": add("平台整体"),
    }


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_supervisor_sees_the_county_subtree_and_general_comments(world, api_for, spread):
    assert ids(api_for(world.supervisor).get("/api/v1/comments")) == {
        spread["county"].pk, spread["township"].pk, spread["item"].pk, spread["general"].pk}


def test_centre_managers_see_their_own_unit_and_the_items_of_their_windows(world, api_for, spread):
    assert ids(api_for(world.manager_a).get("/api/v1/comments")) == {spread["county"].pk, spread["item"].pk}
    assert ids(api_for(world.manager_b).get("/api/v1/comments")) == {spread["township"].pk}


def test_other_county_supervisor_sees_its_own_and_general_comments(world, api_for, spread):
    neighbour = make_user("neighbour", Role.SUPERVISOR, unit=world.other_county)
    assert ids(api_for(neighbour).get("/api/v1/comments")) == {spread["other"].pk, spread["general"].pk}


def test_clerk_and_anonymous_cannot_list_comments(world, api_for, client_for, spread):
    assert_bilingual_error(api_for(world.clerk_a).get("/api/v1/comments"), 403)
    assert_bilingual_error(client_for().get("/api/v1/comments"), 401)


def test_listed_contact_is_masked(world, api_for, spread):
    rows = api_for(world.supervisor).get("/api/v1/comments").json()["items"]
    assert {r["contact_phone"] for r in rows} == {"138****5678"} and all(r["contact_name"] == "刘*华" for r in rows)
    assert "13812345678" not in json.dumps(rows, ensure_ascii=False)


def test_list_filters_by_date_and_complaint(world, api_for, set_now):
    set_now(dt.datetime(2025, 5, 1, 23, 30))  # late evening, local time: still 1 May
    early = comments.add_comment(None, source="portal", text="五一", target_unit=world.county)
    set_now(dt.datetime(2025, 5, 3, 9, 0))
    late = comments.add_comment(None, source="portal", text="投诉", target_unit=world.county, is_complaint=True)
    client = api_for(world.supervisor)
    assert ids(client.get("/api/v1/comments?from=2025-05-01&to=2025-05-01")) == {early.pk}
    assert ids(client.get("/api/v1/comments?from=2025-05-02")) == {late.pk}
    assert ids(client.get("/api/v1/comments?complaint=true")) == {late.pk}
    assert ids(client.get("/api/v1/comments?complaint=false")) == {early.pk}
    assert_bilingual_error(client.get("/api/v1/comments?from=yesterday"), 422)


# ---------------------------------------------------------------- portal page

def test_portal_form_is_public_and_leads_to_a_thank_you_page(world, client_for):
    client = client_for()
    page = client.get("/comments/new/")
    assert page.status_code == 200 and "意见建议" in page.content.decode() and world.site_b.name in page.content.decode()
    r = client.post("/comments/new/", {"kind": "complaint", "site": world.site_b.pk, "text": "等了两个小时",
                                       "level": "very_dissatisfied", "contact_name": "张三",
                                       "contact_phone": "13900001111"})
    assert r.status_code == 302 and r["Location"] == "/comments/thanks/"
    c = Comment.objects.get()
    assert (c.source, c.is_complaint, c.target_unit, c.unit_path, c.level) == (
        "portal", True, world.township, world.township.path, "very_dissatisfied")
    assert "13900001111" not in r["Location"]
    assert "感谢" in client.get("/comments/thanks/").content.decode()


def test_portal_form_from_a_guide_page_is_about_that_item(world, client_for):
    client = client_for()
    page = client.get(f"/comments/new/?item={world.item_committed.code}")
    assert world.item_committed.name in page.content.decode()
    client.post(f"/comments/new/?item={world.item_committed.code}", {"text": "材料清单很清楚"})
    assert Comment.objects.get().target_item == world.item_committed


def test_portal_form_shows_errors_and_stores_nothing(world, client_for):
    client = client_for()
    r = client.post("/comments/new/", {"text": "  "})
    assert r.status_code == 422 and "请填写点评内容" in r.content.decode()
    r = client.post("/comments/new/", {"text": "ok", "contact_phone": "110"})
    assert r.status_code == 422 and "联系电话格式有误" in r.content.decode()
    assert 'value="110"' in r.content.decode()  # what was typed is kept
    r = client.post("/comments/new/", {"text": "ok", "site": "99999"})
    assert r.status_code == 422
    assert not Comment.objects.exists()


def test_portal_form_is_throttled(world, client_for, settings):
    settings.BIANMIN = {**settings.BIANMIN, "PUBLIC_RATE_PER_MINUTE": 1}
    client = client_for()
    assert client.post("/comments/new/", {"text": "一"}).status_code == 302
    r = client.post("/comments/new/", {"text": "二"})
    assert r.status_code == 429 and "频繁" in r.content.decode()
    assert Comment.objects.count() == 1


def test_portal_and_guide_pages_link_to_the_comment_form(world, client_for):
    from bianmin.catalog.guides import publish_guide

    publish_guide(world.item_committed)
    client = client_for()
    home = client.get("/").content.decode()
    assert 'href="/comments/new/" data-test="home-comment"' in home
    assert 'href="/comments/new/" data-test="footer-comment"' in home
    guide = client.get(f"/guides/{world.item_committed.code}/").content.decode()
    item_link = f'href="/comments/new/?item={world.item_committed.code}"'
    assert f'{item_link} data-test="guide-comment"' in guide and f'{item_link} data-test="footer-comment"' in guide


# ---------------------------------------------------------------- staff pages

@pytest.fixture
def agent(world):
    return make_user("agent", Role.AGENT, unit=world.county, staff_name="何坐席")


def test_agent_enters_a_hotline_comment(world, client_for, agent):
    client = client_for(agent)
    page = client.get("/workbench/comments/new/")
    assert page.status_code == 200 and world.township.name in page.content.decode()
    r = client.post("/workbench/comments/new/", {"source": "hotline", "unit_id": world.township.pk,
                                                 "text": "来电投诉镇中心中午无人值守", "is_complaint": "1",
                                                 "contact_phone": "13700001111"})
    c = Comment.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/workbench/comments/{c.pk}/"
    assert (c.source, c.entered_by, c.is_complaint, c.unit_path) == ("hotline", agent, True, world.township.path)
    # The agent cannot read the county's comments, but sees what they entered themselves.
    listing = client.get("/workbench/comments/").content.decode()
    assert "来电投诉镇中心" in listing and "137****1111" in listing and "13700001111" not in listing


def test_staff_form_errors_store_nothing(world, client_for, agent):
    client = client_for(agent)
    for data in ({"source": "hotline", "text": ""}, {"source": "fax", "text": "x"},
                 {"source": "hotline", "text": "x", "unit_id": world.other_county.pk},
                 {"source": "hotline", "text": "x", "item_code": "NOPE"},
                 {"source": "hotline", "text": "x", "unit_id": "abc"}):
        r = client.post("/workbench/comments/new/", data)
        assert r.status_code in (403, 422), (data, r.status_code)
        assert 'role="alert"' in r.content.decode()
    assert not Comment.objects.exists()


def test_comment_pages_need_the_permission(world, client_for, spread):
    assert client_for(world.clerk_a).get("/workbench/comments/").status_code == 403
    assert client_for(world.clerk_a).get("/workbench/comments/new/").status_code == 403
    r = client_for().get("/workbench/comments/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    # manager_b may read but not the county's comment.
    assert client_for(world.manager_b).get(f"/workbench/comments/{spread['county'].pk}/").status_code == 404


def test_supervisor_list_page_filters_and_masks(world, client_for, spread):
    client = client_for(world.supervisor)
    html = client.get("/workbench/comments/").content.decode()
    assert "县中心" in html and "镇中心" in html and "邻县" not in html and "13812345678" not in html
    html = client.get("/workbench/comments/?complaint=yes").content.decode()
    assert "县中心" in html and "镇中心" not in html
    assert client.get("/workbench/comments/?from=not-a-date&source=zzz").status_code == 200


def test_unmasking_a_comment_contact_is_logged(world, client_for, spread):
    client = client_for(world.supervisor)
    url = f"/workbench/comments/{spread['county'].pk}/"
    assert "13812345678" not in client.get(url).content.decode()
    r = client.post(url + "unmask/", {"reason": ""})
    assert r.status_code == 422 and not AuditLog.objects.filter(action="unmask").exists()
    r = client.post(url + "unmask/", {"reason": "回复投诉人"})
    assert r.status_code == 200 and "13812345678" in r.content.decode()
    log = AuditLog.objects.get(action="unmask")
    assert (log.actor, log.object_type, log.object_id, log.reason) == (
        world.supervisor, "ratings.Comment", str(spread["county"].pk), "回复投诉人")


def test_general_comment_contact_is_unmasked_by_unit_wide_readers_only(world, spread):
    assert comments.may_unmask(world.supervisor, spread["general"])
    assert not comments.may_unmask(world.manager_a, spread["general"])
    assert comments.may_unmask(world.manager_a, spread["county"])
    assert not comments.may_unmask(world.manager_b, spread["county"])


def test_nav_links_follow_permissions(world, client_for):
    sup = client_for(world.supervisor).get("/workbench/comments/").content.decode()
    assert 'data-test="nav-comments"' in sup and 'data-test="nav-surveys"' in sup
    clerk = client_for(world.clerk_a).get("/workbench/").content.decode()
    assert 'data-test="nav-comments"' not in clerk and 'data-test="nav-surveys"' not in clerk
    manager = client_for(world.manager_a).get("/workbench/").content.decode()
    assert 'data-test="nav-comments"' in manager and 'data-test="nav-surveys"' not in manager
