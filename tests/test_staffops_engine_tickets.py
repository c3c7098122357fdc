"""A bad review or complaint verified as true (立行立改 or 台账) costs the responsible person and window 10 points
(seed 002); an upheld appeal, a rating excluded from the statistics or a re-classified ticket reverses it and the
fact coming back restores it. A verified matter of conduct also raises an efficiency warning (seed 003)."""
import json

import pytest

from bianmin.ratings.models import Rating
from bianmin.rectification import services as ticket_services
from bianmin.rectification.models import Ticket
from bianmin.staffops import facts
from bianmin.staffops.models import Deduction, EfficiencyWarning

from .staffops_engine_helpers import NOVEMBER, TZ, act, month_score, verified_ticket
from .ticket_helpers import bad_rating, ticket_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(world, set_now):
    import datetime as dt

    set_now(dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ))
    return world


def clerk(world):
    return world.clerk_a.staff


def test_a_complaint_verified_as_true_costs_ten_points(november):
    w = november
    ticket = verified_ticket(w)
    assert facts.sync_month(NOVEMBER) == 1
    row = Deduction.objects.get(ticket=ticket)
    assert (row.rule_code, row.points, row.source, row.staff, row.window, row.site) == (
        "complaint_verified", 10, "ticket", clerk(w), w.window_a, w.site_a)
    assert row.source_key == f"ticket:{ticket.pk}" and ticket.number in row.note
    assert row.at == ticket.verified_at and row.month == NOVEMBER
    assert month_score(clerk(w)) == 90


def test_a_ledger_ticket_counts_and_an_explained_one_does_not(november):
    w = november
    ledger = verified_ticket(w, outcome="ledger")
    explained = verified_ticket(w, outcome="explained")
    facts.sync_month(NOVEMBER)
    assert Deduction.objects.filter(ticket=ledger).exists() and not Deduction.objects.filter(ticket=explained).exists()
    assert month_score(clerk(w)) == 90


def test_an_upheld_appeal_reverses_the_deduction(november):
    w = november
    ticket = verified_ticket(w)
    facts.sync_month(NOVEMBER)
    appeal = ticket_services.file_appeal(w.clerk_a, ticket.rating, reason="评价人误评")
    ticket_services.decide_appeal(w.supervisor, appeal.pk, decision="upheld", reason="录音证实为误评")
    assert facts.sync_month(NOVEMBER) == 1
    row = Deduction.objects.get(ticket=ticket)
    assert row.reversed and row.reversed_reason == "申诉成立，撤销扣分"
    assert [(e.kind, e.actor) for e in row.events.all()] == [("created", None), ("reversed", None)]
    assert month_score(clerk(w)) == 100


def test_a_dismissed_appeal_keeps_it(november):
    w = november
    ticket = verified_ticket(w)
    appeal = ticket_services.file_appeal(w.clerk_a, ticket.rating, reason="评价人误评")
    ticket_services.decide_appeal(w.supervisor, appeal.pk, decision="dismissed", reason="评价属实")
    facts.sync_month(NOVEMBER)
    assert month_score(clerk(w)) == 90


def test_a_rating_excluded_reverses_and_coming_back_restores(november):
    w = november
    ticket = verified_ticket(w)
    facts.sync_month(NOVEMBER)
    Rating.objects.filter(pk=ticket.rating_id).update(excluded=True, excluded_reason="刷评")
    facts.sync_month(NOVEMBER)
    row = Deduction.objects.get(ticket=ticket)
    assert row.reversed and "不计入统计" in row.reversed_reason and month_score(clerk(w)) == 100
    Rating.objects.filter(pk=ticket.rating_id).update(excluded=False, excluded_reason="")
    assert facts.sync_month(NOVEMBER) == 1
    row.refresh_from_db()
    assert not row.reversed and [e.kind for e in row.events.all()] == ["created", "reversed", "restored"]
    assert month_score(clerk(w)) == 90


def test_a_ticket_re_classified_as_explained_reverses_it(november):
    """As when a reopened ticket is resolved again as 解释说明."""
    w = november
    ticket = verified_ticket(w)
    facts.sync_month(NOVEMBER)
    Ticket.objects.filter(pk=ticket.pk).update(outcome="explained")
    facts.sync_month(NOVEMBER)
    row = Deduction.objects.get(ticket=ticket)
    assert row.reversed and "非查证属实" in row.reversed_reason
    Ticket.objects.filter(pk=ticket.pk).update(outcome="rectified_now")
    facts.sync_month(NOVEMBER)
    row.refresh_from_db()
    assert not row.reversed and Deduction.objects.filter(ticket=ticket).count() == 1


def test_a_malicious_finding_rejected_then_rectified_counts(november):
    w = november
    ticket = ticket_of(bad_rating(w))
    act(ticket, "verify", w.clerk_a, channel="phone", reached=True)
    act(ticket, "resolve", w.clerk_a, outcome="malicious", note="评价人称误点")
    facts.sync_month(NOVEMBER)
    assert not Deduction.objects.exists()
    act(ticket, "reject_exclusion", w.supervisor, note="录音显示评价属实")
    act(ticket, "resolve", w.clerk_a, outcome="rectified_now", note="已当场整改")
    facts.sync_month(NOVEMBER)
    assert month_score(clerk(w)) == 90


def test_conduct_verified_raises_a_rudeness_warning(november):
    w = november
    plain = verified_ticket(w)
    rude = verified_ticket(w, conduct=True)
    assert rude.conduct and not plain.conduct
    facts.sync_month(NOVEMBER)
    warning = EfficiencyWarning.objects.get()
    assert (warning.reason_code, warning.staff, warning.ticket, warning.site) == ("rudeness", clerk(w), rude,
                                                                                  w.site_a)
    assert month_score(clerk(w)) == 80  # the two complaints; the warning itself takes nothing
    # An upheld appeal takes both away.
    appeal = ticket_services.file_appeal(w.clerk_a, rude.rating, reason="评价人误评")
    ticket_services.decide_appeal(w.supervisor, appeal.pk, decision="upheld", reason="录音证实为误评")
    facts.sync_month(NOVEMBER)
    warning.refresh_from_db()
    assert warning.withdrawn and month_score(clerk(w)) == 90


def test_conduct_is_set_on_the_resolve_form_and_checked_in_the_api(november, client_for, api_for):
    w = november
    ticket = ticket_of(bad_rating(w))
    act(ticket, "verify", w.clerk_a, channel="phone", reached=True)
    r = api_for(w.clerk_a).post(f"/api/v1/rectifications/{ticket.pk}/resolve",
                                data=json.dumps({"outcome": "rectified_now", "note": "已整改", "conduct": "maybe"}),
                                content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "conduct"
    r = client_for(w.clerk_a).post(f"/workbench/tickets/{ticket.pk}/resolve/",
                                   {"outcome": "rectified_now", "note": "已整改", "conduct": "1"})
    assert r.status_code == 302, r.content.decode()[:500]
    ticket.refresh_from_db()
    assert ticket.conduct and ticket.outcome == "rectified_now"


def test_the_resolve_form_offers_the_conduct_box(november, client_for):
    w = november
    ticket = ticket_of(bad_rating(w))
    act(ticket, "verify", w.clerk_a, channel="phone", reached=True)
    page = client_for(w.clerk_a).get(f"/workbench/tickets/{ticket.pk}/").content.decode()
    assert 'data-test="resolve-conduct"' in page
