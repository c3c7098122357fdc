"""Public read queries on the catalogue: what a citizen may see, and guide search (SPEC §2).

The API and the portal pages both call these, so "public" means the same thing everywhere: not
secret (涉密), and with a published guide version already in effect. What is shown comes from that
version's snapshot, never from the live Item row, which may hold unpublished edits.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext, ngettext

from bianmin.core import timeutil
from bianmin.core.worktime.clock import LimitUnit

from . import fuzzy, synonyms
from . import search as qwords
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


def _group_q(group: qwords.Group) -> tuple[Q, Q]:
    """(match, strong match) for one group: Chinese words → name; ASCII → pinyin, initials or code."""
    match, strong = Q(pk__in=[]), Q(pk__in=[])
    for name in group.names:
        match |= Q(name__icontains=name)
        strong |= Q(name__startswith=name)
    if group.key:
        key = qwords.ascii_key(group.key)
        match |= Q(code__iexact=group.typed)
        strong |= Q(code__iexact=group.typed)
        if key:
            match |= Q(search_initials__contains=key) | Q(search_pinyin__contains=key)
            strong |= Q(search_initials__startswith=key) | Q(search_pinyin__startswith=key)
    return match, strong


def _all_of(qs: QuerySet[Item], groups: list[qwords.Group]) -> QuerySet[Item]:
    """Items matching every group; names that start with the words come first."""
    strong_all = Q()
    for group in groups:
        match, strong = _group_q(group)
        qs = qs.filter(match)
        strong_all &= strong
    rank = Case(When(strong_all, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.annotate(rank=rank).order_by("rank", "-high_frequency", "search_pinyin", "code")


def _most_of(qs: QuerySet[Item], groups: list[qwords.Group]) -> QuerySet[Item]:
    """Items matching groups worth at least half the query's weight, those matching most first."""
    parts = [Case(When(_group_q(g)[0], then=Value(g.weight)), default=Value(0), output_field=IntegerField())
             for g in groups]
    total = sum(g.weight for g in groups)
    score = parts[0]
    for part in parts[1:]:
        score = score + part
    partial = Case(When(score__lt=total, then=Value(True)), default=Value(False), output_field=BooleanField())
    return (qs.annotate(score=score).filter(score__gt=0, score__gte=(total + 1) // 2).annotate(close_match=partial)
            .order_by("-score", "-high_frequency", "search_pinyin", "code"))


def _in_order(qs: QuerySet[Item], pks: list[int]) -> QuerySet[Item]:
    if not pks:
        return qs.none()
    order = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(pks)], output_field=IntegerField())
    # `close_match` lets a page say these are near guesses, not items that hold the words.
    return qs.filter(pk__in=pks).annotate(rank=order, close_match=Value(True)).order_by("rank")


def find(q: str, base: QuerySet[Item], *, typos: bool = True) -> QuerySet[Item]:
    """Items of `base` for a citizen's words, in three passes, each only when the one before found nothing:

    1. every word as typed (split at spaces), each with its synonyms: `hz` (initials), `huzhao` (pinyin),
       `护照`, `低保` (→ 最低生活保障), `dibao`/`db` (the synonym by sound), "低保 sq" combines both;
    2. the words cut by jieba and the synonym dictionary, filler words dropped ("我想办社保卡" → 社保 + 卡):
       items matching all of them first, then those matching at least half (by length);
    3. similarity: names sharing most character pairs or sounds with the query (社会保障咔 → 社会保障卡申领);
       skipped with typos=False, when a guess must not be taken for an answer (the clerk's new-case form), which
       then also requires every word of pass 2.
    """
    words = (q or "").split()[:qwords.MAX_WORDS]
    if not words:
        return base.order_by("-high_frequency", "search_pinyin", "code")
    table = synonyms.active()
    exact = _all_of(base, qwords.whole_word_groups(q, table))
    if exact.exists():
        return exact
    if any(_CJK.search(w) for w in words):
        groups = qwords.segmented_groups(q, table)
        partial = _most_of(base, groups) if typos and len(groups) > 1 else _all_of(base, groups)
        if partial.exists():
            return partial
    if not typos:
        return base.none()
    keys = [qwords.ascii_key(w) for w in words if not _CJK.search(w)]
    pks = fuzzy.rank(qwords.variants(q, table), keys, synonyms.names(base))
    return _in_order(base, pks)


def search(q: str = "", on: dt.date | None = None) -> QuerySet[Item]:
    """Public items for a citizen's search words (see find)."""
    return find(q, public_items(on))


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
