"""监督查评: a reproducible random sample of real-name raters (one per phone) for return visits,
visit validation, completion figures, and who may draw and see surveys."""
import datetime as dt
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bianmin.core.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.core.models import AuditLog
from bianmin.orgs.roles import Role
from bianmin.ratings import services, surveys
from bianmin.ratings.models import Rating, Survey, SurveyVisit

from .rating_helpers import finished_case
from .world import make_user

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
MAY = (dt.date(2025, 5, 1), dt.date(2025, 5, 31))


def at(day: int, hour: int = 10, minute: int = 0, month: int = 5) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, minute, tzinfo=TZ)


def bulk_ratings(world, n: int, *, site=None, start_phone: int = 0, when=None, **fields) -> list[Rating]:
    """n real-name ratings with distinct phones at `site` (default site A), created on 10 May."""
    site = site or world.site_a
    fields.setdefault("real_name", True)
    rows = [Rating(level="satisfied", channel="qr", site=site, unit_path=site.unit.path, rater_name="评价人",
                   rater_phone=f"139{start_phone + i:08d}", created_at=when or at(10), **fields) for i in range(n)]
    return Rating.objects.bulk_create(rows)


def draw(world, **kw):
    kw.setdefault("unit", world.county)
    kw.setdefault("period_start", MAY[0])
    kw.setdefault("period_end", MAY[1])
    return surveys.draw_sample(world.supervisor, **kw)


def sampled_ids(survey) -> list[int]:
    return list(survey.visits.order_by("rating_id").values_list("rating_id", flat=True))


@pytest.fixture(autouse=True)
def after_may(set_now):
    set_now(dt.datetime(2025, 6, 15, 9, 0))


# ---------------------------------------------------------------- sample size and reproducibility

def test_default_rate_is_five_percent(world):
    bulk_ratings(world, 100)
    survey = draw(world)
    assert survey.rate == Decimal("0.05") and survey.population == 100 and survey.visits.count() == 5


@pytest.mark.parametrize("population, rate, expected", [
    (41, None, 3),      # ceil(2.05)
    (3, None, 1),       # at least one when anyone can be drawn
    (100, 0.07, 7),     # Decimal arithmetic: not ceil(7.000000000000001) = 8
    (10, 1, 10),
    (10, "0.5", 5),
])
def test_sample_size_is_the_ceiling_of_rate_times_population(world, population, rate, expected):
    bulk_ratings(world, population)
    assert draw(world, rate=rate).visits.count() == expected


def test_same_seed_same_data_same_sample(world):
    bulk_ratings(world, 200)
    first, second = draw(world, seed=20250601), draw(world, seed=20250601)
    assert first.seed == second.seed == 20250601
    assert sampled_ids(first) == sampled_ids(second) and len(sampled_ids(first)) == 10
    others = {tuple(sampled_ids(draw(world, seed=s))) for s in (1, 2, 3)}
    assert len(others | {tuple(sampled_ids(first))}) > 1  # other seeds draw other raters


def test_a_random_seed_is_stored_and_reproduces_the_sample(world):
    bulk_ratings(world, 150)
    survey = draw(world)
    assert 0 <= survey.seed < 2**63
    again = draw(world, seed=survey.seed)
    assert sampled_ids(again) == sampled_ids(survey)


# ---------------------------------------------------------------- the population

def test_each_phone_counts_once_through_its_earliest_rating(world):
    later_first = bulk_ratings(world, 1, start_phone=7, when=at(20))[0]
    earliest = bulk_ratings(world, 1, start_phone=7, when=at(3))[0]  # higher id, earlier time
    bulk_ratings(world, 1, start_phone=7, when=at(25))
    other = bulk_ratings(world, 1, start_phone=8)[0]
    survey = draw(world, rate=1)
    assert survey.population == 2
    assert sampled_ids(survey) == sorted([earliest.pk, other.pk]) and later_first.pk not in sampled_ids(survey)


def test_population_leaves_out_what_must_not_be_sampled(world):
    keep = bulk_ratings(world, 3)                                                   # county centre
    keep += bulk_ratings(world, 2, site=world.site_b, start_phone=100)              # township: in the subtree
    keep += bulk_ratings(world, 1, start_phone=200, when=at(1, 0, 0))               # first minute of the period
    keep += bulk_ratings(world, 1, start_phone=201, when=at(31, 23, 59))            # last minute of the period
    bulk_ratings(world, 1, start_phone=300, real_name=False)                        # anonymous
    Rating.objects.bulk_create([Rating(level="basic", channel="qr", site=world.site_a, unit_path=world.county.path,
                                       real_name=True, rater_name="无电话", rater_phone="", created_at=at(10))])
    bulk_ratings(world, 1, start_phone=301, excluded=True, excluded_reason="误评")    # excluded from statistics
    bulk_ratings(world, 1, start_phone=302, is_default=True)                        # default good rating
    bulk_ratings(world, 1, site=world.site_other, start_phone=303)                  # another county
    bulk_ratings(world, 1, start_phone=304, when=at(30, 23, 59, month=4))           # the day before
    bulk_ratings(world, 1, start_phone=305, when=at(1, 0, 0, month=6))              # the day after
    survey = draw(world, rate=1)
    assert set(sampled_ids(survey)) == {r.pk for r in keep} and survey.population == len(keep)


