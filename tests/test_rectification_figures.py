"""The policy's figures (SPEC §6): revisit rate, rectification rate, on-time rate, malicious exclusions,
appeals, over hand-built tickets; and the scoped API that serves them."""
import datetime as dt

import pytest

from bianmin.rectification import figures
from bianmin.rectification import services as s
from bianmin.rectification.models import Appeal, Ticket

from .ticket_helpers import bad_rating, ticket_of

pytestmark = pytest.mark.django_db


def compute(date_from=None, date_to=None):
    return figures.compute(Ticket.objects.all(), Appeal.objects.all(), date_from, date_to)


def act(world, ticket, action, user=None, **data):
    return s.transition(ticket.pk, action, user or world.clerk_a, data)


def answered(world, ticket, outcome="rectified_now"):
    act(world, ticket, "verify", channel="phone", reached=True)
    act(world, ticket, "resolve", outcome=outcome, note="已整改")
    act(world, ticket, "feedback", channel="phone", message="已整改，感谢监督")


def test_an_empty_period_has_no_rates_rather_than_zero_or_full(world):
    ticket_of(bad_rating(world))
    f = compute(dt.date(2000, 1, 1), dt.date(2000, 1, 31))
    for rate in (f.revisit, f.rectification, f.on_time):
        assert rate.denominator == 0 and rate.value is None and rate.percent == "—"
    assert (f.excluded_malicious, f.appeals_upheld, f.appeals_dismissed, f.appeals_pending) == (0, 0, 0, 0)


def test_revisit_rate_counts_real_name_tickets_whose_rater_was_reached(world):
    reached, not_reached, _untouched = (ticket_of(bad_rating(world)) for _ in range(3))
    retried = ticket_of(bad_rating(world))
    anonymous = ticket_of(bad_rating(world, anonymous=True))
    assert not anonymous.real_name and reached.real_name
    act(world, reached, "verify", channel="phone", reached=True)
    act(world, not_reached, "verify", channel="phone", reached=False)
    act(world, retried, "verify", channel="phone", reached=False)
    act(world, retried, "verify", channel="visit", reached=True)  # reached on the second try
    act(world, anonymous, "verify", channel="phone", reached=True)  # not real-name: outside the rate
    f = compute()
    assert (f.revisit.numerator, f.revisit.denominator) == (2, 4)
    assert f.revisit.value == 0.5 and f.revisit.percent == "50.0%"


def test_rectification_rate_leaves_out_approved_malicious_findings(world):
    done, closed, malicious, pending_malicious, open_ = (ticket_of(bad_rating(world)) for _ in range(5))
    answered(world, done)
    answered(world, closed)
    act(world, closed, "close")
    act(world, malicious, "verify", channel="phone", reached=True)
    act(world, malicious, "resolve", outcome="malicious", note="评价人承认误点")
    act(world, malicious, "approve_exclusion", user=world.supervisor)
    act(world, pending_malicious, "verify", channel="phone", reached=True)
    act(world, pending_malicious, "resolve", outcome="malicious", note="待审核")  # not yet a finding
    act(world, open_, "verify", channel="phone", reached=True)
    f = compute()
    # done and closed out of done, closed, pending_malicious and open_ (the approved one is left out).
    assert (f.rectification.numerator, f.rectification.denominator) == (2, 4)
    assert f.excluded_malicious == 1


def test_on_time_rate_needs_both_steps_within_their_limits(world, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))  # Friday: verify by Monday 23, answer by 11 December
    on_time, late_verify, late_answer, unfinished = (ticket_of(bad_rating(world)) for _ in range(4))
    set_now(dt.datetime(2026, 11, 20, 11))
    answered(world, on_time)
    act(world, late_answer, "verify", channel="phone", reached=True)
    act(world, unfinished, "verify", channel="phone", reached=True)
    set_now(dt.datetime(2026, 11, 25, 10))  # verification overdue by now
    answered(world, late_verify)
    set_now(dt.datetime(2026, 12, 15, 10))  # the answer overdue by now
    act(world, late_answer, "resolve", outcome="explained", note="x")
    act(world, late_answer, "feedback", channel="sms", message="x")
    f = compute()
    assert (f.on_time.numerator, f.on_time.denominator) == (1, 3)


def test_appeals_are_counted_by_decision_within_the_period(world, set_now):
    set_now(dt.datetime(2026, 11, 20, 10))
    ratings = [bad_rating(world) for _ in range(4)]
    appeals = [s.file_appeal(world.clerk_a, r, reason="误评") for r in ratings[:3]]
    s.decide_appeal(world.supervisor, appeals[0].pk, decision="upheld", reason="属实")
    s.decide_appeal(world.supervisor, appeals[1].pk, decision="dismissed", reason="证据不足")
    set_now(dt.datetime(2026, 12, 2, 10))
    s.file_appeal(world.clerk_a, ratings[3], reason="误评")  # filed in the next month
    f = compute(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert (f.appeals_upheld, f.appeals_dismissed, f.appeals_pending) == (1, 1, 1)
    assert compute().appeals_pending == 2


def test_the_period_is_inclusive_and_filters_tickets_by_creation_day(world, set_now):
    set_now(dt.datetime(2026, 11, 20, 23, 30))  # late evening, local time
    first = ticket_of(bad_rating(world))
    set_now(dt.datetime(2026, 11, 23, 9))
    ticket_of(bad_rating(world))
    act(world, first, "verify", channel="phone", reached=True)
    assert compute(dt.date(2026, 11, 20), dt.date(2026, 11, 20)).revisit.denominator == 1
    assert compute(dt.date(2026, 11, 20), dt.date(2026, 11, 20)).revisit.numerator == 1
    assert compute(dt.date(2026, 11, 21), None).revisit.denominator == 1
    assert compute(None, dt.date(2026, 11, 23)).revisit.denominator == 2


# ---------------------------------------------------------------- the API

def test_figures_api_is_scoped_and_checks_its_input(world, api_for):
    ticket = ticket_of(bad_rating(world))
    act(world, ticket, "verify", channel="phone", reached=True)
    body = api_for(world.supervisor).get("/api/v1/rectifications/figures").json()
    assert body["revisit_rate"] == {"numerator": 1, "denominator": 1, "value": 1.0}
    assert body["rectification_rate"]["denominator"] == 1 and body["on_time_rate"]["value"] is None
    assert body["appeals"] == {"upheld": 0, "dismissed": 0, "pending": 0} and body["definitions"]["revisit_rate"]
    other = api_for(world.manager_b).get("/api/v1/rectifications/figures").json()
    assert other["revisit_rate"] == {"numerator": 0, "denominator": 0, "value": None}
    unit = api_for(world.supervisor).get(f"/api/v1/rectifications/figures?unit={world.township.pk}").json()
    assert unit["revisit_rate"]["denominator"] == 0
    unit = api_for(world.supervisor).get(f"/api/v1/rectifications/figures?unit={world.civil_affairs.pk}").json()
    assert unit["revisit_rate"]["denominator"] == 1
    client = api_for(world.supervisor)
    assert client.get("/api/v1/rectifications/figures?from=2026-12-01&to=2026-11-01").status_code == 422
    assert client.get("/api/v1/rectifications/figures?from=garbage").status_code == 422
    assert client.get("/api/v1/rectifications/figures?unit=abc").status_code == 422
    assert api_for(None).get("/api/v1/rectifications/figures").status_code == 401
