"""Response shape of the statistics API (documented in /api/v1/openapi.json)."""
from __future__ import annotations

from ninja import Field, Schema

from bianmin.core.openapi import RateOut


class QueueFiguresOut(Schema):
    """Queue figures of the period from the queue rollup (issue 16 §7); waits and service times in minutes."""

    tickets: int = Field(description="Queue tickets issued.")
    green_lane: int = Field(description="Tickets issued in the green lane (elderly, disabled, pregnant, military).")
    called: int = Field(description="Tickets called at least once (no-shows included).")
    served: int = Field(description="Tickets finished after a call.")
    no_show: int
    abandoned: int = Field(description="Tickets left uncalled (已放弃).")
    average_wait_minutes: float | None = Field(description="Issue → first call, averaged over called tickets.")
    longest_wait_minutes: float | None
    average_service_minutes: float | None = Field(description="First call → finished, averaged over served tickets.")
    wait_target_minutes: int | None = Field(description="The sites' wait target (default 30); null when the sites "
                                                        "in scope have different targets.")
    wait_within_target_rate: float | None
    no_show_rate: float | None
    abandoned_rate: float | None = Field(description="Abandoned ÷ issued.")
    estimate_hit_rate: float | None = Field(description="Called tickets whose real wait (whole minutes) fell inside "
                                                        "the estimate range given at issue ÷ those given one.")
    appointments: int = Field(description="Appointments on days of the period (not cancelled or moved).")
    appointments_checked_in: int
    appointments_no_show: int
    appointment_use_rate: float | None = Field(description="Appointments checked in ÷ appointments.")
    appointment_no_show_rate: float | None


class SummaryOut(Schema):
    unit: int = Field(description="The unit whose subtree is counted (for a site: the site's unit).")
    unit_name: str
    site: int | None = Field(description="Set when the figures are of one site only.")
    date_from: str = Field(alias="from")
    date_to: str = Field(alias="to")
    ratings: int
    good: int
    bad: int
    default_good: int = Field(description="Default good ratings, counted apart and in no other figure.")
    good_rate: float | None
    bad_rate: float | None
    satisfaction_index: float | None = Field(description="0–100: levels weighted 100/80/60/40/20, averaged.")
    coverage: float | None
    rectified_rate: float | None
    revisit_rectified_rate: float | None = Field(description="实名差评回访整改率: real-name bad-review tickets both "
                                                             "revisited (rater reached) and rectified ÷ real-name "
                                                             "tickets (target 100 %).")
    revisit_rate: float | None = Field(description="实名差评回访率: real-name tickets whose rater was reached ÷ "
                                                   "real-name tickets (kept for clients; the seeds' figure is "
                                                   "revisit_rectified_rate).")
    rectified_on_time_rate: float | None
    on_time_rate: float | None = Field(description="按时办结率: cases completed within their limit ÷ cases completed.")
    overdue: int
    instant_rate: float | None = Field(description="即办件比率: 即办件 items ÷ the public-service items the hall's "
                                                   "windows accept (current catalogue; target ≥ 80 %).")
    instant_case_share: float | None = Field(description="Cases: 即办件 completed ÷ cases completed in the period.")
    time_compression: float | None = Field(description="1 − working days used ÷ statutory limit, over the "
                                                        "completed cases of 行权事项 (public-service items excluded).")
    one_visit_rate: float | None
    returned: int = Field(0, description="退回件: cases closed by a return in the period (reviews pending included).")
    urgent_on_time_rate: float | None = Field(None, description="急办件 completed within their urgent limit ÷ 急办件 "
                                                               "completed.")
    special_procedure_days: int = Field(0, description="Working days special procedures paused the clocks of the "
                                                       "cases completed in the period.")
    hotline_response_rate: float | None
    hotline_resolution_rate: float | None
    hotline_satisfaction_rate: float | None
    hotline_first_call_rate: float | None
    wait_within_30min_rate: float | None = Field(description="Queue tickets called within the site's wait target "
                                                             "(HallSettings, default 30 minutes, seed 001; exactly "
                                                             "30:00 counts) ÷ tickets called.")
    average_wait_minutes: float | None = Field(description="Queue: minutes from issue to first call, averaged.")
    no_show_rate: float | None = Field(description="Queue tickets skipped as no-show ÷ tickets called.")
    queue: QueueFiguresOut
    counts: dict[str, RateOut]
    definitions: dict[str, str]


class RankingEntry(Schema):
    rank: int
    id: int
    name: str
    site_name: str | None = Field(None, description="For windows: the service site the window is in.")
    ratings: int
    good: int
    bad: int
    good_rate: float
    wilson_lower: float = Field(description="95 % Wilson lower bound of the good rate: the ranking key.")
    satisfaction_index: float | None
    previous_rank: int | None = Field(description="Rank in the period of the same length just before.")
    rank_change: int | None = Field(description="Places gained (+) or lost (−) since the previous period.")
    good_rate_change: float | None = Field(description="Good rate now minus good rate in the previous period.")


class RankingsOut(Schema):
    level: str
    unit: int
    site: int | None
    date_from: str = Field(alias="from")
    date_to: str = Field(alias="to")
    definition: str
    total: int = Field(description="Entries in the whole table (the page holds at most `limit` of them).")
    limit: int
    offset: int
    entries: list[RankingEntry]
    red_flag: RankingEntry | None = Field(description="流动红旗 candidate: the best entry with at least the "
                                                     "minimum number of ratings.")
