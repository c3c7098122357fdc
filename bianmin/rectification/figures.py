"""The figures the policy asks for (SPEC §6, issue #4 item 7), over tickets someone may see in a period.

Each rate is a (numerator, denominator) pair plus the ratio; an empty denominator gives None, shown as
"—", because 0 % and 100 % would both be claims the data cannot support. The definitions are written
once here (DEFINITIONS) so the page, the API and the tests all mean the same thing.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bianmin.core.clocks import finished_on_time
from bianmin.core.models import Clock
from bianmin.core.rates import Rate

from .models import Appeal, ContactAttempt, Ticket
from .states import Outcome, Status

DONE = (Status.RESOLVED, Status.ANSWERED, Status.CLOSED)

DEFINITIONS = {
    "revisit_rate": _("实名差评回访率：实名差评工单中已联系上评价人的工单数 ÷ 实名差评工单数。"),
    "rectification_rate": _("整改率：已整改（待反馈、已反馈、已办结）的工单数 ÷ 全部工单数，均不含经审核认定的误评/恶意差评。"),
    "on_time_rate": _("按时办结率：回访核实和整改反馈（建立台账的，首次答复和台账整改期限）均在时限内完成的工单数 ÷ "
                      "已完成整改反馈的工单数。"),
    "excluded_malicious": _("认定误评/恶意差评：经监督人员审核批准、不计入统计的工单数。"),
    "appeals": _("申诉复核：期间内提出的申诉中申诉成立、驳回和待复核的件数。"),
}


@dataclass(frozen=True)
class Figures:
    revisit: Rate
    rectification: Rate
    on_time: Rate
    excluded_malicious: int
    appeals_upheld: int
    appeals_dismissed: int
    appeals_pending: int

    def as_dict(self) -> dict:
        return {
            "revisit_rate": self.revisit.as_dict(), "rectification_rate": self.rectification.as_dict(),
            "on_time_rate": self.on_time.as_dict(), "excluded_malicious": self.excluded_malicious,
            "appeals": {"upheld": self.appeals_upheld, "dismissed": self.appeals_dismissed,
                        "pending": self.appeals_pending},
        }


def in_period(qs: QuerySet, field: str, date_from: dt.date | None, date_to: dt.date | None) -> QuerySet:
    """Rows whose `field` falls on a local calendar day within [date_from, date_to] (either end open)."""
    if date_from:
        qs = qs.filter(**{f"{field}__date__gte": date_from})
    if date_to:
        qs = qs.filter(**{f"{field}__date__lte": date_to})
    return qs


# A malicious finding counts only once a supervisor approved it; before that it is an ordinary ticket.
MALICIOUS = Q(outcome=Outcome.MALICIOUS, exclusion_approved_by__isnull=False)

# Finished = every clock of the current round stopped: the rectify clock stops when the rater gets the answer (or,
# for a ledger, the first answer), the ledger clock when the final answer follows.
NO_LEDGER = Q(ledger_clock__isnull=True)
FINISHED = (Q(verify_clock__status=Clock.Status.STOPPED) & Q(rectify_clock__status=Clock.Status.STOPPED)
            & (NO_LEDGER | Q(ledger_clock__status=Clock.Status.STOPPED)))
# On time = each of those clocks stopped by its due moment (core.clocks: the same rule as the pages' 按时).
ON_TIME = (finished_on_time("verify_clock") & finished_on_time("rectify_clock")
           & (NO_LEDGER | finished_on_time("ledger_clock")))


def compute(tickets: QuerySet[Ticket], appeals: QuerySet[Appeal], date_from: dt.date | None = None,
            date_to: dt.date | None = None) -> Figures:
    """Figures for the (already scoped) tickets created and appeals filed within the period."""
    tickets = in_period(tickets, "created_at", date_from, date_to)
    reached = Exists(ContactAttempt.objects.filter(ticket=OuterRef("pk"), reached=True))
    real_name = tickets.filter(real_name=True)
    counted = tickets.exclude(MALICIOUS)
    finished = tickets.filter(FINISHED)
    on_time = finished.filter(ON_TIME)
    appeal_counts = {row["status"]: row["n"] for row in _count_by_status(in_period(appeals, "filed_at", date_from,
                                                                                        date_to))}
    return Figures(
        revisit=Rate(real_name.filter(reached).count(), real_name.count()),
        rectification=Rate(counted.filter(status__in=DONE).count(), counted.count()),
        on_time=Rate(on_time.count(), finished.count()),
        excluded_malicious=tickets.filter(MALICIOUS).count(),
        appeals_upheld=appeal_counts.get(Appeal.Status.UPHELD, 0),
        appeals_dismissed=appeal_counts.get(Appeal.Status.DISMISSED, 0),
        appeals_pending=appeal_counts.get(Appeal.Status.PENDING, 0),
    )


def _count_by_status(appeals: QuerySet[Appeal]):
    return appeals.order_by().values("status").annotate(n=Count("id"))
