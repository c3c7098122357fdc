"""The score, warning and schedule pages (issue 17): a clerk sees their own month with each line's source and signs
their warnings; a manager the site board, details, manual deductions, reversals and warnings; a supervisor the
subtree's sites; everybody else is refused. Bad input is a 4xx page that changes nothing."""
import datetime as dt

import pytest

from bianmin.orgs.models import Window
from bianmin.staffops.models import AssessmentPolicy, Deduction, DeductionRule, EfficiencyWarning

from .staffops_scores_helpers import NOW, TZ, deduction, warning

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(set_now):
    return set_now(NOW)


def status(client, url, **kw):
    return client.get(url, **kw).status_code


# ---------------------------------------------------------------- /workbench/scores/

def test_a_clerk_sees_their_own_month_with_sources_and_struck_reversals(world, client_for, clock):
    staff = world.clerk_a.staff
    late = deduction(world.site_a, staff=staff, window=world.window_a)
    reversed_ = deduction(world.site_a, staff=staff, code="early", label="早退", points=2, reversed=True,
                          reason="已补请假")
    w = warning(world.site_a, staff)
    deduction(world.site_a, staff=world.clerk_a2.staff, code="criticised", label="被机关通报批评", points=20)
    html = client_for(world.clerk_a).get("/workbench/scores/").content.decode()
    assert 'data-test="score-value">99<' in html
    assert f'data-deduction="{late.pk}"' in html and f'data-deduction="{reversed_.pk}"' in html
    assert "<del>早退</del>" in html and "已补请假" in html
    assert f"/workbench/hall/attendance/?staff={staff.work_id}&amp;month=2026-11" in html
    assert f'data-warning="{w.pk}"' in html and 'data-test="acknowledge-inline"' in html
    assert "被机关通报批评" not in html  # a colleague's line
    assert 'staffops/_nav' not in html and 'data-test="nav-warnings"' in html


def test_a_manager_sees_the_site_board(world, client_for, clock):
    deduction(world.site_a, staff=world.clerk_a.staff, window=world.window_a, code="duty_breach", label="违反窗口职责",
              points=5)
    warning(world.site_a, world.clerk_a.staff)
    response = client_for(world.manager_a).get("/workbench/scores/?month=2026-11")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-window="{world.window_a.pk}"' in html and f'data-staff="{world.clerk_a.staff.pk}"' in html
    assert 'data-test="warning-count">1<' in html
    assert f'data-staff="{world.manager_b.staff.pk}"' not in html
    assert f"/workbench/scores/staff/{world.clerk_a.staff.pk}/" in html
    assert 'class="stack"' in html and "data-label=" in html  # 375 px cards


def test_the_supervisor_chooses_among_the_subtrees_sites(world, client_for, clock):
    client = client_for(world.supervisor)
    html = client.get("/workbench/scores/").content.decode()
    assert 'data-test="site-select"' in html and world.site_b.name in html
    html_b = client.get(f"/workbench/scores/?site={world.site_b.pk}").content.decode()
    assert f'data-staff="{world.manager_b.staff.pk}"' in html_b
    assert status(client_for(world.manager_a), f"/workbench/scores/?site={world.site_b.pk}") == 404
    assert status(client_for(world.supervisor), f"/workbench/scores/?site={world.site_other.pk}") == 404
    assert status(client_for(world.supervisor), "/workbench/scores/?site=abc") == 404


def test_the_score_pages_refuse_others_and_bad_months(world, client_for, clock):
    assert status(client_for(world.outsider), "/workbench/scores/") == 403
    assert client_for(None).get("/workbench/scores/").status_code == 302
    for month in ("2026-13", "abc", "<script>", "x" * 300):
        response = client_for(world.clerk_a).get("/workbench/scores/", {"month": month})
        assert response.status_code == 400
        assert "YYYY-MM" in response.content.decode()
        assert status(client_for(world.manager_a), f"/workbench/scores/staff/{world.clerk_a.staff.pk}/?month={month}") == 400


# ---------------------------------------------------------------- details

