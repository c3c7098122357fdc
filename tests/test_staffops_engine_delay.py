"""效能告诫 for a missed time limit without an explanation and for a first contact left undone (seed 003), and the
超时说明 panel on the case page that records the explanation and withdraws the warning."""

import pytest

from bianmin.cases import services as case_services
from bianmin.cases.models import FirstContact
from bianmin.core.errors import Conflict, InvalidInput, PermissionDenied
from bianmin.staffops import facts, services
from bianmin.staffops.models import DelayExplanation, EfficiencyWarning

from .staffops_engine_helpers import NOVEMBER, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_case(world, set_now):
    """clerk_a's case accepted on Monday 2 November (5 working days), still open on the 20th: past due."""
    set_now(at(2, 9, 0))
    case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                       applicant={"name": "刘德华", "phone": "13812345678"},
                                       window_id=world.window_a.pk)
    case = case_services.transition(case.pk, "accept", world.clerk_a, {})
    set_now(at(20, 10, 0))
    return case


def missed(world):
    return EfficiencyWarning.objects.filter(staff=world.clerk_a.staff, reason_code="missed_limit")


def test_a_case_past_its_limit_without_an_explanation_warns_its_clerk(world, late_case):
    facts.sync_month(NOVEMBER)
    warning = missed(world).get()
    assert (warning.case, warning.site, warning.period, warning.at) == (late_case, world.site_a, NOVEMBER,
                                                                        late_case.clock.due_at)
    assert late_case.number in warning.reason
    assert facts.sync_month(NOVEMBER) == 0


def test_an_explanation_withdraws_the_warning_and_is_recorded_once(world, late_case):
    facts.sync_month(NOVEMBER)
    explanation = services.explain_delay(world.clerk_a, late_case, "申请人补充材料延误，已电话告知")
    assert (explanation.by, explanation.at) == (world.clerk_a, at(20, 10, 0))
    warning = missed(world).get()
    assert warning.withdrawn and [e.kind for e in warning.events.all()] == ["issued", "withdrawn"]
    with pytest.raises(Conflict):
        services.explain_delay(world.manager_a, late_case, "再说明")
    assert facts.sync_month(NOVEMBER) == 0 and missed(world).get().withdrawn


def test_explaining_is_for_the_clerk_the_site_and_assessors(world, late_case):
    with pytest.raises(PermissionDenied):
        services.explain_delay(world.outsider, late_case, "理由")
    with pytest.raises(PermissionDenied):
        services.explain_delay(world.manager_b, late_case, "理由")
    with pytest.raises(InvalidInput):
        services.explain_delay(world.clerk_a2, late_case, "")
    services.explain_delay(world.clerk_a2, late_case, "经办人病假，由本人代为说明")


def test_a_case_within_its_limit_needs_no_explanation(world, set_now):
    set_now(at(2, 9, 0))
    case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                       applicant={"name": "刘德华", "phone": "13812345678"})
    case = case_services.transition(case.pk, "accept", world.clerk_a, {})
    with pytest.raises(Conflict):
        services.explain_delay(world.clerk_a, case, "理由")
    facts.sync_month(NOVEMBER)
    assert not missed(world).exists()


def test_a_case_finished_late_warns_too(world, late_case):
    case_services.transition(late_case.pk, "complete", world.clerk_a, {"result": "准予办理", "delivery": "window"})
    facts.sync_month(NOVEMBER)
    assert missed(world).count() == 1


# ---------------------------------------------------------------- the case page

def test_the_panel_shows_the_form_then_the_explanation(world, late_case, client_for):
    page = client_for(world.clerk_a).get(f"/workbench/cases/{late_case.pk}/").content.decode()
    assert 'data-test="delay-panel"' in page and 'data-test="delay-form"' in page
    r = client_for(world.clerk_a).post(f"/workbench/cases/{late_case.pk}/delay/", {"text": "系统故障两天"})
    assert r.status_code == 302 and r["Location"] == f"/workbench/cases/{late_case.pk}/"
    page = client_for(world.supervisor).get(f"/workbench/cases/{late_case.pk}/").content.decode()
    assert "系统故障两天" in page and 'data-test="delay-form"' not in page
    r = client_for(world.clerk_a).post(f"/workbench/cases/{late_case.pk}/delay/", {"text": "再说明"})
    assert r.status_code == 409 and 'data-test="delay-error"' in r.content.decode()
    assert DelayExplanation.objects.get().text == "系统故障两天"


def test_the_route_refuses_bad_input_and_people_outside(world, late_case, client_for):
    url = f"/workbench/cases/{late_case.pk}/delay/"
    r = client_for(world.clerk_a).post(url, {"text": ""})
    assert r.status_code == 422 and 'data-test="delay-error"' in r.content.decode()
    assert client_for(world.clerk_a).post(url, {"text": "长" * 501}).status_code == 422
    assert client_for(world.manager_b).post(url, {"text": "理由"}).status_code == 404
    assert client_for(world.outsider).post(url, {"text": "理由"}).status_code == 404
    assert client_for(None).post(url, {"text": "理由"}).status_code == 302  # to the sign-in page
    assert client_for(world.clerk_a).get(url).status_code == 405
    assert client_for(world.clerk_a).post("/workbench/cases/999999999/delay/", {"text": "x"}).status_code == 404
    assert not DelayExplanation.objects.exists()


def test_no_panel_while_the_case_keeps_its_limit(world, set_now, client_for):
    set_now(at(2, 9, 0))
    case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                       applicant={"name": "刘德华", "phone": "13812345678"})
    page = client_for(world.clerk_a).get(f"/workbench/cases/{case.pk}/").content.decode()
    assert 'data-test="delay-panel"' not in page


# ---------------------------------------------------------------- first contact (首问责任)

def first_contact(world, outcome, day=10, **extra):
    entry = FirstContact.objects.create(site=world.site_a, owner=world.clerk_a, visitor_name="张三",
                                        question="咨询低保", outcome=outcome, **extra)
    FirstContact.objects.filter(pk=entry.pk).update(at=at(day, 9, 30))
    entry.refresh_from_db()
    return entry


def test_a_first_contact_to_register_a_case_left_without_one_warns_once_the_day_is_over(world, set_now):
    set_now(at(10, 16, 0))
    entry = first_contact(world, "case")
    facts.sync_month(NOVEMBER)
    assert not EfficiencyWarning.objects.exists()  # the case may still be registered today
    set_now(at(11, 9, 0))
    facts.sync_month(NOVEMBER)
    warning = EfficiencyWarning.objects.get()
    assert (warning.reason_code, warning.first_contact, warning.staff) == ("first_contact", entry,
                                                                          world.clerk_a.staff)


def test_an_entry_left_open_past_its_limit_warns_and_one_closed_in_time_withdraws_it(world, set_now):
    """首问负责 (issue 18): an entry still open after its limit (the end of the next working day) is a failure."""
    set_now(at(12, 10, 0))
    entry = first_contact(world, "pending", due_at=at(11, 23, 59))
    first_contact(world, "pending", due_at=at(13, 23, 59))  # not due yet
    first_contact(world, "answered", closed_at=at(10, 9, 40), due_at=at(11, 23, 59))
    facts.sync_month(NOVEMBER)
    warning = EfficiencyWarning.objects.get()
    assert warning.first_contact == entry
    FirstContact.objects.filter(pk=entry.pk).update(closed_at=at(11, 15, 0))  # it was done in time after all
    facts.sync_month(NOVEMBER)
    warning.refresh_from_db()
    assert warning.withdrawn
