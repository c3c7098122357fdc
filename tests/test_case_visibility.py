"""Each persona sees exactly the cases its role and scope allow (DESIGN rule 3)."""
import pytest

from bianmin.cases.selectors import visible_cases
from bianmin.orgs.models import Window

from .case_helpers import act, post, register
from .world import make_user


@pytest.fixture
def cases(world, api_for):
    """One case at site A (county centre) and one at site B (township centre)."""
    clerk_b = make_user("clerk_b", "clerk", site=world.site_b, staff_name="镇窗口")
    Window.objects.create(site=world.site_b, number="1", name="综合窗口").items.add(world.item_committed)
    a = register(api_for(world.clerk_a), world.item_committed)
    b = register(api_for(clerk_b), world.item_committed)
    return {"a": a["id"], "b": b["id"], "clerk_b": clerk_b}


def ids(user):
    return set(visible_cases(user).values_list("id", flat=True))


def test_clerk_of_site_a_sees_only_site_a(world, cases):
    assert ids(world.clerk_a) == {cases["a"]}


def test_manager_of_site_a_sees_only_site_a(world, cases):
    assert ids(world.manager_a) == {cases["a"]}


def test_manager_of_site_b_sees_only_site_b(world, cases):
    assert ids(world.manager_b) == {cases["b"]}


def test_county_supervisor_sees_both(world, cases):
    assert ids(world.supervisor) == {cases["a"], cases["b"]}


def test_department_handler_sees_only_cases_handed_to_it(world, cases, api_for):
    assert ids(world.handler) == set()
    act(api_for(world.clerk_a), cases["a"], "accept")
    act(api_for(world.clerk_a), cases["a"], "hand_over", {"department_id": world.civil_affairs.pk})
    assert ids(world.handler) == {cases["a"]}


def test_user_without_role_sees_nothing(world, cases):
    assert ids(world.outsider) == set()


def test_api_hides_other_sites_cases_as_404(world, cases, api_for):
    assert api_for(world.manager_b).get(f"/api/v1/cases/{cases['a']}").status_code == 404
    assert api_for(world.manager_a).get(f"/api/v1/cases/{cases['a']}").status_code == 200
    listed = api_for(world.manager_b).get("/api/v1/cases").json()
    assert [c["id"] for c in listed["items"]] == [cases["b"]]


def test_anonymous_gets_401_from_staff_api(world, cases, client):
    r = client.get(f"/api/v1/cases/{cases['a']}", HTTP_HOST="localhost")
    assert r.status_code == 401 and r.json()["message_en"]
    r = post(client, "/api/v1/cases", {"item_code": world.item_committed.code, "applicant": {"name": "张三"}})
    assert r.status_code == 401


def test_supervisor_may_view_but_not_act(world, cases, api_for):
    r = post(api_for(world.supervisor), f"/api/v1/cases/{cases['a']}/accept")
    assert r.status_code == 403 and r.json()["message"]


def test_clerk_of_other_site_cannot_act(world, cases, api_for):
    r = post(api_for(cases["clerk_b"]), f"/api/v1/cases/{cases['a']}/accept")
    assert r.status_code == 404  # not even visible


def test_staff_pages_follow_the_same_scope(world, cases, client_for):
    assert client_for(world.manager_b).get(f"/workbench/cases/{cases['a']}/").status_code == 404
    assert client_for(world.clerk_a).get(f"/workbench/cases/{cases['a']}/").status_code == 200
    r = client_for(None).get(f"/workbench/cases/{cases['a']}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
