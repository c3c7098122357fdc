"""Caching and throttling of the public pages and API, so heavy traffic reads memory, not the database.

Each report is cached (Django cache) under its name, the interface language (labels, definitions and
window names are translated) and the local day (the periods end today), for
BIANMIN["PUBLIC_CACHE_SECONDS"]. The rate limit of public endpoints (core.throttle) is applied to
cache misses only: a popular page served from memory costs nothing, while a script walking unit ids to
make the server compute reports is stopped. Many citizens share one address behind a mobile carrier's
NAT, so counting cache hits would lock them out of the busiest pages first.
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from bianmin.core import throttle, timeutil
from bianmin.core.errors import RateLimited

PREFIX = "disclosure:v1"
THROTTLE_PURPOSE = "public-disclosure"


def seconds() -> int:
    return int(settings.BIANMIN.get("PUBLIC_CACHE_SECONDS", 300))


def key(*parts) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return ":".join([PREFIX, *(str(p) for p in parts), language, timeutil.today().isoformat()])


def fetch(request, parts: tuple, build: Callable[[], dict]) -> dict:
    """The cached report, or build it (a DomainError from build, e.g. NotFound, is not cached)."""
    cache_key = key(*parts)
    data = cache.get(cache_key)
    if data is not None:
        return data
    address = throttle.client_address(request)
    if throttle.is_limited(THROTTLE_PURPOSE, address):
        raise RateLimited()
    throttle.hit(THROTTLE_PURPOSE, address)
    data = build()
    cache.set(cache_key, data, seconds())
    return data


def warm(parts: tuple, build: Callable[[], dict]) -> bool:
    """Build and cache a report ahead of the first visitor (the worker, stats.warmup), in the current language;
    False when it was cached already. No throttle: this is our own worker, not a client."""
    cache_key = key(*parts)
    if cache.get(cache_key) is not None:
        return False
    cache.set(cache_key, build(), seconds())
    return True


def add_headers(request, response):
    """Cache-Control for browsers and proxies, varying on the cookie that carries the language choice.

    `public` only when the response hands out no cookie. The page header's language switch is a form with
    a CSRF token, so every HTML page sets the CSRF cookie; a shared cache must not give one visitor's
    cookie and token to everyone behind it, so those pages are `private` (the browser still keeps them for
    max-age). The API sets no cookie and is `public`.
    """
    sets_cookie = bool(response.cookies) or bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
    if sets_cookie:
        patch_cache_control(response, private=True, max_age=seconds())
    else:
        patch_cache_control(response, public=True, max_age=seconds())
    patch_vary_headers(response, ("Cookie",))
    return response
