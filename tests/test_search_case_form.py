"""The clerk's new-case form takes a typed item name, code or everyday word and resolves it with the guide search
(issue 15); an ambiguous or misspelt entry is never guessed: the page lists the items to pick one."""
import pytest
from django.utils import translation

from bianmin.cases.models import Case
from bianmin.catalog import synonyms

from .search_catalogue import demo_catalogue


@pytest.fixture
def catalogue(world):
    synonyms.clear()
    yield demo_catalogue(world)
    synonyms.clear()


def post(client, item_text, **extra):
    return client.post("/workbench/cases/new/", {"item_code": item_text, "applicant_name": "周阿姨", **extra})


def test_typed_everyday_word_with_one_item_registers_it(world, catalogue, client_for):
    r = post(client_for(world.clerk_a), "个税")
    assert r.status_code == 302
    assert Case.objects.get().item == catalogue["个人所得税纳税记录开具"]


def test_typed_full_name_and_code_still_register(world, catalogue, client_for):
    c = client_for(world.clerk_a)
    assert post(c, "高龄津贴申领").status_code == 302
    assert post(c, world.item_committed.code).status_code == 302
    assert sorted(Case.objects.values_list("item__name", flat=True)) == ["最低生活保障申请", "高龄津贴申领"]


def test_ambiguous_words_list_the_items_to_pick_and_picking_registers(world, catalogue, client_for):
    c = client_for(world.clerk_a)
    r = post(c, "社保卡")
    assert r.status_code == 422 and Case.objects.count() == 0
    html = r.content.decode()
    assert 'data-test="item-choices"' in html and "请确认办理事项" in html
    card = catalogue["社会保障卡申领"]
    assert f'name="item_choice" value="{card.code}"' in html
    assert 'value="周阿姨"' in html  # what was typed stays in the form
    r = post(c, "社保卡", item_choice=card.code)
    assert r.status_code == 302 and Case.objects.get().item == card


def test_a_typo_is_offered_for_confirmation_not_registered(world, catalogue, client_for):
    r = post(client_for(world.clerk_a), "高龄津帖申领")
    assert r.status_code == 422 and Case.objects.count() == 0
    assert f'value="{catalogue["高龄津贴申领"].code}"' in r.content.decode()


def test_unknown_words_are_a_422_in_the_page_language_only(world, catalogue, client_for):
    c = client_for(world.clerk_a)
    r = post(c, "火星移民登记")
    html = r.content.decode()
    assert r.status_code == 422 and "本中心没有与“火星移民登记”相符的事项" in html
    assert "No item of this centre matches" not in html
    with translation.override("en"):
        c.cookies["django_language"] = "en"
        html = post(c, "火星移民登记").content.decode()
    assert "No item of this centre matches" in html and "本中心没有与" not in html


def test_empty_item_is_a_422(world, catalogue, client_for):
    r = post(client_for(world.clerk_a), "  ")
    assert r.status_code == 422 and "请填写办理事项" in r.content.decode()


def test_item_of_another_site_is_not_found_by_words(world, catalogue, client_for):
    world.window_a.items.remove(catalogue["个人所得税纳税记录开具"])
    r = post(client_for(world.clerk_a), "个税")
    assert r.status_code == 422 and Case.objects.count() == 0


def test_suggestions_carry_the_everyday_words(world, catalogue, client_for):
    html = client_for(world.clerk_a).get("/workbench/cases/new/").content.decode()
    code = catalogue["最低生活保障审核确认"].code
    assert f'<option value="{code}">最低生活保障审核确认（承诺件） · 低保 dibao</option>' in html
