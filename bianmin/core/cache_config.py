"""Which cache the processes share, from CACHE_URL (settings.CACHES).

The cache holds sign-in failure counts and public rate limits (core/throttle.py), the public portal's
figures and hot spot results. One process (`make run`) is served by Django's local-memory cache; under
several gunicorn workers each would count failures on its own — five workers, five times the allowed
guesses — so a deployment with several processes points them all at one cache:

    CACHE_URL=redis://127.0.0.1:6379/1   Redis (atomic counters; recommended)
    CACHE_URL=db                         a table in the database (run `manage.py createcachetable` once)
    CACHE_URL=locmem (or unset)          per process
"""
from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

DB_TABLE = "bianmin_cache"
KEY_PREFIX = "bianmin"


def caches_from(url: str | None) -> dict:
    url = (url or "locmem").strip()
    if url.startswith(("redis://", "rediss://", "unix://")):
        backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    elif url == "db":
        backend = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": DB_TABLE}
    elif url == "locmem":
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    else:
        scheme = url.split(":", 1)[0]  # never the rest: it may hold a password
        raise ImproperlyConfigured(f"CACHE_URL must be redis://…, db or locmem, not {scheme!r}…")
    return {"default": {**backend, "KEY_PREFIX": KEY_PREFIX}}
