"""The interface is Simplified Chinese by default; English only when the person chooses it."""
import pytest

pytestmark = pytest.mark.django_db


def test_browser_set_to_english_still_gets_chinese(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "zh-hans"
    assert '<html lang="zh-CN">' in page.content.decode()


def test_language_switch_sets_english_and_back(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/")
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert client.get("/")["Content-Language"] == "zh-hans"


def test_unknown_language_cookie_falls_back_to_chinese(client):
    client.cookies["django_language"] = "xx<script>"
    assert client.get("/")["Content-Language"] == "zh-hans"
