"""Facts for the award tests (tests/test_staffops_awards_*.py), written straight to the tables: windows with a
person posted, deductions and warnings as staffops.facts would derive them, ratings rolled up for the league's
confidence bound, and cases that ran past their time limit."""
from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from bianmin.cases.models import Case
from bianmin.core.models import Clock
from bianmin.orgs.models import Staff, Window, WindowPost
from bianmin.staffops.models import Deduction, EfficiencyWarning

TZ = ZoneInfo("Asia/Shanghai")
OCTOBER = dt.date(2026, 10, 1)
IN_OCTOBER = dt.datetime(2026, 10, 14, 10, 0, tzinfo=TZ)
ON_NOV_1 = dt.datetime(2026, 11, 1, 8, 0, tzinfo=TZ)
IN_NOVEMBER = dt.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
_keys = itertools.count(1)


def window(site, number: str, name: str = "综合窗口", staff_name: str | None = None, unit=None) -> Window:
    w = Window.objects.create(site=site, number=number, name=name)
    if staff_name:
        n = next(_keys)
        person = Staff.objects.create(name=staff_name, work_id=f"AW{n:04d}", origin_unit=unit or site.unit,
                                      employment=Staff.Employment.CIVIL)
        WindowPost.objects.create(window=w, staff=person, post=WindowPost.Post.A)
    return w


def person(w: Window) -> Staff:
    return w.posts.get().staff


def deduct(site, *, staff=None, window=None, points=1, at=IN_OCTOBER, code="late", label="迟到",
           bars_award=False, reversed=False) -> Deduction:
    at = at.astimezone(TZ)
    return Deduction.objects.create(
        site=site, staff=staff, window=window, rule_code=code, rule_label=label, points=points, at=at,
        month=at.date().replace(day=1), source="manual", source_key=f"award-test:{next(_keys)}", created_at=at,
        reversed=reversed, bars_award=bars_award, hits_person=staff is not None, hits_window=window is not None)


def barring(site, w: Window, at=IN_OCTOBER) -> Deduction:
    """S002: criticised by a higher authority, −50 and no award that year."""
    return deduct(site, window=w, staff=person(w) if w.posts.exists() else None, points=50, at=at,
                  code="criticised_higher", label="被上级通报批评", bars_award=True)


def warn(site, staff=None, *, unit=None, at=IN_OCTOBER, kind="personal") -> EfficiencyWarning:
    n = next(_keys)
    return EfficiencyWarning.objects.create(
        number=f"XNGJ-AW{n:05d}", kind=kind, reason_code="late_early" if kind == "personal" else "collective",
        reason="迟到早退累计超过3次", staff=staff, unit=unit or (staff.origin_unit if staff else site.unit),
        site=site, at=at, period=at.astimezone(TZ).date().replace(day=1), source_key=f"award-test-warning:{n}")


def ratings(site, w: Window, good: int, bad: int, day: dt.date = dt.date(2026, 10, 12)) -> None:
    from tests.stats_helpers import raw_rating

    for _ in range(good):
        raw_rating(site, day, "very_satisfied", window=w)
    for _ in range(bad):
        raw_rating(site, day, "very_dissatisfied", window=w)


def roll_up() -> None:
    from bianmin.stats import rollup

    rollup.rebuild()


def overdue_case(world, w: Window, due: dt.datetime = IN_OCTOBER, late_by: dt.timedelta = dt.timedelta(days=2)):
    """A case of window `w` due in October and finished after its due moment."""
    n = next(_keys)
    clock = Clock.objects.create(start=due - dt.timedelta(days=7), amount=5, unit="workdays", due_at=due,
                                 status=Clock.Status.STOPPED, stopped_at=due + late_by)
    return Case.objects.create(number=f"AW-{n:06d}", site=w.site, window=w, item=world.item_committed,
                               handling_type=world.item_committed.handling_type, applicant_name="测试申请人",
                               handled_by=world.clerk_a, clock=clock)
