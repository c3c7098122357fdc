"""The site standardisation checklist (S004): items per kind of site (a township centre: hall ≥100 m², the sign,
counters 80–90 cm, window signs 70×35, badges 11.4×8.4, notice board, required windows, equipment; a village point:
the six elements 有场所、有牌子、有轮流值班人员、有公开联系电话、有服务事项登记簿、有代办事项公告或服务指南), the score (the
share of answered items that pass ×100, rounded), the old answer kept as history."""
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bianmin.core.errors import InvalidInput, NotFound
from bianmin.orgs.models import Site
from bianmin.staffops import checklists, sitecheck
from bianmin.staffops.models import SiteCheckAnswer, SiteCheckHistory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 19, 10, 0)
CENTRE = ["hall_area", "centre_sign", "counter", "window_signs", "staff_badges", "notice_board", "required_windows",
          "equipment"]
VILLAGE = ["has_premises", "has_sign", "has_rota", "has_phone", "has_register", "has_guide"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path, set_now):
    settings.MEDIA_ROOT = tmp_path
    set_now(NOW)


@pytest.fixture
def village(world):
    return Site.objects.create(unit=world.township, name="青山村便民服务站", kind=Site.Kind.STATION)


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return SimpleUploadedFile("sign.png", buffer.getvalue(), "image/png")


def test_a_township_centre_has_the_s004_facilities(world):
    assert [i.code for i in checklists.site_items(world.site_b)] == CENTRE
    labels = {i.code: str(i.hint) for i in checklists.site_items(world.site_b)}
    assert "80~90cm" in labels["counter"] and "50~60cm" in labels["counter"]
    assert "70cm" in labels["window_signs"] and "35cm" in labels["window_signs"]
    assert "11.4cm" in labels["staff_badges"] and "8.4cm" in labels["staff_badges"]
    for department in ("民政", "劳动保障", "计生", "国土", "林业", "村建", "农业"):
        assert department in labels["required_windows"]


def test_a_village_point_has_the_six_elements(village):
    items = checklists.site_items(village)
    assert [i.code for i in items] == VILLAGE
    assert [str(i.label) for i in items] == ["有场所", "有牌子", "有轮流值班人员", "有公开联系电话", "有服务事项登记簿",
                                             "有代办事项公告或服务指南"]


def test_the_hall_area_is_prefilled_from_the_site(world):
    item = checklists.site_item(world.site_b, "hall_area")
    assert item.prefill(world.site_b)[0] is True  # 150 m²
    world.site_b.hall_area = 80
    assert item.prefill(world.site_b)[0] is False
    world.site_b.hall_area = None
    assert item.prefill(world.site_b) is None


def test_nothing_answered_has_no_score(world):
    found = sitecheck.site_checklist(world.site_b)
    assert found["score"] is None
    assert [r["passed"] for r in found["items"]] == [None] * len(CENTRE)


def test_the_score_counts_answered_items_only(world, village):
    for code in VILLAGE[:4]:
        sitecheck.answer(world.supervisor, village, code, True)
    sitecheck.answer(world.supervisor, village, "has_register", False, "没有登记簿")
    found = sitecheck.site_checklist(village)
    assert found["score"] == 80  # 4 of 5 answered; has_guide unanswered
    assert {r["code"]: r["passed"] for r in found["items"]}["has_guide"] is None
    sitecheck.answer(world.supervisor, village, "has_guide", False)
    assert sitecheck.site_checklist(village)["score"] == 67  # 4 of 6 = 66.67, rounded
    summary = sitecheck.checklist_summary([village, world.site_b])
    assert summary[0]["failing"] == ["有服务事项登记簿", "有代办事项公告或服务指南"]
    assert (summary[0]["answered"], summary[0]["total"]) == (6, 6)
    assert summary[1]["score"] is None and summary[1]["failing"] == []


def test_a_new_answer_keeps_the_old_one_as_history(world):
    first = sitecheck.answer(world.manager_b, world.site_b, "counter", False, "柜台高95cm", png())
    assert first.photo
    sitecheck.answer(world.manager_b, world.site_b, "counter", True, "已改造为85cm")
    current = SiteCheckAnswer.objects.get(site=world.site_b, code="counter")
    assert (current.passed, current.note) == (True, "已改造为85cm")
    assert current.photo  # kept when no new photo comes
    old = SiteCheckHistory.objects.get(site=world.site_b, code="counter")
    assert (old.passed, old.note, old.checked_by) == (False, "柜台高95cm", world.manager_b)


def test_scope_unknown_items_and_bad_photos_are_refused(world, village):
    with pytest.raises(NotFound):
        sitecheck.answer(world.manager_a, world.site_b, "counter", True)
    with pytest.raises(NotFound):
        sitecheck.answer(world.clerk_a, world.site_a, "counter", True)
    with pytest.raises(InvalidInput):
        sitecheck.answer(world.manager_b, world.site_b, "has_sign", True)  # a village item, not a centre's
    with pytest.raises(InvalidInput):
        sitecheck.answer(world.supervisor, village, "counter", True)
    with pytest.raises(InvalidInput):
        sitecheck.answer(world.manager_b, world.site_b, "counter", "yes")
    with pytest.raises(InvalidInput) as err:
        sitecheck.answer(world.manager_b, world.site_b, "counter", True, "",
                         SimpleUploadedFile("a.gif.txt", b"GIF89a", "text/plain"))
    assert err.value.en and err.value.field == "photo"
    assert not SiteCheckAnswer.objects.exists() and not SiteCheckHistory.objects.exists()
