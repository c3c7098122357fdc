"""`python manage.py demo`: the demo county loads completely, consistently and idempotently.

The demo is loaded once for this module (each test reads it in its own savepoint); loading it at other moments
and with other settings is in tests/test_demo_loading.py."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone

from bianmin.cases.models import Case, CaseEvent, FirstContact, Notice
from bianmin.cases.selectors import queue
from bianmin.cases.services import handover_return_date
from bianmin.cases.states import Status
from bianmin.catalog.models import Channel, HandlingType, Item
from bianmin.catalog.validators import validate_item_guide
from bianmin.core import timeutil
from bianmin.core.models import Clock, ClockEvent
from bianmin.core.worktime.loader import get_calendar
from bianmin.demo import cases as demo_cases
from bianmin.orgs.models import Membership, Site, Staff, Unit, Window, WindowPost
from bianmin.orgs.roles import Action, Role
from bianmin.orgs.scoping import sites_for
from bianmin.ratings.models import Rating
from bianmin.rectification.models import Ticket, TicketEvent

from .demo_helpers import DEMO_NOW, demo_case_rows, load_demo_at, snapshot
from .once import module_shares, module_transaction

pytestmark = pytest.mark.django_db

PASSWORD = "bianmin-demo"
VAGUE = re.compile(r"其他|其它|等[。；;，,、\s]*$")


@pytest.fixture(scope="module")
def demo_loaded(request, django_db_setup, django_db_blocker):
    """The demo as `manage.py demo` loads it (without generated history), loaded once for this module: every test
    here reads it, each inside its own savepoint (tests/once.py)."""
    assert module_shares(request, "demo"), "every database test of this module must use the `demo` fixture"
    with module_transaction(django_db_blocker):
        with django_db_blocker.unblock(), override_settings(
                BIANMIN={**settings.BIANMIN, "DEMO_HISTORY": False, "REPORT_UNIT_LEVELS": [],
                         "REPORT_QUARTERLY_UNIT_LEVELS": []}):
            output = load_demo_at(DEMO_NOW)
        yield output


@pytest.fixture
def demo(demo_loaded, db):
    """The demo's output; the test runs at the moment the demo was loaded."""
    with timeutil.travel_to(DEMO_NOW):
        yield demo_loaded


def test_county_townships_villages_departments_and_sites(demo):
    county = Unit.objects.get(kind=Unit.Kind.REGION, level=Unit.Level.COUNTY)
    assert county.parent.level == Unit.Level.CITY and county.parent.parent.level == Unit.Level.PROVINCE
    townships = Unit.objects.filter(parent=county, level=Unit.Level.TOWNSHIP)
    assert townships.count() >= 10
    for township in townships.annotate(n=Count("children")):
        assert township.n >= 6, township
    villages = Unit.objects.filter(level=Unit.Level.VILLAGE, path__startswith=county.path)
    assert villages.count() >= 60
    regions = Unit.objects.filter(kind=Unit.Kind.REGION)
    codes = list(regions.values_list("division_code", flat=True))
    assert all(re.fullmatch(r"\d{9}", c) for c in codes) and len(set(codes)) == len(codes)
    for township in townships:
        assert township.division_code.startswith(county.division_code[:6])

    names = set(Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).values_list("name", flat=True))
    for part in ["民政局", "人力资源和社会保障局", "医疗保障局", "自然资源局", "公安局", "市场监督管理局", "税务局",
                 "卫生健康局", "住房和城乡建设局", "交通运输局", "残疾人联合会"]:
        assert any(part in name for name in names), part
    assert not Unit.objects.filter(kind=Unit.Kind.DEPARTMENT).exclude(parent=county).exists()

    centre = Site.objects.get(kind=Site.Kind.CENTER)
    assert centre.opening_hours == "周一至周五 8:30-11:30, 14:30-17:30（午间 01、02 号窗口不间断服务）；节假日轮值 9:00-12:00"
    assert centre.hall_area and centre.phone and centre.complaint_phone and centre.address
    for township in Unit.objects.filter(level=Unit.Level.TOWNSHIP):
        site = Site.objects.get(unit=township, kind=Site.Kind.TOWNSHIP)
        assert site.hall_area >= 100 and "便民服务中心" in site.name  # S004 §二
    for village in Unit.objects.filter(level=Unit.Level.VILLAGE):
        assert Site.objects.filter(unit=village, kind=Site.Kind.STATION).count() == 1


