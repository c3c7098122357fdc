"""The demo county, looked at a week after it was loaded (issue 13: "`make run` shows no finished case as overdue"):
every finished case is on time or late as it was at completion, in the API list and on its page."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings

from bianmin.core import timeutil

from .demo_helpers import DEMO_NOW, load_demo_at

FINISHED = {"completed", "rejected"}


@pytest.mark.django_db
def test_finished_demo_cases_never_show_as_overdue_days_later(api_for, client_for):
    with override_settings(BIANMIN={**settings.BIANMIN, "DEMO_HISTORY": False}):
        load_demo_at(DEMO_NOW)
    supervisor = get_user_model().objects.get(username="demo-supervisor")
    with timeutil.travel_to(DEMO_NOW + dt.timedelta(days=7)):
        entries = api_for(supervisor).get("/api/v1/cases?limit=500").json()["items"]
        finished = [e for e in entries if e["status"] in FINISHED]
        assert len(finished) >= 10
        for entry in finished:
            accepted = entry["due_date"] is not None
            assert (entry["finished_late"] is not None) == accepted, entry
            if entry["warning"] == "red":
                assert entry["finished_late"] is True, entry
        assert any(e["finished_late"] is True for e in finished)  # the demo has one finished late, shown as such
        client = client_for(supervisor)
        for entry in finished:
            html = client.get(f"/workbench/cases/{entry['id']}/").content.decode()
            due = re.sub(r"<[^>]+>", "", html.split('data-test="due"', 1)[1].split("</dd>", 1)[0])
            assert "超期" not in due, (entry["number"], due)
            used = re.search(r'data-test="used">(\d+) / (\d+) 分钟', html)
            if used:  # 即办件: the minutes used stay those used at completion
                assert int(used.group(1)) <= 60, (entry["number"], used.group(0))
