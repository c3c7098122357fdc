"""Which answers no cache may keep (issue 14; SPEC §11): the one rule, applied by SecurityHeadersMiddleware.

An answer that may carry personal data gets `Cache-Control: no-store` (with Django's full never-cache set, so
old proxies honour it too): neither the browser's history nor a proxy between a service hall and the internet
keeps a copy for the next person at that computer. That is

- everything under the staff and personal addresses (PRIVATE_PREFIXES): the workbench, the admin, the sign-in
  pages, the rater's /r/<token>/ and /follow-up pages, the rating device, the sign-in token answer, appointment pages
  and the hall's queue pages;
- every answer to a request that carries credentials (a signed-in session, an API token) unless the view
  declared its own caching: staff API answers, unmask answers, any page that shows who is signed in;
- every answer to a write (POST etc.): it speaks about what was just submitted.

Public pages read without credentials — the portal, guides, the disclosure pages and API, the catalogue API —
keep whatever caching they have.
"""
from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

PRIVATE_PREFIXES = (
    "/workbench/",
    "/admin/",
    "/accounts/",
    "/r/",
    "/followup/",
    "/device/",
    "/api/v1/auth/",
    # A booking's page names the person and their code; the hall's kiosk, ticket and display pages are live
    # positions in a queue, stale the moment they are kept.
    "/appointments/",
    "/hall/",
)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def must_not_be_stored(request: HttpRequest, response: HttpResponse) -> bool:
    if request.path.startswith(PRIVATE_PREFIXES) or request.method not in SAFE_METHODS:
        return True
    return _carries_credentials(request) and not response.has_header("Cache-Control")


def _carries_credentials(request: HttpRequest) -> bool:
    if request.META.get("HTTP_AUTHORIZATION"):
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False  # no session to be signed in with: spare cookieless callers (the public API) a session lookup
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def apply(request: HttpRequest, response: HttpResponse) -> None:
    if must_not_be_stored(request, response):
        add_never_cache_headers(response)
