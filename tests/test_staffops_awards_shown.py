"""Where the 流动红旗 and the scores are shown (issue 17 §3, §7): the hall display, the public portal, the disclosure
page of a unit, the dashboard's league by points beside the rating league, and the monthly report (Excel, PDF)."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from bianmin.core import award_parts, timeutil
from bianmin.reports import content as report_content
from bianmin.reports import excel, pdf
from bianmin.reports.calendar import Schedule, monthly
from bianmin.staffops import awards

from .staffops_awards_helpers import IN_OCTOBER, OCTOBER, TZ, deduct, warn, window

pytestmark = pytest.mark.django_db
IN_NOVEMBER = dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ)


@pytest.fixture
def flagged(world, set_now):
    """October awarded at site A: window 2 (社保窗口) holds the flag in November; window 1 lost 5 points."""
    set_now(IN_NOVEMBER)
    w2 = window(world.site_a, "2", "社保窗口", "陈二")
    deduct(world.site_a, window=world.window_a, staff=world.clerk_a.staff, points=5)
    awards.award_month(world.site_a, OCTOBER)
    return w2


def test_the_staffops_app_provides_every_part():
    assert all(p.available for p in (award_parts.red_flag_of_site, award_parts.red_flags_of_unit,
                                     award_parts.points_league, award_parts.report_sections))


def test_the_hall_display_shows_the_flag_of_its_site(world, flagged, client_for):
    html = client_for().get(f"/hall/{world.site_a.pk}/display/").content.decode()
    assert 'data-test="red-flag"' in html and "流动红旗 · 2号窗口" in html
    other = client_for().get(f"/hall/{world.site_b.pk}/display/").content.decode()
    assert 'data-test="red-flag"' not in other


def test_the_display_shows_no_flag_before_it_is_held(world, flagged, client_for, set_now):
    set_now(dt.datetime(2026, 10, 31, 10, 0, tzinfo=TZ))  # October's flag hangs from 1 November
    assert 'data-test="red-flag"' not in client_for().get(f"/hall/{world.site_a.pk}/display/").content.decode()


def test_the_portal_home_shows_the_current_flags(world, flagged, client_for):
    html = client_for().get("/").content.decode()
    assert 'data-test="red-flags"' in html and str(flagged) in html and world.site_a.name in html


def test_the_disclosure_page_of_a_unit_shows_the_flags_of_its_subtree(world, flagged, client_for):
    html = client_for().get(f"/public/units/{world.county.pk}/").content.decode()
    assert 'data-test="red-flags"' in html and str(flagged) in html
    township = client_for().get(f"/public/units/{world.township.pk}/").content.decode()
    assert 'data-test="red-flags"' not in township


def test_the_dashboard_has_a_league_by_points_beside_the_rating_league(world, flagged, client_for):
    response = client_for(world.manager_a).get("/workbench/stats/", {"site": world.site_a.pk,
                                                                    "date_from": "2026-10-01",
                                                                    "date_to": "2026-10-31"})
    assert response.status_code == 200
    points = response.context["points"]
    assert [(e["name"], e["points"], e["red_flag"]) for e in points["windows"]["entries"]] == [
        (str(flagged), 100, True), (str(world.window_a), 95, False)]
    assert [(e["name"].split("（")[0], e["points"]) for e in points["staff"]["entries"]] == [("陈二", 100),
                                                                                            ("王小红", 95)]
    html = response.content.decode()
    assert 'data-test="points-league-windows"' in html and 'data-test="league-window"' in html


def test_the_dashboard_of_a_unit_ranks_the_windows_of_its_sites(world, flagged, client_for):
    b1 = window(world.site_b, "1", "综合窗口", "赵六")
    deduct(world.site_b, window=b1, points=2)
    response = client_for(world.supervisor).get("/workbench/stats/", {"unit": world.county.pk,
                                                                      "date_from": "2026-10-01",
                                                                      "date_to": "2026-10-31"})
    entries = response.context["points"]["windows"]["entries"]
    assert [e["points"] for e in entries] == [100, 98, 95]
    assert entries[1]["site_name"] == world.site_b.name


def _content(world):
    period = monthly(2026, 11, Schedule())  # due 29 November: covers 29 October – 28 November
    with timeutil.travel_to(dt.datetime(2026, 11, 29, 1, 0, tzinfo=TZ)):
        return report_content.build(world.county, "monthly", 2026, 11, period.date_from, period.date_to,
                                    period.due, timeutil.now())


def test_the_monthly_report_has_scores_warnings_and_awards_of_its_month(world, flagged):
    warn(world.site_a, world.clerk_a.staff, at=IN_OCTOBER)
    c = _content(world)
    titles = [s["title"] for s in c.sections]
    # (then the national exchange's reconciliation, issue 19)
    assert titles[:4] == ["窗口考核得分排名", "工作人员考核得分排名", "效能告诫", "评优结果"]
    assessment = c.sections[:4]
    assert all(s["note"] == "考核月份：2026-10" for s in assessment)  # the last month ended by 28 November
    scores, _people, warnings, prizes = assessment
    assert [r[2:] for r in scores["rows"]] == [[str(flagged), 100, "流动红旗"], [str(world.window_a), 95, ""]]
    assert warnings["rows"][0][2].startswith("王小红") and warnings["rows"][0][6] == "未签收"
    assert ["2026-10", "流动红旗", world.site_a.name, str(flagged), 100.0] in prizes["rows"]

    wb = load_workbook(io.BytesIO(excel.workbook_bytes(c)))
    assert {"窗口考核得分排名", "效能告诫", "评优结果"} <= set(wb.sheetnames)
    rows = [list(r) for r in wb["评优结果"].iter_rows(min_row=excel.HEADER_ROW, values_only=True)]
    assert rows[0] == ["考核期", "奖项", "服务场所", "获奖窗口/人员", "得分"]
    assert ["2026-10", "流动红旗", world.site_a.name, str(flagged), 100] in rows
    assert pdf.pdf_bytes(c).startswith(b"%PDF")


def test_a_report_of_another_kind_has_no_score_league(world, flagged):
    with timeutil.travel_to(dt.datetime(2027, 1, 6, 1, 0, tzinfo=TZ)):
        c = report_content.build(world.county, "annual", 2026, 1, dt.date(2026, 1, 1), dt.date(2026, 12, 31),
                                 dt.date(2027, 1, 5), timeutil.now())
    assert [s["title"] for s in c.sections] == ["效能告诫", "评优结果"]
    assert [r[1] for r in c.sections[1]["rows"]] == ["流动红旗", "服务之星", "服务之星"]  # October's
