"""Sign-in throttling: a few failures per username and address, then a pause (SPEC §11)."""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(username: str, address: str) -> str:
    # Hash so neither the username nor the address is kept in clear in the cache.
    digest = hashlib.sha256(f"{username.lower()}|{address}".encode()).hexdigest()[:32]
    return f"login-fail:{digest}"


def is_locked(username: str, address: str) -> bool:
    return cache.get(_key(username, address), 0) >= settings.BIANMIN["LOGIN_MAX_FAILURES"]


def record_failure(username: str, address: str) -> None:
    key = _key(username, address)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.BIANMIN["LOGIN_WINDOW_SECONDS"])


def reset(username: str, address: str) -> None:
    cache.delete(_key(username, address))


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


# ---------------------------------------------------------------- public endpoints
# A fixed one-minute window per purpose and address (hashed), in the cache. Good enough to stop a
# script hammering a public form. With several workers the count is shared only when CACHE_URL names a
# shared cache (core/cache_config.py).

def _public_key(purpose: str, address: str) -> str:
    return f"pub:{purpose}:" + hashlib.sha256(address.encode()).hexdigest()[:24]


def is_limited(purpose: str, address: str) -> bool:
    return cache.get(_public_key(purpose, address), 0) >= settings.BIANMIN["PUBLIC_RATE_PER_MINUTE"]


def hit(purpose: str, address: str) -> None:
    key = _public_key(purpose, address)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, 60)