def test_windows_staff_and_ab_posts(demo):
    centre = Site.objects.get(kind=Site.Kind.CENTER)
    kinds = set(centre.windows.values_list("kind", flat=True))
    assert kinds == set(Window.Kind.values)
    assert centre.windows.filter(kind=Window.Kind.COMPREHENSIVE).count() >= 2
    desks = " ".join(centre.windows.values_list("name", flat=True))
    for name in ["民政", "社保", "医保", "不动产", "户籍", "出入境", "市场监管", "税务", "帮办代办", "投诉", "导办"]:
        assert name in desks, name
    for window in centre.windows.exclude(kind__in=[Window.Kind.GUIDE, Window.Kind.COMPLAINT]):
        assert window.items.exists(), window
        assert window.sign_text and window.number
    for window in centre.windows.filter(kind=Window.Kind.SINGLE):
        assert window.departments.exists(), window
    for site in Site.objects.filter(kind=Site.Kind.TOWNSHIP):  # S004 §四
        names = " ".join(site.windows.values_list("name", flat=True))
        assert all(n in names for n in ["综合", "民政", "劳动保障", "计生", "国土", "农业"]), site
    windows = Window.objects.annotate(a=Count("posts", filter=Q(posts__post="A")),
                                      b=Count("posts", filter=Q(posts__post="B")))
    assert windows.count() > 100
    assert not [w for w in windows if w.a < 1 or w.b < 1]  # AB岗

    assert set(Staff.objects.values_list("employment", flat=True)) == set(Staff.Employment.values)
    assert not Staff.objects.filter(Q(work_id="") | Q(name="") | Q(position="")).exists()
    assert Staff.objects.filter(posts__isnull=False).distinct().count() >= 150


def test_items_have_full_guides(demo):
    items = list(Item.objects.prefetch_related("conditions", "materials", "versions"))
    assert len(items) >= 60
    assert len({i.code for i in items}) == len(items) and len({i.basic_code for i in items}) == len(items)
    for item in items:
        assert len(item.basic_code) == 10 and len(item.code) <= 24, item
        assert item.legal_basis and item.procedure and item.consult_phone and item.supervision_phone, item
        assert item.channels and set(item.channels) <= set(Channel.values), item
        assert 2 <= len(item.conditions.all()) <= 4, item
        assert 2 <= len(item.materials.all()) <= 6, item
        assert item.online == (Channel.ONLINE in item.channels), item
        for m in item.materials.all():
            assert m.name and m.source and m.common_mistakes and m.count >= 1, (item, m.name)
        if item.committed_unit == item.statutory_unit:
            assert item.committed_limit <= item.statutory_limit, item
        versions = list(item.versions.all())
        assert len(versions) == 1 and versions[0].change_note == "初始发布", item
        assert versions[0].content["code"] == item.code
    by_type = {t: sum(i.handling_type == t for i in items) for t in HandlingType.values}
    assert min(by_type.values()) >= 3, by_type
    assert any(i.handling_type == HandlingType.INSTANT and i.committed_limit == 0 for i in items)
    assert sum(i.committed_unit == "hours" for i in items) >= 2
    assert all(any(getattr(i, flag) for i in items)
               for flag in ["at_most_once", "online", "bookable", "tolerant", "high_frequency", "secret"])
    assert sum(i.fee_standard != "不收费" for i in items) >= 3
    passport = Item.objects.get(name__startswith="护照")
    assert "120" in passport.fee_standard and passport.fee_basis
    assert passport in Item.objects.filter(search_initials__startswith="hz")


def test_items_pass_guide_validation_and_avoid_catch_all_wording(demo):
    for item in Item.objects.prefetch_related("conditions", "materials"):
        validate_item_guide(item)  # the catalogue's own rule (raises on vague wording)
        texts = [c.text for c in item.conditions.all()] + [m.name for m in item.materials.all()]
        assert not [t for t in texts if VAGUE.search(t)], item


