"""The SQL rollups (INSERT … SELECT … GROUP BY) count with the one definition of ratings.models: for random mixes
of ratings, every rollup dimension adds up to what Rating.objects.counted(), .good(), .bad() and the default /
excluded buckets give, day by day and key by key, and the case rollup's `rated` follows counted ratings."""
import datetime as dt
import random
from collections import defaultdict

import pytest
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncDate

from bianmin.cases.models import Case
from bianmin.core import timeutil
from bianmin.ratings.models import DEFAULT_GOOD_Q, EXCLUDED_Q, Level, Rating, Stage, good_in
from bianmin.stats import rollup
from bianmin.stats.models import DailyCaseRollup, DailyRollup

from .rating_helpers import finished_case
from .test_stats_rollup import _random_ratings

pytestmark = pytest.mark.django_db

FIELDS = {"site": "site_id", "window": "window_id", "staff": "staff_id", "item": "item_id",
          "department": "department_id", "channel": "channel"}


def from_querysets(field: str) -> dict[tuple, int]:
    first = Rating.objects.first_ratings()
    buckets = {"ratings": Rating.objects.counted(), "good": Rating.objects.good(), "bad": Rating.objects.bad(),
               "real_name_bad": Rating.objects.bad().filter(real_name=True),
               "default_good": first.filter(DEFAULT_GOOD_Q), "excluded": first.filter(EXCLUDED_Q)}
    out = {}
    for name, qs in buckets.items():
        rows = (qs.filter(**{f"{field}__isnull": False}).annotate(day=TruncDate("created_at")).order_by()
                .values("day", field).annotate(n=Count("pk")))
        out.update({(r["day"], str(r[field]), name): r["n"] for r in rows})
    return out


def from_rollup(dimension: str) -> dict[tuple, int]:
    out: dict[tuple, int] = defaultdict(int)
    for row in DailyRollup.objects.filter(dimension=dimension).values():
        counts = {"ratings": row["ratings"], "good": good_in(row), "bad": row["bad"],
                  "real_name_bad": row["real_name_bad"], "default_good": row["default_good"],
                  "excluded": row["excluded"]}
        for name, n in counts.items():
            out[(row["day"], row["key"], name)] += n
    return {k: n for k, n in out.items() if n}


@pytest.mark.parametrize("seed", [11, 12])
def test_every_dimension_adds_up_to_the_querysets(world, seed):
    _random_ratings(world, random.Random(seed), 120, timeutil.today() - dt.timedelta(days=14))
    rollup.sweep()
    for dimension, field in FIELDS.items():
        assert from_rollup(dimension) == from_querysets(field), dimension
    # Region rows: the city's row of a day holds every rating of its three sites once.
    city = str(world.county.parent_id)
    per_day = (Rating.objects.counted().annotate(day=TruncDate("created_at")).order_by().values("day")
               .annotate(n=Count("pk")))
    assert {r["day"]: r["n"] for r in per_day} == dict(
        DailyRollup.objects.filter(dimension="region", key=city, ratings__gt=0).values_list("day", "ratings"))


def test_the_case_rollup_counts_a_case_rated_only_by_a_counted_rating(world):
    cases = [finished_case(world, phone=f"1381234567{n}") for n in range(5)]
    now = timeutil.now()

    def rate(case, **fields):
        return Rating.objects.create(level=Level.SATISFIED, channel="qr", case=case, site=case.site,
                                     unit_path=case.site.unit.path, created_at=now, **fields)

    rate(cases[0], stage=Stage.COMPLETE)  # counted
    rate(cases[1], stage=Stage.COMPLETE, excluded=True)
    rate(cases[2], stage=Stage.COMPLETE, is_default=True)
    first = rate(cases[3], stage=Stage.COMPLETE, excluded=True)
    rate(cases[3], stage=Stage.FOLLOWUP, followup_of=first)  # a follow-up never makes a case rated
    # cases[4]: not rated at all
    rollup.sweep()
    rated_by_queryset = Case.objects.filter(Exists(Rating.objects.counted().filter(case=OuterRef("pk")))).count()
    site_rows = DailyCaseRollup.objects.filter(dimension="site", key=str(world.site_a.pk))
    assert sum(r.rated for r in site_rows) == rated_by_queryset == 1
    assert sum(r.completed for r in site_rows) == 5
