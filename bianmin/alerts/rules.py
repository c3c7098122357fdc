"""When an early warning (预警) is due: pure arithmetic over counts and moments, no Django, tested without a
database (as core/worktime/clock.py). The sweep (services.py) gathers the facts and asks these questions.

Seed 000 (重复投诉监控预警机制, 日投诉量监控预警, 投诉热点专项预警) and seeds 002/003 (staff whose bad reviews or
complaints are verified as true, again and again, answer for it):

- daily complaints: a jurisdiction's complaints received on one day reach its threshold;
- repeated person / matter: complaints about the same staff member, or about the same matter (service item,
  hotline dispatch category, case), within `repeat_days` reach `repeat_count`;
- hot term: the complaints of one day holding a term reach `hot_term_min_count` and `hot_term_factor` times the
  term's usual daily level (its average over the BASELINE_DAYS before);
- repeated bad reviews: one staff member's tickets verified as true within `bad_review_days` reach `bad_reviews`.

Each threshold is "reached" at equality: a threshold of 3 raises the alert on the third complaint.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

BASELINE_DAYS = 28  # the "usual level" of a hot term: its daily average over the four weeks before the day


@dataclass(frozen=True)
class Thresholds:
    """One jurisdiction's thresholds (AlertPolicy, else the settings' defaults)."""

    daily_complaints: int = 10
    repeat_count: int = 3
    repeat_days: int = 30
    hot_term_factor: Decimal = Decimal("3.0")
    hot_term_min_count: int = 5
    bad_reviews: int = 3
    bad_review_days: int = 30


FIELDS = tuple(Thresholds.__dataclass_fields__)

# (label zh, label en, lowest, highest) of each threshold: what an edit may set.
LIMITS: dict[str, tuple[str, str, int | Decimal, int | Decimal]] = {
    "daily_complaints": ("日投诉量预警值", "Complaints in a day", 1, 10_000),
    "repeat_count": ("重复投诉次数", "Repeated complaints", 2, 100),
    "repeat_days": ("重复投诉统计天数", "Repeated complaints period (days)", 1, 90),
    "hot_term_factor": ("热词升幅倍数", "Hot term rise factor", Decimal("1.5"), Decimal("20.0")),
    "hot_term_min_count": ("热词当日最少次数", "Hot term minimum in a day", 1, 1_000),
    "bad_reviews": ("差评查实次数", "Verified bad reviews", 1, 100),
    "bad_review_days": ("差评查实统计天数", "Verified bad reviews period (days)", 1, 90),
}
MAX_DAYS = max(int(LIMITS[name][3]) for name in ("repeat_days", "bad_review_days"))


def day_reached(count: int, threshold: int) -> bool:
    """日投诉量预警: the day's complaints reach the threshold."""
    return threshold > 0 and count >= threshold


Event = tuple[dt.datetime, str]  # (moment, reference of the complaint or ticket)


def fresh_repeats(events: list[Event], *, count: int, days: int, now: dt.datetime,
                  counted: Collection[str] = frozenset()) -> list[Event]:
    """重复投诉预警: the events of the last `days` days (up to `now`) that no earlier alert about the same subject
    counted, oldest first, when they reach `count`; else []. So an alert is raised once for a run of complaints,
    and again only when `count` more arrive within the period."""
    since = now - dt.timedelta(days=days)
    fresh = sorted(e for e in events if since < e[0] <= now and e[1] not in counted)
    return fresh if count > 0 and len(fresh) >= count else []


def usual_level(baseline_records: int, baseline_days: int = BASELINE_DAYS) -> Decimal:
    """A term's usual daily level: the records holding it over the days before, per day."""
    return Decimal(baseline_records) / Decimal(baseline_days)


def term_rising(day_records: int, baseline_records: int, *, factor: Decimal, minimum: int,
                baseline_days: int = BASELINE_DAYS) -> bool:
    """投诉热点专项预警: a term's records of one day reach the minimum and `factor` times its usual level. A term
    never seen before rises as soon as it reaches the minimum."""
    return day_records >= minimum and Decimal(day_records) >= factor * usual_level(baseline_records, baseline_days)
