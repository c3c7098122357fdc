"""Taking a number from the kiosk and from a phone (issue 16 §4): the pages call queueing.services.issue, show the
ticket (number, people ahead, the wait as a range, a QR code to the phone page) and refuse bad input with a 4xx
that changes nothing."""
from __future__ import annotations

import datetime as dt

import pytest

from bianmin.appointments.models import Appointment
from bianmin.queueing.models import QueueTicket, Source
from bianmin.queueing.views_public import qr_svg

pytestmark = pytest.mark.django_db

MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0)  # a working day, inside the default opening hours


@pytest.fixture
def open_hall(set_now):
    return set_now(MONDAY_10)


def kiosk_url(world) -> str:
    return f"/hall/{world.site_a.pk}/kiosk/"


def test_the_kiosk_issues_a_green_lane_ticket_and_shows_it_with_its_qr_code(world, client_for, open_hall):
    client = client_for(None)
    client.post(kiosk_url(world), {"group": "A", "item": world.item_committed.pk})  # someone is ahead already
    response = client.post(kiosk_url(world), {"group": "A", "item": world.item_committed.pk, "priority": "elderly",
                                              "phone": "138 0013 8000"})
    assert response.status_code == 201
    ticket = QueueTicket.objects.get(priority="elderly")
    assert (ticket.site, ticket.item, ticket.source, ticket.phone) == (world.site_a, world.item_committed,
                                                                      Source.KIOSK, "13800138000")
    html = response.content.decode()
    assert f'data-test="ticket-number">{ticket.number}<' in html and "绿色通道" in html
    # The green lane goes before the walk-in already waiting: nobody ahead, the wait given as "within N minutes".
    assert '前面还有 <b data-field="ahead">0</b> 人' in html and "预计等候" in html and "分钟以内" in html
    # The QR code is the phone page's full address, drawn inline (no image request, nothing for the CSP to block).
    assert qr_svg(f"http://localhost/hall/ticket/{ticket.token}/", label=ticket.number) in html
    assert f'content="30;url={kiosk_url(world)}"' in html  # back to the start by itself
    assert "js/print-button.js" in html


def test_bad_kiosk_input_is_refused_and_issues_nothing(world, client_for, open_hall):
    client = client_for(None)
    item = world.item_committed.pk
    cases = [
        ({"item": item}, 422, "请选择取号类别"),  # no group
        ({"group": "Z", "item": item}, 422, "请选择取号类别"),
        ({"group": "A", "item": "999999"}, 422, "请选择本类别中的事项"),
        ({"group": "A", "item": "abc"}, 422, "请选择本类别中的事项"),
        ({"group": "A", "item": item, "priority": "vip"}, 422, "请选择正确的人群类别"),
        ({"group": "A", "item": item, "phone": "12345"}, 422, "请输入 11 位手机号码"),
        ({"mode": "checkin"}, 422, "请输入预约码或预约时留的手机号码"),
        ({"mode": "checkin", "code": "<script>"}, 422, "预约码有误"),
        ({"mode": "checkin", "code": "ZZZZ99"}, 404, "未找到该预约码"),
    ]
    for data, status, words in cases:
        response = client.post(kiosk_url(world), data)
        assert response.status_code == status, data
        assert words in response.content.decode(), data
    assert not QueueTicket.objects.exists()


def test_the_refusal_speaks_english_on_an_english_kiosk(world, client_for, open_hall):
    client = client_for(None)
    client.cookies["django_language"] = "en"
    response = client.post(kiosk_url(world), {"group": "A", "item": world.item_committed.pk, "phone": "12"})
    assert response.status_code == 422 and "Enter an 11-digit mobile number." in response.content.decode()


