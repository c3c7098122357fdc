from __future__ import annotations

import copy

import pytest
from django.test import Client

from .once import is_transactional, mark_shared_modules, module_shares, module_transaction
from .world import build_world

# Tests hash passwords with a fast hasher: every persona of tests/world.py gets one, and Argon2 is deliberately slow
# (~0.1 s a hash; 85 of 135 s of a file that builds the world per test). The product keeps Argon2:
# tests/test_auth.py proves it is the production hasher.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config):
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """Each test sees the calendar of its own database state, not one cached by an earlier test."""
    from bianmin.core.worktime import loader

    loader.invalidate()
    yield
    loader.invalidate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases are built from the models (`--no-migrations`, pyproject.toml; tests/test_migrations.py
    runs the migrations themselves): put in the rows the data migrations seed."""
    from .seeded import restore

    with django_db_blocker.unblock():
        restore()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test's flush (in its fixtures' teardown, inside this hook) wipes the migrations' seeded
    rows: put them back once that teardown is over, so the next test on this worker finds a migrated database."""
    yield
    # After the last test the session's fixtures have dropped the test database: nothing to put back.
    if nextitem is not None and is_transactional(item):
        from pytest_django.plugin import blocking_manager_key

        from .seeded import restore

        with item.config.stash[blocking_manager_key].unblock():
            restore()


@pytest.fixture(autouse=True)
def fresh_exchange_links():
    """The exchange keeps its links in process memory (bianmin/exchange/links.py): each test reads its own."""
    from bianmin.exchange import links

    links.forget()
    yield
    links.forget()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached answers (league tables, the public portal, sign-in
    failures) belong to the database of the test that stored them."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def no_demo_history(settings):
    """`manage.py demo` adds months of generated history (bianmin/demo/history.py): tests load the hand-made demo
    only, so they stay fast and its exact counts hold, unless they turn history on (tests/test_demo_history.py)."""
    settings.BIANMIN = {**settings.BIANMIN, "DEMO_HISTORY": False}


@pytest.fixture(autouse=True)
def no_scheduled_reports(request, settings):
    """`worker --once` also generates the reports due around today (bianmin/reports/jobs.py), ~0.25 s each: only
    the report tests want them, so elsewhere no unit level gets reports."""
    if not request.module.__name__.rsplit(".", 1)[-1].startswith("test_reports"):
        settings.BIANMIN = {**settings.BIANMIN, "REPORT_UNIT_LEVELS": [], "REPORT_QUARTERLY_UNIT_LEVELS": []}


def pytest_collection_modifyitems(items):
    mark_shared_modules(items, "world")
    mark_shared_modules(items, "demo")


@pytest.fixture(scope="module")
def world_once(request, django_db_setup, django_db_blocker):
    """tests/world.py built once for a module whose database tests all use it (tests/once.py), else None."""
    if not module_shares(request, "world"):
        yield None
        return
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock():
            built = build_world()
        yield built


@pytest.fixture
def world(world_once, db):
    """The personas and units of tests/world.py. Each test gets its own copy of the Python objects (a test may
    change them) over the rows built once for its module, which its savepoint rolls back."""
    if world_once is None:
        return build_world()
    return copy.deepcopy(world_once)


@pytest.fixture
def client_for():
    """client_for(user) → a Django test client signed in as that user (None → anonymous)."""

    def make(user=None) -> Client:
        client = Client(HTTP_HOST="localhost")
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for(db):
    """api_for(user) → a test client whose requests carry a bearer token for that user."""
    from bianmin.core.auth import issue_token

    def make(user=None) -> Client:
        if user is None:
            return Client(HTTP_HOST="localhost")
        token, _ = issue_token(user)
        return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")

    return make


@pytest.fixture
def set_now(monkeypatch):
    """set_now(datetime) moves the services' clock (bianmin.core.timeutil) to that moment."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from bianmin.core import timeutil

    def move(value: dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
        monkeypatch.setattr(timeutil, "now", lambda: value)
        return value

    return move


@pytest.fixture
def memory_sms(settings):
    """Text messages are kept in `bianmin.core.sms.outbox` (emptied before and after the test) instead of sent."""
    from bianmin.core import sms

    settings.BIANMIN = {**settings.BIANMIN, "SMS_BACKEND": "memory"}
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def hw(world):
    """The hotline's personas, units and dispatch categories on top of `world` (tests/world.py)."""
    from .world import build_hotline_world

    return build_hotline_world(world)
