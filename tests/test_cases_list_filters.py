"""List filters and the workbench queue agree with the case pages (issue 13, part 1): for a mix of running, paused,
finished-on-time and finished-late cases, `GET /api/v1/cases?warning=…` and `?finished_late=…` select exactly the
cases whose own state (`state_of`, what the case page and the detail answer show) says so, and the clerk's
"overdue" bucket holds exactly the running cases that are overdue."""
import datetime as dt

import pytest

from bianmin.cases import selectors
from bianmin.cases.models import Case
from bianmin.core.clocks import state_of

from .case_helpers import act, register

DONE = {"result": "准予", "delivery": "window"}
NOW = dt.datetime(2026, 12, 2, 12)


@pytest.fixture
def mix(world, api_for, set_now):
    """Name → case id, as of Wed 2 Dec 2026 12:00 (5-working-day items unless said otherwise)."""
    clerk = api_for(world.clerk_a)

    def accepted(at, item=None):
        set_now(at)
        return act(clerk, register(clerk, item or world.item_committed)["id"], "accept")["id"]

    def then(case_id, at, action, body=None):
        set_now(at)
        act(clerk, case_id, action, body or {})

    mon = dt.datetime(2026, 11, 23, 10)  # due Mon 30 Nov
    cases = {
        "running_overdue": accepted(mon),
        "finished_on_time": accepted(mon),
        "finished_on_time_yellow": accepted(mon),
        "finished_late": accepted(mon),
        "instant_late": accepted(mon, world.item_instant),
        "instant_on_time": accepted(mon, world.item_instant),
        "running_yellow": accepted(dt.datetime(2026, 11, 26, 10)),  # due 3 Dec, 4 of 5 days used
        "running_fresh": accepted(dt.datetime(2026, 12, 1, 10)),
        "paused": accepted(mon),
    }
    then(cases["finished_on_time"], dt.datetime(2026, 11, 25, 10), "complete", DONE)
    then(cases["finished_on_time_yellow"], dt.datetime(2026, 11, 30, 16), "complete", DONE)
    then(cases["finished_late"], dt.datetime(2026, 12, 1, 9), "complete", DONE)
    then(cases["instant_late"], dt.datetime(2026, 11, 23, 11), "complete", DONE)
    then(cases["instant_on_time"], dt.datetime(2026, 11, 23, 10, 9), "complete", DONE)
    then(cases["paused"], dt.datetime(2026, 11, 24, 10), "request_supplement",
         {"materials": ["收入证明"], "deadline": "2026-12-10"})
    set_now(NOW)
    cases["registered"] = register(clerk, world.item_committed)["id"]
    return cases


def _ids(client, query: str) -> set[int]:
    r = client.get(f"/api/v1/cases?limit=100&{query}")
    assert r.status_code == 200, r.content
    return {c["id"] for c in r.json()["items"]}


def test_the_mix_is_what_its_names_say(mix, world, api_for):
    detail = {name: api_for(world.clerk_a).get(f"/api/v1/cases/{pk}").json() for name, pk in mix.items()}
    assert {n for n, d in detail.items() if d["warning"] == "red"} == {
        "running_overdue", "finished_late", "instant_late"}
    assert {n for n, d in detail.items() if d["warning"] == "yellow"} == {"running_yellow", "finished_on_time_yellow"}
    assert {n for n, d in detail.items() if d["finished_late"] is True} == {"finished_late", "instant_late"}
    assert {n for n, d in detail.items() if d["finished_late"] is False} == {
        "finished_on_time", "finished_on_time_yellow", "instant_on_time"}
    assert detail["finished_late"]["overdue_days"] == 1 and detail["running_overdue"]["overdue_days"] == 2


@pytest.mark.parametrize("level", ["none", "yellow", "red"])
def test_warning_filter_selects_exactly_the_cases_whose_state_says_so(mix, world, api_for, level):
    clerk = api_for(world.clerk_a)
    expected = {pk for pk in mix.values() if _warning(pk) == level}
    assert expected  # every level occurs in the mix
    assert _ids(clerk, f"warning={level}") == expected
    # …and each listed entry says the same as the case's own answer.
    for entry in clerk.get(f"/api/v1/cases?limit=100&warning={level}").json()["items"]:
        own = clerk.get(f"/api/v1/cases/{entry['id']}").json()
        for key in ("warning", "overdue_days", "finished_late", "due_provisional", "due_date"):
            assert entry[key] == own[key], (entry["id"], key)


def test_finished_late_filter_agrees_with_the_frozen_states(mix, world, api_for):
    clerk = api_for(world.clerk_a)
    states = {pk: _state(pk) for pk in mix.values()}
    late = {pk for pk, s in states.items() if s and s.finished_late is True}
    on_time = {pk for pk, s in states.items() if s and s.finished_late is False}
    assert _ids(clerk, "finished_late=true") == late == {mix["finished_late"], mix["instant_late"]}
    assert _ids(clerk, "finished_late=false") == on_time
    assert _ids(clerk, "warning=red&status=completed") == late


def test_queue_overdue_bucket_is_the_running_overdue_cases(mix, world, api_for, client_for):
    buckets = selectors.queue(world.clerk_a)
    assert {c.pk for c in buckets["overdue"]} == {mix["running_overdue"]}
    clerk = api_for(world.clerk_a)
    assert _ids(clerk, "overdue=true") == {c.pk for c in buckets["overdue"]}
    assert _ids(clerk, "overdue=false") == set(mix.values()) - {mix["running_overdue"]}
    assert {c.pk for c in buckets["due_soon"]} == {mix["running_yellow"]}
    finished = {mix[n] for n in ("finished_on_time", "finished_on_time_yellow", "finished_late", "instant_late",
                                 "instant_on_time")}
    assert not finished & {c.pk for bucket in buckets.values() for c in bucket}
    html = client_for(world.clerk_a).get("/workbench/").content.decode()
    overdue = html.split('id="overdue"', 1)[1].split("</section>", 1)[0]
    numbers = dict(Case.objects.values_list("pk", "number"))
    assert [pk for pk, number in numbers.items() if f'data-case="{number}"' in overdue] == [mix["running_overdue"]]
    site = client_for(world.manager_a).get("/workbench/site/").content.decode()
    assert site.count('class="red" data-case') == 1


def test_an_unknown_warning_level_is_a_clear_422(mix, world, api_for):
    r = api_for(world.clerk_a).get("/api/v1/cases?warning=purple")
    assert r.status_code == 422 and r.json()["message"] and r.json()["message_en"]


def _state(pk):
    case = Case.objects.select_related("clock").get(pk=pk)
    return state_of(case.clock) if case.clock_id else None


def _warning(pk) -> str:
    state = _state(pk)
    return state.warning.value if state else "none"
