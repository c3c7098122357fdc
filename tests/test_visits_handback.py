"""代办结果: the agent of a proxy case hands the result back to the applicant; recorded once, for proxy cases that
are finished, by staff of the case's site."""
import pytest

from bianmin.visits.models import ProxyHandback

from .rating_helpers import accepted_case
from .test_visits_signoff import now_text
from .visits_helpers import completed_case


def post(client, case, **data):
    body = {"handed_at": now_text(), "received_by": "刘阿姨", "how": "home", "note": "送达家中，已电话告知 13812345678", **data}
    return client.post(f"/workbench/registers/proxy/case/{case.pk}/", body)


def test_proxy_result_handed_back_once(world, client_for):
    case = completed_case(world, proxy=True)
    client = client_for(world.clerk_a)
    assert f"/workbench/registers/proxy/case/{case.pk}/" in client.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert post(client, case).status_code == 302
    found = ProxyHandback.objects.get(case=case)
    assert (found.how, found.received_by, found.recorded_by) == ("home", "刘阿姨", world.clerk_a)
    page = client.get(f"/workbench/registers/proxy/case/{case.pk}/").content.decode()
    assert "13812345678" not in page and "138****5678" in page  # the number inside the note is masked too
    assert post(client, case).status_code == 409
    assert ProxyHandback.objects.count() == 1


def test_not_for_cases_without_an_agent_or_not_finished(world, client_for):
    client = client_for(world.clerk_a)
    assert post(client, completed_case(world)).status_code == 409  # not a proxy case
    assert post(client, accepted_case(world)).status_code == 409  # no entrustment, not finished either
    assert not ProxyHandback.objects.exists()


@pytest.mark.parametrize("field, value", [("how", "pigeon"), ("received_by", ""), ("handed_at", "2026-13-45T99:00"),
                                          ("note", "x" * 501)])
def test_bad_input_is_422(world, client_for, field, value):
    case = completed_case(world, proxy=True)
    assert post(client_for(world.clerk_a), case, **{field: value}).status_code == 422
    assert not ProxyHandback.objects.exists()


def test_only_staff_of_the_site(world, client_for):
    case = completed_case(world, proxy=True)
    assert post(client_for(world.manager_b), case).status_code == 404
    assert post(client_for(world.supervisor), case).status_code == 403
    assert post(client_for(world.handler), case).status_code == 404
    assert not ProxyHandback.objects.exists()