def test_detail_pages_by_persona(world, client_for, clock):
    staff_url = f"/workbench/scores/staff/{world.clerk_a.staff.pk}/"
    window_url = f"/workbench/scores/windows/{world.window_a.pk}/"
    for user, expected in ((world.clerk_a, 200), (world.manager_a, 200), (world.supervisor, 200),
                           (world.clerk_a2, 404), (world.manager_b, 404), (world.outsider, 404), (world.handler, 404)):
        assert status(client_for(user), staff_url) == expected, user
    for user, expected in ((world.manager_a, 200), (world.supervisor, 200), (world.clerk_a, 404),
                           (world.manager_b, 404), (world.outsider, 404)):
        assert status(client_for(user), window_url) == expected, user
    assert client_for(None).get(staff_url).status_code == 302
    clerk_html = client_for(world.clerk_a).get(staff_url).content.decode()
    assert 'data-test="deduct-form"' not in clerk_html  # a clerk reads, does not deduct
    manager_html = client_for(world.manager_a).get(staff_url).content.decode()
    assert 'data-test="deduct-form"' in manager_html and 'data-test="warn-form"' in manager_html
    assert 'value="late"' in manager_html and "（−1）" in manager_html


def test_a_manager_deducts_reverses_and_warns_on_the_page(world, client_for, clock):
    staff = world.clerk_a.staff
    url = f"/workbench/scores/staff/{staff.pk}/"
    client = client_for(world.manager_a)
    response = client.post(url, {"form": "deduct", "rule": "complaint_verified", "note": "群众投诉查证属实",
                                 "at": "2026-11-19T10:30"})
    assert response.status_code == 302, response.content.decode()[:2000]
    row = Deduction.objects.get()
    assert (row.points, row.source, row.staff, row.window) == (10, "manual", staff, world.window_a)
    assert client_for(world.clerk_a).get("/workbench/scores/").content.decode().count('data-test="score-value">90<')
    assert client.post(url, {"form": "reverse", "deduction": row.pk, "reason": "复核不属实"}).status_code == 302
    row.refresh_from_db()
    assert row.reversed and row.reversed_reason == "复核不属实"
    assert client.post(url, {"form": "warn", "reason": "工作时间玩手机，经提醒不改"}).status_code == 302
    assert EfficiencyWarning.objects.filter(staff=staff, reason_code="manual").count() == 1


def test_page_changes_refuse_bad_input_and_other_scopes(world, client_for, clock):
    staff = world.clerk_a.staff
    url = f"/workbench/scores/staff/{staff.pk}/"
    client = client_for(world.manager_a)
    for data in ({"form": "deduct", "rule": "no_such_rule", "note": "x"},
                 {"form": "deduct", "rule": "late", "note": ""},
                 {"form": "deduct", "rule": "late", "note": "长" * 501},
                 {"form": "deduct", "rule": "late", "note": "x", "at": "not-a-time"},
                 {"form": "deduct", "rule": "late", "note": "x", "at": "2027-01-01T10:00"},
                 {"form": "reverse", "deduction": "abc", "reason": "x"},
                 {"form": "warn", "reason": ""},
                 {"form": "sideways"}):
        response = client.post(url, data)
        assert 400 <= response.status_code < 500, data
        assert response.status_code != 403 or data["form"] == "sideways"
    assert client.post(url, {"form": "deduct", "rule": "late", "note": "x", "window": 10**30}).status_code == 404
    assert Deduction.objects.count() == 0 and EfficiencyWarning.objects.count() == 0
    assert client_for(world.manager_b).post(url, {"form": "deduct", "rule": "late", "note": "x"}).status_code == 404
    assert client_for(world.clerk_a).post(url, {"form": "deduct", "rule": "late", "note": "x"}).status_code == 403
    assert Deduction.objects.count() == 0


