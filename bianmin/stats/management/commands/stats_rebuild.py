"""`python manage.py stats_rebuild [--from YYYY-MM-DD] [--to YYYY-MM-DD]`: recompute daily rollups."""
from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from bianmin.stats import queue_rollup, rollup


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Recompute the statistics rollups for a range of days (default: all). Safe while workers run."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", type=_date, help="First day (inclusive).")
        parser.add_argument("--to", dest="date_to", type=_date, help="Last day (inclusive).")

    def handle(self, *args, date_from=None, date_to=None, **options):
        if date_from and date_to and date_from > date_to:
            raise CommandError("--from must not be after --to")
        days = rollup.rebuild(date_from, date_to)
        queue_days = queue_rollup.rebuild(date_from, date_to)
        self.stdout.write(f"rebuilt {days} day(s), queue figures of {queue_days} day(s)")