def test_an_appointment_checks_in_at_the_kiosk_by_code_or_phone(world, client_for, open_hall):
    def booking(code: str, phone: str) -> Appointment:
        return Appointment.objects.create(site=world.site_a, item=world.item_committed, date=open_hall.date(),
                                          start=dt.time(10, 0), end=dt.time(10, 30), name="刘阿姨", phone=phone,
                                          code=code, token=f"t-{code}")

    by_code, by_phone = booking("K7MX3P", "13900139000"), booking("Q2W3E4", "13700137000")
    client = client_for(None)
    response = client.post(kiosk_url(world), {"mode": "checkin", "code": "k7mx3p"})
    assert response.status_code == 201
    ticket = QueueTicket.objects.get(appointment=by_code)
    assert ticket.source == Source.APPOINTMENT and ticket.item == world.item_committed
    assert f">{ticket.number}<" in response.content.decode()
    response = client.post(kiosk_url(world), {"mode": "checkin", "appointment_phone": "13700137000"})
    assert response.status_code == 201 and QueueTicket.objects.filter(appointment=by_phone).exists()
    again = client.post(kiosk_url(world), {"mode": "checkin", "code": "K7MX3P"})  # already checked in
    assert again.status_code in (409, 422) and QueueTicket.objects.count() == 2


def test_a_phone_takes_a_number_online_and_follows_it(world, client_for, open_hall):
    client = client_for(None)
    response = client.post(f"/hall/{world.site_a.pk}/take/", {"choice": f"A:{world.item_committed.pk}",
                                                              "priority": "normal", "phone": "13600136000"})
    ticket = QueueTicket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hall/ticket/{ticket.token}/"
    assert ticket.source == Source.ONLINE and ticket.phone == "13600136000"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and f'data-test="ticket-number">{ticket.number}<' in html
    assert "等候中" in html and "前面还有" in html and "预计等候约" in html
    assert f'data-api="/api/v1/queue/tickets/{ticket.token}"' in html and "queueing/ticket.js" in html
    assert '<noscript><meta http-equiv="refresh"' in html and 'data-test="refresh"' in html
    assert "13600136000" not in html  # the page never shows the phone number back
    # The same phone for the same item again: the engine's one-active-ticket rule, shown on the form.
    again = client.post(f"/hall/{world.site_a.pk}/take/", {"choice": f"A:{world.item_committed.pk}",
                                                           "phone": "13600136000"})
    assert again.status_code == 409 and "请勿重复取号" in again.content.decode()
    assert QueueTicket.objects.count() == 1


def test_the_online_form_refuses_bad_choices(world, client_for, open_hall):
    client = client_for(None)
    for choice in ("", "Z:1", "A:999999", "A:x", "nonsense"):
        response = client.post(f"/hall/{world.site_a.pk}/take/", {"choice": choice})
        assert response.status_code == 422, choice
        assert "data-take-error" in response.content.decode() or 'data-test="take-error"' in response.content.decode()
    assert not QueueTicket.objects.exists()


def test_no_online_number_once_the_hall_has_closed_for_the_day(world, client_for, set_now):
    set_now(dt.datetime(2026, 11, 23, 18, 30))
    response = client_for(None).post(f"/hall/{world.site_a.pk}/take/", {"choice": f"A:{world.item_committed.pk}"})
    assert response.status_code == 409 and "今日已停止取号" in response.content.decode()
    assert not QueueTicket.objects.exists()


def test_the_ticket_page_says_which_window_once_called(world, client_for, open_hall):
    from bianmin.queueing import services

    client = client_for(None)
    client.post(f"/hall/{world.site_a.pk}/take/", {"choice": f"A:{world.item_committed.pk}"})
    ticket = QueueTicket.objects.get()
    services.call(world.clerk_a, world.window_a)
    html = client.get(f"/hall/ticket/{ticket.token}/").content.decode()
    assert "请到 1 号窗口" in html and "已叫号" in html
    client.cookies["django_language"] = "en"
    assert "Please go to window 1" in client.get(f"/hall/ticket/{ticket.token}/").content.decode()


def test_an_unknown_ticket_token_is_the_bilingual_404(world, client_for):
    for token in ("nothing-here", "x" * 200):
        response = client_for(None).get(f"/hall/ticket/{token}/")
        html = response.content.decode()
        assert response.status_code == 404 and "页面不存在" in html and "Page not found" in html
