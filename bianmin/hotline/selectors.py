"""Read queries for work orders, always scoped to what the signed-in person may see (DESIGN rule 3)."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet

from bianmin.core import timeutil
from bianmin.core.clocks import overdue_now
from bianmin.core.errors import InvalidInput
from bianmin.core.models import Clock
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action as Perm

from .models import WorkOrder
from .states import Status


def visible_orders(user, perm: str = Perm.VIEW_WORKORDERS) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.for_user(user, perm)


def get_order(user, order_id: int) -> WorkOrder | None:
    return (visible_orders(user)
            .select_related("category__department", "department", "clock", "region", "merged_into", "created_by")
            .filter(pk=order_id).first())


def unit_by_id(unit_id: int, field: str = "department") -> Unit:
    """A unit named in a filter; an unknown one is a clear 422, not an empty answer that looks like 'nothing'."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise InvalidInput("单位不存在。", "Unknown unit.", field=field)
    return unit


# Due-time buckets of the list's filter. "overdue" is the clock's own rule (core.clocks.overdue_now, the same
# as the pages' state_of), so a replied, returned or merged order — its clock stopped — never counts; "soon"
# compares the running clock's stored moments with now, exact even before the worker's sweep.
DUE_BUCKETS = ("overdue", "soon")


def due_q(bucket: str, now: dt.datetime | None = None) -> Q:
    """Orders in one due bucket; an unknown name matches nothing (bad input never widens a list)."""
    now = now or timeutil.now()
    running = Q(clock__status=Clock.Status.RUNNING)
    if bucket == "overdue":
        return overdue_now("clock", now)
    if bucket == "soon":  # inside the warning share of the limit, not yet overdue
        return running & Q(clock__yellow_at__lte=now, clock__due_at__gte=now)
    return Q(pk__in=[])


def filtered(user, *, status: str | None = None, department: int | None = None, category: str | None = None,
             order_type: str | None = None, due: str | None = None, date_from: dt.date | None = None,
             date_to: dt.date | None = None) -> QuerySet[WorkOrder]:
    """The orders `user` may see, narrowed by the list's filters (dates: the local day the order came in)."""
    qs = visible_orders(user).select_related("category", "department", "clock")
    if status:
        qs = qs.filter(status=status)
    if department:
        qs = qs.filter(department__path__startswith=unit_by_id(department).path)
    if category:
        qs = qs.filter(category__code=category)
    if order_type:
        qs = qs.filter(order_type=order_type)
    if due:
        qs = qs.filter(due_q(due))
    if date_from:
        qs = qs.filter(received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(received_at__date__lte=date_to)
    return qs.order_by("-received_at", "-id")


def order_id_for(user, ref) -> int | None:
    """An order the person may take calls for, named by its id or its number (as agents read it out)."""
    ref = str(ref or "").strip()
    if ref.isdigit():
        return int(ref)
    found = visible_orders(user, Perm.TAKE_CALL).filter(number=ref.upper()[:30]).values_list("pk", flat=True).first()
    return found


def repeat_candidates(order: WorkOrder, limit: int = 10) -> QuerySet[WorkOrder]:
    """Other orders from the same phone about the same category within HOTLINE_REPEAT_DAYS: offered to
    the agent as probable repeats to link or merge (a suggestion only; the agent decides)."""
    if not order.caller_phone:
        return WorkOrder.objects.none()
    window = dt.timedelta(days=settings.BIANMIN["HOTLINE_REPEAT_DAYS"])
    same_phone = Q(caller_phone=order.caller_phone) | Q(callers__phone=order.caller_phone)
    return (WorkOrder.objects.filter(same_phone, category_id=order.category_id,
                                     received_at__gte=order.received_at - window,
                                     received_at__lte=order.received_at + window, unit_path=order.unit_path)
            .exclude(pk=order.pk).exclude(status=Status.MERGED).exclude(linked=order)
            .distinct().order_by("-received_at")[:limit])
