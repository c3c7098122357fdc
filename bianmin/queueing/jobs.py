"""The queue's sweep for `manage.py worker`: at the end of the day, tickets nobody called are abandoned."""
from __future__ import annotations


def close_day() -> int:
    from . import services

    return services.close_day()
