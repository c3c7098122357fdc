"""Chinese text → theme terms, for the hot spots (SPEC §9): jieba word segmentation with a domain user
dictionary, then a domain stop-word list.

jieba is loaded on first use, not when Django starts: building its prefix dictionary takes a second or
two (half a second from its cache), which only the hot-spots page and API should pay. Its cache goes under
the project's var/ directory instead of /tmp, and its "Building prefix dict" chatter is silenced.

Two word lists sit beside this module, one word a line, `#` starts a comment:
- hotspot_words.txt: domain words that must stay whole (营业执照, 不动产登记, 一次性告知 …);
- hotspot_stopwords.txt: words too generic to be a theme (办理, 工作人员, 窗口 …).
Single characters, numbers, quantities (两个), aspect forms (交了) and punctuation are never terms.
"""
from __future__ import annotations

import logging
import re
import threading
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings

HERE = Path(__file__).resolve().parent
WORDS_FILE = HERE / "hotspot_words.txt"
STOPWORDS_FILE = HERE / "hotspot_stopwords.txt"

# A term has at least one Chinese character or Latin letter (drops numbers, masked phones, punctuation).
_MEANINGFUL = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_DIGIT = re.compile(r"\d")
# Clock times written in Chinese numerals (六点, 十一点半): when, not what.
_CLOCK = re.compile(r"[零一二两三四五六七八九十]+点[半钟]?")

# Quantities (两个, 三次, 几天, 半小时, 一上午, 一个多月): how many or how long, never a theme.
_QUANTITY = re.compile(r"[零一二两三四五六七八九十百几半每多好整]+个?多?"
                       r"(?:小时|分钟|上午|下午|晚上|早上|半天|星期|[次趟遍回天周月年日号分秒件张份位名本条项家层句声下点排])?多?")
# A one-character verb with an aspect particle (交了, 去过, 等着): the verb alone is too short to be a term,
# and "了" adds nothing a theme could use.
_ASPECT = re.compile(r".[了过着]")

_lock = threading.Lock()
_tokenizer = None


def _word_list(path: Path) -> list[str]:
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            words.append(word)
    return words


@cache
def domain_words() -> tuple[str, ...]:
    return tuple(_word_list(WORDS_FILE))


@cache
def stop_words() -> frozenset[str]:
    return frozenset(_word_list(STOPWORDS_FILE))


def _cache_dir() -> str | None:
    """var/cache/jieba, or None (jieba then uses the system temp dir) if it cannot be created."""
    try:
        path = Path(settings.VAR_DIR) / "cache" / "jieba"
        path.mkdir(parents=True, exist_ok=True)
        return str(path)
    except OSError:
        return None


def tokenizer():
    """The one jieba tokenizer of this process, with the domain words added (thread-safe, built once)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                t = jieba.Tokenizer()
                t.tmp_dir = _cache_dir()
                t.initialize()
                for word in domain_words():
                    t.add_word(word)  # no frequency: jieba picks one high enough to keep the word whole
                _tokenizer = t
    return _tokenizer


def is_term(word: str) -> bool:
    return (len(word) >= 2 and not _DIGIT.search(word) and bool(_MEANINGFUL.search(word))
            and not _CLOCK.fullmatch(word) and not _QUANTITY.fullmatch(word) and not _ASPECT.fullmatch(word)
            and word not in stop_words())


def words(text: str) -> list[str]:
    """Every word jieba finds in `text`, in order (stop words included; for tests and highlighting)."""
    return [w.strip() for w in tokenizer().lcut(text or "") if w.strip()]


def terms(text: str) -> list[str]:
    """The theme terms of `text`, in order, repeats kept. Latin words are lower-cased (APP = app)."""
    return [w.lower() if w.isascii() else w for w in words(text) if is_term(w)]


@lru_cache(maxsize=50_000)
def term_set(text: str) -> frozenset[str]:
    """The distinct terms of `text`. Memoised: the same texts are segmented again for every period, source
    filter and drill-down, and segmenting is the slow part (tens of microseconds a character)."""
    return frozenset(terms(text))
