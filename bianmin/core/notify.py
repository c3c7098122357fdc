"""In-app notifications: one row per person, written in the caller's transaction, in that person's language.

A notification is read later, by someone who may have chosen English: its text is composed for each recipient
in the language they last chose (core.LanguagePreference, kept by the language switch, core/views_language.py).
Callers pass `message(gettext_lazy("…%(number)s…"), number=…)`; a plain string is stored as it is.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise, lazy

from .models import LanguagePreference, Notification


def _compose(msgid, params: dict) -> str:
    text = str(msgid)
    return text % {k: str(v) for k, v in params.items()} if params else text


def message(msgid, **params) -> Promise:
    """A text translated when it is written for each recipient; params may be lazy too (choice labels)."""
    return lazy(_compose, str)(msgid, params)


def language_of(users: Iterable) -> dict[int, str]:
    ids = [u.pk for u in users]
    chosen = dict(LanguagePreference.objects.filter(user_id__in=ids).values_list("user_id", "language"))
    return {pk: chosen.get(pk, settings.LANGUAGE_CODE) for pk in ids}


def notify(users: Iterable, text, link: str = "") -> int:
    people = {u.pk: u for u in users if u is not None}
    if isinstance(text, Promise):
        languages = language_of(people.values())
        texts = {}
        for lang in set(languages.values()):
            with translation.override(lang):
                texts[lang] = str(text)
        rows = [Notification(user=u, text=texts[languages[pk]][:300], link=link[:200]) for pk, u in people.items()]
    else:
        rows = [Notification(user=u, text=str(text)[:300], link=link[:200]) for u in people.values()]
    Notification.objects.bulk_create(rows)
    return len(rows)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
