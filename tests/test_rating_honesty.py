"""No coercion: bursts and rapid-fire ratings are flagged for supervisors, and stay stored and counted."""
import datetime as dt

import pytest
from django.utils import timezone

from bianmin.core.jobs import run_once
from bianmin.ratings.models import Channel, FlagKind, Rating, RatingFlag

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(dt.datetime(2026, 11, 20, 10, 0))


def make(world, seconds, **fields):
    values = dict(level="very_satisfied", channel=Channel.QR, site=world.site_a, unit_path=world.county.path,
                  created_at=T0 + dt.timedelta(seconds=seconds))
    values.update(fields)
    return Rating.objects.create(**values)


def kinds(rating):
    return set(rating.flags.values_list("kind", flat=True))


def test_device_burst_is_flagged(world, settings):
    settings.BIANMIN = {**settings.BIANMIN, "DEVICE_BURST_COUNT": 3, "DEVICE_BURST_SECONDS": 120}
    from bianmin.ratings.models import Device
    device = Device.objects.create(window=world.window_a, name="1号评价器", key_hash="x")
    ratings = [make(world, i * 30, device=device, channel=Channel.HALL_TABLET) for i in range(4)]
    lone = make(world, 3600, device=device, channel=Channel.HALL_TABLET)
    run_once()
    assert all(FlagKind.DEVICE_BURST in kinds(r) for r in ratings)
    assert FlagKind.DEVICE_BURST not in kinds(lone)
    assert Rating.objects.filter(flagged=True).count() == 4


def test_three_ratings_from_one_phone_are_fine_the_fourth_in_an_hour_is_flagged(world):
    first = [make(world, i * 600, rater_phone="13900001111") for i in range(3)]
    run_once()
    assert not any(r.flags.exists() for r in first)
    fourth = make(world, 1900, rater_phone="13900001111")
    run_once()
    assert FlagKind.PHONE_BURST in kinds(fourth)
    assert all(FlagKind.PHONE_BURST in kinds(r) for r in first)


def test_on_site_ratings_seconds_apart_at_one_window_are_flagged(world):
    a = make(world, 0, window=world.window_a, channel=Channel.WINDOW_DEVICE)
    b = make(world, 4, window=world.window_a, channel=Channel.WINDOW_DEVICE)
    later = make(world, 600, window=world.window_a, channel=Channel.WINDOW_DEVICE)
    online = make(world, 2, window=world.window_a, channel=Channel.QR)  # rated from home: not on site
    run_once()
    assert FlagKind.WINDOW_RAPID in kinds(a) and FlagKind.WINDOW_RAPID in kinds(b)
    assert not later.flags.exists() and not online.flags.exists()


def test_flagged_ratings_stay_stored_counted_and_are_checked_once(world):
    a = make(world, 0, window=world.window_a, channel=Channel.WINDOW_DEVICE)
    make(world, 1, window=world.window_a, channel=Channel.WINDOW_DEVICE)
    run_once()
    run_once()
    a.refresh_from_db()
    assert a.flagged and not a.excluded and a.counts_in_statistics
    assert RatingFlag.objects.filter(rating=a, kind=FlagKind.WINDOW_RAPID).count() == 1
    assert not Rating.objects.filter(checked=False).exists()
