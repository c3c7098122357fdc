"""The large-text / high-contrast display (适老化, issue 15 §10): a form in the page header flips one option, the
choice is kept in a cookie, and the server writes it as classes on <html> — no script needed (core/display.py)."""
import re

import pytest

from bianmin.core import display

pytestmark = pytest.mark.django_db


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


def test_a_new_visitor_gets_the_normal_display_and_the_switch_in_the_header(client):
    page = client.get("/")
    assert "class=" not in html_tag(page)
    body = page.content.decode()
    assert 'data-test="display-switch"' in body and "css/a11y.css" in body
    assert 'value="large"' in body and 'aria-pressed="false"' in body


def test_switching_on_large_text_keeps_it_on_every_later_page(client):
    answer = client.post("/display/", {"toggle": "large", "next": "/search/?q=%E4%BD%8E%E4%BF%9D"})
    assert answer.status_code == 302 and answer["Location"] == "/search/?q=%E4%BD%8E%E4%BF%9D"
    cookie = answer.cookies[display.COOKIE]
    assert cookie.value == "large" and cookie["httponly"] and int(cookie["max-age"]) >= 365 * 24 * 3600
    for url in ("/", "/search/", "/public/", "/comments/new/"):
        assert 'class="a11y-large"' in html_tag(client.get(url)), url
    assert re.search(r'aria-pressed="true"[^>]*data-test="toggle-large"', client.get("/").content.decode())


def test_both_options_combine_and_each_switches_off_again(client):
    client.post("/display/", {"toggle": "contrast", "next": "/"})
    client.post("/display/", {"toggle": "large", "next": "/"})
    assert 'class="a11y-large a11y-contrast"' in html_tag(client.get("/"))
    client.post("/display/", {"toggle": "large", "next": "/"})
    assert 'class="a11y-contrast"' in html_tag(client.get("/"))
    answer = client.post("/display/", {"toggle": "contrast", "next": "/"})
    assert answer.cookies[display.COOKIE].value == ""  # deleted
    assert "class=" not in html_tag(client.get("/"))


def test_switch_never_sends_the_visitor_to_another_site(client):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        answer = client.post("/display/", {"toggle": "large", "next": target})
        assert answer.status_code == 302 and answer["Location"] == "/", target


def test_unknown_options_in_the_cookie_or_the_form_are_ignored(client):
    client.cookies[display.COOKIE] = 'large-"><script>-contrast'
    assert 'class="a11y-large a11y-contrast"' in html_tag(client.get("/"))
    answer = client.post("/display/", {"toggle": "huge", "next": "/"})
    assert answer.status_code == 302 and answer.cookies[display.COOKIE].value == "large-contrast"


def test_the_switch_only_changes_on_a_post(client):
    assert client.get("/display/?toggle=large").status_code == 405
    assert display.COOKIE not in client.cookies


def test_the_switch_is_translated(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Large text" in body and "High contrast" in body
