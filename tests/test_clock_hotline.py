"""Hotline work orders and the one definition of "overdue" (issue 13): an order the department answered (replied,
revisited, closed) is on time or late, never overdue — in the API, the list filter and counts, the order page, the
worker's sweeps and the figures alike; a due date in the provisional year is marked 暂定."""
import datetime as dt
import re

import pytest

from bianmin.hotline import figures, jobs
from bianmin.hotline.models import WorkOrder, WorkOrderEvent

from .hotline_helpers import act, get, intake

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(hw, api_for):
    return api_for(hw.agent)


def dispatched(hw, agent, api_for, set_now, at=dt.datetime(2026, 11, 16, 10), **extra):
    """An ordinary order dispatched to civil affairs and accepted: 7 calendar days, due Monday 23 November."""
    set_now(at)
    order = act(agent, intake(agent, **extra)["id"], "dispatch")
    act(api_for(hw.base.handler), order["id"], "accept")
    return order


def listed(client, query="") -> str:
    html = client.get("/workbench/hotline/" + query).content.decode()
    return html[html.index('data-test="order-rows"'):html.index("</table>")]


def overdue_bucket(client) -> int:
    html = client.get("/workbench/hotline/").content.decode()
    return int(re.search(r'data-test="bucket-overdue"><span>[^<]+</span><b>(\d+)</b>', html).group(1))


def api_row(client, order_id) -> dict:
    items = client.get("/api/v1/workorders", {"limit": 100}).json()["items"]
    return next(row for row in items if row["id"] == order_id)


def test_an_order_answered_late_is_late_not_overdue_anywhere(hw, agent, api_for, client_for, set_now):
    order = dispatched(hw, agent, api_for, set_now)
    set_now(dt.datetime(2026, 11, 25, 10))  # two working days after the due date
    act(api_for(hw.base.handler), order["id"], "reply", {"text": "已办理"})
    reply = WorkOrderEvent.objects.get(order_id=order["id"], action="reply")
    assert reply.data["on_time"] is False and reply.data["overdue_days"] == 2
    set_now(dt.datetime(2026, 12, 10, 10))
    detail = get(agent, order["id"])
    assert detail["finished_late"] is True and detail["overdue_days"] == 2 and detail["warning"] == "red"
    row = api_row(agent, order["id"])
    assert (row["finished_late"], row["overdue_days"], row["due_provisional"]) == (True, 2, False)
    assert jobs.escalate_overdue() == 0 and jobs.remind_due() == 0
    pages = client_for(hw.agent)
    assert detail["number"] not in listed(pages, "?due=overdue") and overdue_bucket(pages) == 0
    html = pages.get(f"/workbench/hotline/{order['id']}/").content.decode()
    due = re.search(r'data-test="due">(.*?)</dd>', html, re.DOTALL).group(1)
    assert 'data-test="overdue"' not in html and "逾期 2 个工作日完成" in due and "超期" not in due
    assert not re.search(rf'<tr data-order="{order["id"]}" class="red"', listed(pages))
    replied = figures.compute(WorkOrder.objects.all()).on_time_reply
    assert (replied.numerator, replied.denominator) == (0, 1)


def test_an_order_answered_in_time_stays_on_time_after_it_closes(hw, agent, api_for, client_for, set_now):
    order = dispatched(hw, agent, api_for, set_now)
    set_now(dt.datetime(2026, 11, 20, 10))
    act(api_for(hw.base.handler), order["id"], "reply", {"text": "已办理"})
    act(agent, order["id"], "revisit", {"reached": True, "resolved": True, "satisfied": True})
    act(agent, order["id"], "close")
    set_now(dt.datetime(2027, 1, 20, 10))
    detail = get(agent, order["id"])
    assert (detail["finished_late"], detail["overdue_days"], detail["warning"]) == (False, 0, "none")
    html = client_for(hw.agent).get(f"/workbench/hotline/{order['id']}/").content.decode()
    assert 'data-test="on-time"' in re.search(r'data-test="due">(.*?)</dd>', html, re.DOTALL).group(1)
    replied = figures.compute(WorkOrder.objects.all()).on_time_reply
    assert (replied.numerator, replied.denominator) == (1, 1)


def test_a_running_order_is_overdue_everywhere_alike(hw, agent, api_for, client_for, set_now):
    late = dispatched(hw, agent, api_for, set_now)
    answered = dispatched(hw, agent, api_for, set_now)
    set_now(dt.datetime(2026, 11, 26, 10))
    act(api_for(hw.base.handler), answered["id"], "reply", {"text": "已办理"})  # late, but answered
    assert get(agent, late["id"])["finished_late"] is None and get(agent, late["id"])["overdue_days"] == 3
    pages = client_for(hw.agent)
    assert late["number"] in listed(pages, "?due=overdue") and answered["number"] not in listed(pages, "?due=overdue")
    assert overdue_bucket(pages) == 1
    assert jobs.escalate_overdue() == 1  # the late one only


def test_a_due_date_in_the_provisional_year_is_marked(hw, agent, api_for, client_for, set_now):
    order = dispatched(hw, agent, api_for, set_now, at=dt.datetime(2026, 12, 21, 10), type="complex")
    detail = get(agent, order["id"])
    assert detail["due_at"].startswith("2027-01-05") and detail["due_provisional"] is True
    html = client_for(hw.agent).get(f"/workbench/hotline/{order['id']}/").content.decode()
    assert 'data-test="provisional"' in re.search(r'data-test="due">(.*?)</dd>', html, re.DOTALL).group(1)
    assert 'data-test="provisional"' in listed(client_for(hw.agent))
