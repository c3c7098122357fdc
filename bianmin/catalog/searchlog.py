"""Counting search words (SPEC §2): the most searched words and those that found nothing, so managers can grow
the synonym dictionary (catalog.views, the search-words page).

One counter row per word and day, never who searched or when exactly. Recording costs one UPDATE, or an INSERT
the first time a word is seen that day. A word holding a run of digits as long as a phone number, or an ID
number, is personal data typed into the wrong box and is not kept at all; empty queries are not counted.
"""
from __future__ import annotations

import logging
import re

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F

from bianmin.core import timeutil

from .models import SearchWordDay

logger = logging.getLogger(__name__)

MAX_LENGTH = 100
# 7+ digits in a row (a phone or landline number, part of an ID number) or an 18-character ID number ending in X.
_PERSONAL = re.compile(r"\d{7,}|\d{17}[Xx]")


def normalise(q: str) -> str:
    """Spaces collapsed, Latin letters lower-cased: 社保 and "社保 " are one word."""
    return " ".join((q or "").split()).lower()[:MAX_LENGTH]


def is_personal(q: str) -> bool:
    return bool(_PERSONAL.search(q.replace(" ", "").replace("-", "")))


def record(q: str, found: bool) -> None:
    """Count one search for `q` today (and a miss when it found nothing). Never raises: a failed counter must
    not cost the citizen the search page."""
    word = normalise(q)
    if not word or is_personal(word):
        return
    day = timeutil.today()
    misses = F("misses") + (0 if found else 1)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                if SearchWordDay.objects.filter(day=day, query=word).update(count=F("count") + 1, misses=misses):
                    return
                SearchWordDay.objects.create(day=day, query=word, count=1, misses=0 if found else 1)
                return
        except IntegrityError:  # another request inserted the row first: count on it
            continue
        except DatabaseError:  # a counter is never worth an error page
            logger.exception("search word not counted")
            return