def test_township_survey_does_not_reach_up_to_the_county(world):
    bulk_ratings(world, 4)
    town = bulk_ratings(world, 2, site=world.site_b, start_phone=50)
    assert set(sampled_ids(draw(world, unit=world.township, rate=1))) == {r.pk for r in town}


def test_ratings_made_through_the_real_services_are_sampled(world, api_for, set_now):
    set_now(dt.datetime(2025, 5, 12, 10, 0))
    case = finished_case(world, phone="13600001234", name="陈实名")
    link = services.rating_link(case)
    named, _ = services.submit_with_token(link.token, level="very_satisfied")
    other = finished_case(world, phone="13600005678")
    services.submit_with_token(services.rating_link(other).token, level="satisfied", anonymous=True)
    set_now(dt.datetime(2025, 6, 15, 9, 0))
    survey = draw(world, rate=1)
    assert sampled_ids(survey) == [named.pk]
    detail = api_for(world.supervisor).get(f"/api/v1/surveys/{survey.pk}").json()
    assert detail["visits"][0]["rater_phone"] == "136****1234" and detail["visits"][0]["rater_name"] == "陈*名"
    assert "13600001234" not in json.dumps(detail, ensure_ascii=False)


def test_nobody_to_sample_is_a_clear_error_and_stores_nothing(world):
    bulk_ratings(world, 2, real_name=False)
    with pytest.raises(InvalidInput) as caught:
        draw(world)
    assert caught.value.code == "empty_population" and caught.value.en
    assert not Survey.objects.exists()


# ---------------------------------------------------------------- visits

@pytest.fixture
def survey(world):
    bulk_ratings(world, 4)
    return draw(world, rate=1)


def visit_list(survey):
    return list(survey.visits.select_related("survey__unit").order_by("id"))


@pytest.mark.parametrize("kwargs, field", [
    ({"status": "done"}, "policy_awareness"),
    ({"status": "done", "policy_awareness": 5, "convenience": 4}, "satisfaction"),
    ({"status": "done", "policy_awareness": 6, "convenience": 4, "satisfaction": 3}, "policy_awareness"),
    ({"status": "done", "policy_awareness": 0, "convenience": 4, "satisfaction": 3}, "policy_awareness"),
    ({"status": "done", "policy_awareness": "x", "convenience": 4, "satisfaction": 3}, "policy_awareness"),
    ({"status": "done", "policy_awareness": 2.5, "convenience": 4, "satisfaction": 3}, "policy_awareness"),
    ({"status": "done", "policy_awareness": True, "convenience": 4, "satisfaction": 3}, "policy_awareness"),
    ({"status": "unreached", "satisfaction": 3}, "status"),
    ({"status": "pending"}, "status"),
    ({"status": "called"}, "status"),
    ({"status": "done", "policy_awareness": 5, "convenience": 5, "satisfaction": 5, "note": "长" * 501}, "note"),
])
def test_visit_validation(world, survey, kwargs, field):
    visit = visit_list(survey)[0]
    with pytest.raises(InvalidInput) as caught:
        surveys.record_visit(world.supervisor, visit, **kwargs)
    assert caught.value.field == field and caught.value.zh and caught.value.en
    visit.refresh_from_db()
    assert visit.status == "pending" and visit.visited_at is None


def test_unreached_can_be_tried_again_but_done_is_final(world, survey, set_now):
    visit = visit_list(survey)[0]
    surveys.record_visit(world.supervisor, visit, status="unreached", note="无人接听")
    visit.refresh_from_db()
    assert (visit.status, visit.note, visit.visited_by) == ("unreached", "无人接听", world.supervisor)
    moment = set_now(dt.datetime(2025, 6, 16, 14, 0))
    surveys.record_visit(world.supervisor, visit, status="done", policy_awareness="4", convenience=5, satisfaction=5)
    visit.refresh_from_db()
    assert (visit.status, visit.policy_awareness, visit.visited_at) == ("done", 4, moment)
    with pytest.raises(Conflict):
        surveys.record_visit(world.supervisor, visit, status="done", policy_awareness=1, convenience=1, satisfaction=1)
    visit.refresh_from_db()
    assert visit.policy_awareness == 4


