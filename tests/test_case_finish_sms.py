"""The applicant is told by text message as soon as the case is finished (issue 15, point 6), not only by the
rating invitation days later: what the result is and how to collect it, after the completion has committed."""
from __future__ import annotations

import pytest

from bianmin.cases import completion_sms
from bianmin.cases import services as case_services
from bianmin.core.errors import DomainError

from .rating_helpers import accepted_case

pytestmark = pytest.mark.django_db


def _complete(world, case, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return case_services.transition(case.pk, "complete", world.clerk_a,
                                        {"result": "准予办理", "delivery": "window", **data})


def test_applicant_is_texted_the_result_when_the_case_is_completed(world, memory_sms,
                                                                   django_capture_on_commit_callbacks):
    case = _complete(world, accepted_case(world), django_capture_on_commit_callbacks)
    assert len(memory_sms) == 1
    sent = memory_sms[0]
    assert sent["to"] == "13812345678"
    assert case.number in sent["text"] and "已办结" in sent["text"] and "准予办理" in sent["text"]
    assert world.site_a.name in sent["text"] and world.item_committed.name in sent["text"]
    assert f"{world.window_a.number}号窗口" in sent["text"] and "领取" in sent["text"]


def test_mailed_result_says_it_is_on_its_way(world, memory_sms, django_capture_on_commit_callbacks):
    _complete(world, accepted_case(world), django_capture_on_commit_callbacks, delivery="mail",
              delivery_address="青石镇人民路1号")
    assert "邮寄" in memory_sms[0]["text"] and "领取" not in memory_sms[0]["text"]


def test_no_text_before_the_completion_commits_or_when_it_fails(world, memory_sms,
                                                                django_capture_on_commit_callbacks):
    case = accepted_case(world)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        case_services.transition(case.pk, "complete", world.clerk_a, {"result": "准予办理", "delivery": "window"})
    assert memory_sms == [] and len(pending) == 1  # queued for the commit, not sent inside the transaction
    other = accepted_case(world)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        case_services.transition(other.pk, "complete", world.clerk_a, {"delivery": "window"})  # no result
    assert memory_sms == []


def test_a_case_without_a_phone_number_texts_nobody(world, memory_sms, django_capture_on_commit_callbacks):
    case = accepted_case(world)
    type(case).objects.filter(pk=case.pk).update(applicant_phone="")
    _complete(world, case, django_capture_on_commit_callbacks)
    assert memory_sms == []


def test_a_failing_gateway_never_undoes_the_completion(world, monkeypatch, django_capture_on_commit_callbacks):
    def broken(phone, text):
        raise ConnectionError("gateway down")

    monkeypatch.setattr(completion_sms.sms, "send", broken)
    case = _complete(world, accepted_case(world), django_capture_on_commit_callbacks)
    case.refresh_from_db()
    assert case.status == "completed"


def test_long_results_are_shortened_in_the_text(world, memory_sms, django_capture_on_commit_callbacks):
    _complete(world, accepted_case(world), django_capture_on_commit_callbacks, result="准予" + "许可" * 80)
    assert "…" in memory_sms[0]["text"] and len(memory_sms[0]["text"]) < 200
