"""Helpers for the early-warning tests: complaints of the three channels at chosen moments, and verified tickets."""
from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from bianmin.core import clocks

TZ = ZoneInfo("Asia/Shanghai")
# A Wednesday morning; "today" for the daily count and the hot terms is 18 November 2026.
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=TZ)
_numbers = itertools.count(1)


def ago(days: float = 0, hours: float = 0) -> dt.datetime:
    return NOW - dt.timedelta(days=days, hours=hours)


def counter(world, at=None, *, site=None, staff=None, item=None, text="窗口人员态度生硬", name="孙女士"):
    """A complaint made at the counter (cases.CounterComplaint), received at `at` (default: an hour ago)."""
    from bianmin.cases.models import CounterComplaint

    at = at or ago(hours=1)
    return CounterComplaint.objects.create(
        number=f"TS-ALERT-{next(_numbers):05d}", site=site or world.site_a, form="oral", complainant_name=name,
        complainant_phone="13700001111", about_staff=staff, about_item=item, text=text, received_by=world.manager_a,
        received_at=at, clock=clocks.start_clock(at, 1, "days", "counter-complaint"))


def hotline(hw, at=None, *, category=None, text="窗口办事拖拉，多次往返", order_type=None, **extra):
    """A 12345 work order taken by the agent (hotline.services.receive), moved to `at`."""
    from bianmin.hotline import services
    from bianmin.hotline.models import WorkOrder

    category = category or hw.window_complaint
    body = {"channel": "phone", "caller": {"name": "周晓梅", "phone": "13911112222"}, "category": category.code,
            "text": text}
    if order_type:
        body["type"] = order_type
    body.update(extra)
    order = services.receive(hw.agent, body)
    WorkOrder.objects.filter(pk=order.pk).update(received_at=at or ago(hours=1))
    return order


def comment(world, at=None, *, item=None, unit=None, text="窗口人员态度生硬", complaint=True):
    """A 综合点评 entered by site A's manager (ratings.comments.add_comment), moved to `at`."""
    from bianmin.ratings import comments
    from bianmin.ratings.models import Comment

    row = comments.add_comment(world.manager_a, source="mailbox", text=text, target_item=item,
                               target_unit=unit if item is None else None, is_complaint=complaint,
                               contact_name="钱先生", contact_phone="13600002222")
    Comment.objects.filter(pk=row.pk).update(created_at=at or ago(hours=1))
    return row


def verified_ticket(world, phone: str, at=None):
    """A bad rating of clerk_a's case, verified and resolved as 立行立改 (rectified now) by clerk_a, its moment
    moved to `at`."""
    from bianmin.rectification import services
    from bianmin.rectification.models import Ticket

    from .ticket_helpers import bad_rating, ticket_of

    ticket = ticket_of(bad_rating(world, phone=phone))
    services.transition(ticket.pk, "verify", world.clerk_a, {"channel": "phone", "reached": True})
    services.transition(ticket.pk, "resolve", world.clerk_a, {"outcome": "rectified_now", "note": "已整改"})
    if at is not None:
        Ticket.objects.filter(pk=ticket.pk).update(verified_at=at, resolved_at=at)
    return ticket


def sweep():
    from bianmin.alerts import services

    return services.sweep()


def alerts(kind=None, **filters):
    from bianmin.alerts.models import Alert

    qs = Alert.objects.all()
    return qs.filter(kind=kind, **filters) if kind else qs.filter(**filters)
