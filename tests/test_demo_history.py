"""`manage.py demo` adds months of generated history (bianmin/demo/history.py), once, through the services, so that
dashboards, rankings, hot spots and reports have something real to show.

Most tests load the hand-made demo only (tests/conftest.py turns history off); the first test here loads the
full six months (it takes about a minute) and checks everything it promises; the others use the current month.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum
from django.utils import timezone

from bianmin.cases.models import Case, CaseEvent, FirstContact, Notice
from bianmin.core import sms, timeutil
from bianmin.core.models import Clock, Notification, Sequence
from bianmin.core.worktime.loader import get_calendar
from bianmin.demo import cases as demo_cases
from bianmin.demo import history, history_texts
from bianmin.hotline.models import DispatchCategory, ReturnVisit, WorkOrder, WorkOrderEvent
from bianmin.orgs.models import Membership, Site, Unit, Window
from bianmin.ratings.models import Rating
from bianmin.rectification.models import Ticket, TicketEvent
from bianmin.stats import ranking, rollup
from bianmin.stats.metrics import Target
from bianmin.stats.models import DailyRollup

pytestmark = pytest.mark.django_db

DEMO_NOW = dt.datetime(2026, 11, 18, 15, 30)  # a Wednesday afternoon, as in tests/test_demo_data.py
HISTORY = "demo-staff-"  # the history's clerks (bianmin/demo/history.py)


@pytest.fixture
def with_history(settings):
    settings.BIANMIN = {**settings.BIANMIN, "DEMO_HISTORY": True, "DEMO_HISTORY_MONTHS": 6, "SMS_BACKEND": "memory"}
    sms.outbox.clear()


def load(*args: str, moment: dt.datetime = DEMO_NOW) -> str:
    out = io.StringIO()
    with timeutil.travel_to(moment):
        call_command("demo", *args, stdout=out)
    return out.getvalue()


def history_cases():
    return Case.objects.filter(handled_by__username__startswith=HISTORY)


def history_ratings():
    return Rating.objects.filter(case__handled_by__username__startswith=HISTORY).exclude(stage="followup")


def snapshot() -> dict[str, int]:
    models = [Case, CaseEvent, Notice, FirstContact, Clock, Rating, Ticket, TicketEvent, WorkOrder, WorkOrderEvent,
              ReturnVisit, DispatchCategory, Membership, get_user_model(), Notification, Sequence, DailyRollup]
    return {m._meta.label: m.objects.count() for m in models}


def aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def test_six_months_of_history(with_history):
    out = load()
    now = timezone.make_aware(DEMO_NOW)
    assert re.search(r"历史数据（2026年05月\d\d日起）：办件 \d+ 件", out) and "统计汇总已更新" in out
    assert "注意" not in out  # nothing stalled, nothing skipped

    # ---- six full months before November, and November so far, on working days only
    cases = list(history_cases().prefetch_related("events"))
    assert 1500 <= len(cases) <= 2600
    months = Counter(timezone.localtime(c.created_at).strftime("%Y-%m") for c in cases)
    assert sorted(months) == [f"2026-{m:02d}" for m in range(5, 12)] and min(months.values()) >= 100
    cal = get_calendar()
    for case in cases:
        events = list(case.events.all())
        assert events[0].action == "register" and all(e.at < now for e in events)
        assert all(cal.is_working(timezone.localtime(e.at).date()) for e in events)
        assert re.fullmatch(r"1390000\d{4}", case.applicant_phone) and case.applicant_id_number.startswith("580322")
    statuses = Counter(c.status for c in cases)
    assert statuses["completed"] > 0.9 * len(cases) and statuses["accepted"] and statuses["consultation"]
    assert not set(demo_cases.demo_id_numbers()) & {c.applicant_id_number for c in cases}
    # Most committed cases finish within their limit, a few late; on-the-spot cases the same day.
    completions = CaseEvent.objects.filter(case__in=history_cases(), action="complete")
    late = completions.filter(data__on_time=False).count()
    assert 0 < late < 0.06 * completions.count()
    for case in history_cases().filter(status="completed", handling_type="instant")[:200]:
        assert case.completed_at - case.accepted_at < dt.timedelta(minutes=30)
    # Some were asked for a missing document (补正) and resumed once it came: the clock paused meanwhile.
    supplements = CaseEvent.objects.filter(case__in=history_cases(), action="request_supplement")
    assert 20 <= supplements.count() < 0.1 * len(cases)
    assert CaseEvent.objects.filter(case__in=history_cases(), action="resume").count() >= supplements.count() - 3
    # No deadline reaches past the calendar (2026), however near the year's end a case was accepted.
    assert not Clock.objects.filter(due_at__gte=aware(dt.date(2027, 1, 1))).exists()
    # Every site kind and every busy window has cases; the centre's 01 window is the busiest of all.
    assert {c.site.kind for c in history_cases().select_related("site")} == {"center", "township", "station"}
    busiest = (history_cases().values("window").annotate(n=Count("id")).order_by("-n").first())["window"]
    assert Window.objects.get(pk=busiest).number == "01" and Window.objects.get(pk=busiest).site.kind == "center"

    # ---- ratings: mostly good, some 基本满意, 1-3 % bad, several channels, some comments
    ratings = history_ratings()
    total = ratings.count()
    levels = Counter(ratings.values_list("level", flat=True))
    assert 0.85 * history_cases().filter(status="completed").count() > total > 1000
    assert (levels["very_satisfied"] + levels["satisfied"]) > 0.88 * total and levels["basic"] > 0.03 * total
    bad = levels["dissatisfied"] + levels["very_dissatisfied"]
    assert 0.01 * total <= bad <= 0.03 * total
    assert len(set(ratings.values_list("channel", flat=True))) >= 5
    assert ratings.exclude(comment="").count() > 0.08 * total
    assert all(timezone.localtime(r.created_at) < now for r in ratings.only("created_at"))

    # ---- bad reviews repeat themes, and each went through the rectification loop
    comments = list(ratings.filter(is_bad=True).values_list("comment", flat=True))
    themes = Counter(key for c in comments for key, t in history_texts.THEMES.items() if c in t.bad)
    assert sum(themes.values()) == len(comments) and sum(n >= 2 for n in themes.values()) >= 4
    for word in ["排队", "材料"]:
        assert sum(word in c for c in comments) >= 3, word
    tickets = Ticket.objects.filter(rating__in=ratings.filter(is_bad=True))
    assert tickets.count() == bad
    month_ago = now - dt.timedelta(days=30)
    assert not tickets.filter(created_at__lt=month_ago).exclude(status="closed").exists()  # past ones closed
    open_now = tickets.exclude(status="closed")
    assert open_now.count() >= 2 and open_now.filter(created_at__gte=now - dt.timedelta(days=10)).count() >= 2
    closed = tickets.filter(status="closed")
    assert closed.count() >= 15 and not closed.filter(feedback_at__isnull=True).exists()
    assert closed.filter(followup_rating__isnull=False).exists() and closed.filter(reopened__gte=1).exists()
    assert closed.filter(outcome="ledger").exists() and closed.filter(outcome="malicious").exists()
    approved = tickets.filter(outcome="malicious", exclusion_approved_by__username="demo-supervisor")
    excluded = set(ratings.filter(excluded=True).values_list("ticket", flat=True))
    assert excluded and excluded == set(approved.values_list("pk", flat=True))
    for ticket in tickets:  # every step at its own moment, after the rating, none in the future
        moments = list(TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("at", flat=True))
        assert moments == sorted(moments) and moments[0] >= ticket.rating.created_at and moments[-1] <= now

    # ---- the rollups are up to date at once, and the units differ visibly
    assert rollup.dirty_days(dt.date(2026, 5, 1)) == []
    county = Unit.objects.get(kind=Unit.Kind.REGION, level=Unit.Level.COUNTY)
    period = (dt.date(2026, 5, 1), DEMO_NOW.date())
    sites = {e["name"]: e for e in ranking.league(Target(unit=county), "site", *period)}
    best, worst = sites["溪东街道便民服务中心"], sites["石门镇便民服务中心"]
    assert best["good_rate"] - worst["good_rate"] >= 0.1 and best["rank"] < worst["rank"]
    centre = Site.objects.get(kind=Site.Kind.CENTER)
    windows = {e["id"]: e for e in ranking.league(Target(site=centre), "window", *period)}
    busy = windows[busiest]
    few = windows[Window.objects.get(site=centre, number=history.ALWAYS_GOOD_WINDOW).pk]
    assert few["ratings"] <= 10 and few["good_rate"] == 1.0  # all good, but few…
    assert few["wilson_lower"] < busy["wilson_lower"] and few["rank"] > busy["rank"]  # …so ranked below
    assert busy["ratings"] >= 6 * 30  # the busiest window collects about 30 ratings a month or more
    # Satisfaction improves gently: the last full month is better than the first.
    county_rows = DailyRollup.objects.filter(dimension="region", key=str(county.pk))

    def good_rate(first: dt.date, last: dt.date) -> float:
        s = county_rows.filter(day__gte=first, day__lte=last).aggregate(
            n=Sum("ratings"), vs=Sum("very_satisfied"), s=Sum("satisfied"))
        return (s["vs"] + s["s"]) / s["n"]

    assert good_rate(dt.date(2026, 10, 1), dt.date(2026, 10, 31)) > good_rate(dt.date(2026, 5, 1),
                                                                              dt.date(2026, 5, 31))

    # ---- hotline orders over the months, most closed after a return visit
    orders = WorkOrder.objects.filter(caller_phone__startswith="1390000")
    assert orders.count() >= 120
    assert len({timezone.localtime(o.received_at).month for o in orders}) == 7
    assert orders.filter(status="closed").count() > 0.85 * orders.count()
    visits = ReturnVisit.objects.filter(order__in=orders)
    assert visits.filter(satisfied=True).count() > 5 * visits.filter(satisfied=False).count() > 0
    assert visits.filter(reached=False).exists() and orders.filter(answered_at_intake=True).exists()
    texts = " ".join(orders.values_list("text", flat=True))
    for word in ["噪音", "路灯", "物业", "社保卡", "排队", "不动产"]:
        assert word in texts, word
    assert not orders.filter(caller_phone__regex=r"^(?!1390000\d{4}$)").exists()

    # ---- accounts, messages and notifications
    clerks = get_user_model().objects.filter(username__startswith=HISTORY)
    assert clerks.count() > 100 and not any(u.has_usable_password() for u in clerks)
    assert Membership.objects.filter(user__in=clerks, role="clerk", site__isnull=False).count() >= clerks.count()
    assert sms.outbox == []  # demo phones are made up: nothing is sent while loading
    # Staff have read the history's older notifications: nobody's bell shows months of old tickets and orders.
    unread = Notification.objects.filter(read_at__isnull=True).values("user").annotate(n=Count("id"))
    assert Notification.objects.filter(read_at__isnull=False).exists() and max(u["n"] for u in unread) < 40

    # ---- idempotent: a second run creates nothing
    before = snapshot()
    again = load()
    assert snapshot() == before and "新建 0 条" in again and "历史数据" not in again


def test_months_zero_is_the_current_month_so_far_and_made_once(with_history):
    out = load("--history-months", "0")
    assert "历史数据（2026年11月02日起）" in out  # 1 November 2026 is a Sunday
    first = min(history_cases().values_list("created_at", flat=True))
    assert timezone.localtime(first).date() == dt.date(2026, 11, 2)
    assert Sequence.objects.get(name=history.MARKER).value == history_cases().count() > 50
    before = snapshot()
    load()
    assert snapshot() == before  # the history is made once, whatever the months asked for later


def test_work_goes_on_into_the_provisional_year_at_the_end_of_the_year(with_history):
    # 21 December 2026: committed limits and tickets' 15 working days end in 2027, which has no official schedule
    # yet. They are kept with provisional due dates (SPEC §3); nothing stalls and no bad review goes without its
    # ticket.
    out = load("--history-months", "0", moment=dt.datetime(2026, 12, 21, 16, 0))
    assert history_cases().count() > 50
    into_next_year = Clock.objects.filter(due_at__gte=aware(dt.date(2027, 1, 1)))
    assert into_next_year.exists()
    cal = get_calendar()
    assert all(cal.is_provisional(timezone.localtime(c.due_at).date()) for c in into_next_year)
    assert not [line for line in out.splitlines() if "注意" in line and "历史" in line]
    late = history_cases().filter(created_at__gte=aware(dt.date(2026, 12, 14)), clock__isnull=False)
    assert late.filter(handling_type="instant").exists() and late.filter(handling_type="committed").exists()
    bad = history_ratings().filter(level__in=["dissatisfied", "very_dissatisfied"])
    assert bad.exists() and not bad.filter(ticket__isnull=True).exists()


def test_no_history_when_asked(with_history):
    load("--no-history")
    assert not history_cases().exists() and not Sequence.objects.filter(name=history.MARKER).exists()
    assert demo_cases.existing_cases().count() == len(demo_cases.CASES)


def test_history_months_out_of_range_is_refused(with_history):
    with pytest.raises(CommandError, match="--history-months"):
        load("--history-months", "99")
    assert not Case.objects.exists()
