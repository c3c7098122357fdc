"""Default good ratings (默认好评) — only when settings.BIANMIN["DEFAULT_GOOD_RATINGS"] is on (off by default).

When the rating period of a finished case ends unrated, a row marked `is_default` is written with
channel "system". Such rows are never an opinion: every satisfaction figure leaves them out and they
are counted apart (SPEC §5).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction

from bianmin.cases.models import Case
from bianmin.cases.states import FINAL
from bianmin.core import timeutil

from . import eligibility, services
from .models import Channel, Level, Stage

BATCH = 500
LOOKBACK_DAYS = 30  # only cases whose period ended recently; older ones were handled by earlier sweeps


def write_due() -> int:
    if not settings.BIANMIN["DEFAULT_GOOD_RATINGS"] or Stage.COMPLETE not in eligibility.configured_stages():
        return 0
    now = timeutil.now()
    period = settings.BIANMIN["RATING_PERIOD_DAYS"]
    cases = (Case.objects.select_related("site__unit", "item", "window", "handled_by__staff")
             .filter(status__in=[s.value for s in FINAL],
                     completed_at__lt=now - dt.timedelta(days=period),
                     completed_at__gte=now - dt.timedelta(days=period + LOOKBACK_DAYS))
             .exclude(ratings__stage=Stage.COMPLETE).order_by("completed_at")[:BATCH])
    written = 0
    for case in cases:
        deadline = eligibility.rating_deadline(case, Stage.COMPLETE)
        if deadline is None or now <= deadline:
            continue
        rating = services.rating_for_case(case, Stage.COMPLETE, services.RatingInput(Level.SATISFIED, {}, ""),
                                          channel=Channel.SYSTEM, is_default=True, checked=True, real_name=False,
                                          rater_name="", rater_phone="", created_at=now)
        try:
            with transaction.atomic():
                rating.save(force_insert=True)
            written += 1
        except IntegrityError:
            continue  # rated (or defaulted by another worker) in the meantime
    return written
