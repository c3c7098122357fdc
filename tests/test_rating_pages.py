"""The 服务评价 panel of the case page, paper rating forms keyed in by staff, and the receipt QR code."""
import datetime as dt

import pytest

from bianmin.cases.models import Notice
from bianmin.ratings import services
from bianmin.ratings.models import Channel, Rating
from bianmin.ratings.qr import qr_svg

from .rating_helpers import accepted_case, finished_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday(set_now):
    return set_now(dt.datetime(2026, 11, 23, 10))


def case_url(case):
    return f"/workbench/cases/{case.pk}/"


def paper_url(case):
    return f"/workbench/ratings/cases/{case.pk}/paper/"


def test_finished_case_page_shows_qr_link_and_expiry(world, client_for, monday):
    case = finished_case(world)
    html = client_for(world.manager_a).get(case_url(case)).content.decode()
    assert 'data-test="rating-panel"' in html and 'data-test="rating-qr"' in html
    link = services.rating_link(case)
    assert f"{link.url}?via=qr" in html  # the copyable link is the scanned one
    assert qr_svg(f"{link.url}?via=qr", label="服务评价二维码") in html  # the QR encodes that link
    assert "评价有效期至 2026-11-30" in html  # completed on the 23rd, 7-day period
    assert "未评价" in html and 'data-test="paper-form"' in html


def test_panel_shows_the_stored_rating_and_no_more_qr(world, client_for, monday):
    case = finished_case(world)
    services.submit_with_token(services.rating_link(case).token, level="very_dissatisfied")
    html = client_for(world.manager_a).get(case_url(case)).content.decode()
    assert 'data-test="rated-level"' in html and "非常不满意" in html and "扫码评价" in html
    assert 'data-test="rating-qr"' not in html and 'data-test="paper-form"' not in html


def test_open_case_page_still_works_and_says_rating_comes_after_completion(world, client_for, monday):
    case = accepted_case(world)
    r = client_for(world.clerk_a).get(case_url(case))
    assert r.status_code == 200
    html = r.content.decode()
    assert "办结后申请人可扫码评价" in html and "尚未到此环节" in html
    assert 'data-action="complete"' in html  # the rest of the case page is unchanged


def test_paper_form_is_stored_as_paper_with_who_entered_it(world, client_for, monday):
    case = finished_case(world)
    colleague = client_for(world.clerk_a2)
    assert 'data-test="paper-form"' in colleague.get(case_url(case)).content.decode()
    r = colleague.post(paper_url(case), {"level": "satisfied", "comment": "纸质表：服务热情", "stage": "complete"})
    assert r.status_code == 302 and r["Location"].endswith(case_url(case))
    rating = Rating.objects.get()
    assert rating.channel == Channel.PAPER and rating.entered_by == world.clerk_a2
    assert rating.level == "satisfied" and rating.comment == "纸质表：服务热情" and rating.case == case
    assert rating.staff == world.clerk_a.staff  # the rated person is the handler, not who typed it in


def test_handler_cannot_enter_the_paper_form_of_their_own_case(world, client_for, monday):
    case = finished_case(world)
    c = client_for(world.clerk_a)
    html = c.get(case_url(case)).content.decode()
    assert 'data-test="paper-form"' not in html and 'data-test="paper-own"' in html
    r = c.post(paper_url(case), {"level": "very_satisfied"})
    assert r.status_code == 403
    assert "工作人员不能评价自己经办的办件" in r.content.decode()
    assert Rating.objects.count() == 0


def test_second_paper_entry_is_refused_and_keeps_the_first(world, client_for, monday):
    case = finished_case(world)
    c = client_for(world.manager_a)
    assert c.post(paper_url(case), {"level": "basic"}).status_code == 302
    r = c.post(paper_url(case), {"level": "very_dissatisfied"})
    assert r.status_code == 409 and "已评价" in r.content.decode()
    assert Rating.objects.get().level == "basic"


def test_paper_entry_needs_a_level_and_a_visible_case(world, client_for, monday):
    case = finished_case(world)
    r = client_for(world.manager_a).post(paper_url(case), {"level": ""})
    assert r.status_code == 422 and 'data-test="paper-error"' in r.content.decode()
    assert client_for(world.manager_b).post(paper_url(case), {"level": "basic"}).status_code == 404
    assert client_for(world.manager_a).get(paper_url(case)).status_code == 405
    assert Rating.objects.count() == 0


def test_receipt_carries_the_rating_qr_code(world, client_for, monday):
    case = accepted_case(world)
    receipt = Notice.objects.get(case=case, kind=Notice.Kind.RECEIPT)
    html = client_for(world.clerk_a).get(f"/workbench/notices/{receipt.pk}/").content.decode()
    assert 'data-test="receipt-qr"' in html and "<svg" in html
    assert "办结后请扫码评价本次服务" in html
    link = services.rating_link(case)
    assert qr_svg(f"{link.url}?via=qr", scale=3, label="服务评价二维码") in html
    assert case.applicant_phone not in html.split('data-test="receipt-qr"')[1]
