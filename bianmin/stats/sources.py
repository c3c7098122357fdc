"""What the rollups read from the raw tables, and how they replace a day: one place for both rollups
(ratings and cases)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.ratings.models import Rating

from .models import Dimension


def first_ratings():
    """The ratings rollups are about: first ratings of any channel (Rating.objects.first_ratings), each counted
    in exactly one of the rollup's buckets — counted, default good or excluded (ratings.models.COUNTED_Q …)."""
    return Rating.objects.first_ratings()


def completed_cases():
    return Case.objects.filter(completed_at__isnull=False)


def has_counted_rating():
    """A case is "rated" (evaluation coverage) once it has a counted rating: not default good, not excluded."""
    return Exists(Rating.objects.counted().filter(case=OuterRef("pk")))


def unit_prefixes(path: str) -> Iterable[tuple[str, str]]:
    """'/1/7/42/' → ('1', '/1/'), ('7', '/1/7/'), ('42', '/1/7/42/'): one region row per unit on the path."""
    prefix = "/"
    for part in path.strip("/").split("/"):
        if part:
            prefix += part + "/"
            yield part, prefix


def local_days(field: str, days: Iterable[dt.date]) -> Q:
    """`field` within these local calendar days, as ranges of the timestamp itself (one per run of
    consecutive days) so that an index on the field can be used; `field__date__in` cannot."""
    ranges, days = Q(pk__in=[]), sorted(set(days))
    start = prev = None
    for day in [*days, None]:
        if start is not None and (day is None or day != prev + dt.timedelta(days=1)):
            ranges |= Q(**{f"{field}__gte": _local_midnight(start),
                           f"{field}__lt": _local_midnight(prev + dt.timedelta(days=1))})
            start = None
        if day is not None:
            start, prev = start or day, day
    return ranges


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def insert_from(model, queryset, rename: dict[str, str] | None = None) -> int:
    """INSERT INTO model's table SELECT …: write the rows a values()/annotate() queryset computes without
    bringing them into Python. Each selected column goes to the model field of its name (or of
    rename[name]). Returns the number of rows written."""
    rename = rename or {}
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return 0
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(rename.get(alias, alias)).column)
                        for _, _, alias in compiler.select)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {sql}", params)
        return max(cursor.rowcount, 0)


def write_region_rows(model, days: list[dt.date], source_dimension: str, count_fields: tuple[str, ...]) -> int:
    """Region rows (one per unit on a path, site_key 0) of these days, added up from the rows of a
    dimension that sees every record once (few rows per day: a few per site or channel and unit path)."""
    regions: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(count_fields, 0))
    for row in model.objects.filter(dimension=source_dimension, day__in=days).values("day", "unit_path",
                                                                                    *count_fields):
        for unit_id, prefix in unit_prefixes(row["unit_path"]):
            counts = regions[(row["day"], unit_id, prefix)]
            for f in count_fields:
                counts[f] += row[f]
    model.objects.bulk_create([model(day=day, dimension=Dimension.REGION, key=key, unit_path=path, site_key=0, **counts)
                               for (day, key, path), counts in regions.items()], batch_size=1000)
    return len(regions)


def replace_days(model, write: Callable[[list[dt.date]], int], days: Iterable[dt.date]) -> int:
    """Delete the rows of these days and let `write` compute them from scratch (idempotent); callers hold
    the StatsCursor lock. Returns the number of rows written."""
    days = sorted(set(days))
    if not days:
        return 0
    model.objects.filter(day__in=days).delete()
    return write(days)
