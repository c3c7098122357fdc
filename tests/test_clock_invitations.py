"""A rating invitation sent late by the worker's sweep keeps the rating period of the case it belongs to: the period
runs from the completion, not from the sweep (issue 13: late starts)."""
import datetime as dt

import pytest

from bianmin.core import sms
from bianmin.core.jobs import run_once
from bianmin.ratings import tokens
from bianmin.ratings.models import Invitation

from .rating_helpers import finished_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _texts_kept_in_memory(memory_sms):
    """Text messages go to `sms.outbox` (tests/conftest.py)."""


def test_an_invitation_sent_late_keeps_the_period_of_the_completion(world, set_now, settings):
    set_now(dt.datetime(2026, 11, 16, 10))  # completed Monday: rating period to Monday 23rd, invitation on the 19th
    finished_case(world, phone="13912345678")
    set_now(dt.datetime(2026, 11, 22, 9))  # the worker was down: the sweep runs three days late
    run_once()
    assert Invitation.objects.get().status == "sent" and len(sms.outbox) == 1
    text = sms.outbox[0]["text"]
    assert "11月23日前有效" in text
    token = text.split("/r/", 1)[1].split("/", 1)[0].split("?", 1)[0]
    claims = tokens.decode(token, settings.SECRET_KEY)
    assert dt.datetime.fromtimestamp(claims.expires_at, dt.UTC) == dt.datetime(
        2026, 11, 23, 15, 59, 59, tzinfo=dt.UTC)
