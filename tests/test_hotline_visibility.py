"""Each persona sees exactly the work orders its role and scope allow (DESIGN rule 3)."""
import pytest

from bianmin.hotline.selectors import visible_orders
from bianmin.orgs.roles import Role

from .hotline_helpers import act, intake
from .world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(hw, api_for):
    """One order with civil affairs, one with land resources, one not yet dispatched."""
    agent = api_for(hw.agent)
    civil = act(agent, intake(agent)["id"], "dispatch")
    land = act(agent, intake(agent, category="BDC", text="不动产证办理进度")["id"], "dispatch")
    waiting = intake(agent)
    return {"civil": civil["id"], "land": land["id"], "waiting": waiting["id"]}


def ids(user):
    return set(visible_orders(user).values_list("id", flat=True))


def test_agent_sees_every_order_of_the_county(hw, orders):
    assert ids(hw.agent) == set(orders.values())


def test_department_handlers_see_only_their_departments_orders(hw, orders):
    assert ids(hw.base.handler) == {orders["civil"]}
    assert ids(hw.handler2) == {orders["land"]}


def test_handler_of_another_department_gets_404(hw, orders, api_for):
    r = api_for(hw.handler2).get(f"/api/v1/workorders/{orders['civil']}")
    assert r.status_code == 404 and r.json()["message"] and r.json()["message_en"]
    assert api_for(hw.base.handler).get(f"/api/v1/workorders/{orders['civil']}").status_code == 200
    listed = api_for(hw.handler2).get("/api/v1/workorders").json()
    assert [o["id"] for o in listed["items"]] == [orders["land"]] and listed["count"] == 1


def test_county_supervisor_and_centre_manager_watch_but_do_not_act(hw, orders, api_for):
    assert ids(hw.base.supervisor) == set(orders.values())
    assert ids(hw.base.manager_a) == set(orders.values())  # the centre's unit is the county
    assert ids(hw.base.manager_b) == set()  # a township centre: no county department's orders
    act(api_for(hw.base.supervisor), orders["civil"], "accept", expect=403)
    act(api_for(hw.base.manager_a), orders["waiting"], "dispatch", expect=403)


def test_agent_of_another_county_and_people_without_a_role_see_nothing(hw, orders, api_for):
    other = make_user("agent_other", Role.AGENT, unit=hw.base.other_county)
    assert ids(other) == set() and ids(hw.base.outsider) == set() and ids(hw.base.clerk_a) == set()
    assert api_for(other).get(f"/api/v1/workorders/{orders['civil']}").status_code == 404
    assert api_for(hw.base.clerk_a).post("/api/v1/workorders", data="{}", content_type="application/json"
                                         ).status_code == 422  # the body is checked first …
    r = api_for(hw.base.clerk_a).post("/api/v1/workorders", content_type="application/json", data=(
        '{"channel": "phone", "caller": {"name": "张三", "phone": "13800000000"}, "category": "SHJZ", "text": "咨询"}'))
    assert r.status_code == 403  # … and a clerk takes no hotline calls


def test_anonymous_gets_401(hw, orders, client):
    assert client.get(f"/api/v1/workorders/{orders['civil']}").status_code == 401
    assert client.get("/api/v1/workorders").status_code == 401
    assert client.get("/api/v1/dispatch-categories").status_code == 401


def test_list_filters_by_status_and_department(hw, orders, api_for):
    agent = api_for(hw.agent)
    got = agent.get("/api/v1/workorders?status=received").json()
    assert [o["id"] for o in got["items"]] == [orders["waiting"]]
    got = agent.get(f"/api/v1/workorders?department={hw.land.pk}").json()
    assert [o["id"] for o in got["items"]] == [orders["land"]]
    got = agent.get(f"/api/v1/workorders?department={hw.base.county.pk}").json()  # a subtree
    assert {o["id"] for o in got["items"]} == {orders["civil"], orders["land"]}
    assert agent.get("/api/v1/workorders?status=flying").status_code == 422
    assert agent.get("/api/v1/workorders?department=999999").status_code == 422


def test_the_dispatch_catalogue(hw, api_for):
    rows = api_for(hw.base.handler).get("/api/v1/dispatch-categories").json()
    by_code = {r["code"]: r for r in rows}
    assert set(by_code) == {"SHJZ", "BDC", "HJ", "CKTS", "XNTS"}
    assert by_code["SHJZ"]["limit"] == {"amount": 7, "unit": "days"}
    assert by_code["HJ"]["limit"] == {"amount": 5, "unit": "workdays"}
    assert by_code["CKTS"]["default_type"] == "simple_complaint" and by_code["CKTS"]["limit"]["amount"] == 1
    assert by_code["XNTS"]["efficiency_complaint"] is True
