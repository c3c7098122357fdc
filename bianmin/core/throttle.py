"""Sign-in throttling (SPEC §11): a few failures per username and address, then a pause; and many failures from
one address, whatever the usernames, lock that address out too, so one machine cannot try password after
password across all accounts. Counts live in the cache, shared by all workers when CACHE_URL names a shared one.
"""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(username: str, address: str) -> str:
    # Hash so neither the username nor the address is kept in clear in the cache.
    digest = hashlib.sha256(f"{username.lower()}|{address}".encode()).hexdigest()[:32]
    return f"login-fail:{digest}"


def _address_key(address: str) -> str:
    return "login-fail-addr:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def is_locked(username: str, address: str) -> bool:
    limits = settings.BIANMIN
    counts = cache.get_many([_key(username, address), _address_key(address)])
    return (counts.get(_key(username, address), 0) >= limits["LOGIN_MAX_FAILURES"]
            or counts.get(_address_key(address), 0) >= limits["LOGIN_MAX_FAILURES_PER_ADDRESS"])


def record_failure(username: str, address: str) -> None:
    _count(_key(username, address))
    _count(_address_key(address))


def _count(key: str) -> None:
    """The window starts at the first failure: incr keeps the expiry the first set gave the key."""
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.BIANMIN["LOGIN_WINDOW_SECONDS"])


def reset(username: str, address: str) -> None:
    """After a successful sign-in the username's count starts again; the address's does not, or an attacker
    holding one account could clear the address's count between guesses at the others."""
    cache.delete(_key(username, address))


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or behind BEHIND_PROXY trusted proxies, the address the outermost of
    them saw, which is the BEHIND_PROXY-th entry from the right of X-Forwarded-For (entries further left are
    whatever the client wrote; the rightmost ones were appended by our own proxies)."""
    hops = getattr(settings, "BEHIND_PROXY", 0)
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
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
