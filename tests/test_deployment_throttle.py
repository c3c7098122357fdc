"""Sign-in limit per address beside the per-user one (issue 14, deployment; SPEC §11): one machine trying many
usernames is locked out, on the sign-in page and at POST /api/v1/auth/token alike."""
import json

import pytest
from django.test import RequestFactory

from bianmin.core import throttle

from .world import PASSWORD

LOCKED_PAGE = "登录失败次数过多"


@pytest.fixture
def per_address_limit(settings):
    """Four failures per address, whatever the usernames; the per-user limit stays out of the way."""
    settings.BIANMIN = {**settings.BIANMIN, "LOGIN_MAX_FAILURES": 5, "LOGIN_MAX_FAILURES_PER_ADDRESS": 4}


def token(client, username, password, address="10.1.1.1"):
    return client.post("/api/v1/auth/token", data=json.dumps({"username": username, "password": password}),
                       content_type="application/json", HTTP_HOST="localhost", REMOTE_ADDR=address)


def login(client, username, password, address="10.1.1.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, HTTP_HOST="localhost",
                       REMOTE_ADDR=address)


def test_defaults_allow_more_failures_per_address_than_per_user():
    from bianmin import settings as production

    limits = production.BIANMIN
    assert limits["LOGIN_MAX_FAILURES_PER_ADDRESS"] > limits["LOGIN_MAX_FAILURES"] > 0


@pytest.mark.django_db
def test_many_usernames_from_one_address_lock_the_api_out(world, client, per_address_limit):
    for n in range(4):
        assert token(client, f"guess{n}", "wrong").status_code == 401
    locked = token(client, "clerk_a", PASSWORD)
    assert locked.status_code == 429 and locked.json()["message"] and locked.json()["message_en"]
    assert token(client, "clerk_a", PASSWORD, address="10.2.2.2").status_code == 200  # another address is not


@pytest.mark.django_db
def test_many_usernames_from_one_address_lock_the_sign_in_page_out(world, client, per_address_limit):
    for n in range(4):
        assert LOCKED_PAGE not in login(client, f"guess{n}", "wrong").content.decode()
    page = login(client, "clerk_a", PASSWORD)
    assert page.status_code == 200 and LOCKED_PAGE in page.content.decode()
    assert login(client, "clerk_a", PASSWORD, address="10.2.2.2").status_code == 302


@pytest.mark.django_db
def test_a_success_does_not_clear_the_address_count(world, client, per_address_limit):
    """Else an attacker holding one account could sign in with it between guesses at the others."""
    for n in range(3):
        token(client, f"guess{n}", "wrong")
    assert token(client, "clerk_a", PASSWORD).status_code == 200
    token(client, "guess3", "wrong")
    assert token(client, "manager_a", PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_page_and_the_api_share_one_count(world, client, per_address_limit):
    for n in range(2):
        login(client, f"guess{n}", "wrong")
        token(client, f"other{n}", "wrong")
    assert token(client, "clerk_a", PASSWORD).status_code == 429


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.BEHIND_PROXY = 0
    assert throttle.client_address(request) == "10.0.0.1"  # without a proxy, the header is the client's word
    settings.BEHIND_PROXY = 1
    assert throttle.client_address(request) == "203.0.113.9"  # not the spoofed leftmost entry
    settings.BEHIND_PROXY = 2
    assert throttle.client_address(request) == "6.6.6.6"
    settings.BEHIND_PROXY = 1
    direct = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1")
    assert throttle.client_address(direct) == "10.0.0.1"
