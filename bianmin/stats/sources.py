"""What the rollups read from the raw tables, and how they replace a day: one place for both rollups
(ratings and cases)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db.models import Exists, OuterRef

from bianmin.cases.models import Case
from bianmin.ratings.models import Rating, Stage


def counted_ratings():
    """The ratings rollups are about: first ratings of any channel; follow-ups (追评) answer a ticket and
    are never a second opinion on the same service."""
    return Rating.objects.exclude(stage=Stage.FOLLOWUP)


def completed_cases():
    return Case.objects.filter(completed_at__isnull=False)


def has_counted_rating():
    """A case is "rated" (evaluation coverage) once it has a counted rating: not default good, not excluded."""
    return Exists(counted_ratings().filter(case=OuterRef("pk"), excluded=False, is_default=False))


def unit_prefixes(path: str) -> Iterable[tuple[str, str]]:
    """'/1/7/42/' → ('1', '/1/'), ('7', '/1/7/'), ('42', '/1/7/42/'): one region row per unit on the path."""
    prefix = "/"
    for part in path.strip("/").split("/"):
        if part:
            prefix += part + "/"
            yield part, prefix


def replace_days(model, compute: Callable[[list[dt.date]], list], days: Iterable[dt.date]) -> int:
    """Recompute the rows of these days from scratch and replace them (idempotent); callers hold the
    StatsCursor lock. Returns the number of rows written."""
    days = sorted(set(days))
    if not days:
        return 0
    new_rows = compute(days)
    model.objects.filter(day__in=days).delete()
    model.objects.bulk_create(new_rows, batch_size=1000)
    return len(new_rows)
