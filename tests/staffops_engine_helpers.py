"""Helpers for the assessment engine's tests (tests/test_staffops_engine_*.py): punches for a month, tickets
through the real rectification services, and reading a person's month."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bianmin.hall import hours
from bianmin.hall.models import Presence
from bianmin.rectification import services as ticket_services
from bianmin.staffops import scores
from bianmin.staffops.models import Deduction

TZ = ZoneInfo("Asia/Shanghai")
NOVEMBER = dt.date(2026, 11, 1)
# 30 November 2026 (a Monday) in the evening: every working day of the month is over.
END_OF_NOVEMBER = dt.datetime(2026, 11, 30, 20, 0, tzinfo=TZ)


def at(day: int, hh: int, mm: int = 0, month: int = 11, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hh, mm, tzinfo=TZ)


def working_days(site, month: dt.date = NOVEMBER, until: int = 30) -> list[int]:
    return [d for d in range(1, until + 1) if hours.sessions_on(site, month.replace(day=d))]


def punch_month(staff, window, site, *, late=(), early=(), absent=(), until=30, month: dt.date = NOVEMBER):
    """Sign-ins and sign-outs on every working day up to `until`: on time (08:20–17:40) except the `late` days
    (in at 08:45), the `early` days (out at 17:00) and the `absent` days (no punch)."""
    rows = []
    for day in working_days(site, month, until):
        if day in absent:
            continue
        rows.append(Presence(staff=staff, window=window, kind="in",
                             at=at(day, 8, 45 if day in late else 20, month.month, month.year)))
        rows.append(Presence(staff=staff, window=window, kind="out",
                             at=at(day, 17, 0 if day in early else 40, month.month, month.year)))
    Presence.objects.bulk_create(rows)


def month_score(staff, month: dt.date = NOVEMBER) -> int:
    return scores.staff_sheet(staff, month).score


def standing(staff, code: str | None = None, month: dt.date = NOVEMBER):
    rows = Deduction.objects.filter(staff=staff, month=month, reversed=False)
    return rows.filter(rule_code=code) if code else rows


def act(ticket, action, user, **data):
    return ticket_services.transition(ticket.pk, action, user, data)


def verified_ticket(world, outcome="rectified_now", conduct=False):
    """A bad rating of clerk_a's case, verified and resolved by clerk_a (the ticket's assignee)."""
    from .ticket_helpers import bad_rating, ticket_of

    ticket = ticket_of(bad_rating(world))
    act(ticket, "verify", world.clerk_a, channel="phone", reached=True)
    data = {"outcome": outcome, "note": "已整改", "conduct": conduct}
    if outcome == "ledger":
        data["deadline"] = "2026-12-31"
    act(ticket, "resolve", world.clerk_a, **data)
    ticket.refresh_from_db()
    return ticket
