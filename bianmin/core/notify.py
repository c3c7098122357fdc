"""In-app notifications: one row per person, written in the caller's transaction."""
from __future__ import annotations

from collections.abc import Iterable

from .models import Notification


def notify(users: Iterable, text: str, link: str = "") -> int:
    rows = {u.pk: Notification(user=u, text=text[:300], link=link[:200]) for u in users if u is not None}
    Notification.objects.bulk_create(rows.values())
    return len(rows)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
