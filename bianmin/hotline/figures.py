"""The hotline's figures (SPEC §9: 响应率, 解决率, 满意率, first-call resolution; issue #5 item 8), by
department and period, over the orders a person may see.

Each rate is (numerator, denominator) plus the ratio; an empty denominator gives None ("—"), since both 0 %
and 100 % would claim something the data cannot support. A department filter takes its subtree.
- response: dispatches to the department answered in time (accepted or returned with a reason before
  respond_by) ÷ dispatches whose response was due by now or already came (a dispatch made a minute ago
  is not yet a failure);
- on-time transfer: dispatches made within the dispatch limit after the order came in (or came back) ÷
  dispatches;
- on-time reply: orders replied within the department's time limit ÷ orders replied (by the day of the reply;
  the clock's own rule, core.clocks.finished_on_time, the same as the order page's 按时 / 逾期完成);
- resolution: return visits that found the matter resolved ÷ return visits;
- satisfaction: satisfied callers ÷ return visits that reached the caller;
- first-call resolution: orders answered at intake ÷ orders received, merged duplicates left out; with a
  department filter, orders of the categories that department is responsible for.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bianmin.core import timeutil
from bianmin.core.clocks import finished_on_time
from bianmin.core.models import Clock
from bianmin.core.rates import Rate
from bianmin.orgs.models import Unit

from .models import Assignment, ReturnVisit, WorkOrder
from .states import Status

# Orders whose department has answered (and whose clock the answer stopped); a re-opened order counts again once
# it is answered again.
REPLIED = (Status.REPLIED, Status.REVISITED, Status.CLOSED)

DEFINITIONS = {
    "response_rate": _("响应率：承办单位在签收时限内签收或说明理由退回的派单数 ÷ 已到签收时限或已响应的派单数。"),
    "on_time_transfer_rate": _("按时转派率：在派单时限内派出（含退回后改派）的派单数 ÷ 派单数。"),
    "on_time_reply_rate": _("按时答复率：承办单位在办理时限内答复的工单数 ÷ 已答复的工单数（按答复日期统计）。"),
    "resolution_rate": _("解决率：回访确认已解决的件数 ÷ 回访件数。"),
    "satisfaction_rate": _("满意率：回访表示满意的件数 ÷ 回访联系上来电人的件数。"),
    "first_call_resolution_rate": _("一次办结率：坐席当场答复办结的工单数 ÷ 受理工单数（不含并入其他工单的重复件）。"),
}


@dataclass(frozen=True)
class Figures:
    response: Rate
    on_time_transfer: Rate
    on_time_reply: Rate
    resolution: Rate
    satisfaction: Rate
    first_call_resolution: Rate

    def as_dict(self) -> dict:
        return {"response_rate": self.response.as_dict(), "on_time_transfer_rate": self.on_time_transfer.as_dict(),
                "on_time_reply_rate": self.on_time_reply.as_dict(),
                "resolution_rate": self.resolution.as_dict(), "satisfaction_rate": self.satisfaction.as_dict(),
                "first_call_resolution_rate": self.first_call_resolution.as_dict()}


def _period(qs: QuerySet, field: str, date_from: dt.date | None, date_to: dt.date | None) -> QuerySet:
    """Rows whose `field` falls on a local calendar day within [date_from, date_to] (either end open)."""
    if date_from:
        qs = qs.filter(**{f"{field}__date__gte": date_from})
    if date_to:
        qs = qs.filter(**{f"{field}__date__lte": date_to})
    return qs


def compute(orders: QuerySet[WorkOrder], department: Unit | None = None, date_from: dt.date | None = None,
            date_to: dt.date | None = None) -> Figures:
    """Figures over `orders` (already scoped to the viewer) within the period."""
    now = timeutil.now()
    assignments = _period(Assignment.objects.filter(order__in=orders), "dispatched_at", date_from, date_to)
    revisits = _period(ReturnVisit.objects.filter(order__in=orders), "at", date_from, date_to)
    received = _period(orders.exclude(status=Status.MERGED), "received_at", date_from, date_to)
    replied = _period(orders.filter(status__in=REPLIED, clock__status=Clock.Status.STOPPED), "replied_at",
                      date_from, date_to)
    if department is not None:
        replied = replied.filter(department__path__startswith=department.path)
        assignments = assignments.filter(department__path__startswith=department.path)
        revisits = revisits.filter(department__path__startswith=department.path)
        received = received.filter(category__department__path__startswith=department.path)
    due = assignments.filter(Q(responded_at__isnull=False) | Q(respond_by__lte=now))
    reached = revisits.filter(reached=True)
    return Figures(
        response=Rate(due.filter(responded_at__lte=F("respond_by")).count(), due.count()),
        on_time_transfer=Rate(assignments.filter(dispatched_at__lte=F("dispatch_due")).count(), assignments.count()),
        on_time_reply=Rate(replied.filter(finished_on_time("clock")).count(), replied.count()),
        resolution=Rate(revisits.filter(resolved=True).count(), revisits.count()),
        satisfaction=Rate(reached.filter(satisfied=True).count(), reached.count()),
        first_call_resolution=Rate(received.filter(answered_at_intake=True).count(), received.count()),
    )