def test_demo_users_roles_and_password(demo):
    User = get_user_model()
    centre = Site.objects.get(kind=Site.Kind.CENTER)
    county = Unit.objects.get(kind=Unit.Kind.REGION, level=Unit.Level.COUNTY)
    for username in ["admin", "demo-clerk", "demo-manager", "demo-supervisor", "demo-agent", "demo-handler"]:
        user = User.objects.get(username=username)
        assert user.check_password(PASSWORD), username
        assert user.is_staff == (username == "admin") and user.is_superuser == (username == "admin")
    assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["admin"]

    def only(username):
        return Membership.objects.get(user__username=username)

    clerk = only("demo-clerk")
    assert (clerk.role, clerk.site, clerk.unit) == (Role.CLERK, centre, county)
    post = WindowPost.objects.get(staff__user__username="demo-clerk", post="A")
    assert post.post == "A" and post.window.kind == Window.Kind.COMPREHENSIVE and post.window.site == centre
    manager = only("demo-manager")
    assert (manager.role, manager.site) == (Role.MANAGER, centre)
    assert Staff.objects.filter(user__username="demo-manager").exists()
    supervisor = only("demo-supervisor")
    assert (supervisor.role, supervisor.unit, supervisor.site) == (Role.SUPERVISOR, county, None)
    agent = only("demo-agent")
    assert (agent.role, agent.unit, agent.site) == (Role.AGENT, county, None)
    handler = only("demo-handler")
    assert handler.role == Role.HANDLER and handler.unit.kind == Unit.Kind.DEPARTMENT and "民政局" in handler.unit.name
    assert Membership.objects.filter(role=Role.CLERK).count() >= 2

    # The scoping layer sees the demo the way the personas expect.
    assert list(sites_for(User.objects.get(username="demo-clerk"), Action.VIEW_SITE)) == [centre]
    assert sites_for(User.objects.get(username="demo-supervisor"), Action.VIEW_SITE).count() == Site.objects.count()


def test_running_twice_changes_nothing(demo):
    before = snapshot()
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert snapshot() == before
    assert "新建 0 条" in out.getvalue() and "本次新建 0 件" in out.getvalue()
    assert get_user_model().objects.get(username="demo-clerk").check_password(PASSWORD)


def test_output_lists_counts_and_sign_ins(demo):
    assert f"演示办件 {len(demo_cases.CASES)}" in demo
    for text in ["窗口", "工作人员", "事项", "bianmin-demo", "admin", "demo-clerk", "demo-manager", "demo-supervisor",
                 "demo-agent", "demo-handler"]:
        assert text in demo
    quiet = io.StringIO()
    call_command("demo", "--quiet", stdout=quiet)
    assert quiet.getvalue() == ""


# ---------------------------------------------------------------- demo counter cases

def test_demo_cases_cover_every_state(demo):
    cases = list(demo_case_rows())
    assert len(cases) == len(demo_cases.CASES) and 25 <= len(cases) <= 45
    by_status: dict[str, list[Case]] = {}
    for case in cases:
        by_status.setdefault(case.status, []).append(case)
    assert set(by_status) == {s.value for s in Status}
    centre = Site.objects.get(kind=Site.Kind.CENTER)
    town = Site.objects.get(name="青石镇便民服务中心")
    assert {(c.handled_by.username, c.site) for c in cases} == {
        ("demo-clerk", centre), ("demo-clerk2", centre), ("demo-town-clerk", town)}
    assert sum(c.handled_by.username == "demo-clerk" for c in cases) >= 20

    assert all(c.answer for c in by_status["consultation"])
    instant = [c for c in by_status["completed"] if c.handling_type == HandlingType.INSTANT]
    assert len(instant) >= 4
    for case in instant:  # 即办件: finished on the spot
        assert case.completed_at - case.accepted_at < dt.timedelta(minutes=30)
        assert case.clock.status == Clock.Status.STOPPED and case.clock.warning == "none"
    for case in by_status["completed"]:
        assert case.result and case.delivery and case.delivered_on, case
        assert case.delivery != "mail" or case.delivery_address
    assert any(e.data == {"on_time": False, "overdue_days": e.data["overdue_days"]} and e.data["overdue_days"] > 0
               for e in CaseEvent.objects.filter(case__in=cases, action="complete"))

    [waiting] = by_status["awaiting_supplement"]
    assert waiting.clock.status == Clock.Status.PAUSED and waiting.clock.pauses.filter(ended__isnull=True).exists()
    assert waiting.supplement_materials and waiting.supplement_deadline >= DEMO_NOW.date()
    assert waiting.notices.filter(kind=Notice.Kind.SUPPLEMENT).exists()
    [rejected] = by_status["rejected"]
    assert rejected.rejection_ground and len(rejected.rejection_reason) > 20
    assert rejected.notices.filter(kind=Notice.Kind.REJECTION).exists()
    [routed] = by_status["out_of_remit"]
    assert routed.routed_to and routed.answer and routed.routed_answer_due
    assert Notice.objects.filter(case__in=cases, kind=Notice.Kind.EXTENSION).count() == 1
    assert sum(c.status == "accepted" and c.handling_type == HandlingType.COMMITTED for c in cases) >= 6

    handler_unit = Membership.objects.get(user__username="demo-handler").unit
    [handed] = by_status["handed_over"]
    assert handed.handover_department == handler_unit and handed.handover_clock.status == Clock.Status.RUNNING
    with timeutil.travel_to(DEMO_NOW):
        assert timezone.localtime(handed.handover_clock.due_at).date() == handover_return_date(handed)
    assert "return_by" in handed.events.get(action="hand_over").data
    [returned] = by_status["result_returned"]
    assert returned.handover_department == handler_unit and returned.result

    [forwarded] = by_status["forwarded"]
    assert forwarded.site == town and forwarded.forwarded_to == centre

    joint = [c for c in cases if c.handling_type == HandlingType.JOINT and c.status == "accepted"]
    assert joint
    tasks = list(joint[0].joint_tasks.select_related("department"))
    assert len(tasks) == 2 and sum(t.finished_at is not None for t in tasks) == 1
    assert any(t.department == handler_unit and t.finished_at is None for t in tasks)

    proxy = [c for c in cases if hasattr(c, "entrustment")]
    assert len(proxy) == 1 and proxy[0].entrustment.agent_name and proxy[0].entrustment.scope
    assert Staff.objects.filter(name=proxy[0].entrustment.agent_name, posts__window__site__kind=Site.Kind.STATION).exists()


