"""Reconciliation with the upstream (issue 19 part 3) and the exchange API contract: preview, outbox, resend,
reconciliation, profiles; each persona sees what it should and bad input gets a 4xx that changes nothing."""
import datetime as dt
import json

import pytest
from django.utils import timezone

from bianmin.core import timeutil
from bianmin.exchange import reconcile, sender
from bianmin.exchange.models import OutboxRow, Reconciliation, Status
from bianmin.ratings.models import Channel

from .exchange_helpers import link, rows
from .rating_helpers import finished_case
from .test_exchange_outbox import _rate
from .upstream import upstream_fixture  # noqa: F401  (the `upstream` fixture)


@pytest.fixture(autouse=True)
def quick_retries(settings):
    settings.BIANMIN = {**settings.BIANMIN, "EXCHANGE_BACKOFF_SECONDS": 0}


def today():
    return timezone.localtime(timeutil.now()).date()


def test_reconciliation_requeues_what_the_upstream_lost_and_lists_what_only_it_has(world, upstream):
    the_link = link(world, url=upstream.url)
    case = finished_case(world)
    sender.send_link(the_link)
    sender.send_link(the_link)
    assert all(r.status == Status.SENT for r in rows())
    # The upstream loses the completion (a restore from backup) and holds a key we never sent.
    upstream.reset()
    upstream.send_batch([{"key": f"{case.number}/accept", "kind": "case_accept", "day": today().isoformat(),
                          "data": {}},
                         {"key": "ZZ-unknown/accept", "kind": "case_accept", "day": today().isoformat(), "data": {}}])
    results = {r.kind: r for r in reconcile.reconcile_link(the_link, today())}
    accept, complete = results["case_accept"], results["case_complete"]
    assert (accept.ours, accept.theirs, accept.missing_upstream, accept.unknown_upstream) == (
        1, 2, [], ["ZZ-unknown/accept"])
    assert (complete.ours_sent, complete.theirs, complete.missing_upstream, complete.requeued) == (
        1, 0, [f"{case.number}/complete"], 1)
    assert OutboxRow.objects.get(key=f"{case.number}/complete").status == Status.PENDING
    sender.send_link(the_link)
    assert reconcile.reconcile_link(the_link, today())[2].missing_upstream == []  # kinds in profile order
    assert Reconciliation.objects.filter(link=the_link, day=today()).count() == 6  # one per kind, replaced


def test_an_unreachable_upstream_is_recorded_as_an_error_and_retried_next_sweep(world):
    the_link = link(world, url="http://127.0.0.1:9")
    finished_case(world)
    results = reconcile.reconcile_link(the_link, today())
    assert all(r.error for r in results)
    assert not Reconciliation.objects.filter(error="").exists()


# ---------------------------------------------------------------- API

def test_preview_of_a_rating_in_the_national_profile(world, api_for):
    case = finished_case(world)
    rating = _rate(case, level="very_satisfied", channel=Channel.QR)
    r = api_for(world.manager_a).get(f"/api/v1/exchange/preview/rating/{rating.pk}?profile=gbt39046-2020")
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["profile"], body["version"]) == ("gbt39046-2020", 1)
    assert body["payload"]["满意度代码"] == "1" and body["payload"]["评价渠道"] == "二维码"
    assert body["payload"]["满意度"] == "非常满意" and body["payload"]["办件编号"] == case.number


def test_preview_of_a_very_dissatisfied_rating_and_of_a_case(world, api_for):
    case = finished_case(world)
    rating = _rate(case, level="very_dissatisfied")
    client = api_for(world.supervisor)
    assert client.get(f"/api/v1/exchange/preview/rating/{rating.pk}").json()["payload"]["满意度代码"] == "5"
    body = client.get(f"/api/v1/exchange/preview/case/{case.pk}").json()
    assert body["kind"] == "case_complete" and body["payload"]["办件编号"] == case.number


@pytest.mark.parametrize("url,status", [
    ("/api/v1/exchange/preview/rating/{id}?profile=no-such", 422),
    ("/api/v1/exchange/preview/rating/{id}?profile=gbt39046-2020&version=9", 422),
    ("/api/v1/exchange/preview/hat/{id}", 422),
    ("/api/v1/exchange/preview/rating/999999", 404),
    ("/api/v1/exchange/preview/rating/abc", 422),
    ("/api/v1/exchange/outbox?status=lost", 422),
    ("/api/v1/exchange/outbox?kind=hat", 422),
    ("/api/v1/exchange/outbox?record_id=-1", 422),
])
def test_bad_input_is_a_clear_4xx(world, api_for, url, status):
    rating = _rate(finished_case(world))
    r = api_for(world.manager_a).get(url.format(id=rating.pk))
    assert r.status_code == status, r.content
    assert "message" in r.json() or "detail" in r.json()


def test_a_clerk_and_an_outsider_may_not_see_the_exchange(world, api_for):
    rating = _rate(finished_case(world))
    for user in (world.clerk_a, world.outsider):
        client = api_for(user)
        assert client.get("/api/v1/exchange/outbox").status_code == 403
        assert client.get(f"/api/v1/exchange/preview/rating/{rating.pk}").status_code == 403
    assert api_for().get("/api/v1/exchange/outbox").status_code == 401


def test_a_manager_of_another_site_cannot_preview_a_record_outside_it(world, api_for):
    rating = _rate(finished_case(world))
    assert api_for(world.manager_b).get(f"/api/v1/exchange/preview/rating/{rating.pk}").status_code == 404


