"""The demo loads a hotline with orders at every stage, through the services, once."""
import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from bianmin.core import timeutil
from bianmin.hotline.models import DispatchCategory, WorkOrder, WorkOrderEvent
from bianmin.hotline.selectors import visible_orders

pytestmark = pytest.mark.django_db

DEMO_NOW = dt.datetime(2026, 11, 18, 15, 30)


def load(moment=DEMO_NOW) -> str:
    out = io.StringIO()
    with timeutil.travel_to(moment):
        call_command("demo", stdout=out)
    return out.getvalue()


def user(name):
    return get_user_model().objects.get(username=name)


def test_demo_hotline(settings):
    out = load()
    assert "12345 热线工单 13 件" in out
    statuses = set(WorkOrder.objects.values_list("status", flat=True))
    assert statuses == {"received", "dispatched", "accepted", "replied", "closed", "merged"}
    assert DispatchCategory.objects.count() == 8
    for name in ["社保咨询", "户籍办理", "不动产登记", "道路破损", "噪声扰民", "窗口服务投诉", "行政效能投诉"]:
        assert DispatchCategory.objects.filter(name=name).exists(), name
    efficiency = WorkOrder.objects.get(category__code="XZXNTS")
    assert efficiency.department.name.endswith("（监察室）")  # leadership → supervision office
    rerouted = WorkOrder.objects.get(text__startswith="父亲去世后")
    assert list(rerouted.events.values_list("action", flat=True)) == [
        "receive", "dispatch", "return", "dispatch", "accept", "request_extension"]
    assert rerouted.extensions.get().status == "pending" and "自然资源局" in rerouted.department.name
    urgent = WorkOrder.objects.get(category__code="DLPS")
    assert urgent.order_type == "urgent" and urgent.events.filter(action="overdue").exists()
    master = WorkOrder.objects.get(text__startswith="丈夫车祸住院")
    assert master.callers.count() == 1 and master.merged_orders.count() == 1
    assert WorkOrder.objects.filter(answered_at_intake=True, status="closed").count() == 1
    assert WorkOrder.objects.get(text__startswith="低保年审").revisits.get().resolved is False
    now = timezone.make_aware(DEMO_NOW)
    assert all(e.at <= now for e in WorkOrderEvent.objects.all())
    # The personas see what they should.
    mz = set(visible_orders(user("demo-handler")).values_list("status", flat=True))
    assert {"accepted", "replied", "closed"} <= mz
    assert visible_orders(user("demo-handler2")).filter(pk=rerouted.pk).exists()
    assert visible_orders(user("demo-agent")).count() == WorkOrder.objects.count()
    assert WorkOrder.objects.get(text__startswith="反映某村").confidential


def test_demo_hotline_is_created_once():
    load()
    before = (WorkOrder.objects.count(), WorkOrderEvent.objects.count(), DispatchCategory.objects.count())
    load()
    assert (WorkOrder.objects.count(), WorkOrderEvent.objects.count(), DispatchCategory.objects.count()) == before


def test_demo_hotline_on_a_rest_day_after_the_national_day_break():
    load(dt.datetime(2026, 10, 11, 8, 0))
    assert WorkOrder.objects.count() == 13 and not WorkOrder.objects.filter(status="received",
                                                                           text__startswith="父亲").exists()
