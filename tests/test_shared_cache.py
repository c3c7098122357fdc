"""Several processes share one cache when CACHE_URL says so: sign-in failures counted by one gunicorn worker
lock the account in every other (otherwise each worker would allow its own five guesses)."""
import socket
import uuid

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from bianmin.core import throttle
from bianmin.core.cache_config import DB_TABLE, caches_from


def test_cache_url_chooses_the_backend():
    assert caches_from(None)["default"]["BACKEND"].endswith("LocMemCache")
    assert caches_from("locmem")["default"]["BACKEND"].endswith("LocMemCache")
    redis = caches_from("redis://127.0.0.1:6379/1")["default"]
    assert redis["BACKEND"].endswith("RedisCache") and redis["LOCATION"] == "redis://127.0.0.1:6379/1"
    db = caches_from("db")["default"]
    assert db["BACKEND"].endswith("DatabaseCache") and db["LOCATION"] == DB_TABLE


def test_an_unknown_cache_url_is_refused_without_echoing_its_secret():
    with pytest.raises(ImproperlyConfigured) as refused:
        caches_from("memcached://user:s3cret@host:11211")
    assert "s3cret" not in str(refused.value) and "memcached" in str(refused.value)


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def _lock_out_in_one_process_and_look_from_another(settings, url: str) -> None:
    settings.CACHES = {"default": {**caches_from(url)["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
    settings.BIANMIN = {**settings.BIANMIN, "LOGIN_MAX_FAILURES": 3}
    for _ in range(3):
        throttle.record_failure("alice", "10.0.0.7")
    other_process = caches.create_connection("default")  # a client of its own, as another worker has
    assert other_process.get(throttle._key("alice", "10.0.0.7")) == 3
    assert throttle.is_locked("alice", "10.0.0.7") and not throttle.is_locked("alice", "10.0.0.8")
    throttle.reset("alice", "10.0.0.7")
    assert other_process.get(throttle._key("alice", "10.0.0.7")) is None


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_sign_in_failures_are_shared_through_redis(settings):
    _lock_out_in_one_process_and_look_from_another(settings, "redis://127.0.0.1:6379/14")


@pytest.mark.django_db
def test_sign_in_failures_are_shared_through_the_database(settings):
    settings.CACHES = caches_from("db")
    call_command("createcachetable", verbosity=0)  # creates the table of the configured database cache
    _lock_out_in_one_process_and_look_from_another(settings, "db")
