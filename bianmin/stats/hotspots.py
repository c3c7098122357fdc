"""Hot spots (堵点难点, SPEC §9, issue #6 item 4): recurring themes in bad-review comments, complaints and
hotline work orders of a unit subtree or a site and a period — overall, per item and per unit.

A theme is a term (a word after segmentation and stop words, see segmentation.py) or a pair of terms.
Its support is the number of distinct source records containing it — not the number of times it is
written, so one long angry comment cannot make a theme on its own. Only themes with at least
MIN_SUPPORT records are reported.

This reads raw texts, not rollups (there is nothing to roll up before segmenting); to keep that bounded
it reads the newest MAX_RECORDS records and says when it stopped there, and it caches each result for
CACHE_SECONDS. Settings (BIANMIN[…]): HOTSPOT_MAX_RECORDS (20 000), HOTSPOT_MIN_SUPPORT (2),
HOTSPOT_CACHE_SECONDS (300).
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import combinations

from django.conf import settings
from django.core.cache import cache

from . import segmentation
from .hotspot_sources import KINDS, Record, collect, redacted
from .metrics import Target

MAX_THEMES = 100
PAIR_POOL = 40  # pairs are looked for among the most frequent terms only (cost grows with its square)
MAX_PAIRS = 20
MAX_GROUPS = 15
THEMES_PER_GROUP = 5
TOP_PLACES = 3  # items / units listed beside each theme
MAX_TERM_WORDS = 2


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, "BIANMIN", {}).get(name, default))


def max_records() -> int:
    return _setting("HOTSPOT_MAX_RECORDS", 20_000)


def min_support() -> int:
    return max(1, _setting("HOTSPOT_MIN_SUPPORT", 2))


def cache_seconds() -> int:
    return _setting("HOTSPOT_CACHE_SECONDS", 300)


@dataclass(frozen=True)
class Theme:
    term: str
    records: int
    share: float  # records ÷ records read
    items: list[tuple[str, int]]  # (label, records) where the theme occurs most
    units: list[tuple[str, int]]


@dataclass(frozen=True)
class Pair:
    terms: tuple[str, str]
    records: int
    share: float


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    records: int
    themes: list[tuple[str, int]]  # (term, records within the group)


@dataclass(frozen=True)
class Analysis:
    records: int  # records read (with text)
    by_kind: dict[str, int]
    capped: bool  # there were more than `cap` records; only the newest were read
    cap: int
    since: dt.datetime | None  # when capped: the oldest record read (drill-downs stop there too)
    min_support: int
    themes: list[Theme] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    by_item: list[Group] = field(default_factory=list)
    by_unit: list[Group] = field(default_factory=list)


# ---------------------------------------------------------------- text → terms

def record_terms(record: Record) -> frozenset[str]:
    return segmentation.term_set(redacted(record, " "))


# ---------------------------------------------------------------- analysis

def _top(counter: Counter, n: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _groups(records: list[Record], terms: list[frozenset[str]], attr: str, support: int) -> list[Group]:
    members: dict[str, list[int]] = defaultdict(list)
    labels: dict[str, str] = {}
    for i, r in enumerate(records):
        place = getattr(r, attr)
        if place:
            members[place[0]].append(i)
            labels[place[0]] = place[1]
    out = []
    for key, idx in members.items():
        if len(idx) < support:
            continue
        counts = Counter(t for i in idx for t in terms[i])
        themes = [(t, n) for t, n in _top(counts, THEMES_PER_GROUP) if n >= support]
        if themes:
            out.append(Group(key, labels[key], len(idx), themes))
    out.sort(key=lambda g: (-g.records, g.label))
    return out[:MAX_GROUPS]


def analyse_records(records: list[Record], *, support: int, capped: bool = False, cap: int = 0) -> Analysis:
    """Themes of already collected records (pure: no database, no cache)."""
    terms = [record_terms(r) for r in records]
    total = len(records)
    holders: dict[str, list[int]] = defaultdict(list)
    for i, ts in enumerate(terms):
        for t in ts:
            holders[t].append(i)
    ranked = sorted(((t, len(idx)) for t, idx in holders.items() if len(idx) >= support),
                    key=lambda kv: (-kv[1], kv[0]))
    themes = []
    for term, n in ranked[:MAX_THEMES]:
        idx = holders[term]
        items = Counter(records[i].item[1] for i in idx if records[i].item)
        units = Counter(records[i].unit[1] for i in idx if records[i].unit)
        themes.append(Theme(term, n, n / total, _top(items, TOP_PLACES), _top(units, TOP_PLACES)))

    pool = {t for t, _n in ranked[:PAIR_POOL]}
    pair_counts: Counter = Counter()
    for ts in terms:
        pair_counts.update(combinations(sorted(ts & pool), 2))
    # A pair is shown only if it says more than its terms: not when one term never occurs without the other
    # (then the term's own records are the pair's records).
    support_of = dict(ranked)
    pairs = [Pair(p, n, n / total) for p, n in _top(pair_counts, len(pair_counts))
             if n >= support and n < min(support_of[p[0]], support_of[p[1]])][:MAX_PAIRS]

    return Analysis(
        records=total, by_kind=dict(Counter(r.kind for r in records)), capped=capped, cap=cap,
        since=records[-1].at if capped and records else None, min_support=support, themes=themes, pairs=pairs,
        by_item=_groups(records, terms, "item", support), by_unit=_groups(records, terms, "unit", support))


def _target_key(target: Target) -> str:
    return f"site-{target.site.pk}" if target.site else f"unit-{target.unit.pk}"


def analyse(target: Target, date_from: dt.date, date_to: dt.date, kinds=KINDS) -> Analysis:
    """The hot spots of a scope and period (cached briefly: the same page is often reloaded and filtered)."""
    kinds = tuple(k for k in KINDS if k in kinds)
    cap, support = max_records(), min_support()
    key = f"stats:hotspots:v1:{_target_key(target)}:{date_from}:{date_to}:{','.join(kinds)}:{cap}:{support}"
    result = cache.get(key)
    if result is None:
        records, capped = collect(target, date_from, date_to, kinds, limit=cap)
        result = analyse_records(records, support=support, capped=capped, cap=cap)
        cache.set(key, result, cache_seconds())
    return result


# ---------------------------------------------------------------- drill-down

_SPACES = re.compile(r"\s+")


def term_words(term: str) -> tuple[str, ...]:
    """A theme as typed in a link: one term, or two separated by a space (a pair). Normalised like terms."""
    return tuple(dict.fromkeys(w.lower() if w.isascii() else w for w in _SPACES.split(term.strip()) if w))


def records_with(target: Target, date_from: dt.date, date_to: dt.date, term: str, kinds=KINDS,
                 since: dt.datetime | None = None) -> list[Record]:
    """The records a theme was counted in, newest first: the texts holding its words (database pre-filter)
    whose segmented terms include every word. `since`: the analysis's cut-off when it was capped."""
    words = term_words(term)
    if not words:
        return []
    kinds = tuple(k for k in KINDS if k in kinds)
    candidates, _more = collect(target, date_from, date_to, kinds, limit=max_records(), since=since, words=words)
    wanted = set(words)
    return [r for r in candidates if wanted <= record_terms(r)]
