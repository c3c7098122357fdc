"""The search dictionary (SearchSynonym rows) and the names the similarity ranking reads, cached per process.

Both are read on every search, change rarely and are small (a few hundred words, a few thousand items), so each
process keeps them in memory: saving or deleting a synonym, an item or a guide version clears this process's
copy at once (signals below), and a copy is never older than MAX_AGE seconds, so another process sees an
edit within a minute. The ranking re-applies the item list's own query to what it picks, so a stale copy can
miss a new item for that minute but never show an item that is no longer public or no longer accepted.
"""
from __future__ import annotations

import threading
import time

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from bianmin.orgs.models import Window

from .models import GuideVersion, Item, SearchSynonym
from .search import Synonym

MAX_AGE = 60.0
MAX_NAME_LISTS = 16  # distinct item lists kept (the public catalogue, and one per site for the clerks' form)

_lock = threading.Lock()
_synonyms: tuple[float, dict[str, Synonym]] | None = None
_names: dict[str, tuple[float, list[tuple[int, str, str]]]] = {}


def active() -> dict[str, Synonym]:
    """The active synonyms by term."""
    global _synonyms
    now = time.monotonic()
    cached = _synonyms
    if cached is not None and now - cached[0] < MAX_AGE:
        return cached[1]
    table = {}
    for row in SearchSynonym.objects.filter(active=True):
        table[row.term] = Synonym(row.term, tuple(row.targets()), row.term_pinyin, row.term_initials)
    _synonyms = (now, table)
    return table


def names(items) -> list[tuple[int, str, str]]:
    """(pk, name, full pinyin) of the items of a queryset, cached by the query's SQL."""
    key = str(items.query)
    now = time.monotonic()
    cached = _names.get(key)
    if cached is not None and now - cached[0] < MAX_AGE:
        return cached[1]
    rows = list(items.order_by().values_list("pk", "name", "search_pinyin"))
    with _lock:
        if len(_names) >= MAX_NAME_LISTS:
            _names.clear()
        _names[key] = (now, rows)
    return rows


def clear() -> None:
    global _synonyms
    with _lock:
        _synonyms = None
        _names.clear()


@receiver(m2m_changed, sender=Window.items.through)  # the items a site's windows accept (the clerks' form)
@receiver([post_save, post_delete], sender=SearchSynonym)
@receiver([post_save, post_delete], sender=Item)
@receiver([post_save, post_delete], sender=GuideVersion)
def _changed(sender, **kwargs) -> None:
    clear()
