"""Sign-in: API tokens, throttling of repeated failures, security headers."""
import json

import pytest
from django.core.cache import cache

from .world import PASSWORD


@pytest.fixture(autouse=True)
def clear_throttle():
    cache.clear()
    yield
    cache.clear()


def token(client, username, password):
    return client.post("/api/v1/auth/token", data=json.dumps({"username": username, "password": password}),
                       content_type="application/json", HTTP_HOST="localhost")


@pytest.mark.django_db
def test_token_grants_api_access(world, client):
    r = token(client, "clerk_a", PASSWORD)
    assert r.status_code == 200
    key = r.json()["token"]
    r = client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_HOST="localhost")
    assert r.status_code == 200
    r = client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer not-a-token", HTTP_HOST="localhost")
    assert r.status_code == 401


@pytest.mark.django_db
def test_wrong_password_is_401_and_repeated_failures_lock_out(world, client):
    for _ in range(5):
        assert token(client, "clerk_a", "wrong").status_code == 401
    r = token(client, "clerk_a", PASSWORD)
    assert r.status_code == 429 and r.json()["message"] and r.json()["message_en"]


@pytest.mark.django_db
def test_token_request_validation(world, client):
    r = client.post("/api/v1/auth/token", data="{", content_type="application/json", HTTP_HOST="localhost")
    assert r.status_code in (400, 422) and r.json()["message_en"]
    assert token(client, "", "").status_code == 422


@pytest.mark.django_db
def test_login_page_throttles(world, client):
    for _ in range(5):
        client.post("/accounts/login/", {"username": "clerk_a", "password": "nope"}, HTTP_HOST="localhost")
    r = client.post("/accounts/login/", {"username": "clerk_a", "password": PASSWORD}, HTTP_HOST="localhost")
    assert r.status_code == 200 and "登录失败次数过多" in r.content.decode()


@pytest.mark.django_db
def test_security_headers(client):
    r = client.get("/", HTTP_HOST="localhost")
    assert r["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in r["Content-Security-Policy"]
    assert r["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_openapi_schema_and_docs(client):
    schema = client.get("/api/v1/openapi.json", HTTP_HOST="localhost").json()
    for path in ("/api/v1/auth/token", "/api/v1/calendar/due", "/api/v1/cases", "/api/v1/cases/{case_id}/accept"):
        assert path in schema["paths"]
    assert client.get("/api/v1/docs", HTTP_HOST="localhost").status_code == 200


def test_production_hashes_passwords_with_argon2_and_tests_use_a_fast_hasher():
    """Tests swap in a fast hasher (tests/conftest.py); the product's settings keep Argon2 first."""
    from django.conf import settings
    from django.contrib.auth.hashers import check_password, make_password
    from django.test import override_settings

    from bianmin import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.PASSWORD_HASHERS != production.PASSWORD_HASHERS
    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        hashed = make_password("bianmin-demo")
        assert hashed.startswith("argon2$") and check_password("bianmin-demo", hashed)
