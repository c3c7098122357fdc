"""Early warnings as the managers meet them: the API (scoped list, acknowledge, thresholds), the list page, the
threshold page, the navigation link and the dashboard's figure."""
import json

import pytest

from bianmin.alerts.models import Alert, AlertPolicy, Kind

from .alerts_helpers import NOW, counter, sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def raised(world, set_now):
    """A repeated-person alert at site A (county) and a daily alert of the township (site B)."""
    set_now(NOW)
    from bianmin.alerts import services

    services.save_policy(world.supervisor, world.township.pk, {"daily_complaints": 1})
    for _ in range(3):
        counter(world, staff=world.clerk_a, text="办事拖拉")
    counter(world, site=world.site_b, text="办事拖拉")
    sweep()
    return {"a": Alert.objects.get(kind=Kind.REPEATED_PERSON), "b": Alert.objects.get(kind=Kind.DAILY_COMPLAINTS)}


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def put(client, url, body):
    return client.put(url, data=json.dumps(body), content_type="application/json")


# ---------------------------------------------------------------- API: the list

def test_each_manager_sees_the_alerts_of_their_site_only(world, raised, api_for):
    a = api_for(world.manager_a).get("/api/v1/alerts?open=true").json()
    b = api_for(world.manager_b).get("/api/v1/alerts").json()
    county = api_for(world.supervisor).get("/api/v1/alerts").json()
    assert [row["id"] for row in a["items"]] == [raised["a"].pk]
    assert [row["id"] for row in b["items"]] == [raised["b"].pk]
    assert {row["id"] for row in county["items"]} == {raised["a"].pk, raised["b"].pk}
    row = a["items"][0]
    assert row["kind"] == "repeated_person" and row["subject"] == "王小红" and row["open"] is True
    assert row["site"] == {"id": world.site_a.pk, "name": world.site_a.name}
    assert "王小红" in row["text"] and row["detail"]["count"] == 3


def test_the_list_filters_by_kind_and_state_and_pages(world, raised, api_for):
    client = api_for(world.supervisor)
    assert [r["id"] for r in client.get("/api/v1/alerts?kind=daily_complaints").json()["items"]] == [raised["b"].pk]
    assert client.get("/api/v1/alerts?open=false").json()["count"] == 0
    assert client.get("/api/v1/alerts?limit=1").json()["count"] == 2
    assert len(client.get("/api/v1/alerts?limit=1").json()["items"]) == 1
    bad = client.get("/api/v1/alerts?kind=nonsense")
    assert bad.status_code == 422 and bad.json()["message"] and bad.json()["message_en"]


def test_people_who_read_no_figures_may_not_list_alerts(world, raised, api_for):
    r = api_for(world.clerk_a).get("/api/v1/alerts")
    assert r.status_code == 403 and r.json()["message"] == "您无权查看预警。"
    assert api_for(None).get("/api/v1/alerts").status_code == 401


# ---------------------------------------------------------------- API: acknowledging

def test_a_manager_acknowledges_their_alert_with_a_note_once(world, raised, api_for):
    client = api_for(world.manager_a)
    url = f"/api/v1/alerts/{raised['a'].pk}/acknowledge"
    r = post(client, url, {"note": "已约谈王小红，调整岗位"})
    assert r.status_code == 200, r.content
    assert r.json()["open"] is False and r.json()["note"] == "已约谈王小红，调整岗位"
    again = post(client, url, {"note": "再次确认"})
    assert again.status_code == 409 and again.json()["message_en"]
    alert = Alert.objects.get(pk=raised["a"].pk)
    assert alert.acknowledged_by == world.manager_a and alert.note == "已约谈王小红，调整岗位"
    assert client.get("/api/v1/alerts?open=true").json()["count"] == 0


def test_acknowledging_another_sites_alert_is_a_404(world, raised, api_for):
    r = post(api_for(world.manager_b), f"/api/v1/alerts/{raised['a'].pk}/acknowledge", {"note": "不是我的"})
    assert r.status_code == 404 and r.json()["message"] and r.json()["message_en"]
    assert Alert.objects.get(pk=raised["a"].pk).acknowledged_at is None


