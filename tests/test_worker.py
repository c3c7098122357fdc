"""The worker marks deadlines yellow and red exactly once, however many workers run."""
import datetime as dt

import pytest
from django.core.management import call_command

from bianmin.core.jobs import sweep_deadlines
from bianmin.core.models import Clock, ClockEvent

from .case_helpers import act, register


@pytest.fixture
def accepted(world, api_for, set_now):
    set_now(dt.datetime(2026, 11, 23, 10))
    clerk = api_for(world.clerk_a)
    return act(clerk, register(clerk, world.item_committed)["id"], "accept")


def test_sweep_raises_yellow_then_red_once(accepted, set_now):
    clock = Clock.objects.get(case__id=accepted["id"])
    set_now(dt.datetime(2026, 11, 24, 10))
    assert sweep_deadlines() == 0
    set_now(dt.datetime(2026, 11, 27, 9))  # 4 of 5 working days used
    assert sweep_deadlines() == 1
    assert sweep_deadlines() == 0  # idempotent
    clock.refresh_from_db()
    assert clock.warning == "yellow"
    set_now(dt.datetime(2026, 12, 1, 9))
    assert sweep_deadlines() == 1
    clock.refresh_from_db()
    assert clock.warning == "red"
    assert list(ClockEvent.objects.filter(clock=clock).values_list("warning", flat=True)) == ["yellow", "red"]


def test_paused_clock_gets_no_warning(accepted, world, api_for, set_now):
    set_now(dt.datetime(2026, 11, 24, 10))
    act(api_for(world.clerk_a), accepted["id"], "request_supplement",
        {"materials": ["收入证明"], "deadline": "2026-12-31"})
    set_now(dt.datetime(2026, 12, 15, 10))
    assert sweep_deadlines() == 0


def test_worker_once_command(accepted, set_now, capsys):
    set_now(dt.datetime(2026, 12, 1, 9))
    call_command("worker", "--once")
    assert "deadlines=1" in capsys.readouterr().out


def test_queue_shows_overdue_in_red(accepted, world, client_for, set_now):
    set_now(dt.datetime(2026, 12, 2, 9))
    html = client_for(world.clerk_a).get("/workbench/").content.decode()
    overdue = html.split('id="overdue"')[1].split("</section>")[0]
    assert accepted["number"] in overdue and 'class="red"' in overdue


def test_a_sweep_runs_its_jobs_in_the_declared_order_whatever_the_app_order():
    from bianmin.core import jobs

    names = [name for name, _ in jobs.JOBS]
    assert names == [name for name in jobs.ORDER if name in names]
    assert set(names) == set(jobs.ORDER)  # every app registered its jobs
    # Registering again (an app loaded twice) neither duplicates nor reorders.
    jobs.register("stats_rollup", dict(jobs.JOBS)["stats_rollup"])
    assert [name for name, _ in jobs.JOBS] == names


def test_a_job_without_a_declared_place_is_refused():
    from bianmin.core import jobs

    with pytest.raises(ValueError, match="ORDER"):
        jobs.register("something_new", lambda: 0)
    assert "something_new" not in dict(jobs.JOBS)
