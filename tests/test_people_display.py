"""People, not logins: the header and histories show "name · post"; notifications come in the reader's language."""
from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from bianmin.cases import services as case_services
from bianmin.core.models import LanguagePreference, Notification
from bianmin.core.notify import message, notify
from bianmin.orgs.people import people, person
from bianmin.orgs.roles import Role

from .world import make_user

pytestmark = pytest.mark.django_db


def header_person(html: str) -> str:
    match = re.search(r'<span class="who">(.*?)</span>', html, re.S)
    assert match, "the header shows who is signed in"
    return match.group(1).strip()


def test_header_shows_the_staff_members_name_and_post_not_the_login(world, client_for):
    world.clerk_a.staff.position = "综合受理员"
    world.clerk_a.staff.save()
    html = client_for(world.clerk_a).get(reverse("workbench:home")).content.decode()
    assert header_person(html) == "王小红 · 综合受理员"
    assert "clerk_a" not in html


def test_an_account_without_a_staff_record_shows_its_own_name_and_role_label(world, client_for):
    agent = make_user("demo-agent-x", Role.AGENT, unit=world.county)
    agent.first_name = "何晓丽"
    agent.save()
    client = client_for(agent)
    assert header_person(client.get(reverse("notifications")).content.decode()) == "何晓丽 · 热线坐席"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert header_person(client.get(reverse("notifications")).content.decode()) == "何晓丽 · Hotline agent"


def test_the_login_is_shown_only_when_the_account_has_no_name(world):
    assert person(world.supervisor) == "supervisor · 监督人员"
    assert people([world.supervisor, world.clerk_a])[world.clerk_a.pk] == "王小红 · 窗口工作人员"


def test_a_bracketed_note_of_the_position_is_left_out(world):
    world.manager_a.staff.position = "便民服务中心主任（镇党委副书记兼任）"
    assert person(world.manager_a) == "张主任 · 便民服务中心主任"


def test_case_history_shows_name_and_post_not_the_login(world, client_for):
    case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                       applicant={"name": "测试申请人", "phone": "13800000000"})
    case_services.transition(case.pk, "accept", world.clerk_a2, {})
    html = client_for(world.manager_a).get(reverse("workbench:case", args=[case.pk])).content.decode()
    assert "王小红 · 窗口工作人员" in html  # who registered it (and handles it)
    assert "李明 · 窗口工作人员" in html  # who accepted it, in the history
    assert not re.search(r"\bclerk_a2?\b", html)


def test_switching_language_while_signed_in_is_remembered(world, client_for):
    client_for(world.manager_a).post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert LanguagePreference.objects.get(user=world.manager_a).language == "en"
    client_for(world.manager_a).post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert LanguagePreference.objects.get(user=world.manager_a).language == "zh-hans"


def test_a_notification_is_written_in_each_recipients_language(world, client_for):
    client_for(world.manager_a).post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = message(gettext_lazy("新的申诉复核：评价 #%(rating)s"), rating=42)
    assert notify([world.manager_a, world.clerk_a], text, "/x/") == 2
    assert Notification.objects.get(user=world.manager_a).text == "New appeal to review: rating #42"
    assert Notification.objects.get(user=world.clerk_a).text == "新的申诉复核：评价 #42"
    page = client_for(world.manager_a).get(reverse("notifications")).content.decode()
    assert "New appeal to review: rating #42" in page



def test_signing_in_brings_back_the_language_the_person_chose(world):
    """On a hall's shared PC the browser may hold the previous person's language."""
    from django.test import Client

    from .world import PASSWORD

    LanguagePreference.objects.create(user=world.clerk_a, language="en")
    browser = Client()
    browser.cookies["django_language"] = "zh-hans"
    response = browser.post("/accounts/login/", {"username": "clerk_a", "password": PASSWORD})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    assert "Workbench" in browser.get("/workbench/").content.decode()
    other = Client()
    response = other.post("/accounts/login/", {"username": "clerk_a2", "password": PASSWORD})
    assert response.status_code == 302 and "django_language" not in response.cookies  # no stored choice: as it was
