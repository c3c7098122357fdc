"""timeutil.travel_to: the services' clock (and Django's auto timestamps) at a chosen moment."""
import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bianmin.core import timeutil

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_travel_moves_now_and_today_and_comes_back():
    real_now = timezone.now
    moment = dt.datetime(2026, 3, 2, 23, 30, tzinfo=dt.UTC)  # already 3 March in Shanghai
    with timeutil.travel_to(moment) as at:
        assert at == moment and timeutil.travelling()
        assert timeutil.now() == moment and timezone.now() == moment
        assert timeutil.today() == dt.date(2026, 3, 3)
    assert not timeutil.travelling()
    assert timezone.now is real_now
    assert abs(timeutil.now() - real_now()) < dt.timedelta(seconds=5)


def test_naive_moments_are_local_time_and_blocks_nest():
    with timeutil.travel_to(dt.datetime(2026, 5, 6, 9, 0)) as outer:
        assert outer == dt.datetime(2026, 5, 6, 9, 0, tzinfo=SHANGHAI)
        with timeutil.travel_to(dt.datetime(2026, 5, 7, 10, 0)):
            assert timeutil.today() == dt.date(2026, 5, 7)
        assert timeutil.now() == outer
    assert not timeutil.travelling()


def test_other_threads_keep_the_real_time():
    seen = {}

    def look():
        seen["now"] = timezone.now()
        seen["travelling"] = timeutil.travelling()

    with timeutil.travel_to(dt.datetime(2001, 1, 1, 12, 0)):
        worker = threading.Thread(target=look)
        worker.start()
        worker.join()
    assert seen["travelling"] is False and seen["now"].year > 2001


def test_travel_ends_even_when_the_block_raises():
    real_now = timezone.now
    with pytest.raises(RuntimeError), timeutil.travel_to(dt.datetime(2026, 1, 5, 9, 0)):
        raise RuntimeError("boom")
    assert timezone.now is real_now and not timeutil.travelling()


@pytest.mark.django_db
def test_auto_timestamps_follow_the_travel():
    from bianmin.core.models import AuditLog

    moment = dt.datetime(2026, 4, 8, 10, 15, tzinfo=SHANGHAI)
    with timeutil.travel_to(moment):
        row = AuditLog.objects.create(action="test")
    row.refresh_from_db()
    assert row.at == moment
