"""Citizen guide pages, the one-time notification and the catalogue back office."""
import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from bianmin.cases.models import Notice
from bianmin.catalog.admin import ConditionForm, MaterialForm
from bianmin.catalog.guides import publish_guide
from bianmin.catalog.models import Condition, Item


@pytest.fixture
def published(world):
    for item in Item.objects.all():
        publish_guide(item)
    return world


def page(client, url, status=200):
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code)
    return r.content.decode()


def test_home_lists_published_items_by_department_and_high_frequency(published, client_for):
    item = published.item_instant
    item.high_frequency = True
    item.save()
    publish_guide(item)
    html = page(client_for(), "/")
    assert 'name="q"' in html and "测试县民政局" in html
    assert html.count("护照申领咨询登记") == 2  # in 高频事项 and under its department
    assert f"/guides/{published.item_committed.code}/" in html


def test_search_page_by_chinese_and_pinyin_initials(published, client_for):
    c = client_for()
    for q in ("护照", "hz"):
        html = page(c, f"/search/?q={q}")
        assert "护照申领咨询登记" in html and "最低生活保障申请" not in html
    assert "没有找到" in page(c, "/search/?q=不存在的事项")
    assert "只按前 100 个字" in page(c, "/search/?q=" + "护" * 150)


def test_guide_page_renders_the_version_in_effect(published, client_for):
    html = page(client_for(), f"/guides/{published.item_committed.code}/")
    for text in ("最低生活保障申请", "申请人为本县户籍居民", "居民身份证", "户口簿", "主件", "附件", "原件", "复印件",
                 "20 个工作日", "5 个工作日", "承诺件", "0000-1234567", "测试县政务服务中心", "第 1 版"):
        assert text in html, text
    assert html.count('data-test="material"') == 2


def test_guide_page_shows_flags_and_common_mistakes(published, client_for):
    item = published.item_committed
    item.at_most_once = item.online = True
    item.save()
    m = item.materials.first()
    m.common_mistakes = "身份证已过有效期"
    m.save()
    assert "最多跑一次" not in page(client_for(), f"/guides/{item.code}/")  # not published yet
    publish_guide(item)
    html = page(client_for(), f"/guides/{item.code}/")
    assert "最多跑一次" in html and "可网办" in html and "身份证已过有效期" in html


@pytest.mark.parametrize("suffix", ["", "notice/"])
def test_secret_and_unpublished_items_are_404(world, client_for, suffix):
    c = client_for()
    assert c.get(f"/guides/{world.item_committed.code}/{suffix}").status_code == 404  # not published
    publish_guide(world.item_committed)
    assert c.get(f"/guides/{world.item_committed.code}/{suffix}").status_code == 200
    world.item_committed.secret = True
    world.item_committed.save()
    assert c.get(f"/guides/{world.item_committed.code}/{suffix}").status_code == 404
    assert "最低生活保障" not in page(c, "/") and "最低生活保障" not in page(c, "/search/?q=zdsh")


def test_one_time_notification_lists_everything_at_once(published, client_for):
    html = page(client_for(), f"/guides/{published.item_committed.code}/notice/")
    for text in ("一次性告知书", "《中华人民共和国测试法》第一条", "申请人为本县户籍居民", "居民身份证", "户口簿",
                 "审查", "20 个工作日", "5 个工作日", "不收费", "测试县政务服务中心 1号窗口", "0000-1234567"):
        assert text in html, text
    assert 'data-test="issue-notice"' not in html  # citizens print it; only staff number it


def test_staff_post_issues_a_numbered_notice(published, client_for):
    item = published.item_committed
    c = client_for(published.clerk_a)
    assert 'data-test="issue-notice"' in page(c, f"/guides/{item.code}/notice/")
    r = c.post(f"/guides/{item.code}/notice/")
    notice = Notice.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/guides/notice/{notice.pk}/"
    year = timezone.localdate().year
    assert notice.kind == "one_time" and notice.number == f"告字〔{year}〕第000001号"
    assert notice.site == published.site_a and notice.item == item and notice.created_by == published.clerk_a
    assert notice.content["code"] == item.code and notice.content["version"] == 1
    assert notice.content["windows"][0]["site"] == "测试县政务服务中心"
    html = page(c, r["Location"])
    assert notice.number in html and "居民身份证" in html and "测试县政务服务中心" in html
    c.post(f"/guides/{item.code}/notice/")
    assert Notice.objects.order_by("pk").last().number == f"告字〔{year}〕第000002号"


def test_numbered_notice_is_a_snapshot(published, client_for):
    item = published.item_committed
    c = client_for(published.manager_a)
    url = c.post(f"/guides/{item.code}/notice/")["Location"]
    item.materials.filter(name="户口簿").update(name="户口簿首页及本人页")
    publish_guide(item)
    html = page(c, url)
    assert "户口簿" in html and "户口簿首页及本人页" not in html


def test_anonymous_and_unauthorised_posts_issue_nothing(published, client_for):
    url = f"/guides/{published.item_committed.code}/notice/"
    r = client_for().post(url)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    for user in (published.outsider, published.supervisor, published.handler):
        assert client_for(user).post(url).status_code == 403, user
    assert not Notice.objects.exists()


