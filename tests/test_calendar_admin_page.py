"""The admin page under 日历年度 where an administrator pastes the State Council's notice, compares it with the
provisional days and confirms it (CalendarYearAdmin.official_view, bianmin/core/admin.py)."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from bianmin.core import clocks
from bianmin.core.models import CalendarYear, ClockDueChange

from .notice_texts import NOTICE_2027
from .test_calendar_official import at, make_case

URL = "/admin/core/calendaryear/official/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(world):
    return get_user_model().objects.create_superuser("root", "root@example.org", "x")


def _digest(html: str) -> str:
    return re.search(r'name="previewed" value="([0-9a-f]{64})"', html).group(1)


def test_the_page_is_reached_from_the_calendar_years(root, client_for):
    assert reverse("admin:core_calendaryear_official") == URL
    html = client_for(root).get("/admin/core/calendaryear/").content.decode()
    assert URL in html and "粘贴国务院节假日通知" in html


def test_form_preview_confirm(world, root, client_for, set_now, django_capture_on_commit_callbacks):
    set_now(at(2026, 12, 28, 10))
    case = make_case(world, "A30", 30)
    set_now(at(2026, 12, 30, 9))
    client = client_for(root)

    form = client.get(URL)
    assert form.status_code == 200
    html = form.content.decode()
    assert "<textarea" in html and 'name="year" value="2027"' in html and "暂定" in html

    preview = client.post(URL, {"year": 2027, "text": NOTICE_2027, "preview": "1"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "现行：暂定（按放假办法推算）" in html and 'name="confirm"' in html
    # Side by side: the notice's days that differ from the provisional ones are highlighted.
    assert re.search(r'kind-holiday">2027-02-09 \S+ 放假 · 春节（补假）', html)
    assert re.search(r'differs official">2027-02-13 \S+ 放假 · 春节', html)
    assert re.search(r'differs official">2027-01-30 \S+ 调休上班 · 春节', html)
    assert "确认后将重新计算约 1 个计时中的时限" in html
    assert not CalendarYear.objects.filter(year=2027).exists()  # a preview changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(URL, {"year": 2027, "text": NOTICE_2027, "previewed": _digest(html), "confirm": "1"})
    assert done.status_code == 302 and done["Location"] == "/admin/core/calendaryear/"
    assert CalendarYear.objects.get(year=2027).source == CalendarYear.Source.NOTICE
    case.clock.refresh_from_db()
    assert case.clock.due_at.date() == dt.date(2027, 2, 16)
    assert ClockDueChange.objects.filter(clock=case.clock).count() == 1
    listing = client.get(done["Location"]).content.decode()
    assert "已确认 2027 年正式节假日安排：重新计算 1 个时限，1 个期限变动" in listing
    history = client.get("/admin/core/clockduechange/")
    assert history.status_code == 200 and "2027" in history.content.decode()


def test_provisional_days_the_notice_cancels_are_struck_through(root, client_for):
    # A notice with a 国庆节 break of three days only: the law's 补假 days 4 and 5 October become working days.
    text = NOTICE_2027.replace("10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。",
                               "10月1日（周五）至3日（周日）放假，共3天。")
    html = client_for(root).post(URL, {"year": 2027, "text": text, "preview": "1"}).content.decode()
    assert re.search(r'differs current">2027-10-04 \S+ 放假 · 国庆节（补假）', html)
    assert re.search(r'differs current">2027-10-05 \S+ 放假 · 国庆节（补假）', html)
    assert re.search(r'kind-holiday">2027-10-01 \S+ 放假 · 国庆节', html)


def test_confirming_a_text_that_was_not_previewed_previews_it_first(root, client_for):
    client = client_for(root)
    html = client.post(URL, {"year": 2027, "text": NOTICE_2027, "preview": "1"}).content.decode()
    edited = NOTICE_2027.replace("1月30日（周六）、", "")
    again = client.post(URL, {"year": 2027, "text": edited, "previewed": _digest(html), "confirm": "1"})
    assert again.status_code == 200 and 'name="confirm"' in again.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_unreadable_text_shows_the_line(root, client_for):
    text = "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日放假。\n二、春节：2月30日至3月2日放假调休"
    r = client_for(root).post(URL, {"year": 2027, "text": text, "preview": "1"})
    html = r.content.decode()
    assert r.status_code == 200 and "第3行无法识别" in html and "Line 3 could not be read" in html
    assert "二、春节：2月30日至3月2日放假调休" in html and 'name="confirm"' not in html


def test_warnings_are_shown(root, client_for):
    text = NOTICE_2027.replace("共9天", "共10天")
    html = client_for(root).post(URL, {"year": 2027, "text": text, "preview": "1"}).content.decode()
    assert "请核对以下提示" in html and "通知写共10天" in html and 'name="confirm"' in html


def test_a_year_after_the_provisional_one_is_refused_on_the_page(root, client_for):
    r = client_for(root).post(URL, {"year": 2028, "text": NOTICE_2027.replace("2027", "2028"), "preview": "1"})
    assert "只能录入 2027 年" in r.content.decode() and 'name="confirm"' not in r.content.decode()


def test_the_page_in_english(root, client_for):
    client = client_for(root)
    client.cookies["django_language"] = "en"
    html = client.post(URL, {"year": 2027, "text": NOTICE_2027, "preview": "1"}).content.decode()
    for text in ("Enter the State Council&#x27;s holiday notice", "Current: provisional (derived from the law)",
                 "State Council notice", "Preview", "Confirm and apply the official 2027 schedule", "Make-up working day"):
        assert text in html, text


def test_non_administrators_are_refused(world, client_for):
    # Not staff: the admin sends them to its sign-in page.
    r = client_for(world.manager_a).get(URL)
    assert r.status_code == 302 and "/admin/login/" in r["Location"]
    assert client_for(world.clerk_a).post(URL, {"year": 2027, "text": NOTICE_2027, "confirm": "1"}).status_code == 302
    # Staff without the calendar permission: refused.
    staff = get_user_model().objects.create_user("staff_only", password="x", is_staff=True)
    assert client_for(staff).get(URL).status_code == 403
    assert client_for(staff).post(URL, {"year": 2027, "text": NOTICE_2027, "preview": "1"}).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()
    # Staff who may change calendar years may use it.
    staff.user_permissions.add(Permission.objects.get(codename="change_calendaryear"))
    staff = get_user_model().objects.get(pk=staff.pk)
    assert client_for(staff).get(URL).status_code == 200


def test_stopped_clock_counts_nothing_in_the_preview(world, root, client_for, set_now):
    set_now(at(2026, 12, 28, 10))
    case = make_case(world, "S30", 30)
    clocks.stop(case.clock, at(2026, 12, 29, 10))
    html = client_for(root).post(URL, {"year": 2027, "text": NOTICE_2027, "preview": "1"}).content.decode()
    assert "确认后将重新计算约 0 个计时中的时限" in html