def test_an_empty_note_is_refused_in_both_languages(world, raised, api_for):
    r = post(api_for(world.manager_a), f"/api/v1/alerts/{raised['a'].pk}/acknowledge", {"note": "  "})
    assert r.status_code == 422
    assert r.json()["message"] == "请填写处理说明。" and r.json()["message_en"] == "Note is required."
    assert Alert.objects.get(pk=raised["a"].pk).acknowledged_at is None


# ---------------------------------------------------------------- API: thresholds

def test_the_policy_shows_where_its_thresholds_come_from(world, api_for):
    client = api_for(world.supervisor)
    default = client.get(f"/api/v1/alerts/policy?unit_id={world.county.pk}").json()
    assert default["source"] == "default" and default["thresholds"]["daily_complaints"] == 10
    r = put(client, f"/api/v1/alerts/policy?unit_id={world.county.pk}", {"daily_complaints": 20,
                                                                         "hot_term_factor": 2.5})
    assert r.status_code == 200, r.content
    assert r.json()["source"] == "own" and r.json()["thresholds"]["daily_complaints"] == 20
    township = client.get(f"/api/v1/alerts/policy?unit_id={world.township.pk}").json()
    assert township["source"] == "inherited" and township["source_unit"]["id"] == world.county.pk
    assert township["thresholds"]["daily_complaints"] == 20
    assert float(township["thresholds"]["hot_term_factor"]) == 2.5
    assert township["thresholds"]["repeat_count"] == 3  # left out: kept


@pytest.mark.parametrize("body, field", [
    ({"daily_complaints": 0}, "daily_complaints"),
    ({"repeat_count": 1}, "repeat_count"),
    ({"repeat_days": 91}, "repeat_days"),
    ({"hot_term_factor": 1.0}, "hot_term_factor"),
    ({"bad_review_days": 1000}, "bad_review_days"),
])
def test_a_threshold_out_of_range_is_refused_and_nothing_changes(world, api_for, body, field):
    client = api_for(world.supervisor)
    put(client, f"/api/v1/alerts/policy?unit_id={world.county.pk}", {"daily_complaints": 20})
    r = put(client, f"/api/v1/alerts/policy?unit_id={world.county.pk}", {"repeat_days": 10, **body})
    assert r.status_code == 422, r.content
    assert r.json()["field"] == field and "应在" in r.json()["message"] and "between" in r.json()["message_en"]
    row = AlertPolicy.objects.get(unit=world.county)
    assert (row.daily_complaints, row.repeat_days) == (20, 30)


def test_a_threshold_of_the_wrong_type_is_refused(world, api_for):
    r = put(api_for(world.supervisor), f"/api/v1/alerts/policy?unit_id={world.county.pk}",
            {"daily_complaints": "many"})
    assert r.status_code == 422 and r.json()["message"] and r.json()["message_en"]
    assert not AlertPolicy.objects.exists()


def test_only_the_units_own_managers_and_supervisors_above_set_thresholds(world, api_for):
    assert put(api_for(world.manager_b), f"/api/v1/alerts/policy?unit_id={world.county.pk}",
               {"daily_complaints": 5}).status_code == 404
    assert put(api_for(world.clerk_a), f"/api/v1/alerts/policy?unit_id={world.county.pk}",
               {"daily_complaints": 5}).status_code == 403
    assert put(api_for(world.manager_b), f"/api/v1/alerts/policy?unit_id={world.township.pk}",
               {"daily_complaints": 5}).status_code == 200
    assert not AlertPolicy.objects.filter(unit=world.county).exists()


# ---------------------------------------------------------------- pages

def test_the_list_page_shows_open_alerts_first_and_acknowledges_with_a_note(world, raised, client_for):
    client = client_for(world.manager_a)
    page = client.get("/workbench/alerts/")
    html = page.content.decode()
    assert page.status_code == 200 and f'id="alert-{raised["a"].pk}"' in html and "王小红" in html
    assert f'id="alert-{raised["b"].pk}"' not in html  # site B's
    assert 'data-test="nav-alerts"' in html
    r = client.post(f"/workbench/alerts/{raised['a'].pk}/acknowledge/", {"note": "已约谈"})
    assert r.status_code == 302
    assert Alert.objects.get(pk=raised["a"].pk).note == "已约谈"
    assert f'id="alert-{raised["a"].pk}"' not in client.get("/workbench/alerts/").content.decode()  # open only
    assert "已约谈" in client.get("/workbench/alerts/?state=all").content.decode()


