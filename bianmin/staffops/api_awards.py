"""Awards API (issue 17 contract): GET /api/v1/awards?month=YYYY-MM&unit= → {"red_flag": {"window", "points"},
"stars": [...]}, with more fields.

Staff only (the stars name people): VIEW_ASSESSMENT holders see the sites of their scope, a clerk their own site's
(staffops.awards_read.visible_sites); anybody else 403, anonymous 401. The public 流动红旗 is on the portal pages."""
from __future__ import annotations

from ninja import Field, Query, Router, Schema

from bianmin.core.auth import STAFF_AUTH

from . import awards_read

router = Router(tags=["staffops"])


class AwardFlagOut(Schema):
    window: str = Field(..., description="The window's label (number and name)")
    points: float = Field(..., description="Its monthly score (from 100)")
    window_id: int | None
    window_number: str
    site: str
    site_id: int
    month: str = Field(..., description="The month assessed, YYYY-MM")
    held_in: str = Field(..., description="The month the flag is held (the next one), YYYY-MM")
    decided_by: str = Field(..., description="points · bound (tie broken by the rating confidence bound) · overdue "
                                             "(then by fewer overdue cases) · id")
    bound: float | None = Field(None, description="The window's rating confidence bound (Wilson lower) that month")
    overdue: int | None = Field(None, description="The window's overdue cases that month")


class AwardStarOut(Schema):
    staff: str
    staff_id: int | None
    work_id: str
    points: float
    rank: int
    site: str
    site_id: int


class AwardsFilter(Schema):
    month: str | None = Field(None, max_length=20, description="YYYY-MM; default last month (the latest awarded)")
    unit: str | None = Field(None, max_length=20, description="A unit id: only its sites (its subtree)")
    site: str | None = Field(None, max_length=20, description="A site id: only that site")


class AwardsOut(Schema):
    month: str
    held_in: str
    red_flag: AwardFlagOut | None = Field(..., description="The 流动红旗 of the scope: with one site, that site's; "
                                                           "with several, the holder with the most points")
    red_flags: list[AwardFlagOut] = Field(..., description="Every site's 流动红旗 of the month, most points first")
    stars: list[AwardStarOut] = Field(..., description="服务之星 of the month per site, by rank")


@router.get("/awards", response=AwardsOut, auth=STAFF_AUTH, summary="The month's 流动红旗 and star staff",
            description="Staff only. Managers and supervisors: the sites of their assessment scope; a clerk: the site "
                        "where they work; others 403. `unit`/`site` outside your scope → 404; a bad month or id → "
                        "422. Nothing awarded yet for a site: it is simply absent.")
def list_awards(request, filters: Query[AwardsFilter]):
    month = awards_read.parse_month(filters.month)
    unit_id = awards_read.parse_id(filters.unit, "unit")
    site_id = awards_read.parse_id(filters.site, "site")
    sites = awards_read.scoped_sites(request.auth, unit_id, site_id)
    return awards_read.month_awards(sites, month)
