"""Writing outbox rows: called through bianmin.core.outbox.record inside the transaction of the change itself
(a stored rating, a case move, a ticket event, an answered complaint), so the change and its row commit together.

Only routing is decided here (which link, the idempotency key, the ordering key, the business day); the payload
is built by the worker at the first attempt (facts.py, mapping.py), so the rating's own transaction stays one
small INSERT longer. A key already queued is left alone (INSERT … ON CONFLICT DO NOTHING): the same event
recorded twice, e.g. a case accepted again after a review, is sent once.
"""
from __future__ import annotations

from django.utils import timezone

from bianmin.core import timeutil

from . import links
from .models import Kind, OutboxRow


def _day(moment):
    return timezone.localtime(moment).date()


def _rating(rating):
    """Ratings a person gave about a case (first ratings and 追评); a default good rating only where the link and
    its profile allow it; ratings of an item or of the platform without a case are not in 表9's shape."""
    case = rating.case if rating.case_id else (rating.followup_of.case if rating.followup_of_id else None)
    if case is None:
        return None
    return dict(rating_row(case.number, rating.stage, rating.pk, rating.created_at, rating.site_id or case.site_id,
                           rating.unit_path), default=rating.is_default)


def rating_row(case_number: str, stage: str, rating_id, created_at, site_id, unit_path: str) -> dict:
    """The routing columns of a rating's row (also written by the ratings' fast lane, see `rating_route`)."""
    stage = stage or "rating"
    return dict(kind=Kind.RATING, record_id=rating_id, event=stage, key=f"{case_number}/rating/{stage}",
                order_key=case_number, day=_day(created_at), site_id=site_id, unit_path=unit_path)


def _case(kind):
    def route(case, event):
        suffix = {Kind.CASE_ACCEPT: "accept", Kind.CASE_COMPLETE: "complete"}.get(kind) or f"special/{event}"
        return dict(kind=kind, record_id=case.pk, event=event or suffix, key=f"{case.number}/{suffix}",
                    order_key=case.number, day=_day(timeutil.now()), site_id=case.site_id,
                    unit_path=case.site.unit.path)
    return route


def _rectification(event):
    """A ticket event (verification, outcome, rectified, feedback) of a bad review about a case."""
    ticket = event.ticket
    order = ticket.case.number if ticket.case_id else f"ticket/{ticket.number}"
    return dict(kind=Kind.RECTIFICATION, record_id=ticket.pk, event=f"{event.action}-{event.pk}",
                key=f"{order}/rectification/{ticket.number}/{event.action}/{event.pk}", order_key=order,
                day=_day(event.at), site_id=ticket.assigned_site_id, unit_path=ticket.unit_path)


def _complaint(complaint):
    return dict(kind=Kind.COMPLAINT, record_id=complaint.pk, event="answer", key=f"complaint/{complaint.number}",
                order_key=f"complaint/{complaint.number}", day=_day(complaint.received_at),
                site_id=complaint.site_id, unit_path=complaint.site.unit.path)


def route(kind: str, obj, event: str) -> dict | None:
    if kind == Kind.RATING:
        return _rating(obj)
    if kind in (Kind.CASE_ACCEPT, Kind.CASE_SPECIAL, Kind.CASE_COMPLETE):
        return _case(kind)(obj, event)
    if kind == Kind.RECTIFICATION:
        return _rectification(obj)
    if kind == Kind.COMPLAINT:
        return _complaint(obj)
    raise ValueError(f"unknown exchange kind {kind!r}")


def _unit_path(kind: str, obj) -> str:
    """Where the record sits, known before it is saved (ratings: their own copy of the path)."""
    if kind == Kind.RATING:
        return obj.unit_path
    if kind == Kind.RECTIFICATION:
        return obj.ticket.unit_path
    return obj.site.unit.path


def prepare(kind: str, obj, event: str = ""):
    """None when no row is due, else the function that inserts it (see bianmin.core.outbox)."""
    target = links.link_for(_unit_path(kind, obj))
    if target is None:
        return None  # no upstream for this jurisdiction
    link_id, profile, link_allows_defaults = target
    if not profile.sends(kind):
        return None  # this upstream takes no records of this kind
    if kind == Kind.RATING and obj.is_default and not (link_allows_defaults and profile.send_default_ratings):
        return None  # never send a rating nobody gave, unless the jurisdiction and the profile both allow it

    def insert() -> None:
        row = route(kind, obj, event)
        if row is None:
            return
        row.pop("default", None)
        now = timeutil.now()
        OutboxRow.objects.bulk_create([OutboxRow(link_id=link_id, created_at=now, next_attempt_at=now, **row)],
                                      ignore_conflicts=True)

    return insert


def rating_route(unit_path: str):
    """For the ratings' fast lane (bianmin/ratings/ingest_sql.py), which writes rows in SQL of its own: None when a
    rating given in `unit_path` goes to no upstream, else (link id, `rating_row`). The same decision as `prepare`
    for a rating a person gave (the fast lane takes no default ratings)."""
    target = links.link_for(unit_path)
    if target is None or not target[1].sends(Kind.RATING):
        return None
    return target[0], rating_row


def write(kind: str, obj, event: str = "") -> None:
    insert = prepare(kind, obj, event)
    if insert is not None:
        insert()