def test_the_list_page_filters_by_kind(world, raised, client_for):
    client = client_for(world.supervisor)
    html = client.get("/workbench/alerts/?kind=daily_complaints").content.decode()
    assert f'id="alert-{raised["b"].pk}"' in html and f'id="alert-{raised["a"].pk}"' not in html


def test_acknowledging_without_a_note_on_the_page_says_why(world, raised, client_for):
    r = client_for(world.manager_a).post(f"/workbench/alerts/{raised['a'].pk}/acknowledge/", {"note": ""})
    assert r.status_code == 422
    assert "请填写处理说明。 / Note is required." in r.content.decode()
    assert client_for(world.manager_b).post(f"/workbench/alerts/{raised['a'].pk}/acknowledge/",
                                            {"note": "x"}).status_code == 404


def test_the_list_page_is_for_people_who_read_figures(world, client_for):
    assert client_for(world.clerk_a).get("/workbench/alerts/").status_code == 403
    assert 'data-test="nav-alerts"' not in client_for(world.clerk_a).get("/workbench/").content.decode()


def test_the_threshold_page_saves_and_refuses_bad_input(world, client_for):
    client = client_for(world.supervisor)
    page = client.get(f"/workbench/alerts/policy/?unit={world.township.pk}")
    assert page.status_code == 200 and 'name="daily_complaints"' in page.content.decode()
    values = {"unit": world.township.pk, "daily_complaints": 6, "repeat_count": 3, "repeat_days": 30,
              "hot_term_factor": "3.0", "hot_term_min_count": 5, "bad_reviews": 3, "bad_review_days": 30}
    assert client.post("/workbench/alerts/policy/", values).status_code == 302
    assert AlertPolicy.objects.get(unit=world.township).daily_complaints == 6
    r = client.post("/workbench/alerts/policy/", {**values, "daily_complaints": 8, "hot_term_factor": "abc"})
    assert r.status_code == 422 and "热词升幅倍数应为数字。 / Hot term rise factor must be a number." in \
        r.content.decode()
    assert AlertPolicy.objects.get(unit=world.township).daily_complaints == 6
    assert client_for(world.manager_b).get(f"/workbench/alerts/policy/?unit={world.county.pk}").status_code == 404
    assert client_for(world.clerk_a).get("/workbench/alerts/policy/").status_code == 403


def test_the_dashboard_counts_the_open_alerts(world, raised, client_for):
    html = client_for(world.manager_a).get(f"/workbench/stats/?site={world.site_a.pk}").content.decode()
    assert 'data-test="open-alerts">1<' in html
    Alert.objects.filter(pk=raised["a"].pk).update(acknowledged_at=NOW)
    html = client_for(world.manager_a).get(f"/workbench/stats/?site={world.site_a.pk}").content.decode()
    assert 'data-test="open-alerts">0<' in html


def test_the_pages_read_in_english(world, raised, client_for):
    client = client_for(world.manager_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/workbench/alerts/"})
    html = client.get("/workbench/alerts/").content.decode()
    assert "Alerts" in html and "complained about 3 times" in html


def test_a_phone_number_in_the_note_is_masked_when_shown(world, raised, api_for, client_for):
    post(api_for(world.manager_a), f"/api/v1/alerts/{raised['a'].pk}/acknowledge", {"note": "已回电13987654321"})
    rows = api_for(world.manager_a).get("/api/v1/alerts?open=false").json()["items"]
    assert rows[0]["note"] == "已回电139****4321"
    html = client_for(world.manager_a).get("/workbench/alerts/?state=all").content.decode()
    assert "139****4321" in html and "13987654321" not in html
    assert Alert.objects.get(pk=raised["a"].pk).note == "已回电13987654321"  # stored whole
