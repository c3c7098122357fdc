"""补充评价: unrated cases get one invitation after 3 days and can be rated until the period ends;
default good ratings exist only when switched on, and are kept apart."""
import datetime as dt

import pytest

from bianmin.core import sms
from bianmin.core.jobs import run_once
from bianmin.ratings.models import Invitation, Rating

from .rating_helpers import finished_case, link_for, rate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _texts_kept_in_memory(memory_sms):
    """Text messages go to `sms.outbox` (tests/conftest.py)."""


def test_invitation_is_sent_three_days_after_completion_once(world, set_now):
    set_now(dt.datetime(2026, 11, 16, 10))
    case = finished_case(world, phone="13912345678")
    set_now(dt.datetime(2026, 11, 19, 9))  # not yet three days
    run_once()
    assert sms.outbox == []
    set_now(dt.datetime(2026, 11, 19, 10, 30))
    run_once()
    run_once()
    assert len(sms.outbox) == 1 and sms.outbox[0]["to"] == "13912345678"
    text = sms.outbox[0]["text"]
    assert "/r/" in text and "via=sms" in text and "13912345678" not in text.split("：", 1)[-1]
    assert Invitation.objects.get(case=case).status == "sent"


def test_the_invited_citizen_can_rate_through_the_sms_link(world, set_now, client):
    set_now(dt.datetime(2026, 11, 16, 10))
    finished_case(world)
    set_now(dt.datetime(2026, 11, 20, 10))
    run_once()
    url = sms.outbox[0]["text"].split("：", 1)[1]
    path = url.split("8000", 1)[-1] if "8000" in url else url
    page = client.get(path)
    assert page.status_code == 200 and "提交评价" in page.content.decode()
    r = client.post(path, {"level": "satisfied", "via": "sms"})
    assert r.status_code == 302
    assert Rating.objects.get().channel == "sms"


def test_rated_cases_and_cases_without_phone_get_no_invitation(world, set_now, api_for):
    set_now(dt.datetime(2026, 11, 16, 10))
    rated = finished_case(world)
    rate(api_for(None), {"token": link_for(api_for(world.clerk_a), rated)["token"], "level": "satisfied"})
    finished_case(world, phone="")
    set_now(dt.datetime(2026, 11, 20, 10))
    run_once()
    assert sms.outbox == [] and not Invitation.objects.exists()


def test_no_invitation_once_the_period_is_over(world, set_now):
    set_now(dt.datetime(2026, 11, 2, 10))
    finished_case(world)
    set_now(dt.datetime(2026, 11, 20, 10))
    run_once()
    assert sms.outbox == []


def test_failed_send_is_recorded_not_lost(world, set_now, settings):
    settings.BIANMIN = {**settings.BIANMIN, "SMS_BACKEND": "tests.test_rating_invitations.BrokenGateway"}
    set_now(dt.datetime(2026, 11, 16, 10))
    finished_case(world)
    set_now(dt.datetime(2026, 11, 20, 10))
    run_once()
    assert Invitation.objects.get().status == "failed"


class BrokenGateway:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


def test_default_good_ratings_are_off_by_default(world, set_now):
    set_now(dt.datetime(2026, 11, 2, 10))
    finished_case(world)
    set_now(dt.datetime(2026, 11, 20, 10))
    run_once()
    assert not Rating.objects.exists()


def test_default_good_rating_when_switched_on_is_marked_and_kept_apart(world, set_now, settings):
    settings.BIANMIN = {**settings.BIANMIN, "DEFAULT_GOOD_RATINGS": True}
    set_now(dt.datetime(2026, 11, 2, 10))
    case = finished_case(world)
    set_now(dt.datetime(2026, 11, 9, 20))  # period still open: nothing yet
    run_once()
    assert not Rating.objects.exists()
    set_now(dt.datetime(2026, 11, 10, 0, 30))
    run_once()
    run_once()
    rating = Rating.objects.get(case=case)
    assert rating.is_default and rating.channel == "system" and not rating.counts_in_statistics
    assert not rating.real_name and rating.rater_phone == ""
