"""Typo-tolerant ranking: when no item holds the search words, rank item names by how much of the query they
share (SPEC §2: a citizen who types 社会保障咔 still finds 社会保障卡申领).

Chinese text is compared by character pairs (bigrams): the share of the query's pairs found in the name, so one
wrong character of a four-character word still leaves most pairs matching. The same text by sound catches a
homophone typed with a pinyin input method (社会保障咔 sounds like 社会保障卡). Latin letters are compared with
the names' full pinyin by letter triples. A Python pass over at most a few thousand cached names
(catalog.synonyms.names) takes a few milliseconds and runs only when the exact search found nothing.
"""
from __future__ import annotations

from .search import syllables

THRESHOLD = 0.5  # at least half of the query's pairs must be in the name
MAX_RESULTS = 20
LETTERS = 0.9  # weight of a Latin-letter match (below an exact pinyin or character match)
MIN_LETTER_SHARE = 0.75


def _pairs(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _triples(text: str) -> set[str]:
    if len(text) < 3:
        return {text} if text else set()
    return {text[i:i + 3] for i in range(len(text) - 2)}


def _share(needles: set[str], haystack: str) -> float:
    if not needles:
        return 0.0
    return sum(1 for n in needles if n in haystack) / len(needles)


def _needles(variants: list[str], keys: list[str]) -> list[tuple[set[str], bool, float]]:
    """What to look for, worked out once per query: (needles, in the pinyin?, weight)."""
    out = []
    for text in variants:
        if len(text) < 2:
            continue
        out.append((_pairs(text), False, 1.0))
        sounds = syllables(text)
        if len(sounds) >= 2:
            out.append(({"".join(sounds[i:i + 2]) for i in range(len(sounds) - 1)}, True, 0.95))
    for key in keys:
        if len(key) >= 4:
            out.append((_triples(key), True, LETTERS))
    return out


def score(needles: list[tuple[set[str], bool, float]], name: str, pinyin: str) -> float:
    """0…1: the best share of any variant's character pairs in `name`, of its sound pairs in the name's pinyin,
    or of an ASCII key's letter triples in the pinyin. Letter triples recur by chance across syllables (`dibao`
    and `shehuibao` share "bao"), so they count only when nearly all of them are found."""
    best = 0.0
    for wanted, by_sound, weight in needles:
        share = _share(wanted, pinyin if by_sound else name)
        if weight == LETTERS and share < MIN_LETTER_SHARE:
            continue
        best = max(best, weight * share)
    return best


def rank(variants: list[str], keys: list[str], rows: list[tuple[int, str, str]],
         limit: int = MAX_RESULTS) -> list[int]:
    """The pks of the best-scoring names at or above THRESHOLD, best first (shorter names first on a tie: the
    query covers more of them)."""
    needles = _needles(variants, keys)
    if not needles:
        return []
    scored = []
    for pk, name, pinyin in rows:
        s = score(needles, name, pinyin)
        if s >= THRESHOLD:
            scored.append((-s, len(name), pk))
    scored.sort()
    return [pk for _, _, pk in scored[:limit]]
