"""The exchange's worker jobs (registered in apps.py, placed in bianmin.core.jobs.ORDER after the changes of a
sweep are in): sending the outbox, and yesterday's reconciliation once a day."""
from __future__ import annotations


def send() -> int:
    from .sender import send_all

    return send_all()


def reconcile() -> int:
    from .reconcile import daily

    return daily()
