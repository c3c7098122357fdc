"""Who handles an order: the one place the routing rules live.

Ordinary categories go to their responsible department. Efficiency complaints (行政效能投诉) go by the rank
of the person complained about (SPEC §7, S003:L163-173): a complaint about a member of the leadership
(领导班子成员) is reported by the discipline group's head and passed to the supervision office (监察室 /
效能办), so it is dispatched there; a complaint about middle-ranking or other staff (中层及以下干部) is
investigated by the discipline group (纪检组) itself.
"""
from __future__ import annotations

from bianmin.core.errors import InvalidInput
from bianmin.orgs.models import Unit

from .models import DispatchCategory, RespondentRank


def department_for(category: DispatchCategory, respondent_rank: str = "") -> Unit:
    if not category.efficiency_complaint:
        return category.department
    if respondent_rank not in RespondentRank.values:
        raise InvalidInput("行政效能投诉须选择被投诉人职级（领导班子成员、中层干部、一般工作人员）。",
                           "An efficiency complaint needs the respondent's rank: leadership, middle or staff.",
                           field="respondent_rank")
    if respondent_rank == RespondentRank.LEADERSHIP:
        return category.leadership_department or category.department
    return category.department