def test_completion_figures(world, survey):
    v = visit_list(survey)
    surveys.record_visit(world.supervisor, v[0], status="done", policy_awareness=5, convenience=4, satisfaction=3)
    surveys.record_visit(world.supervisor, v[1], status="done", policy_awareness=3, convenience=4, satisfaction=4)
    surveys.record_visit(world.supervisor, v[2], status="unreached")
    assert surveys.figures(survey) == {
        "total": 4, "done": 2, "unreached": 1, "pending": 1, "completion_rate": 50.0,
        "averages": {"policy_awareness": 4.0, "convenience": 4.0, "satisfaction": 3.5},
    }


def test_figures_of_an_untouched_survey(world, survey):
    fig = surveys.figures(survey)
    assert (fig["total"], fig["pending"], fig["completion_rate"]) == (4, 4, 0.0)
    assert fig["averages"] == {"policy_awareness": None, "convenience": None, "satisfaction": None}


# ---------------------------------------------------------------- who may draw and see

def test_supervisor_yes_managers_and_clerks_no(world, api_for):
    bulk_ratings(world, 20)
    body = {"unit_id": world.county.pk, "period_start": "2025-05-01", "period_end": "2025-05-31", "seed": 7}
    r = api_for(world.supervisor).post("/api/v1/surveys", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    survey_id = r.json()["id"]
    assert r.json()["figures"]["total"] == 1 and r.json()["seed"] == 7 and r.json()["population"] == 20
    town_body = {**body, "unit_id": world.township.pk}
    for user in (world.manager_b, world.manager_a, world.clerk_a):
        client = api_for(user)
        for payload in (body, town_body):
            denied = client.post("/api/v1/surveys", json.dumps(payload), content_type="application/json")
            assert denied.status_code == 403 and denied.json()["message_en"]
        assert client.get(f"/api/v1/surveys/{survey_id}").status_code == 404
        assert client.get("/api/v1/surveys").status_code == 403
    assert Survey.objects.count() == 1


def test_supervisor_of_another_county_sees_nothing(world, api_for):
    bulk_ratings(world, 20)
    survey = draw(world, seed=1)
    neighbour = make_user("neighbour", Role.SUPERVISOR, unit=world.other_county)
    assert api_for(neighbour).get(f"/api/v1/surveys/{survey.pk}").status_code == 404
    assert api_for(neighbour).get("/api/v1/surveys").json()["items"] == []
    with pytest.raises(PermissionDenied):
        surveys.draw_sample(neighbour, unit=world.county, period_start=MAY[0], period_end=MAY[1])
    visit = visit_list(survey)[0]
    with pytest.raises(PermissionDenied):
        surveys.record_visit(neighbour, visit, status="unreached")


def test_page_access_by_persona(world, client_for):
    assert client_for(world.supervisor).get("/workbench/surveys/").status_code == 200
    for user in (world.manager_b, world.clerk_a, world.manager_a):
        assert client_for(user).get("/workbench/surveys/").status_code == 403
    assert client_for().get("/workbench/surveys/").status_code == 302


# ---------------------------------------------------------------- API input

def post_survey(client, **body):
    body = {"unit_id": body.pop("unit_id"), "period_start": "2025-05-01", "period_end": "2025-05-31", **body}
    return client.post("/api/v1/surveys", json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("override, status", [
    ({"period_start": "2025-13-01"}, 422), ({"period_start": "May"}, 422), ({"period_end": ""}, 422),
    ({"period_start": "2025-06-01", "period_end": "2025-05-01"}, 422), ({"period_start": "2030-01-01",
                                                                         "period_end": "2030-01-31"}, 422),
    ({"rate": 0}, 422), ({"rate": -0.1}, 422), ({"rate": 1.5}, 422), ({"rate": "lots"}, 422),
    ({"rate": 0.00001}, 422), ({"seed": -1}, 422), ({"seed": 2**63}, 422), ({"seed": "abc"}, 422),
    ({"title": "名" * 101}, 422), ({"unit_id": 999999}, 404), ({"unit_id": "x"}, 422),
])
def test_bad_survey_input_is_a_clear_4xx_and_stores_nothing(world, api_for, override, status):
    bulk_ratings(world, 10)
    r = post_survey(api_for(world.supervisor), **{"unit_id": world.county.pk, **override})
    assert r.status_code == status, r.content.decode()
    assert r.json()["message"] and r.json()["message_en"]
    assert not Survey.objects.exists() and not SurveyVisit.objects.exists()


def test_visit_api(world, api_for):
    bulk_ratings(world, 3)
    client = api_for(world.supervisor)
    survey = draw(world, rate=1)
    visit = visit_list(survey)[0]
    url = f"/api/v1/surveys/{survey.pk}/visits/{visit.pk}"
    bad = client.post(url, json.dumps({"status": "done", "policy_awareness": 5}), content_type="application/json")
    assert bad.status_code == 422 and "三项评分" in bad.json()["message"] and bad.json()["message_en"]
    ok = client.post(url, json.dumps({"status": "done", "policy_awareness": 5, "convenience": 4, "satisfaction": 5,
                                      "note": "满意"}), content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "done" and ok.json()["rater_phone"].count("*") == 4
    again = client.post(url, json.dumps({"status": "unreached"}), content_type="application/json")
    assert again.status_code == 409 and again.json()["message_en"]
    other = make_user("neighbour", Role.SUPERVISOR, unit=world.other_county)
    assert api_for(other).post(url, json.dumps({"status": "unreached"}),
                               content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/surveys/{survey.pk}/visits/999999", json.dumps({"status": "unreached"}),
                       content_type="application/json").status_code == 404
    detail = client.get(f"/api/v1/surveys/{survey.pk}").json()
    assert detail["figures"]["done"] == 1 and detail["figures"]["averages"]["convenience"] == 4.0


# ---------------------------------------------------------------- pages

def test_draw_on_the_page_then_visit_and_unmask(world, client_for):
    bulk_ratings(world, 40)
    client = client_for(world.supervisor)
    page = client.get("/workbench/surveys/").content.decode()
    assert 'value="2025-05-01"' in page and 'value="2025-05-31"' in page and 'value="5"' in page  # defaults
    r = client.post("/workbench/surveys/", {"unit": world.county.pk, "period_start": "2025-05-01",
                                            "period_end": "2025-05-31", "rate": "10", "seed": "99"})
    survey = Survey.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/workbench/surveys/{survey.pk}/"
    assert (survey.visits.count(), survey.seed, float(survey.rate)) == (4, 99, 0.1)
    visit = visit_list(survey)[0]
    phone = visit.rating.rater_phone
    html = client.get(r["Location"]).content.decode()
    assert phone not in html and f"{phone[:3]}****{phone[-4:]}" in html
    unmask = f"/workbench/surveys/{survey.pk}/visits/{visit.pk}/unmask/"
    assert client.post(unmask, {"reason": ""}).status_code == 422
    assert not AuditLog.objects.filter(action="unmask").exists()
    shown = client.post(unmask, {"reason": "监督查评回访"})
    assert shown.status_code == 200 and phone in shown.content.decode()
    log = AuditLog.objects.get(action="unmask")
    assert (log.actor, log.object_type, log.object_id) == (world.supervisor, "ratings.Rating", str(visit.rating_id))
    assert phone not in client.get(r["Location"]).content.decode()  # shown once, not remembered
    record = f"/workbench/surveys/{survey.pk}/visits/{visit.pk}/"
    bad = client.post(record, {"status": "done", "policy_awareness": "5"})
    assert bad.status_code == 422 and "三项评分" in bad.content.decode()
    good = client.post(record, {"status": "done", "policy_awareness": "5", "convenience": "4", "satisfaction": "4",
                                "note": "很满意"})
    assert good.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.satisfaction, visit.note) == ("done", 4, "很满意")
    assert "25.0%" in client.get(r["Location"]).content.decode()


def test_page_draw_errors_keep_the_form(world, client_for):
    bulk_ratings(world, 5)
    client = client_for(world.supervisor)
    for data in ({"unit": world.county.pk, "period_start": "2025-05-31", "period_end": "2025-05-01", "rate": "5"},
                 {"unit": world.county.pk, "period_start": "2025-05-01", "period_end": "2025-05-31", "rate": "150"},
                 {"unit": world.county.pk, "period_start": "2025-05-01", "period_end": "2025-05-31", "rate": "abc"},
                 {"unit": world.county.pk, "period_start": "2025-05-01", "period_end": "2025-05-31", "seed": "-5"},
                 {"unit": world.other_county.pk, "period_start": "2025-05-01", "period_end": "2025-05-31"},
                 {"unit": "", "period_start": "2025-05-01", "period_end": "2025-05-31"}):
        r = client.post("/workbench/surveys/", data)
        assert r.status_code in (403, 422), (data, r.status_code)
        assert 'role="alert"' in r.content.decode()
    assert not Survey.objects.exists()
