"""The standardisation checklist in the API (GET /api/v1/sites/{site_id}/checklist, public: it describes the
premises) and on the pages: the list of sites in scope with scores and failing items, one site's answer form with
photos, the card on the staff site page (中心概况) and on the stats dashboard."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bianmin.orgs.models import Site
from bianmin.staffops import sitecheck
from bianmin.staffops.models import SiteCheckAnswer, SiteCheckHistory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 19, 10, 0)
LIST = "/workbench/checklist/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path, set_now):
    settings.MEDIA_ROOT = tmp_path
    set_now(NOW)


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return SimpleUploadedFile("counter.png", buffer.getvalue(), "image/png")


def site_page(site):
    return f"/workbench/checklist/{site.pk}/"


# ---------------------------------------------------------------- the API

def test_the_api_gives_the_contract_fields_to_anybody(world, api_for):
    sitecheck.answer(world.manager_b, world.site_b, "hall_area", True, "150㎡，联系 13812345678")
    sitecheck.answer(world.manager_b, world.site_b, "counter", False, "柜台过高")
    for user in (None, world.outsider, world.clerk_a, world.manager_a):
        response = api_for(user).get(f"/api/v1/sites/{world.site_b.pk}/checklist")
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"score", "items"}
        assert body["score"] == 50
        assert all(set(i) == {"code", "label", "passed", "note"} for i in body["items"])
        by_code = {i["code"]: i for i in body["items"]}
        assert by_code["counter"] == {"code": "counter", "label": "柜台规格", "passed": False, "note": "柜台过高"}
        assert by_code["equipment"]["passed"] is None and by_code["equipment"]["note"] == ""
        assert "13812345678" not in response.content.decode()  # free text masked


def test_the_api_for_a_village_point_lists_the_six_elements(world, api_for):
    village = Site.objects.create(unit=world.township, name="青山村便民服务站", kind=Site.Kind.STATION)
    body = api_for(None).get(f"/api/v1/sites/{village.pk}/checklist").json()
    assert body["score"] is None
    assert [i["label"] for i in body["items"]] == ["有场所", "有牌子", "有轮流值班人员", "有公开联系电话",
                                                   "有服务事项登记簿", "有代办事项公告或服务指南"]


def test_unknown_or_pilot_sites_are_404_in_both_languages(world, api_for):
    pilot = Site.objects.create(unit=world.township, name="试点站", kind=Site.Kind.STATION, status=Site.Status.PILOT)
    for site_id in (0, pilot.pk, 2**63 + 5):
        response = api_for(None).get(f"/api/v1/sites/{site_id}/checklist")
        assert response.status_code in (404, 422)
    response = api_for(None).get(f"/api/v1/sites/{pilot.pk}/checklist")
    assert response.status_code == 404 and response.json()["message_en"] == "No such site."


# ---------------------------------------------------------------- the pages

def test_a_manager_answers_their_site_with_a_photo_and_history_is_kept(world, client_for):
    client = client_for(world.manager_b)
    page = client.get(site_page(world.site_b))
    assert page.status_code == 200
    assert "大厅面积 150 ㎡" in page.content.decode()  # prefilled from the site
    response = client.post(site_page(world.site_b), {
        "passed_counter": "fail", "note_counter": "柜台高95cm", "photo_counter": png(),
        "passed_centre_sign": "pass", "passed_equipment": ""})
    assert response.status_code == 302
    assert SiteCheckAnswer.objects.filter(site=world.site_b).count() == 2
    assert SiteCheckAnswer.objects.get(site=world.site_b, code="counter").photo
    client.post(site_page(world.site_b), {"passed_counter": "pass", "note_counter": "已整改"})
    assert SiteCheckHistory.objects.get(site=world.site_b, code="counter").note == "柜台高95cm"
    body = client.get(site_page(world.site_b)).content.decode()
    assert "已整改" in body and "修改记录" in body
    answer = SiteCheckAnswer.objects.get(site=world.site_b, code="counter")
    assert client.get(f"/workbench/checklist/photos/{answer.pk}/").status_code == 200
    assert client_for(world.manager_a).get(f"/workbench/checklist/photos/{answer.pk}/").status_code == 404


def test_the_list_shows_scores_and_failing_items_of_the_sites_in_scope(world, client_for):
    sitecheck.answer(world.manager_a, world.site_a, "counter", False)
    sitecheck.answer(world.manager_a, world.site_a, "centre_sign", True)
    sitecheck.answer(world.manager_b, world.site_b, "equipment", True)
    supervisor = client_for(world.supervisor).get(LIST).content.decode()
    assert f'data-site="{world.site_a.pk}"' in supervisor and f'data-site="{world.site_b.pk}"' in supervisor
    assert "柜台规格" in supervisor and ">50<" in supervisor
    manager = client_for(world.manager_a).get(LIST).content.decode()
    assert f'data-site="{world.site_a.pk}"' in manager and f'data-site="{world.site_b.pk}"' not in manager


def test_visibility_by_persona(world, client_for):
    assert client_for(world.manager_a).get(site_page(world.site_a)).status_code == 200
    assert client_for(world.manager_b).get(site_page(world.site_a)).status_code == 404
    assert client_for(world.supervisor).get(site_page(world.site_a)).status_code == 200
    assert client_for(world.supervisor).get(site_page(world.site_b)).status_code == 200
    for user in (world.clerk_a, world.outsider):
        assert client_for(user).get(LIST).status_code == 403
        assert client_for(user).get(site_page(world.site_a)).status_code == 403
    assert client_for(None).get(LIST).status_code == 302
    assert client_for(world.manager_b).post(site_page(world.site_a), {"passed_counter": "pass"}).status_code == 404
    assert not SiteCheckAnswer.objects.exists()


@pytest.mark.parametrize(("data", "field"), [
    ({"passed_no_such_item": "pass"}, "This site has no checklist item"),
    ({"passed_has_sign": "pass"}, "This site has no checklist item"),  # a village element at a centre
    ({"passed_counter": "maybe"}, "Mark the item as met or not met"),
    ({"passed_counter": "pass", "photo_counter": "file"}, "Photos must be JPG or PNG"),
    ({"passed_counter": "pass", "note_counter": "长" * 501}, "longer than 500"),
    ({"passed_counter": "", "note_counter": "只写说明"}, "Mark the item as met or not met first"),
], ids=["unknown", "other-kind", "answer", "photo", "note", "no-answer"])
def test_bad_input_is_a_bilingual_422_and_nothing_changes(world, client_for, data, field):
    sitecheck.answer(world.manager_a, world.site_a, "centre_sign", True, "原说明")
    if data.get("photo_counter") == "file":
        data = {**data, "photo_counter": SimpleUploadedFile("counter.pdf", b"%PDF-1.4", "application/pdf")}
    data = {**data, "passed_centre_sign": "fail"}  # a valid change in the same form is not saved either
    response = client_for(world.manager_a).post(site_page(world.site_a), data)
    assert response.status_code == 422
    assert field in response.content.decode()
    assert list(SiteCheckAnswer.objects.values_list("code", "passed", "note")) == [("centre_sign", True, "原说明")]
    assert not SiteCheckHistory.objects.exists()


def test_the_staff_site_page_shows_the_score_and_failing_items(world, client_for):
    sitecheck.answer(world.manager_a, world.site_a, "counter", False)
    sitecheck.answer(world.manager_a, world.site_a, "notice_board", True)
    body = client_for(world.manager_a).get(f"/workbench/site/?site={world.site_a.pk}").content.decode()
    assert 'data-test="site-checklist"' in body
    assert "柜台规格" in body and ">50<" in body


def test_the_dashboard_card_lists_sites_with_failing_items(world, client_for):
    sitecheck.answer(world.manager_b, world.site_b, "counter", False)
    sitecheck.answer(world.manager_b, world.site_b, "hall_area", True)
    sitecheck.answer(world.manager_a, world.site_a, "hall_area", True)
    body = client_for(world.supervisor).get("/workbench/stats/").content.decode()
    assert 'data-test="dash-checklist"' in body
    card = body.split('data-test="dash-checklist"', 1)[1].split("</section>", 1)[0]
    assert world.site_b.name in card and "柜台规格" in card
    assert world.site_a.name not in card  # all it answered passes
