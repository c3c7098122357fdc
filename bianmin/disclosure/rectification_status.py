"""Where the bad reviews of a unit stand (SPEC §6, §9): counts of tickets by stage, nothing else.

Only aggregate counts leave this module: never the rater, their phone or name, the comment, the
handler or any note. The stages add up: received = in progress + rectified + closed + excluded.
A mistaken or malicious rating counts as excluded only once a supervisor approved the finding (the same
rule as rectification.figures); until then its ticket is still in progress.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from bianmin.rectification.figures import MALICIOUS, in_period
from bianmin.rectification.models import Ticket
from bianmin.rectification.states import Status

# Everything neither rectified nor closed is in progress (received, assigned, verifying, rectifying,
# awaiting approval), so a status added later is still counted somewhere.
RECTIFIED = (Status.RESOLVED, Status.ANSWERED)
CLOSED = (Status.CLOSED,)
LABELS = {
    "received": _("收到差评"),
    "in_progress": _("正在核实整改"),
    "rectified": _("已整改，待办结"),
    "closed": _("已办结"),
    "excluded": _("认定误评/恶意差评"),
}
DEFINITIONS = {
    "received": _("收到差评：期间内生成的差评整改工单数（含对服务的投诉）。"),
    "in_progress": _("正在核实整改：其中尚在回访核实、限期整改或等待审核的工单数。"),
    "rectified": _("已整改，待办结：其中已整改或已解释说明、正在向评价人反馈或等待办结的工单数。"),
    "closed": _("已办结：其中已向评价人反馈并办结的工单数。"),
    "excluded": _("认定误评/恶意差评：其中经监督人员审核批准、不计入统计的工单数。"),
}


def counts(tickets: QuerySet[Ticket], date_from: dt.date, date_to: dt.date) -> dict[str, int]:
    tickets = in_period(tickets, "created_at", date_from, date_to)
    per_status = {row["status"]: row["n"] for row in
                  tickets.exclude(MALICIOUS).order_by().values("status").annotate(n=Count("id"))}
    rectified = sum(per_status.get(s, 0) for s in RECTIFIED)
    closed = sum(per_status.get(s, 0) for s in CLOSED)
    counted = sum(per_status.values())
    excluded = tickets.filter(MALICIOUS).count()
    return {"received": counted + excluded, "in_progress": counted - rectified - closed, "rectified": rectified,
            "closed": closed, "excluded": excluded}
