"""Worker sweeps of staff assessment (registered in apps.py, ordered in bianmin.core.jobs.ORDER).

- staffops_sync: re-derives the deductions and warnings of this month (and last month during the first days of a
  month, while late imports and appeals still arrive) from the facts, for every active staff member and window;
- staffops_awards: on the 1st (and any later day until done), the 流动红旗 and star staff of the month just ended;
  on 1 January also the annual awards of the year just ended."""
from __future__ import annotations


def sync_recent() -> int:
    from . import facts

    return facts.sync_recent()


def award_due() -> int:
    from . import awards

    return awards.award_due()
