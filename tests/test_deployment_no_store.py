"""`Cache-Control: no-store` on every answer that may carry personal data; public pages keep their caching
(issue 14, deployment; SPEC §11). One rule: bianmin/core/cache_policy.py."""
import json

import pytest

from .case_helpers import post, register


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/workbench/", "/workbench/hotline/", "/workbench/tickets/", "/workbench/comments/",
                                 "/admin/", "/admin/orgs/site/"])
def test_staff_pages_are_not_stored(world, client_for, url):
    world.manager_a.is_staff = world.manager_a.is_superuser = True
    world.manager_a.save()
    response = client_for(world.manager_a).get(url)
    assert response.status_code == 200 and no_store(response)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/", "/r/not-a-real-token/",
                                 "/followup/not-a-real-token/", "/device/"])
def test_personal_and_sign_in_pages_are_not_stored_even_for_anonymous_visitors(client_for, url):
    """The rater's token pages show their own case and rating; the sign-in pages carry the CSRF token."""
    assert no_store(client_for().get(url))


@pytest.mark.django_db
def test_staff_api_answers_and_unmask_answers_are_not_stored(world, api_for, client_for):
    clerk = api_for(world.clerk_a)
    case = register(clerk, world.item_committed, phone="13812345678")
    assert no_store(clerk.get("/api/v1/cases")) and no_store(clerk.get(f"/api/v1/cases/{case['id']}"))
    unmasked = post(api_for(world.manager_a), f"/api/v1/cases/{case['id']}/unmask", {"reason": "回访核实办理结果"})
    assert unmasked.status_code == 200 and no_store(unmasked)
    page = client_for(world.manager_a).post(f"/workbench/cases/{case['id']}/unmask/", {"reason": "电话回访"})
    assert no_store(page)
    session_api = client_for(world.clerk_a).get("/api/v1/cases")  # signed in by the session cookie, no token
    assert session_api.status_code == 200 and no_store(session_api)


@pytest.mark.django_db
def test_the_sign_in_token_answer_is_not_stored(world, client_for):
    from .world import PASSWORD

    response = client_for().post("/api/v1/auth/token", data=json.dumps({"username": "clerk_a", "password": PASSWORD}),
                                 content_type="application/json")
    assert response.status_code == 200 and no_store(response)


@pytest.mark.django_db
def test_a_signed_in_persons_view_of_a_public_page_is_not_stored(world, client_for):
    """The page header names who is signed in: not for the next person at a shared computer."""
    response = client_for(world.clerk_a).get("/")
    assert response.status_code == 200 and no_store(response)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/search/?q=a", "/public/", "/api/v1/items", "/api/v1/public/units",
                                 "/result-notices/"])
def test_public_pages_keep_their_caching(world, client_for, url):
    response = client_for().get(url)
    assert response.status_code == 200 and not no_store(response)


@pytest.mark.django_db
def test_disclosure_pages_keep_their_declared_caching_for_signed_in_staff_too(world, client_for):
    """Public figures, no personal data: the caching the disclosure app declares stands (disclosure/public_cache)."""
    response = client_for(world.supervisor).get("/public/")
    assert response.status_code == 200 and "max-age=" in response["Cache-Control"] and not no_store(response)


# Top-level addresses whose answers are public (anonymous, no personal data) and keep their own caching. The API's
# anonymous answers are public too; its signed-in answers are caught by the credentials part of the rule.
PUBLIC_SEGMENTS = {"", "search", "guides", "comments", "public", "open311", "i18n", "display", "api",
                   "result-notices"}


def first_segments() -> set[str]:
    from django.urls import URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    return {path.split("/")[0] for path in walk(get_resolver().url_patterns)}


def test_every_top_level_address_is_either_private_or_known_public():
    """Generated from the URL conf: a new top-level address must be placed on one side of the rule."""
    from bianmin.core.cache_policy import PRIVATE_PREFIXES

    private = {prefix.strip("/").split("/")[0] for prefix in PRIVATE_PREFIXES if prefix.count("/") == 2}
    assert first_segments() - PUBLIC_SEGMENTS == private


@pytest.mark.django_db
@pytest.mark.parametrize("method, url, status", [("get", "/api/v1/no-such-endpoint", 404),
                                                 ("delete", "/api/v1/items", 405)])
def test_the_apis_own_json_errors_carry_the_security_headers(api_for, world, method, url, status):
    """The JSON 404/405 that replaces Django's HTML page is still a signed-in answer: not stored, with a CSP."""
    response = getattr(api_for(world.clerk_a), method)(url)
    assert response.status_code == status and response["Content-Type"].startswith("application/json")
    assert no_store(response) and "default-src" in response.get("Content-Security-Policy", "")
    assert response.get("X-Content-Type-Options") == "nosniff"
