"""办结公告 (seed 002): an item whose law requires it publishes the result at completion on the centre's board and the
portal for its notice period in working days, naming the applicant as the law allows and never a phone or ID."""
import datetime as dt

import pytest

from bianmin.cases.models import Case, ResultNotice

from .case_helpers import act, post, register


@pytest.fixture
def noticed_item(world):
    world.item_committed.result_notice_workdays = 5
    world.item_committed.save()
    return world.item_committed


@pytest.fixture
def clerk(world, api_for):
    return api_for(world.clerk_a)


def completed(clerk, item, set_now, **body):
    set_now(dt.datetime(2026, 11, 23, 10, 0))
    case = act(clerk, register(clerk, item, name="王小明")["id"], "accept")
    set_now(dt.datetime(2026, 11, 26, 15, 0))  # Thursday
    return act(clerk, case["id"], "complete", {"result": "准予", "delivery": "window", **body})


def test_completion_publishes_the_notice_for_its_working_days(world, clerk, noticed_item, set_now, client):
    out = completed(clerk, noticed_item, set_now, public_notice="经审查，准予最低生活保障。")
    notice = ResultNotice.objects.get(case_id=out["id"])
    assert notice.until == dt.date(2026, 12, 3)  # Thu 26 Nov + 5 working days
    assert notice.applicant_shown == "王*明" and out["result_notice"]["until"] == "2026-12-03"
    page = client.get("/result-notices/").content.decode()
    assert "经审查，准予最低生活保障。" in page and "王*明" in page and "王小明" not in page


def test_the_portal_board_drops_a_notice_after_its_period(world, clerk, noticed_item, set_now, client):
    completed(clerk, noticed_item, set_now)
    set_now(dt.datetime(2026, 12, 4, 9, 0))
    page = client.get("/result-notices/").content.decode()
    assert "最低生活保障申请" not in page and "目前没有正在公告的办理结果" in page


def test_an_item_without_a_notice_period_publishes_nothing(world, clerk, set_now):
    out = completed(clerk, world.item_committed, set_now, public_notice="")
    assert out["result_notice"] is None and not ResultNotice.objects.exists()


@pytest.mark.parametrize("text", ["申请人电话13812345678", "身份证110101199003074514"])
def test_a_notice_with_a_phone_or_id_number_is_refused_and_the_case_stays_open(world, clerk, noticed_item, set_now,
                                                                                text):
    set_now(dt.datetime(2026, 11, 23, 10, 0))
    case = act(clerk, register(clerk, noticed_item)["id"], "accept")
    r = post(clerk, f"/api/v1/cases/{case['id']}/complete", {"result": "准予", "delivery": "window",
                                                              "public_notice": text})
    assert r.status_code == 422 and r.json()["message_en"]
    assert Case.objects.get(pk=case["id"]).status == "accepted" and not ResultNotice.objects.exists()


def test_the_staff_board_lists_the_sites_notices_only(world, clerk, noticed_item, set_now, client_for):
    completed(clerk, noticed_item, set_now)
    assert "最低生活保障申请" in client_for(world.manager_a).get("/workbench/result-notices/").content.decode()
    assert "最低生活保障申请" not in client_for(world.manager_b).get("/workbench/result-notices/").content.decode()
