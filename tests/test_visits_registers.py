"""The four registers (seed 000 四登记): staff lists filtered by site and date, scoped to the person, and their
Excel exports with the expected columns and masked phone numbers."""
import datetime as dt

import pytest

from bianmin.appointments.models import Appointment
from bianmin.core import timeutil
from bianmin.visits import services
from bianmin.visits.export import headers

from .test_visits_signoff import now_text
from .visits_helpers import completed_case, png_data_url, xlsx_rows

PHONE_A, PHONE_B = "13911112222", "13733334444"


def appointment(site, item, phone, channel, code, user=None):
    return Appointment.objects.create(site=site, item=item, date=timeutil.today() + dt.timedelta(days=1),
                                      start=dt.time(9, 0), end=dt.time(9, 30), name="预约人", phone=phone,
                                      code=code, token=f"tok-{code}", channel=channel, created_by=user)


@pytest.fixture
def registers(world):
    today = timeutil.today()
    appointment(world.site_a, world.item_committed, PHONE_A, "phone", "A0001", world.clerk_a)
    appointment(world.site_a, world.item_committed, "13900000001", "online", "A0002")  # not a phone booking
    appointment(world.site_b, world.item_committed, PHONE_B, "phone", "B0001", world.manager_b)
    signed = completed_case(world, phone=PHONE_A)
    services.record_sign_off(signed.pk, world.clerk_a, {"received_by": "刘阿姨", "relation": "family",
                                                        "received_at": now_text(), "method": "tablet",
                                                        "signature": png_data_url()})
    proxy = completed_case(world, proxy=True, phone=PHONE_A)
    services.record_handback(proxy.pk, world.clerk_a, {"handed_at": now_text(), "received_by": "刘阿姨",
                                                       "how": "in_person"})
    services.request_visit(world.clerk_a, world.site_a, {
        "name": "陈阿婆", "phone": PHONE_A, "address": "青山路8号", "need": "disabled", "reason": "办残疾人证",
        "item": str(world.item_committed.pk), "wanted_date": (today + dt.timedelta(days=1)).isoformat()})
    return {"signed": signed, "proxy": proxy}


def rows(client, kind, query=""):
    r = client.get(f"/workbench/registers/{kind}/{query}")
    assert r.status_code == 200
    return r.context["page"].paginator.count, r.content.decode()


def test_each_register_lists_its_rows_with_masked_phones(world, client_for, registers):
    client = client_for(world.clerk_a)
    count, page = rows(client, "phone")
    assert count == 1 and "139****2222" in page and PHONE_A not in page and "13900000001" not in page
    count, page = rows(client, "signoff")
    assert count == 1 and registers["signed"].number in page and PHONE_A not in page
    count, page = rows(client, "proxy")
    assert count == 1 and registers["proxy"].number in page and "代办员老周" in page
    count, page = rows(client, "visits")
    assert count == 1 and "陈阿婆" in page and PHONE_A not in page and "139****2222" in page
    index = client.get("/workbench/registers/").content.decode()
    assert all(f"/workbench/registers/{k}/" in index for k in ("phone", "signoff", "proxy", "visits"))


@pytest.mark.parametrize("kind, first, expected", [
    ("phone", "登记时间", ["服务场所", "事项", "预约人", "联系电话", "预约时段", "状态", "登记人"]),
    ("signoff", "办件编号", ["领取人", "与申请人关系", "签收时间", "签收方式", "电子签名", "交付人"]),
    ("proxy", "办件编号", ["代办员", "代办员电话", "交回时间", "接收人", "交付方式"]),
    ("visits", "登记时间", ["服务对象", "联系电话", "上门地址", "服务对象类型", "事由", "期望上门", "上门人员", "状态"]),
])
def test_exports_have_the_columns_and_masked_phones(world, client_for, registers, kind, first, expected):
    r = client_for(world.manager_a).get(f"/workbench/registers/{kind}/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    table = xlsx_rows(r.content)
    assert table[0] == headers(kind) and table[0][0] == first and set(expected) <= set(table[0])
    assert len(table) == 2  # the header and the one row of site A
    phone = table[1][table[0].index("联系电话")]
    assert phone == "139****2222"
    assert not any(PHONE_A in str(cell) or "13700001111" in str(cell) for row in table for cell in row)
    if kind == "proxy":
        assert table[1][table[0].index("代办员电话")] == "137****1111"


def test_scoping_per_persona(world, client_for, registers):
    assert rows(client_for(world.manager_b), "phone")[0] == 1  # only site B's
    assert "137****4444" in rows(client_for(world.manager_b), "phone")[1]
    for kind in ("signoff", "proxy", "visits"):
        assert rows(client_for(world.manager_b), kind)[0] == 0
    assert rows(client_for(world.supervisor), "phone")[0] == 2  # the county sees both sites
    for user in (world.handler, world.outsider):
        assert client_for(user).get("/workbench/registers/phone/").status_code == 403
        assert client_for(user).get("/workbench/registers/phone/export.xlsx").status_code == 403
    assert client_for(None).get("/workbench/registers/").status_code == 302


def test_filters_by_site_and_date(world, client_for, registers):
    client = client_for(world.supervisor)
    assert rows(client, "phone", f"?site={world.site_b.pk}")[0] == 1
    today = timeutil.today()
    assert rows(client, "signoff", f"?date_from={today}&date_to={today}")[0] == 1
    assert rows(client, "signoff", f"?date_from={today + dt.timedelta(days=1)}")[0] == 0
    assert rows(client, "visits", f"?date_to={today - dt.timedelta(days=1)}")[0] == 0
    table = xlsx_rows(client.get(f"/workbench/registers/phone/export.xlsx?site={world.site_b.pk}").content)
    assert len(table) == 2 and table[1][table[0].index("联系电话")] == "137****4444"


def test_bad_filter_input_narrows_nothing_and_unknown_kinds_are_404(world, client_for, registers):
    client = client_for(world.clerk_a)
    count, page = rows(client, "phone", "?date_from=notadate&site=abc")
    assert count == 1 and 'data-test="filter-error"' in page
    assert rows(client, "phone", f"?site={world.site_b.pk}")[0] == 1  # a site out of reach is an invalid choice
    assert client.get("/workbench/registers/cookies/").status_code == 404
    assert client.get("/workbench/registers/cookies/export.xlsx").status_code == 404