def test_hostile_text_is_shown_escaped(world, client_for, clock):
    staff = world.clerk_a.staff
    client_for(world.manager_a).post(f"/workbench/scores/staff/{staff.pk}/",
                                     {"form": "deduct", "rule": "late", "note": "<script>alert(1)</script>"})
    html = client_for(world.clerk_a).get("/workbench/scores/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_a_window_page_deducts_from_the_person_on_duty(world, client_for, clock):
    url = f"/workbench/scores/windows/{world.window_a.pk}/"
    client = client_for(world.manager_a)
    assert client.post(url, {"form": "deduct", "rule": "duty_breach", "note": "窗口无人值守"}).status_code == 422
    response = client.post(url, {"form": "deduct", "rule": "duty_breach", "staff": world.clerk_a.staff.pk,
                                 "note": "窗口无人值守"})
    assert response.status_code == 302
    row = Deduction.objects.get()
    assert row.window == world.window_a and row.staff == world.clerk_a.staff and row.points == 5
    assert 'data-test="score-value">95<' in client.get(url).content.decode()
    assert client.post(url, {"form": "deduct", "rule": "late", "staff": world.manager_b.staff.pk,
                             "note": "x"}).status_code == 404
    window_b = Window.objects.create(site=world.site_b, number="1", name="综合窗口")
    assert client.post(f"/workbench/scores/windows/{window_b.pk}/", {"form": "deduct"}).status_code == 404


# ---------------------------------------------------------------- warnings

def test_warning_list_and_notice_by_persona(world, client_for, clock):
    mine = warning(world.site_a, world.clerk_a.staff)
    other = warning(world.site_b, world.manager_b.staff)
    html = client_for(world.clerk_a).get("/workbench/warnings/").content.decode()
    assert f'data-warning="{mine.pk}"' in html and f'data-warning="{other.pk}"' not in html
    html = client_for(world.supervisor).get("/workbench/warnings/").content.decode()
    assert f'data-warning="{mine.pk}"' in html and f'data-warning="{other.pk}"' in html
    assert status(client_for(world.outsider), "/workbench/warnings/") == 403
    assert client_for(None).get("/workbench/warnings/").status_code == 302
    notice = f"/workbench/warnings/{mine.pk}/"
    for user, expected in ((world.clerk_a, 200), (world.manager_a, 200), (world.supervisor, 200),
                           (world.clerk_a2, 404), (world.manager_b, 404), (world.outsider, 404)):
        assert status(client_for(user), notice) == expected, user
    html = client_for(world.clerk_a).get(notice).content.decode()
    assert "效能告诫书" in html and mine.number in html and "王小红" in html and "测试县政务服务中心" in html
    assert 'data-test="acknowledge"' in html and 'data-test="withdraw"' not in html
    assert "print.css" in html
    manager_html = client_for(world.manager_a).get(notice).content.decode()
    assert 'data-test="withdraw"' in manager_html and 'data-test="acknowledge"' not in manager_html


def test_warning_filters(world, client_for, clock):
    november = warning(world.site_a, world.clerk_a.staff)
    october = warning(world.site_a, world.clerk_a.staff, at=dt.datetime(2026, 10, 9, 9, tzinfo=TZ))
    client = client_for(world.manager_a)
    html = client.get("/workbench/warnings/?month=2026-10").content.decode()
    assert f'data-warning="{october.pk}"' in html and f'data-warning="{november.pk}"' not in html
    html = client.get("/workbench/warnings/?kind=collective").content.decode()
    assert f'data-warning="{november.pk}"' not in html
    for query in ("month=2026-13", "kind=<b>", "acknowledged=maybe"):
        assert client.get(f"/workbench/warnings/?{query}").status_code == 400, query


def test_the_person_signs_and_a_manager_withdraws(world, client_for, clock):
    w = warning(world.site_a, world.clerk_a.staff)
    url = f"/workbench/warnings/{w.pk}/"
    assert client_for(world.clerk_a2).post(url, {"action": "acknowledge"}).status_code == 404
    assert client_for(world.manager_a).post(url, {"action": "acknowledge"}).status_code == 403
    assert client_for(world.clerk_a).post(url, {"action": "withdraw", "reason": "x"}).status_code == 403
    assert client_for(world.clerk_a).post(url, {"action": "acknowledge"}).status_code == 302
    w.refresh_from_db()
    assert w.acknowledged_by == world.clerk_a
    assert client_for(world.clerk_a).post(url, {"action": "acknowledge"}).status_code == 409
    assert client_for(world.manager_a).post(url, {"action": "withdraw", "reason": ""}).status_code == 422
    assert client_for(world.manager_b).post(url, {"action": "withdraw", "reason": "x"}).status_code == 404
    assert client_for(world.manager_a).post(url, {"action": "withdraw", "reason": "事实有误"}).status_code == 302
    w.refresh_from_db()
    assert w.withdrawn and w.withdrawn_reason == "事实有误"
    assert 'data-test="withdrawn"' in client_for(world.clerk_a).get(url).content.decode()


# ---------------------------------------------------------------- the schedule

def test_the_rules_page_by_persona(world, client_for, clock):
    for user, expected in ((world.manager_a, 200), (world.manager_b, 200), (world.supervisor, 200),
                           (world.clerk_a, 403), (world.outsider, 403), (world.handler, 403)):
        assert status(client_for(user), "/workbench/rules/") == expected, user
    assert client_for(None).get("/workbench/rules/").status_code == 302
    html = client_for(world.manager_a).get("/workbench/rules/").content.decode()
    for code in ("late", "early", "absent_half_day", "prohibited", "duty_breach", "complaint_verified",
                 "criticised", "criticised_higher"):
        assert f'data-rule="{code}"' in html
    assert 'data-test="new-only"' in html and 'data-test="policy-form"' in html
    assert status(client_for(world.manager_a), f"/workbench/rules/?unit={world.township.pk}") == 404
    assert status(client_for(world.supervisor), f"/workbench/rules/?unit={world.township.pk}") == 200
    assert status(client_for(world.supervisor), f"/workbench/rules/?unit={world.other_county.pk}") == 404


def test_a_manager_edits_the_sites_schedule_for_new_deductions_only(world, client_for, clock):
    old = deduction(world.site_a, staff=world.clerk_a.staff)  # −1 under the default
    client = client_for(world.manager_a)
    response = client.post("/workbench/rules/", {"form": "rule", "unit": world.county.pk, "code": "late",
                                                 "label": "迟到", "points": "3", "hits": "person", "checkboxes": "1",
                                                 "active": "1"})
    assert response.status_code == 302
    rule = DeductionRule.objects.get(unit=world.county, code="late")
    assert (rule.points, rule.hits, rule.bars_award, rule.active, rule.updated_by) == (3, "person", False, True,
                                                                                          world.manager_a)
    old.refresh_from_db()
    assert old.points == 1
    html = client.get("/workbench/rules/").content.decode()
    assert 'data-test="own"' in html
    client.post("/workbench/rules/", {"form": "rule", "unit": world.county.pk, "code": "phone_at_counter",
                                      "label": "工作时间玩手机", "points": "2", "hits": "both", "checkboxes": "1",
                                      "active": "1"})
    assert DeductionRule.objects.filter(unit=world.county, code="phone_at_counter", points=2).exists()
    api = client_for(world.manager_a)
    api.post(f"/workbench/scores/staff/{world.clerk_a.staff.pk}/",
             {"form": "deduct", "rule": "late", "note": "迟到20分钟"})
    assert Deduction.objects.get(source="manual").points == 3
    assert client.post("/workbench/rules/", {"form": "policy", "unit": world.county.pk,
                                             "late_early_warning_over": "5", "collective_warning_at": "3",
                                             "collective_period_months": "12", "award_min_annual": "85",
                                             "patrols_per_day": "2", "stars_per_month": "3"}).status_code == 302
    assert AssessmentPolicy.objects.get(unit=world.county).late_early_warning_over == 5


def test_rule_edits_refuse_bad_input_and_other_units(world, client_for, clock):
    client = client_for(world.manager_a)
    base = {"form": "rule", "unit": world.county.pk, "label": "迟到", "points": "1", "hits": "both"}
    for data in ({**base, "code": "Bad Code!"}, {**base, "code": "late", "points": "101"},
                 {**base, "code": "late", "points": "-1"}, {**base, "code": "late", "points": "x"},
                 {**base, "code": "late", "hits": "everyone"}, {**base, "code": "new_rule", "label": ""},
                 {**base, "code": "late", "label": "长" * 101},
                 {"form": "policy", "unit": world.county.pk, "late_early_warning_over": "0"},
                 {"form": "policy", "unit": world.county.pk, "award_min_annual": "101"},
                 {"form": "nonsense", "unit": world.county.pk}):
        response = client.post("/workbench/rules/", data)
        assert response.status_code in (400, 422), data
        assert "/" in "".join(str(m) for m in response.context["messages"])
    assert client.post("/workbench/rules/", {**base, "code": "late", "unit": world.township.pk}).status_code == 404
    assert client_for(world.clerk_a).post("/workbench/rules/", {**base, "code": "late"}).status_code == 403
    assert DeductionRule.objects.count() == 0 and AssessmentPolicy.objects.count() == 0


def test_saving_a_default_rule_from_the_english_page_keeps_its_chinese_name(world, client_for, clock):
    client = client_for(world.manager_a)
    client.cookies["django_language"] = "en"
    assert 'value="Late"' in client.get("/workbench/rules/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post("/workbench/rules/", {"form": "rule", "unit": world.county.pk, "code": "late", "label": "Late",
                                      "points": "2", "hits": "both", "checkboxes": "1", "active": "1"},
                HTTP_ACCEPT_LANGUAGE="en")
    rule = DeductionRule.objects.get(unit=world.county, code="late")
    assert (rule.label, rule.points) == ("迟到", 2)


def test_the_english_page_names_default_rules_in_english_and_own_wording_as_written(world, client_for, clock):
    staff = world.clerk_a.staff
    deduction(world.site_a, staff=staff, window=world.window_a)  # the default rule's own wording: 迟到
    deduction(world.site_a, staff=staff, code="early", label="提前离岗", points=2)  # a jurisdiction's wording
    client = client_for(world.clerk_a)
    client.cookies["django_language"] = "en"
    html = client.get("/workbench/scores/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Late<" in html and "提前离岗" in html and ">迟到<" not in html
    client.cookies["django_language"] = "zh-hans"
    assert ">迟到<" in client.get("/workbench/scores/").content.decode()