def test_the_outbox_lists_rows_newest_first_with_the_contract_fields(world, api_for):
    link(world)
    case = finished_case(world)
    rating = _rate(case)
    client = api_for(world.manager_a)
    items = client.get("/api/v1/exchange/outbox").json()["items"]
    assert [i["kind"] for i in items] == ["rating", "case_complete", "case_accept"]
    assert {"kind", "record_id", "attempts", "last_error", "sent_at", "status", "key"} <= set(items[0])
    assert client.get(f"/api/v1/exchange/outbox?kind=rating&record_id={rating.pk}").json()["count"] == 1
    assert client.get("/api/v1/exchange/outbox?kind=case").json()["count"] == 2
    assert client.get("/api/v1/exchange/outbox?status=dead").json()["count"] == 0
    assert api_for(world.manager_b).get("/api/v1/exchange/outbox").json()["count"] == 0  # another site's rows
    assert api_for(world.supervisor).get("/api/v1/exchange/outbox").json()["count"] == 3


def test_resend_puts_a_dead_letter_back_and_refuses_the_rest(world, api_for):
    link(world)
    finished_case(world)
    dead = rows()[0]
    OutboxRow.objects.filter(pk=dead.pk).update(status=Status.DEAD, attempts=12, last_error="HTTP 400")
    assert api_for(world.supervisor).post(f"/api/v1/exchange/outbox/{dead.pk}/resend").status_code == 403
    r = api_for(world.manager_a).post(f"/api/v1/exchange/outbox/{dead.pk}/resend")
    assert r.status_code == 200 and r.json()["status"] == "pending" and r.json()["attempts"] == 0
    assert api_for(world.manager_a).post(f"/api/v1/exchange/outbox/{dead.pk}/resend").status_code == 409
    assert api_for(world.manager_b).post(f"/api/v1/exchange/outbox/{dead.pk}/resend").status_code == 404


def test_give_up_needs_a_reason_and_releases_the_case(world, api_for):
    link(world)
    finished_case(world)
    dead, held = rows()
    OutboxRow.objects.filter(pk=dead.pk).update(status=Status.DEAD)
    client = api_for(world.manager_a)
    url = f"/api/v1/exchange/outbox/{dead.pk}/give-up"
    r = client.post(url, data=json.dumps({"reason": " "}), content_type="application/json")
    assert r.status_code == 422 and OutboxRow.objects.get(pk=dead.pk).status == Status.DEAD
    r = client.post(url, data=json.dumps({"reason": "测试数据，不报送"}), content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "given_up"
    assert [r.pk for r in sender.claim(dead.link_id, 10)] == [held.pk]


def test_profiles_lists_names_and_versions(world, api_for):
    body = api_for(world.supervisor).get("/api/v1/exchange/profiles").json()
    assert {(p["name"], p["version"]) for p in body} == {("gbt39046-2020", 1), ("provincial-2023", 1)}


def test_reconciliation_api_shows_the_stored_day_and_runs_on_request(world, api_for, upstream):
    the_link = link(world, url=upstream.url)
    finished_case(world)
    sender.send_link(the_link)
    client = api_for(world.manager_a)
    day = today().isoformat()
    assert client.get(f"/api/v1/exchange/reconciliation?date={day}").json()["kinds"] == []
    assert api_for(world.supervisor).get(f"/api/v1/exchange/reconciliation?date={day}&run=true").status_code == 403
    body = client.get(f"/api/v1/exchange/reconciliation?date={day}&run=true").json()
    accept = next(k for k in body["kinds"] if k["kind"] == "case_accept")
    assert (accept["ours"], accept["theirs"], accept["missing"]) == (1, 1, [])
    assert client.get("/api/v1/exchange/reconciliation?date=2026-13-01").status_code == 422


def test_the_daily_job_reconciles_yesterday_once(world, upstream, set_now):
    set_now(dt.datetime(2026, 11, 26, 10, 0))
    the_link = link(world, url=upstream.url)
    finished_case(world)
    sender.send_link(the_link)
    set_now(dt.datetime(2026, 11, 27, 1, 0))
    assert reconcile.daily() == 6
    assert reconcile.daily() == 0
    assert Reconciliation.objects.filter(day=dt.date(2026, 11, 26), kind="case_accept").get().theirs == 1


def test_the_monthly_report_carries_the_months_reconciliation(world, upstream, set_now):
    from bianmin.reports import content

    set_now(dt.datetime(2026, 11, 10, 10, 0))
    the_link = link(world, url=upstream.url)
    finished_case(world)
    sender.send_link(the_link)
    upstream.reset()  # the upstream lost everything: the reconciliation finds the acceptance missing
    reconcile.reconcile_link(the_link, dt.date(2026, 11, 10))
    report = content.build(world.county, "monthly", 2026, 11, dt.date(2026, 11, 1), dt.date(2026, 11, 30),
                           dt.date(2026, 12, 10), timeutil.now())
    section = next(s for s in report.sections if s["title"] == "数据汇聚对账")
    accept = next(r for r in section["rows"] if r[1] == "办件受理")
    assert accept[0] == "测试县" and accept[2:5] == [1, 0, 0] and accept[6] == 1  # queued again, so not "sent"
    quarterly = content.build(world.county, "quarterly", 2026, 4, dt.date(2026, 10, 1), dt.date(2026, 12, 31),
                              dt.date(2027, 1, 10), timeutil.now())
    assert not any(s["title"] == "数据汇聚对账" for s in quarterly.sections)


def test_a_failed_daily_reconciliation_is_tried_again_an_hour_later_not_every_sweep(world, set_now):
    link(world, url="http://127.0.0.1:9")  # nobody listens
    set_now(dt.datetime(2026, 11, 27, 1, 0))
    assert reconcile.daily() == 6 and Reconciliation.objects.exclude(error="").count() == 6
    set_now(dt.datetime(2026, 11, 27, 1, 30))
    assert reconcile.daily() == 0
    set_now(dt.datetime(2026, 11, 27, 2, 5))
    assert reconcile.daily() == 6
