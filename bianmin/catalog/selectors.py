"""Public read queries on the catalogue: what a citizen may see, and guide search (SPEC §2).

The API and the portal pages both call these, so "public" means the same thing everywhere: not
secret (涉密), and with a published guide version already in effect. What is shown comes from that
version's snapshot, never from the live Item row, which may hold unpublished edits.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext, ngettext

from bianmin.core import timeutil
from bianmin.core.worktime.clock import LimitUnit

from .guides import current_version
from .models import UNIT_CHOICES, Channel, GuideVersion, Item

MAX_QUERY = 100
_CJK = re.compile(r"[\u3400-\u9fff]")
UNIT_LABELS = dict(UNIT_CHOICES)
FLAG_LABELS = {
    # Flag key in the guide snapshot → badge text (the model's verbose names).
    "at_most_once": Item._meta.get_field("at_most_once").verbose_name,
    "online": Item._meta.get_field("online").verbose_name,
    "bookable": Item._meta.get_field("bookable").verbose_name,
    "tolerant": Item._meta.get_field("tolerant").verbose_name,
    "high_frequency": Item._meta.get_field("high_frequency").verbose_name,
}


def public_items(on: dt.date | None = None) -> QuerySet[Item]:
    on = on or timeutil.today()
    ids = GuideVersion.objects.filter(effective_date__lte=on).values("item_id")
    return Item.objects.filter(secret=False, pk__in=ids)


def public_item(code: str, on: dt.date | None = None) -> tuple[Item, GuideVersion] | None:
    """The item and its version in effect, or None when the code is unknown, secret or unpublished."""
    item = public_items(on).select_related("accepting_unit").filter(code=code).first()
    if item is None:
        return None
    return item, current_version(item, on)


def _token_q(token: str) -> tuple[Q, Q]:
    """(match, strong match) for one search word: Chinese → name, ASCII → pinyin, initials or code."""
    if _CJK.search(token):
        return Q(name__icontains=token), Q(name__startswith=token)
    key = re.sub(r"[^a-z0-9]", "", token.lower())
    if not key:
        return Q(code__iexact=token), Q(code__iexact=token)
    match = Q(search_initials__contains=key) | Q(search_pinyin__contains=key) | Q(code__iexact=token)
    strong = Q(search_initials__startswith=key) | Q(search_pinyin__startswith=key) | Q(code__iexact=token)
    return match, strong


def search(q: str = "", on: dt.date | None = None) -> QuerySet[Item]:
    """Public items matching every word of `q`; names that start with the words come first.

    `hz` finds 护照… by initials, `huzhao` by full pinyin, `护照` by name; "低保 sq" combines both.
    """
    qs = public_items(on)
    words = (q or "").split()[:10]
    if not words:
        return qs.order_by("-high_frequency", "search_pinyin", "code")
    strong_all = Q()
    for word in words:
        match, strong = _token_q(word)
        qs = qs.filter(match)
        strong_all &= strong
    rank = Case(When(strong_all, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(rank=rank).order_by("rank", "-high_frequency", "search_pinyin", "code")


@dataclass
class Entry:
    """An item with the version in effect: what every public list renders."""

    item: Item
    version: GuideVersion

    @property
    def guide(self) -> dict:
        return self.version.content


def with_versions(items, on: dt.date | None = None) -> list[Entry]:
    """Attach the version in effect to each item with one query (lists of up to a page of items)."""
    on = on or timeutil.today()
    items = list(items)
    newest: dict[int, GuideVersion] = {}
    versions = (GuideVersion.objects.filter(item__in=items, effective_date__lte=on)
                .order_by("item_id", "-effective_date", "-number"))
    for v in versions:
        newest.setdefault(v.item_id, v)
    return [Entry(i, newest[i.pk]) for i in items if i.pk in newest]


def limit_text(limit: dict | None) -> str:
    """"5 个工作日" from a snapshot limit {"amount": 5, "unit": "workdays"}; 0 means on the spot."""
    if not limit:
        return ""
    if not limit.get("amount"):
        return gettext("当场办结")
    amount, unit = limit["amount"], limit.get("unit", "")
    # "5 个工作日", "30 个自然日", but "2 小时": the measure word is how the notices are written.
    if unit == LimitUnit.WORKDAYS:
        return ngettext("%(n)s 个工作日", "%(n)s 个工作日", amount) % {"n": amount}
    if unit == LimitUnit.DAYS:
        return ngettext("%(n)s 个自然日", "%(n)s 个自然日", amount) % {"n": amount}
    if unit == LimitUnit.HOURS:
        return ngettext("%(n)s 小时", "%(n)s 小时", amount) % {"n": amount}
    return f"{amount} 个{UNIT_LABELS.get(unit, unit)}"


def flag_labels(flags: dict | None) -> list[str]:
    return [str(label) for key, label in FLAG_LABELS.items() if (flags or {}).get(key)]


def channel_labels(channels) -> list[str]:
    labels = dict(Channel.choices)
    return [str(labels.get(c, c)) for c in channels or []]