def test_numbered_notice_page_needs_staff_of_that_site(published, client_for):
    url = client_for(published.clerk_a).post(f"/guides/{published.item_committed.code}/notice/")["Location"]
    assert client_for().get(url).status_code == 302
    assert client_for(published.outsider).get(url).status_code == 403
    assert client_for(published.manager_b).get(url).status_code == 404
    assert client_for(published.manager_a).get(url).status_code == 200


# --- Back office -----------------------------------------------------------------------------------

@pytest.fixture
def admin_client(world, client_for):
    root = get_user_model().objects.create_superuser("root", "root@example.invalid", "root-pass-123")
    return client_for(root)


@pytest.mark.parametrize("path", [
    "catalog/item", "catalog/guideversion", "orgs/unit", "orgs/site", "orgs/window", "orgs/staff",
    "orgs/membership", "core/calendaryear", "core/auditlog", "core/clock",
])
def test_admin_changelists_load(admin_client, path):
    assert admin_client.get(f"/admin/{path}/").status_code == 200


def test_admin_change_and_add_pages_load(admin_client, published):
    from bianmin.core.models import CalendarYear

    assert admin_client.get(f"/admin/catalog/item/{published.item_committed.pk}/change/").status_code == 200
    assert admin_client.get("/admin/catalog/item/add/").status_code == 200
    assert admin_client.get(f"/admin/orgs/window/{published.window_a.pk}/change/").status_code == 200
    year = CalendarYear.objects.first()
    assert admin_client.get(f"/admin/core/calendaryear/{year.pk}/change/").status_code == 200
    assert admin_client.get("/admin/core/auditlog/add/").status_code == 403


def test_admin_inline_forms_reject_vague_wording():
    form = ConditionForm(data={"order": 1, "text": "符合条件的其他人员"})
    assert not form.is_valid() and "其他" in form.errors["text"][0]
    form = MaterialForm(data={"order": 1, "name": "身份证、户口簿等", "role": "main", "form": "original", "count": 1})
    assert not form.is_valid() and "等" in form.errors["name"][0]
    assert MaterialForm(data={"order": 1, "name": "伤残等级证明", "role": "main", "form": "original",
                              "count": 1}).is_valid()


def test_admin_publish_action_reports_vague_wording(admin_client, world):
    ok, bad = world.item_committed, world.item_joint
    Condition.objects.create(item=bad, order=2, text="其他符合规定的情形")
    r = admin_client.post("/admin/catalog/item/", {"action": "publish_today", "_selected_action": [ok.pk, bad.pk]},
                          follow=True)
    html = r.content.decode()
    assert r.status_code == 200 and "已发布第 1 版" in html and "其他" in html
    assert ok.versions.count() == 1 and not bad.versions.exists()
    assert "v1" in page(admin_client, "/admin/catalog/item/")


def _new_item_post(world, condition: str, material: str, committed: int = 5) -> dict:
    data = {
        "basic_code": "0000000001", "code": "ITEM-ADMIN-1", "name": "高龄津贴申领", "item_type": "benefit",
        "accepting_unit": world.civil_affairs.pk, "legal_basis": "", "channels": ["window", "online"],
        "procedure": "申请\r\n受理\r\n\r\n审核", "statutory_limit": 20, "statutory_unit": "workdays",
        "committed_limit": committed, "committed_unit": "workdays", "fee_basis": "", "fee_standard": "不收费",
        "consult_phone": "", "supervision_phone": "", "evaluation_channels": "", "handling_type": "committed",
    }
    for prefix, total in (("conditions", 1), ("materials", 1), ("versions", 0)):
        data |= {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MIN_NUM_FORMS": 0,
                 f"{prefix}-MAX_NUM_FORMS": 1000}
    data |= {"conditions-0-order": 1, "conditions-0-text": condition, "materials-0-order": 1,
             "materials-0-name": material, "materials-0-role": "main", "materials-0-form": "original",
             "materials-0-count": 1}
    return data


def test_admin_item_form_shows_errors_on_the_row_and_saves_clean_input(admin_client, world):
    r = admin_client.post("/admin/catalog/item/add/", _new_item_post(world, "年满80周岁等", "其他证明", committed=30))
    html = r.content.decode()
    assert r.status_code == 200 and not Item.objects.filter(code="ITEM-ADMIN-1").exists()
    assert "笼统表述“等”" in html and "笼统表述“其他”" in html and "不能超过法定时限" in html
    r = admin_client.post("/admin/catalog/item/add/", _new_item_post(world, "年满80周岁", "居民身份证"))
    assert r.status_code == 302, r.content.decode()[:2000]
    item = Item.objects.get(code="ITEM-ADMIN-1")
    assert item.procedure == ["申请", "受理", "审核"] and item.channels == ["window", "online"]
    assert item.search_initials == "gljtsl"  # filled on save, so the item is found by "gljt"
    assert "ITEM-ADMIN-1" in page(admin_client, f"/admin/catalog/item/{item.pk}/change/")
