"""Hotline figures on hand-built data: every numerator and denominator is counted by hand below."""
import datetime as dt

import pytest

from bianmin.hotline import figures
from bianmin.hotline.models import WorkOrder

from .hotline_helpers import act, intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(hw, api_for, set_now):
    """Week of Monday 16 Nov 2026 (dispatch limit 30 minutes, response limit 1 working day).

    A civil: dispatched 10 min after the call, accepted the same day, revisit: resolved and satisfied.
    B civil: dispatched 60 min after the call (late), accepted two days later (late), revisit: unresolved.
    C civil category: answered at intake.
    D land category: dispatched to land in time, returned in time, re-routed to civil 10 min later (in time),
      civil has not answered yet and is not yet late.
    E a duplicate merged into A (left out of first-call resolution).
    F civil: dispatched in time, accepted in time, revisit: caller not reached.
    G next month: answered at intake (outside the period).
    """
    agent, civil, land = api_for(hw.agent), api_for(hw.base.handler), api_for(hw.handler2)

    def at(day, hh, mm=0):
        set_now(dt.datetime(2026, 11, day, hh, mm))

    at(16, 9, 50)
    a = intake(agent)
    at(16, 10)
    act(agent, a["id"], "dispatch")
    at(16, 11)
    act(civil, a["id"], "accept")
    at(16, 9)
    b = intake(agent)
    at(16, 10)
    act(agent, b["id"], "dispatch")
    at(18, 9)
    act(civil, b["id"], "accept")
    at(16, 14)
    c = intake(agent, answered_at_intake=True, answer="当场答复")
    at(17, 9)
    d = intake(agent, category="BDC")
    at(17, 9, 5)
    act(agent, d["id"], "dispatch")
    at(17, 15)
    act(land, d["id"], "return", {"reason": "属民政职责"})
    at(17, 15, 10)
    act(agent, d["id"], "dispatch", {"department": hw.base.civil_affairs.pk})
    at(17, 10)
    e = intake(agent)
    at(17, 10, 5)
    act(agent, e["id"], "merge", {"into": a["id"]})
    at(17, 11)
    f = intake(agent)
    at(17, 11, 20)
    act(agent, f["id"], "dispatch")
    at(17, 16)
    act(civil, f["id"], "accept")
    at(18, 10)
    for order in (a, b, f):
        act(civil, order["id"], "reply", {"text": "已办理"})
    at(19, 10)
    act(agent, a["id"], "revisit", {"reached": True, "resolved": True, "satisfied": True})
    act(agent, b["id"], "revisit", {"reached": True, "resolved": False, "satisfied": False})
    act(agent, f["id"], "revisit", {"reached": False})
    set_now(dt.datetime(2026, 12, 2, 10))
    g = intake(agent, answered_at_intake=True, answer="当场答复")
    set_now(dt.datetime(2026, 11, 17, 18))  # D's response is due by the end of the 18th: not late yet
    return {k: v["id"] for k, v in dict(a=a, b=b, c=c, d=d, e=e, f=f, g=g).items()}


def pairs(figs):
    return {k: (v["numerator"], v["denominator"]) for k, v in figs.as_dict().items()}


NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def test_whole_hotline(week):
    got = pairs(figures.compute(WorkOrder.objects.all(), None, *NOV))
    assert got == {"response_rate": (3, 4),  # A, F, D→land in time; B late; D→civil not yet due
                   "on_time_transfer_rate": (4, 5),  # only B late
                   "on_time_reply_rate": (2, 2),  # A and F replied in time; B re-opened at its revisit
                   "resolution_rate": (1, 3), "satisfaction_rate": (1, 2),
                   "first_call_resolution_rate": (1, 5)}  # C of A, B, C, D, F (E merged, G in December)


def test_by_department(week, hw):
    civil = pairs(figures.compute(WorkOrder.objects.all(), hw.base.civil_affairs, *NOV))
    assert civil == {"response_rate": (2, 3), "on_time_transfer_rate": (3, 4), "on_time_reply_rate": (2, 2),
                     "resolution_rate": (1, 3),
                     "satisfaction_rate": (1, 2), "first_call_resolution_rate": (1, 4)}
    land = pairs(figures.compute(WorkOrder.objects.all(), hw.land, *NOV))
    assert land == {"response_rate": (1, 1), "on_time_transfer_rate": (1, 1), "on_time_reply_rate": (0, 0),
                    "resolution_rate": (0, 0),
                    "satisfaction_rate": (0, 0), "first_call_resolution_rate": (0, 1)}
    assert figures.compute(WorkOrder.objects.all(), hw.land, *NOV).resolution.value is None


def test_pending_response_counts_once_it_is_late(week, set_now):
    set_now(dt.datetime(2026, 11, 19, 9))
    assert pairs(figures.compute(WorkOrder.objects.all(), None, *NOV))["response_rate"] == (3, 5)


def test_periods(week):
    december = pairs(figures.compute(WorkOrder.objects.all(), None, dt.date(2026, 12, 1), dt.date(2026, 12, 31)))
    assert december["first_call_resolution_rate"] == (1, 1) and december["response_rate"] == (0, 0)
    first_day = pairs(figures.compute(WorkOrder.objects.all(), None, dt.date(2026, 11, 16), dt.date(2026, 11, 16)))
    assert first_day["on_time_transfer_rate"] == (1, 2) and first_day["first_call_resolution_rate"] == (1, 3)


def test_figures_api_is_scoped(week, hw, api_for):
    r = api_for(hw.base.supervisor).get("/api/v1/workorders/figures?from=2026-11-01&to=2026-11-30")
    assert r.status_code == 200
    data = r.json()
    assert (data["response_rate"]["numerator"], data["response_rate"]["denominator"]) == (3, 4)
    assert data["first_call_resolution_rate"]["value"] == 0.2 and "一次办结率" in data["definitions"][
        "first_call_resolution_rate"]
    r = api_for(hw.base.supervisor).get(
        f"/api/v1/workorders/figures?department={hw.base.civil_affairs.pk}&from=2026-11-01&to=2026-11-30")
    assert r.json()["response_rate"]["denominator"] == 3
    # The civil-affairs handler sees its own orders only: C (answered at intake) is not one of them.
    own = api_for(hw.base.handler).get("/api/v1/workorders/figures?from=2026-11-01&to=2026-11-30").json()
    assert own["first_call_resolution_rate"]["denominator"] == 4 and own["first_call_resolution_rate"]["numerator"] == 0
    nobody = api_for(hw.base.outsider).get("/api/v1/workorders/figures").json()
    assert nobody["response_rate"] == {"numerator": 0, "denominator": 0, "value": None}
