"""How a hot-spot source record is shown: a short excerpt with the theme highlighted, with personal data
masked (SPEC §11), and links to the record's own pages."""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bianmin.core.masking import mask_phone

from .hotspot_sources import KIND_LABELS, Kind, Record, redacted

HIDDEN = "［隐去］"  # where the person's own name or phone stood
EXCERPT_CHARS = 60  # characters shown on each side of the first match

# Long digit runs (landlines with area code, ID numbers the ID pattern missed, bank cards) are masked too:
# a number typed into a complaint is far more often personal than meaningful.
_LONG_NUMBER = re.compile(r"\d[\d\- ]{5,}\d")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def _mask_number(match: re.Match) -> str:
    value = match.group(0)
    return value if _DATE.fullmatch(value) else mask_phone(value)


def safe_text(record: Record) -> str:
    """The record's text with its person's name and phone removed outright, and any other phone or ID number
    masked."""
    return _LONG_NUMBER.sub(_mask_number, redacted(record, HIDDEN))


def excerpt(record: Record, words: tuple[str, ...], width: int = EXCERPT_CHARS) -> list[tuple[str, bool]]:
    """Parts of the masked text around the first match of any word: (text, is_match) pairs for a template
    to wrap matches in <mark> (the template escapes every part)."""
    text = " ".join(safe_text(record).split())
    lowered = text.lower()
    hits = [lowered.find(w.lower()) for w in words if w and lowered.find(w.lower()) >= 0]
    first = min(hits) if hits else 0
    start, end = max(0, first - width), min(len(text), first + width * 2)
    window = text[start:end]
    parts: list[tuple[str, bool]] = [("…", False)] if start else []
    if words:
        pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
        pos = 0
        for m in pattern.finditer(window):
            if m.start() > pos:
                parts.append((window[pos:m.start()], False))
            parts.append((m.group(0), True))
            pos = m.end()
        if pos < len(window):
            parts.append((window[pos:], False))
    else:
        parts.append((window, False))
    if end < len(text):
        parts.append(("…", False))
    return parts


@dataclass(frozen=True)
class Link:
    label: str
    url: str


def links(record: Record) -> list[Link]:
    """The record's own page first (bad review: its rectification ticket, else the rating; complaint: the
    comment, and its ticket; work order: the order page)."""
    if record.kind == Kind.RATING:
        if record.ticket_id:
            return [Link(str(_("整改工单")), reverse("rectification:ticket", args=[record.ticket_id])),
                    Link(str(_("评价详情")), reverse("ratings:detail", args=[record.pk]))]
        return [Link(str(_("评价详情")), reverse("ratings:detail", args=[record.pk]))]
    if record.kind == Kind.COMPLAINT:
        out = [Link(str(_("点评详情")), reverse("feedback:comment", args=[record.pk]))]
        if record.ticket_id:
            out.append(Link(str(_("整改工单")), reverse("rectification:ticket", args=[record.ticket_id])))
        return out
    return [Link(str(_("热线工单")), reverse("hotline:order", args=[record.pk]))]


def describe(record: Record, words: tuple[str, ...]) -> dict:
    """Everything a page or the API shows of one record — and nothing personal."""
    return {
        "kind": record.kind, "kind_label": str(KIND_LABELS[record.kind]), "id": record.pk, "at": record.at,
        "item": record.item[1] if record.item else "", "unit": record.unit[1] if record.unit else "",
        "excerpt": excerpt(record, words), "links": links(record),
    }
