"""The texts the hot spots are found in (SPEC §9, issue #6 item 4), for a unit subtree or a site and a period:

- bad reviews: counted first ratings (no follow-ups, no default or excluded ratings) at a bad level with a
  comment or an improvement suggestion;
- complaints: 综合点评 entered as complaints, or given a bad level;
- hotline work orders: the caller's request (诉求内容), confidential orders included — only the text is read,
  never who called.

Scope follows the rules of each source's own pages: ratings by site or unit path; comments by the unit they
are about (a site: comments about its own unit and about the items its windows accept, as in
ratings.comments.scope_q; comments about no unit count at the top of the tree only); work orders by the
hotline region they were taken in or the department they went to (as in hotline.access).

Each record carries the personal names and phones stored with it, so that callers of this module can drop
them before segmentation and mask them in excerpts; they are never shown.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bianmin.catalog.models import Item
from bianmin.core.masking import mask_name, mask_phone, mask_text
from bianmin.hotline.models import WorkOrder
from bianmin.ratings.models import BAD_LEVELS, SUGGESTION_KEY, Comment, Rating

from .metrics import Target


class Kind:
    RATING = "rating"
    COMPLAINT = "complaint"
    HOTLINE = "hotline"


KIND_LABELS = {
    Kind.RATING: _("差评评价"),
    Kind.COMPLAINT: _("投诉（综合点评）"),
    Kind.HOTLINE: _("12345热线工单"),
}
KINDS = tuple(KIND_LABELS)


@dataclass(frozen=True, slots=True)
class Record:
    kind: str
    pk: int
    at: dt.datetime
    text: str  # as stored: may contain personal data, never shown without hotspot_display.excerpt
    names: tuple[str, ...]  # the rater's / contact's / caller's name, to drop and mask
    phones: tuple[str, ...]
    item: tuple[str, str] | None  # (key, label): the service item, or the hotline's dispatch category
    unit: tuple[str, str] | None  # (key, label): the site or the responsible unit
    ticket_id: int | None = None  # the bad-review ticket opened for a rating or a complaint


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def redacted(record: Record, placeholder: str) -> str:
    """The text with the record's own person's name and phone replaced outright — not even masked: a
    confidential caller must not show in any form (as in hotline.disclosure) — and phone and ID numbers
    masked (core.masking). The analysis replaces them with a space, so a name never becomes a theme."""
    secrets: set[str] = set()
    for name in record.names:
        if name and len(name) > 1:  # one-character names would redact ordinary words
            secrets |= {name, mask_name(name)}
    for phone in record.phones:
        if phone:
            secrets |= {phone, mask_phone(phone)}
    text = _CONTROL.sub("", record.text)
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, placeholder)
    return mask_text(text)


def _period(qs: QuerySet, field: str, date_from: dt.date, date_to: dt.date, since: dt.datetime | None):
    qs = qs.filter(**{f"{field}__date__gte": date_from, f"{field}__date__lte": date_to})
    return qs.filter(**{f"{field}__gte": since}) if since else qs


def _containing(fields: tuple[str, ...], words: tuple[str, ...]) -> Q:
    """Rows whose text holds every word (a cheap pre-filter; segmentation decides)."""
    q = Q()
    for word in words:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        q &= any_field
    return q


# ---------------------------------------------------------------- bad reviews

def _ratings(target: Target, date_from, date_to, since, words) -> QuerySet:
    qs = (Rating.objects.bad()
          .filter(~Q(comment="") | Q(answers__has_key=SUGGESTION_KEY)))
    qs = qs.filter(site=target.site) if target.site else qs.filter(unit_path__startswith=target.unit.path)
    if words:
        qs = qs.filter(_containing(("comment", f"answers__{SUGGESTION_KEY}"), words))
    return _period(qs, "created_at", date_from, date_to, since).order_by("-created_at", "-id")


def _rating_record(row: dict) -> Record:
    suggestion = (row["answers"] or {}).get(SUGGESTION_KEY) if isinstance(row["answers"], dict) else None
    text = "\n".join(t for t in (row["comment"], suggestion if isinstance(suggestion, str) else "") if t)
    if row["site_id"]:
        unit = (f"site:{row['site_id']}", row["site__name"])
    elif row["department_id"]:
        unit = (f"unit:{row['department_id']}", row["department__name"])
    else:
        unit = None
    return Record(Kind.RATING, row["pk"], row["created_at"], text, (row["rater_name"],), (row["rater_phone"],),
                  (f"item:{row['item_id']}", row["item__name"]) if row["item_id"] else None, unit, row["ticket__id"])


_RATING_FIELDS = ("pk", "created_at", "comment", "answers", "rater_name", "rater_phone", "item_id", "item__name",
                  "site_id", "site__name", "department_id", "department__name", "ticket__id")


# ---------------------------------------------------------------- complaints (综合点评)

def _comments(target: Target, date_from, date_to, since, words) -> QuerySet:
    qs = Comment.objects.filter(Q(is_complaint=True) | Q(level__in=BAD_LEVELS))
    if target.site:
        qs = qs.filter(Q(unit_path=target.site.unit.path)
                       | Q(target_item__in=Item.objects.filter(windows__site=target.site).values("pk")))
    else:
        about = Q(unit_path__startswith=target.unit.path)
        if target.unit.parent_id is None:  # comments about the platform as a whole belong to the top
            about |= Q(unit_path="")
        qs = qs.filter(about)
    if words:
        qs = qs.filter(_containing(("text",), words))
    return _period(qs, "created_at", date_from, date_to, since).order_by("-created_at", "-id")


def _comment_record(row: dict) -> Record:
    item = (f"item:{row['target_item_id']}", row["target_item__name"]) if row["target_item_id"] else None
    if row["target_unit_id"]:
        unit = (f"unit:{row['target_unit_id']}", row["target_unit__name"])
    elif row["target_item__accepting_unit_id"]:
        unit = (f"unit:{row['target_item__accepting_unit_id']}", row["target_item__accepting_unit__name"])
    else:
        unit = None
    return Record(Kind.COMPLAINT, row["pk"], row["created_at"], row["text"], (row["contact_name"],),
                  (row["contact_phone"],), item, unit, row["ticket__id"])


_COMMENT_FIELDS = ("pk", "created_at", "text", "contact_name", "contact_phone", "target_item_id",
                   "target_item__name", "target_unit_id", "target_unit__name", "target_item__accepting_unit_id",
                   "target_item__accepting_unit__name", "ticket__id")


# ---------------------------------------------------------------- hotline work orders

def _orders(target: Target, date_from, date_to, since, words) -> QuerySet:
    path = target.site.unit.path if target.site else target.unit.path
    qs = WorkOrder.objects.filter(Q(unit_path__startswith=path) | Q(department__path__startswith=path))
    if words:
        qs = qs.filter(_containing(("text",), words))
    return _period(qs, "received_at", date_from, date_to, since).order_by("-received_at", "-id")


def _order_record(row: dict) -> Record:
    if row["department_id"]:
        unit = (f"unit:{row['department_id']}", row["department__name"])
    else:
        unit = (f"unit:{row['region_id']}", row["region__name"])
    return Record(Kind.HOTLINE, row["pk"], row["received_at"], row["text"], (row["caller_name"],),
                  (row["caller_phone"],), (f"category:{row['category_id']}", row["category__name"]), unit)


_ORDER_FIELDS = ("pk", "received_at", "text", "caller_name", "caller_phone", "category_id", "category__name",
                 "department_id", "department__name", "region_id", "region__name")

SOURCES = {
    Kind.RATING: (_ratings, _RATING_FIELDS, _rating_record),
    Kind.COMPLAINT: (_comments, _COMMENT_FIELDS, _comment_record),
    Kind.HOTLINE: (_orders, _ORDER_FIELDS, _order_record),
}


def collect(target: Target, date_from: dt.date, date_to: dt.date, kinds=KINDS, *, limit: int,
            since: dt.datetime | None = None, words: tuple[str, ...] = ()) -> tuple[list[Record], bool]:
    """The newest `limit` records of `kinds` (all sources merged, newest first) and whether there were more.
    `since` keeps records at or after a moment; `words` keeps records whose text holds every word."""
    records: list[Record] = []
    for kind in kinds:
        query, fields, build = SOURCES[kind]
        rows = query(target, date_from, date_to, since, words).values(*fields)[:limit + 1]
        records.extend(r for r in map(build, rows) if r.text.strip())
    records.sort(key=lambda r: (r.at, r.pk), reverse=True)
    return records[:limit], len(records) > limit
