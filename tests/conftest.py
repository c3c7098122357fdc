from __future__ import annotations

import pytest
from django.test import Client

from .world import build_world


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    """Each test sees the calendar of its own database state, not one cached by an earlier test."""
    from bianmin.core.worktime import loader

    loader.invalidate()
    yield
    loader.invalidate()


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


@pytest.fixture(autouse=True)
def calendar_for_next_year(request):
    """Tests that run on today's date may compute deadlines into next year. Until the official schedule
    for that year is seeded (a newer chinese-calendar), give such tests a plain weekends-only year so
    they do not start failing in December. Tests about uncovered years are marked real_calendar."""
    if request.node.get_closest_marker("real_calendar") or not (
            request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)):
        yield
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    from bianmin.core import timeutil
    from bianmin.core.models import CalendarYear
    from bianmin.core.worktime import loader

    year = timeutil.now().year + 1
    if not CalendarYear.objects.filter(year=year).exists() and year < 2031:
        CalendarYear.objects.create(year=year, source=CalendarYear.Source.MANUAL, note="test placeholder")
        loader.invalidate()
    yield


@pytest.fixture
def world(db):
    return build_world()


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
def hw(world):
    """The hotline's personas, units and dispatch categories on top of `world` (tests/world.py)."""
    from .world import build_hotline_world

    return build_hotline_world(world)
