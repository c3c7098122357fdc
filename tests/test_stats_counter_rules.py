"""The counter rules' figures (issue 18) in the statistics every page, report and the portal read: 退回件数,
急办件按时办结率 and 特别程序用时, counted by the worker's case rollup from the cases' own records."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bianmin.cases import services as case_services
from bianmin.core import timeutil
from bianmin.stats import rollup
from bianmin.stats.metrics import LABELS, Target, summary

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=TZ)


def accepted(world, day: str, phone: str):
    with timeutil.travel_to(at(day, 9)):
        case = case_services.register_case(world.clerk_a, site=world.site_a, item=world.item_committed,
                                           applicant={"name": "王五", "phone": phone}, window_id=world.window_a.pk)
        return case_services.transition(case.pk, "accept", world.clerk_a, {})


def act(world, case, day: str, hour: int, action: str, data: dict, user=None):
    with timeutil.travel_to(at(day, hour)):
        return case_services.transition(case.pk, action, user or world.clerk_a, data)


@pytest.fixture
def november(world):
    """Three urgent cases (one late), one returned, one with a three-working-day site survey; 5-day item."""
    done = {"result": "准予", "delivery": "window"}
    for n, (finish, hour) in enumerate((("2026-11-24", 16), ("2026-11-25", 10), ("2026-11-26", 16))):
        case = accepted(world, "2026-11-23", f"1390000000{n}")
        act(world, case, "2026-11-23", 10, "designate_urgent", {"limit_workdays": 2, "reason": "急需"},
            user=world.manager_a)
        act(world, case, finish, hour, "complete", done)  # due end of Wed 25 Nov: the third is late
    returned = accepted(world, "2026-11-23", "13900000011")
    act(world, returned, "2026-11-24", 10, "return_application", {"reasons": ["主件缺少"]})
    surveyed = accepted(world, "2026-11-23", "13900000012")
    act(world, surveyed, "2026-11-24", 10, "start_special_procedure", {"kind": "site_survey", "planned_workdays": 3})
    act(world, surveyed, "2026-11-27", 10, "end_special_procedure", {"result": "勘察符合条件"})
    act(world, surveyed, "2026-11-30", 16, "complete", done)
    rollup.sweep()


def test_the_summary_counts_returns_urgent_cases_on_time_and_special_procedure_days(world, november):
    s = summary(Target(site=world.site_a), dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert s.returned == 1
    assert (s.urgent_on_time_rate.numerator, s.urgent_on_time_rate.denominator) == (2, 3)
    assert s.special_procedure_days == 3
    assert {"returned", "urgent_on_time_rate", "special_procedure_days"} <= set(LABELS)


def test_the_summary_api_and_the_dashboard_show_them(world, november, api_for, client_for, set_now):
    set_now(at("2026-12-01"))
    body = api_for(world.manager_a).get(
        f"/api/v1/stats/summary?site={world.site_a.pk}&from=2026-11-01&to=2026-11-30").json()
    assert body["returned"] == 1 and body["special_procedure_days"] == 3
    assert body["counts"]["urgent_on_time_rate"] == {"numerator": 2, "denominator": 3, "value": 0.6667}
    page = client_for(world.manager_a).get(f"/workbench/stats/?site={world.site_a.pk}&from=2026-11-01&to=2026-11-30")
    html = page.content.decode()
    assert "退回件数" in html and "急办件按时办结率" in html and "特别程序用时" in html


def test_the_monthly_report_lists_them_for_the_county(world, november):
    from bianmin.reports.content import build

    content = build(world.county, "monthly", 2026, 11, dt.date(2026, 11, 1), dt.date(2026, 11, 30),
                    dt.date(2026, 12, 5), at("2026-12-01"))
    figures = {row.key: row.value for row in content.figures}
    assert figures["returned"] == "1" and figures["special_procedure_days"] == "3"
    assert figures["urgent_on_time_rate"].startswith("66.7")
