"""The facts the early warnings read (read-only): complaints from three channels, and tickets verified as true.

Complaints:
- 12345 hotline work orders of a complaint type (越级投诉, 一般/复杂服务投诉) or of an efficiency-complaint dispatch
  category (行政效能投诉); the matter is the dispatch category; the unit the department handling it, else the
  hotline region it was taken in;
- 综合点评 entered as complaints (ratings.Comment.is_complaint), except those opened by a counter complaint (that
  complaint is counted itself); the matter is the service item; the person the one the complaint's
  rectification ticket is assigned to, where it is;
- counter complaints (cases.CounterComplaint): the person complained about, the item (else the case).

Each complaint belongs to a jurisdiction: the nearest administrative region (not a department) at or above the
unit it is about (a county's departments belong to the county), so the county's thresholds and managers apply.

Verified tickets are read through staffops.subjects (verified_tickets, ticket_moment): the one reading of
"查证属实" the deductions and efficiency warnings use.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from bianmin.cases.models import CounterComplaint
from bianmin.hotline.models import OrderType, WorkOrder
from bianmin.orgs.models import Staff, Unit
from bianmin.ratings.models import Comment
from bianmin.staffops import subjects

COMPLAINT_ORDER_TYPES = (OrderType.ESCALATED_COMPLAINT, OrderType.SIMPLE_COMPLAINT, OrderType.COMPLEX_COMPLAINT)


@dataclass(frozen=True, slots=True)
class Complaint:
    ref: str  # "order:1", "comment:2", "counter:3": unique across the channels
    at: dt.datetime
    path: str  # the unit it is about (its tree path); `unit_id` is its jurisdiction
    unit_id: int | None
    site_id: int | None
    person: tuple[str, str] | None  # (key, name) of the staff member complained about
    matter: tuple[str, str] | None  # (key, label): the item, dispatch category or case
    text: str  # as stored: personal data is dropped before segmentation (stats.hotspot_sources.redacted)
    names: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()


def complaint_orders():
    """Hotline work orders that are complaints (by type, or by an efficiency-complaint category)."""
    return WorkOrder.objects.filter(Q(order_type__in=COMPLAINT_ORDER_TYPES) | Q(category__efficiency_complaint=True))


def _orders(since, until, limit) -> list[Complaint]:
    rows = (complaint_orders().filter(received_at__gt=since, received_at__lte=until).order_by("-received_at", "-id")
            .values("pk", "received_at", "text", "caller_name", "caller_phone", "category_id", "category__name",
                    "department__path", "unit_path")[:limit])
    return [Complaint(f"order:{r['pk']}", r["received_at"], r["department__path"] or r["unit_path"], None, None, None,
                      (f"category:{r['category_id']}", r["category__name"]), r["text"], (r["caller_name"],),
                      (r["caller_phone"],)) for r in rows]


def _comments(since, until, limit) -> list[Complaint]:
    rows = (Comment.objects.filter(is_complaint=True, created_at__gt=since, created_at__lte=until,
                                   counter_complaint__isnull=True).exclude(unit_path="")
            .order_by("-created_at", "-id")
            .values("pk", "created_at", "text", "contact_name", "contact_phone", "unit_path", "target_item_id",
                    "target_item__name", "ticket__assignee_id", "ticket__assigned_site_id")[:limit])
    return [Complaint(f"comment:{r['pk']}", r["created_at"], r["unit_path"], None, r["ticket__assigned_site_id"],
                      (f"user:{r['ticket__assignee_id']}", "") if r["ticket__assignee_id"] else None,
                      (f"item:{r['target_item_id']}", r["target_item__name"]) if r["target_item_id"] else None,
                      r["text"], (r["contact_name"],), (r["contact_phone"],)) for r in rows]


def _counter(since, until, limit) -> list[Complaint]:
    rows = (CounterComplaint.objects.filter(received_at__gt=since, received_at__lte=until)
            .order_by("-received_at", "-id")
            .values("pk", "received_at", "text", "complainant_name", "complainant_phone", "site_id",
                    "site__unit__path", "about_staff_id", "about_item_id", "about_item__name", "case_id",
                    "case__number")[:limit])
    out = []
    for r in rows:
        if r["about_item_id"]:
            matter = (f"item:{r['about_item_id']}", r["about_item__name"])
        elif r["case_id"]:
            matter = (f"case:{r['case_id']}", r["case__number"])
        else:
            matter = None
        person = (f"user:{r['about_staff_id']}", "") if r["about_staff_id"] else None
        out.append(Complaint(f"counter:{r['pk']}", r["received_at"], r["site__unit__path"], None, r["site_id"],
                             person, matter, r["text"], (r["complainant_name"],), (r["complainant_phone"],)))
    return out


def _person_names(complaints: list[Complaint]) -> dict[str, str]:
    """"user:<id>" → the staff member's name (else the account's name)."""
    from django.contrib.auth import get_user_model

    ids = {int(c.person[0].split(":")[1]) for c in complaints if c.person}
    names = dict(Staff.objects.filter(user_id__in=ids).values_list("user_id", "name"))
    for user in get_user_model().objects.filter(pk__in=ids - set(names)):
        names[user.pk] = user.get_full_name() or user.get_username()
    return {f"user:{pk}": name for pk, name in names.items()}


class Jurisdictions:
    """Tree path → the nearest region unit at or above it (units loaded once per sweep, only those named)."""

    def __init__(self, paths):
        ids = {int(p) for path in paths for p in path.strip("/").split("/") if p}
        self.units = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
        self._cache: dict[str, Unit | None] = {}

    def of(self, path: str) -> Unit | None:
        if path not in self._cache:
            chain = [self.units[int(p)] for p in path.strip("/").split("/") if p and int(p) in self.units]
            regions = [u for u in chain if u.kind != Unit.Kind.DEPARTMENT]
            self._cache[path] = regions[-1] if regions else (chain[-1] if chain else None)
        return self._cache[path]


def complaints(since: dt.datetime, until: dt.datetime, *, limit: int) -> tuple[list[Complaint], Jurisdictions]:
    """The complaints received in (since, until], newest `limit` of each channel, each with its jurisdiction and the
    name of the person it is about; oldest first."""
    found = _orders(since, until, limit) + _comments(since, until, limit) + _counter(since, until, limit)
    where = Jurisdictions(c.path for c in found)
    names = _person_names(found)
    out = []
    for c in found:
        unit = where.of(c.path)
        if unit is None:
            continue
        person = (c.person[0], names.get(c.person[0], c.person[0])) if c.person else None
        out.append(Complaint(c.ref, c.at, c.path, unit.pk, c.site_id, person, c.matter, c.text, c.names, c.phones))
    out.sort(key=lambda c: (c.at, c.ref))
    return out, where


# ---------------------------------------------------------------- tickets verified as true

@dataclass(frozen=True, slots=True)
class Verified:
    ref: str  # "ticket:<id>"
    at: dt.datetime  # staffops.subjects.ticket_moment
    staff_key: str  # "staff:<id>"
    staff_name: str
    path: str  # the site's unit, else the ticket's unit
    site_id: int | None


def verified(since: dt.datetime, until: dt.datetime) -> list[Verified]:
    """Tickets verified as true (staffops.subjects: an upheld appeal, a re-classification or an excluded rating
    takes one out) whose moment lies in (since, until] and that hit a staff member, oldest first."""
    months, month = [], subjects.month_of(since)
    while month <= subjects.month_of(until):
        months.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    out = []
    for month in months:
        for ticket, subject in subjects.verified_tickets(month):
            at = subjects.ticket_moment(ticket)
            if subject.staff is None or not since < at <= until:
                continue
            path = subject.site.unit.path if subject.site is not None else ticket.unit_path
            out.append(Verified(f"ticket:{ticket.pk}", at, f"staff:{subject.staff.pk}", subject.staff.name, path,
                                subject.site.pk if subject.site is not None else None))
    out.sort(key=lambda v: (v.at, v.ref))
    return out
