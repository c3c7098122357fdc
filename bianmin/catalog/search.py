"""Search keys for Chinese names: full pinyin and initials (SPEC §2: `hz` finds 护照)."""
from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_keys(text: str) -> tuple[str, str]:
    syllables = [s.lower() for s in lazy_pinyin(text, errors="ignore") if s.strip()]
    full = "".join(syllables)[:800]
    initials = "".join(s[0] for s in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore") if s)[:200]
    return full, initials.lower()
