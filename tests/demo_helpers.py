"""Loading `manage.py demo` in tests, at a fixed moment (tests/test_demo_data.py, tests/test_demo_loading.py)."""
from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from bianmin.cases.models import Case, CaseEvent, FirstContact, JointTask, Notice
from bianmin.catalog.models import Condition, GuideVersion, Item, Material
from bianmin.core import timeutil
from bianmin.core.models import Clock, ClockEvent
from bianmin.demo import cases as demo_cases
from bianmin.orgs.models import Membership, Site, Staff, Unit, Window, WindowPost
from bianmin.ratings.models import Rating
from bianmin.rectification.models import Ticket, TicketEvent

# The demo's cases are dated back from "now"; tests pin now to a Wednesday afternoon, so today's
# cases are in and the results do not depend on the day the tests run.
DEMO_NOW = dt.datetime(2026, 11, 18, 15, 30)


def load_demo_at(moment: dt.datetime) -> str:
    out = io.StringIO()
    with timeutil.travel_to(moment):
        call_command("demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict[str, int]:
    models = [Unit, Site, Window, Staff, WindowPost, Membership, Item, Condition, Material, GuideVersion,
              get_user_model(), Window.items.through, Window.departments.through,
              Case, CaseEvent, Notice, FirstContact, JointTask, Clock, ClockEvent, Rating, Ticket, TicketEvent]
    return {m._meta.label: m.objects.count() for m in models}


def demo_case_rows():
    return demo_cases.existing_cases().select_related("site", "clock", "handover_clock", "handled_by")
