"""Worker sweeps of the hotline (registered in apps.py; run by `manage.py worker` after the deadline sweep).

- remind_due: once a running order's clock reaches its yellow moment, the department's handlers are told;
- escalate_overdue: once it is overdue, the hotline's agents (the dispatchers) and the managers and
  supervisors above the department are told, once per time limit;
- chase_undispatched: an order taken but not dispatched (or sent back and not re-routed) for longer than
  HOTLINE_DISPATCH_MINUTES is brought to the agents' attention, once per wait.
Both read the clock itself (core.clocks: `overdue_now`, the stored due/yellow moments), never the warning flag,
so they do not depend on the order the jobs run in, and an order whose clock stopped (replied, returned,
merged) is never chased. Each is a conditional UPDATE of the order's mark followed by a history row, so two
workers never remind or escalate the same order twice; an approved extension clears the marks.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from bianmin.core import timeutil
from bianmin.core.clocks import overdue_now
from bianmin.core.models import Clock
from bianmin.core.notify import message, notify

from . import access
from .models import WorkOrder, WorkOrderEvent
from .services import order_link
from .states import Status

BATCH = 500
RUNNING = [Status.DISPATCHED, Status.ACCEPTED]


def _candidates(*conditions, **fields):
    return (WorkOrder.objects.filter(*conditions, status__in=RUNNING, clock__status=Clock.Status.RUNNING, **fields)
            .select_related("department", "clock", "category").order_by("clock__due_at")[:BATCH])


def _event(order: WorkOrder, action: str, note: str, now) -> None:
    WorkOrderEvent.objects.create(order=order, action=action, from_status=order.status, to_status=order.status,
                                  note=note, data={"due_at": order.clock.due_at.isoformat()}, at=now)


def remind_due() -> int:
    now = timeutil.now()
    reminded = 0
    for order in _candidates(clock__yellow_at__lte=now, clock__due_at__gte=now, reminded_at__isnull=True):
        with transaction.atomic():
            if not WorkOrder.objects.filter(pk=order.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue  # another worker got there first
            due = timezone.localtime(order.clock.due_at)
            _event(order, "remind", "办理时限即将届满", now)
            notify(access.handlers(order), message(gettext_lazy("预警：热线工单 %(number)s 将于 %(due)s 到期，请抓紧办理。"),
                                                   number=order.number, due=f"{due:%m-%d %H:%M}"),
                   order_link(order))
            reminded += 1
    return reminded


def escalate_overdue() -> int:
    now = timeutil.now()
    escalated = 0
    for order in _candidates(overdue_now("clock", now), escalated_at__isnull=True):
        with transaction.atomic():
            # An order found already overdue needs no "due soon" reminder any more.
            if not WorkOrder.objects.filter(pk=order.pk, escalated_at__isnull=True).update(
                    escalated_at=now, reminded_at=order.reminded_at or now):
                continue
            _event(order, "overdue", "办理超期，已督办", now)
            text = message(gettext_lazy("督办：热线工单 %(number)s（%(department)s）已超过办理时限。"), number=order.number,
                           department=order.department.name)
            notify({*access.dispatchers(order), *access.overseers(order)}, text, order_link(order))
            escalated += 1
    return escalated


def _waiting_since(order: WorkOrder) -> dt.datetime | None:
    """When the order started waiting for a dispatcher: taken, or last sent back by a department."""
    if order.status == Status.RECEIVED:
        return order.received_at
    last_return = (WorkOrderEvent.objects.filter(order=order, action="return").order_by("-at", "-id")
                   .values_list("at", flat=True).first())
    return last_return or order.received_at


def chase_undispatched() -> int:
    """On-time transfer (按时转派) is one of the hotline's figures; tell the dispatchers before it is lost."""
    now = timeutil.now()
    late = now - dt.timedelta(minutes=settings.BIANMIN["HOTLINE_DISPATCH_MINUTES"])
    chased = 0
    waiting = (WorkOrder.objects.filter(status__in=[Status.RECEIVED, Status.RETURNED], received_at__lte=late)
               .order_by("received_at")[:BATCH])
    for order in waiting:
        since = _waiting_since(order)
        if since > late:
            continue
        with transaction.atomic():
            # Lock the order so two workers do not both find "no reminder yet" and both write one.
            locked = (WorkOrder.objects.select_for_update(skip_locked=True)
                      .filter(pk=order.pk, status=order.status).first())
            if locked is None or WorkOrderEvent.objects.filter(order=order, action="dispatch_late",
                                                               at__gte=since).exists():
                continue
            WorkOrderEvent.objects.create(order=order, action="dispatch_late", from_status=order.status,
                                          to_status=order.status, note="超过派单时限仍未派出", at=now)
            minutes = settings.BIANMIN["HOTLINE_DISPATCH_MINUTES"]
            notify(access.dispatchers(order), message(gettext_lazy("请尽快派单：热线工单 %(number)s 已等待派单超过 %(minutes)s 分钟。"),
                                                      number=order.number, minutes=minutes),
                   order_link(order))
            chased += 1
    return chased
