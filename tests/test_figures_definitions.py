"""The figures follow the seeds' definitions (issue #15 item 3): 即办件比率 counts *items* against the hall's
public-service items (S000:L418, ≥ 80 %), beside the share of cases; time compression counts 行权事项 only
(S000:L418, ≥ 60 %); 实名差评回访整改率 is one combined figure (S001:L43, 100 %)."""
import datetime as dt

import pytest

from bianmin.catalog.models import HandlingType, Item, ItemType
from bianmin.core import timeutil
from bianmin.rectification.models import ContactAttempt, Ticket
from bianmin.rectification.states import Status
from bianmin.stats import metrics, rollup
from bianmin.stats.metrics import Target, summary

from .test_stats_case_metrics import case_at
from .ticket_helpers import bad_rating, ticket_of
from .world import make_item

pytestmark = pytest.mark.django_db
OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def _public_service(world, code, handling, statutory=20):
    item = make_item(code, f"公共服务{code}", world.civil_affairs, handling, limit=5 if handling != "instant" else 0,
                     statutory=statutory)
    Item.objects.filter(pk=item.pk).update(item_type=ItemType.PUBLIC_SERVICE)
    item.refresh_from_db()
    return item


def test_instant_rate_counts_instant_items_among_the_halls_public_service_items(world):
    items = [_public_service(world, f"PS-{n}", HandlingType.INSTANT) for n in range(3)]
    items.append(_public_service(world, "PS-C", HandlingType.COMMITTED))
    world.window_a.items.add(*items)
    _public_service(world, "PS-ELSEWHERE", HandlingType.COMMITTED)  # no window of the hall accepts it
    today = timeutil.today()
    for target in (Target(site=world.site_a), Target(unit=world.county)):
        rate = summary(target, today, today).instant_rate
        # The world's own two items are 行政确认 (powers), not public services: outside the figure.
        assert (rate.numerator, rate.denominator) == (3, 4), target
    assert summary(Target(site=world.site_b), today, today).instant_rate.value is None


def test_the_share_of_instant_cases_is_shown_beside_it(world):
    case_at(world, world.item_instant, "2026-10-12", "2026-10-12", "13900000031", done_hour=9 + 1 / 3)
    case_at(world, world.item_committed, "2026-10-12", "2026-10-14", "13900000032")
    rollup.sweep()
    s = summary(Target(unit=world.county), *OCTOBER)
    assert (s.instant_case_share.numerator, s.instant_case_share.denominator) == (1, 2)
    keys = [r.key for r in metrics.rows(s)]
    assert keys.index("instant_case_share") == keys.index("instant_rate") + 1
    assert "按事项计" in str(metrics.DEFINITIONS["instant_rate"])


def test_time_compression_counts_powers_only(world):
    public = _public_service(world, "PS-SLOW", HandlingType.COMMITTED, statutory=20)
    world.window_a.items.add(public)
    case_at(world, world.item_committed, "2026-10-12", "2026-10-15", "13900000041")  # 3 of 20 working days
    case_at(world, public, "2026-10-12", "2026-10-26", "13900000042")  # 10 of 20: a public service, left out
    rollup.sweep()
    s = summary(Target(unit=world.county), *OCTOBER)
    assert s.time_compression == pytest.approx(1 - 3 / 20, abs=1e-4)
    assert "只计行权事项" in str(metrics.DEFINITIONS["time_compression"])


def _reached(ticket, world):
    ContactAttempt.objects.create(ticket=ticket, channel="phone", reached=True, by=world.supervisor,
                                  at=timeutil.now())


def test_real_name_revisit_and_rectification_is_one_combined_rate(world):
    both, revisited_only, rectified_only = (ticket_of(bad_rating(world, phone=f"1380000005{n}")) for n in range(3))
    anonymous = ticket_of(bad_rating(world, phone="13800000059", anonymous=True))
    _reached(both, world)
    _reached(revisited_only, world)
    Ticket.objects.filter(pk__in=[both.pk, rectified_only.pk, anonymous.pk]).update(status=Status.RESOLVED)
    today = timeutil.today()
    rate = summary(Target(unit=world.county), today, today).revisit_rectified_rate
    # Only the ticket both revisited and rectified counts; the anonymous one is not real-name.
    assert (rate.numerator, rate.denominator) == (1, 3)
    assert metrics.LABELS["revisit_rectified_rate"] == "实名差评回访整改率"
    assert "revisit_rate" not in metrics.LABELS  # no longer two separate rates