def test_demo_clerk_queue_has_overdue_due_soon_and_todays_cases(demo):
    clerk = get_user_model().objects.get(username="demo-clerk")
    buckets = queue(clerk)
    assert len(buckets["overdue"]) >= 2 and len(buckets["due_soon"]) >= 2
    assert buckets["today"] and buckets["open"]
    # The deadline sweep ran once: the warnings are flagged on the clocks, as the worker would flag them.
    for case in buckets["overdue"]:
        assert case.clock.warning == "red" and ClockEvent.objects.filter(clock=case.clock, warning="red").exists()
    for case in buckets["due_soon"]:
        assert case.clock.warning == "yellow"
    # The handler sees what was handed to the civil-affairs bureau.
    handler = get_user_model().objects.get(username="demo-handler")
    seen = {c.status for bucket in queue(handler).values() for c in bucket}
    assert {"handed_over", "result_returned", "accepted"} <= seen


def test_every_demo_case_has_a_genuine_history(demo):
    now = timezone.make_aware(DEMO_NOW)
    cal = get_calendar()
    cases = list(demo_case_rows().prefetch_related("events"))
    for case in cases:
        events = list(case.events.all())
        assert events and events[0].action == "register" and events[0].at == case.created_at, case
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert events[-1].to_status == case.status
        assert all(e.at < now and cal.is_working(timezone.localtime(e.at).date()) for e in events), case
        assert case.number == f"BJ{timezone.localtime(case.created_at):%Y%m%d}{case.number[-5:]}"
        assert FirstContact.objects.filter(case=case, owner=case.handled_by).exists()
        assert re.fullmatch(r"139\d{8}", case.applicant_phone)
        assert check_digit_ok(case.applicant_id_number) and case.applicant_id_number.startswith("580322")
    days = {timezone.localtime(c.created_at).date() for c in cases}
    assert len(days) >= 10 and min(days) >= DEMO_NOW.date() - dt.timedelta(days=31)
    assert DEMO_NOW.date() in days
    # Numbers follow the order of registration, as at a real counter.
    assert sorted(cases, key=lambda c: c.number) == sorted(cases, key=lambda c: (c.created_at, c.pk))
    assert len({c.applicant_id_number for c in cases}) == len(cases)


def check_digit_ok(number: str) -> bool:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return (len(number) == 18 and number[:17].isdigit()
            and "10X98765432"[sum(int(d) * w for d, w in zip(number, weights)) % 11] == number[17])


# ---------------------------------------------------------------- demo ratings and bad-review tickets

def test_demo_ratings_leave_the_newest_cases_for_the_visitor_to_rate(demo):
    finished = list(Case.objects.filter(status="completed").order_by("completed_at", "id"))
    rated = set(Rating.objects.filter(stage="complete").values_list("case_id", flat=True))
    assert rated and all(c.pk not in rated for c in finished[-3:])
    assert "好差评" in demo and "留待您亲自评价" in demo


def test_demo_bad_reviews_show_each_stage_of_the_loop(demo):
    bad = Rating.objects.filter(level__in=["dissatisfied", "very_dissatisfied"], stage="complete")
    assert bad.count() == Ticket.objects.count() >= 3
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {"closed", "answered", "rectifying"} <= statuses
    closed = Ticket.objects.get(status="closed")
    assert closed.followup_rating is not None and closed.feedback_text
    # Every step is in the history, at the moment it happened, after the rating.
    for ticket in Ticket.objects.all():
        events = list(TicketEvent.objects.filter(ticket=ticket).order_by("at", "id"))
        assert events[0].action == "create" and all(e.at >= ticket.created_at for e in events)
        assert all(e.at <= timezone.make_aware(DEMO_NOW) for e in events)
