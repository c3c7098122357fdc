"""Which upstream a record goes to: the link of its unit or of the nearest unit above that has one.

Links are few and change rarely, while every rating asks; so the active links are kept in process memory and read
again after `REFRESH_SECONDS` or at once when one is saved in this process (signals below). Another process sees
a changed link within REFRESH_SECONDS; a record written meanwhile under the old link is still a correct record.
"""
from __future__ import annotations

import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import ExchangeLink
from .profiles import Profile, get

REFRESH_SECONDS = 30.0

_cache: dict = {"at": 0.0, "links": []}


def _links() -> list[tuple[str, int, str, int | None, bool]]:
    if time.monotonic() - _cache["at"] > REFRESH_SECONDS:
        rows = ExchangeLink.objects.values_list("unit__path", "pk", "profile", "profile_version",
                                                "send_default_ratings")
        # Deepest unit first: the nearest link wins.
        _cache["links"] = sorted(rows, key=lambda r: -len(r[0]))
        _cache["at"] = time.monotonic()
    return _cache["links"]


def forget() -> None:
    _cache["at"] = 0.0


@receiver((post_save, post_delete), sender=ExchangeLink)
def _link_changed(**kwargs) -> None:
    forget()


def link_for(unit_path: str):
    """(link id, profile, sends default ratings) of the nearest link above `unit_path`, else None."""
    for path, pk, name, version, defaults in _links():
        if unit_path.startswith(path):
            return pk, get(name, version), defaults
    return None


def profile_of(link: ExchangeLink) -> Profile:
    return get(link.profile, link.profile_version)
