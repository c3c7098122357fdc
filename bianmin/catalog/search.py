"""Understanding a citizen's search words (SPEC §2): pinyin keys, word segmentation and synonym expansion.

Citizens search the way they speak: 社保, 低保, 营业执照, `dibao`, `db`, "我想办社保卡". A query becomes a
list of *groups*; an item matches a group when its name holds one of the group's alternatives (the typed word,
or the item-name words a synonym stands for), or its pinyin keys hold the typed ASCII key. catalog.selectors
turns the groups into one database query; catalog.fuzzy ranks by similarity when no group combination matches.

Nothing here touches the database: the synonyms are passed in (catalog.synonyms caches them).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pypinyin import Style, lazy_pinyin

CJK = re.compile(r"[\u3400-\u9fff]")
_WORD_SPLIT = re.compile(r"[\s,，、;；/|]+")
# Characters that are never part of a search word (punctuation, brackets) but separate words.
_NOT_WORD = re.compile(r"[^\w\u3400-\u9fff]+")
MAX_WORDS = 10

# Filler words of spoken queries ("我想办社保卡怎么办理"): dropped after segmentation, never required.
STOP_WORDS = frozenset([
    "我", "我们", "你", "您", "想", "要", "想要", "需要", "怎么", "怎么办", "怎样", "如何", "哪里", "哪儿", "在哪", "在哪里", "办", "去", "的", "了",
    "吗", "呢", "啊", "吧", "请问", "一下", "可以", "能", "能否", "什么", "手续", "流程", "材料", "咨询", "有关", "关于", "相关", "业务", "办理",
    "申请", "个", "和", "与", "及", "或",
])


def pinyin_keys(text: str) -> tuple[str, str]:
    """Full pinyin and initials of a name, lower case ("护照" → "huzhao", "hz"): `hz` finds 护照 (SPEC §2)."""
    syllables = [s.lower() for s in lazy_pinyin(text, errors="ignore") if s.strip()]
    full = "".join(syllables)[:800]
    initials = "".join(s[0] for s in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore") if s)[:200]
    return full, initials.lower()


def syllables(text: str) -> list[str]:
    """One pinyin syllable per Chinese character of `text` (other characters are dropped)."""
    return [s.lower() for s in lazy_pinyin("".join(CJK.findall(text)), errors="ignore")]


def split_words(text: str) -> list[str]:
    """The words of a synonym's word list ("最低生活保障 低保，五保")."""
    return [w for w in _WORD_SPLIT.split(text or "") if w]


def ascii_key(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", word.lower())


@dataclass(frozen=True)
class Synonym:
    term: str
    targets: tuple[str, ...]
    pinyin: str
    initials: str


@dataclass
class Group:
    """One thing the query asks for: an item matches when its name holds any of `names`, or its pinyin keys or
    code hold `key`. `weight` (the typed word's length) ranks partial matches."""

    typed: str
    names: list[str] = field(default_factory=list)
    key: str = ""
    weight: int = 1
    synonym: bool = False


def _expand(word: str, synonyms: dict[str, Synonym]) -> Group:
    group = Group(typed=word, names=[word], weight=len(word))
    syn = synonyms.get(word)
    if syn:
        group.names += [t for t in syn.targets if t not in group.names]
        group.synonym = True
    return group


def _ascii_group(word: str, synonyms: dict[str, Synonym]) -> Group:
    key = ascii_key(word)
    group = Group(typed=word, key=key or word, weight=max(2, len(key) // 2))
    if len(key) >= 2:
        # `dibao` (full pinyin) and `db` (initials) of a synonym mean what 低保 means.
        for syn in synonyms.values():
            if key == syn.pinyin or (len(syn.term) > 1 and key == syn.initials):
                group.names += [n for n in (syn.term, *syn.targets) if n not in group.names]
                group.synonym = True
    return group


def whole_word_groups(q: str, synonyms: dict[str, Synonym]) -> list[Group]:
    """The query as typed, word by word (split at spaces), each word with its synonyms: the first, exact pass."""
    groups = []
    for word in (q or "").split()[:MAX_WORDS]:
        groups.append(_expand(word, synonyms) if CJK.search(word) else _ascii_group(word, synonyms))
    return groups


def _synonym_scan(text: str, synonyms: dict[str, Synonym]) -> list[tuple[str, bool]]:
    """Split `text` at the synonym terms it contains, longest term first: [(piece, is_term), …]."""
    terms = sorted((t for t in synonyms if len(t) > 1 and t in text), key=len, reverse=True)
    pieces: list[tuple[str, bool]] = [(text, False)]
    for term in terms:
        out: list[tuple[str, bool]] = []
        for piece, known in pieces:
            if known or term not in piece:
                out.append((piece, known))
                continue
            parts = piece.split(term)
            for i, part in enumerate(parts):
                if i:
                    out.append((term, True))
                if part:
                    out.append((part, False))
        pieces = out
    return pieces


def segment(text: str) -> list[str]:
    """Words of a Chinese phrase by jieba (the analytics' tokenizer with its domain words, built once per
    process and loaded on first use), punctuation dropped."""
    from bianmin.stats.segmentation import tokenizer

    return [w for w in (t.strip() for t in tokenizer().lcut(text)) if w and not _NOT_WORD.fullmatch(w)]


def segmented_groups(q: str, synonyms: dict[str, Synonym]) -> list[Group]:
    """The second pass: every word cut into known synonym terms and jieba words, filler words dropped."""
    groups: list[Group] = []
    for word in (q or "").split()[:MAX_WORDS]:
        if not CJK.search(word):
            groups.append(_ascii_group(word, synonyms))
            continue
        for piece, known in _synonym_scan(word, synonyms):
            if known:
                groups.append(_expand(piece, synonyms))
                continue
            for token in segment(piece):
                if token in STOP_WORDS:
                    continue
                groups.append(_expand(token, synonyms) if CJK.search(token) else _ascii_group(token, synonyms))
    if not groups:  # only filler words: search for them as typed rather than for everything
        return whole_word_groups(q, synonyms)
    return groups[:2 * MAX_WORDS]


def variants(q: str, synonyms: dict[str, Synonym]) -> list[str]:
    """The Chinese text of the query and the same text with each synonym term replaced by what it stands for,
    for the similarity ranking. A term is also recognised by its sound (社宝 = 社保), the commonest typing slip
    with a pinyin input method; `dibao` typed in Latin letters stands for its term as well."""
    text = "".join(w for w in (q or "").split()[:MAX_WORDS] if CJK.search(w))
    text = "".join(CJK.findall(text))
    out = [text] if text else []
    keys = [ascii_key(w) for w in (q or "").split()[:MAX_WORDS] if not CJK.search(w)]
    sounds = syllables(text)
    aligned = len(sounds) == len(text)
    for syn in synonyms.values():
        if any(k and k in (syn.pinyin, syn.initials) for k in keys):
            out += list(syn.targets)
        if not text:
            continue
        start = text.find(syn.term)
        if start < 0 and aligned:
            term_sounds = syllables(syn.term)
            n = len(term_sounds)
            start = next((i for i in range(len(sounds) - n + 1) if n and sounds[i:i + n] == term_sounds), -1)
        if start >= 0:
            end = start + len(syn.term)
            out += [text[:start] + target + text[end:] for target in syn.targets]
    return list(dict.fromkeys(v for v in out if v))
