"""Response shapes of the public disclosure API. Every field is listed here: pydantic drops anything else,
and api.as_api() builds the payload field by field, so no new key of the report leaks by accident."""
from __future__ import annotations

from ninja import Field, Schema

Number = int | float | None


class PeriodOut(Schema):
    key: str = Field(description="last_30_days (the last 30 days, today included) | last_month | last_12_months "
                                 "(the twelve whole months before this one)")
    label: str
    date_from: str = Field(alias="from")
    date_to: str = Field(alias="to")
    range: str = Field(description="The dates of the period in words, as shown beside its label.")


class UnitRefOut(Schema):
    id: int
    name: str


class UnitBaseOut(Schema):
    id: int
    name: str
    code: str | None = Field(description="9-digit administrative division code, null when unknown.")
    level: str
    level_label: str
    kind: str


class ListedFigureOut(Schema):
    period: str
    ratings: int
    good_rate: float | None = Field(description="0..1, null when there is nothing to count.")
    satisfaction_index: float | None = Field(description="0..100, null when there is nothing to count.")


class ChildOut(UnitBaseOut):
    figures: list[ListedFigureOut]


class SiteOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    address: str
    opening_hours: str
    phone: str = Field(description="The site's public enquiry number.")
    complaint_phone: str = Field(description="The site's public complaint number.")
    figures: list[ListedFigureOut]


class TrendOut(Schema):
    month: str
    date_from: str = Field(alias="from")
    date_to: str = Field(alias="to")
    ratings: int
    good: int
    bad: int
    good_rate: float | None
    bad_rate: float | None
    satisfaction_index: float | None


class RectificationOut(Schema):
    received: int = Field(description="Tickets opened in the period = in_progress + rectified + closed + excluded.")
    in_progress: int
    rectified: int = Field(description="Rectified or explained, answer to the rater pending or given, not closed.")
    closed: int
    excluded: int = Field(description="Mistaken or malicious ratings excluded after a supervisor's approval.")


class LeagueEntryOut(Schema):
    rank: int
    id: int
    name: str
    site: str | None = Field(description="For windows: the site the window belongs to.")
    ratings: int
    good_rate: float
    satisfaction_index: float | None
    wilson_lower: float = Field(description="95 % Wilson lower bound of the good rate: the ranking key.")


class LeagueTableOut(Schema):
    total: int = Field(description="Entries ranked; `entries` lists the first 50.")
    entries: list[LeagueEntryOut]


class LeaguesOut(Schema):
    date_from: str = Field(alias="from")
    date_to: str = Field(alias="to")
    definition: str
    sites: LeagueTableOut
    windows: LeagueTableOut
    departments: LeagueTableOut


class PublicGuideOut(Schema):
    code: str
    name: str
    url: str


class GuidesOut(Schema):
    total: int
    items: list[PublicGuideOut]


class UnitOut(UnitBaseOut):
    as_of: str = Field(description="Local day the periods end on.")
    generated_at: str = Field(description="When these figures were computed (they are cached for a few minutes).")
    parents: list[UnitRefOut]
    periods: list[PeriodOut]
    figures: dict[str, dict[str, Number]] = Field(
        description="Period key → figure key → number. Rates are shares between 0 and 1; null when there is "
                    "nothing to count. The figures are those of GET /api/v1/stats/summary.")
    labels: dict[str, str]
    definitions: dict[str, str]
    rectification: dict[str, RectificationOut] = Field(description="Period key → tickets by stage.")
    rectification_definitions: dict[str, str]
    trend: list[TrendOut]
    leagues: LeaguesOut
    children: list[ChildOut]
    sites: list[SiteOut]
    guides: GuidesOut


class UnitListEntryOut(UnitBaseOut):
    children: list[int] = Field(description="Ids of the published units directly below.")


class UnitListOut(Schema):
    as_of: str
    units: list[UnitListEntryOut]
