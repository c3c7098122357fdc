"""Time limits of work orders, all from the one working-time engine (DESIGN rule 4).

- handling: per order type (settings HOTLINE_LIMITS), or the category's own limit when the order keeps the
  category's default type; an agent who changes the type (say, to urgent) gets that type's limit;
- dispatch: the hotline sends the order on within HOTLINE_DISPATCH_MINUTES of receiving it or of a return;
- response: the department accepts or returns it within HOTLINE_RESPONSE (urgent: HOTLINE_URGENT_RESPONSE).
The last two are deadlines without a stored clock: only the figures read them, so they are computed once
at dispatch and kept on the Assignment row.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from bianmin.core.worktime.clock import ClockFacts, LimitUnit, evaluate
from bianmin.core.worktime.loader import get_calendar

from .models import DispatchCategory, OrderType


def limit_for(category: DispatchCategory, order_type: str) -> tuple[int, LimitUnit]:
    if order_type == category.default_type and category.limit_amount and category.limit_unit:
        return category.limit_amount, LimitUnit(category.limit_unit)
    amount, unit = settings.BIANMIN["HOTLINE_LIMITS"][order_type]
    return amount, LimitUnit(unit)


def due_after(start: dt.datetime, amount: int, unit: LimitUnit | str) -> dt.datetime:
    """The moment a limit of `amount` `unit` started at `start` runs out (CalendarNotCovered past the calendar)."""
    start = timezone.localtime(start)
    facts = ClockFacts(start=start, amount=amount, unit=LimitUnit(unit))
    state = evaluate(get_calendar(), facts, start, settings.BIANMIN["WARNING_SHARE"])
    return state.due_at


def dispatch_due(since: dt.datetime) -> dt.datetime:
    return due_after(since, settings.BIANMIN["HOTLINE_DISPATCH_MINUTES"], LimitUnit.MINUTES)


def respond_by(dispatched_at: dt.datetime, order_type: str) -> dt.datetime:
    key = "HOTLINE_URGENT_RESPONSE" if order_type == OrderType.URGENT else "HOTLINE_RESPONSE"
    amount, unit = settings.BIANMIN[key]
    return due_after(dispatched_at, amount, unit)
