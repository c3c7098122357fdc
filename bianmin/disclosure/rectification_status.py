"""Where the bad reviews of a unit stand (SPEC §6, §9): counts of tickets by stage, nothing else.

Only aggregate counts leave this module: never the rater, their phone or name, the comment, the
handler or any note. The stages add up: received = in progress + rectified + closed + excluded.
A mistaken or malicious rating counts as excluded only once a supervisor approved the finding (the same
rule as rectification.figures); until then its ticket is still in progress.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bianmin.rectification.figures import MALICIOUS, in_period
from bianmin.rectification.models import Source, Ticket
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


def complaints(tickets: QuerySet[Ticket], date_from: dt.date, date_to: dt.date) -> int:
    """Tickets of the period opened for a complaint (综合点评 marked as complaint), not for a rating."""
    return in_period(tickets, "created_at", date_from, date_to).filter(source=Source.COMPLAINT).count()


def reconcile(counts: dict[str, int], bad: int | None, complaint_tickets: int) -> str:
    """One sentence saying why 收到差评 (tickets) and 差评数 (counted bad ratings) differ, with the numbers
    (issue #15: "收到差评 41" beside "差评数 39" without a word). Empty when they agree.

    The two count different things: tickets are opened for counted bad ratings *and* for complaints, on the
    day the ticket is opened; a ticket whose rating was found mistaken or malicious stays a ticket, while
    its rating leaves 差评数. Follow-up ratings (追评) are in neither. What the parts do not explain is
    timing (a rating on the last day of a period gets its ticket on the next) or a rating of the online
    platform, which has no unit to rectify it."""
    if bad is None or counts["received"] == bad:
        return ""
    parts = []
    if complaint_tickets:
        parts.append(gettext("投诉 %(n)d 件（投诉不是评价，不计入差评数）") % {"n": complaint_tickets})
    if counts["excluded"]:
        parts.append(gettext("认定误评/恶意差评 %(n)d 件（经审核不计入差评数）") % {"n": counts["excluded"]})
    rest = counts["received"] - complaint_tickets - counts["excluded"] - bad
    if rest:
        parts.append(gettext("评价与生成工单分属不同期间，或网上平台评价无整改责任单位：相差 %(n)d 件") % {"n": abs(rest)})
    return gettext("收到差评 %(received)d 件按整改工单计，差评数 %(bad)d 条按评价计（均不含追评）。差别来自：%(parts)s。") % {
        "received": counts["received"], "bad": bad, "parts": "；".join(parts)}
