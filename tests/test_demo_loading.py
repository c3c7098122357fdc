"""`python manage.py demo` at other moments and with other settings than tests/test_demo_data.py's."""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from bianmin.cases.models import Case, CaseEvent
from bianmin.cases.selectors import queue
from bianmin.cases.states import Status
from bianmin.catalog.models import Item
from bianmin.core import timeutil
from bianmin.core.worktime.loader import get_calendar
from bianmin.demo import cases as demo_cases
from bianmin.ratings.models import Rating
from bianmin.rectification.models import Ticket

from .demo_helpers import DEMO_NOW, demo_case_rows, load_demo_at, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.django_db
def test_demo_cases_on_a_rest_day_after_a_long_holiday():
    # Sunday 11 Oct 2026, after the National Day break and the Saturday make-up working day.
    load_demo_at(dt.datetime(2026, 10, 11, 8, 0))
    cases = list(demo_case_rows())
    assert len(cases) == len(demo_cases.CASES)
    assert {c.status for c in cases} == {s.value for s in Status}
    cal = get_calendar()
    assert all(cal.is_working(timezone.localtime(e.at).date()) for e in CaseEvent.objects.all())
    with timeutil.travel_to(dt.datetime(2026, 10, 11, 8, 0)):
        buckets = queue(get_user_model().objects.get(username="demo-clerk"))
    assert len(buckets["overdue"]) >= 2 and len(buckets["due_soon"]) >= 2


@pytest.mark.django_db
def test_demo_skips_cases_when_the_calendar_does_not_cover_today():
    out = load_demo_at(dt.datetime(2031, 3, 4, 10, 0))
    assert "工作日历未包含 2031 年" in out and "演示办件 0" in out
    assert not Case.objects.exists() and Item.objects.count() >= 60


def test_demo_loading_sends_no_text_messages(settings):
    from bianmin.core import sms

    settings.BIANMIN = {**settings.BIANMIN, "SMS_BACKEND": "memory"}
    sms.outbox.clear()
    load_demo_at(DEMO_NOW)
    assert Ticket.objects.filter(feedback_at__isnull=False).exists() and sms.outbox == []


# ---------------------------------------------------------------- with generated history (demo/history.py)

def test_generated_history_leaves_the_hand_made_demo_as_it_is(settings):
    # Other tests load the demo without history (tests/conftest.py); tests/test_demo_history.py checks the history.
    settings.BIANMIN = {**settings.BIANMIN, "DEMO_HISTORY": True, "DEMO_HISTORY_MONTHS": 0}
    out = load_demo_at(DEMO_NOW)
    assert "历史数据" in out and f"演示办件 {len(demo_cases.CASES)}" in out
    history = Case.objects.filter(handled_by__username__startswith="demo-staff-")
    assert history.count() > 50
    mine = list(demo_case_rows())
    assert len(mine) == len(demo_cases.CASES) and {c.status for c in mine} == {s.value for s in Status}
    # The personas handle the hand-made cases only; the history has clerks of its own.
    assert not history.filter(handled_by__username__in=["demo-clerk", "demo-clerk2", "demo-town-clerk"]).exists()
    finished = sorted((c for c in mine if c.status == "completed"), key=lambda c: (c.completed_at, c.pk))
    rated = set(Rating.objects.filter(case__in=mine, stage="complete").values_list("case_id", flat=True))
    assert len(rated) == 13 and all(c.pk not in rated for c in finished[-3:])
    statuses = set(Ticket.objects.filter(case__in=mine).values_list("status", flat=True))
    assert {"closed", "answered", "rectifying"} <= statuses
    before = snapshot()
    again = load_demo_at(DEMO_NOW)
    assert snapshot() == before and "新建 0 条" in again
