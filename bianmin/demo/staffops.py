"""Demo staff assessment (issue 17): a month and a bit of attendance, inspections and patrols, quality-service
records and the standardisation checklist, for the county centre, the persona township centre (青石镇) and one of
its village stations; then the month's deductions and warnings are derived (staffops.facts) and last month's
awards decided (staffops.awards), so the demo opens with scores, a personal warning and a 流动红旗 held this month.

- Attendance: sign-in and sign-out rows (hall.Presence) for every working day of the previous month and of this
  month so far, for everybody working at the three sites, mostly before opening and after closing; a few people
  late or leaving early once or twice a month; demo-clerk (ZW011) late four times last month (−1 each: 96, and a
  效能告诫 for more than 3, seed 003); one approved leave day (no punches that day, no absence).
- Inspections: an open check (明查) and a mystery-customer visit (神秘客户) last month, an undercover check (暗访)
  on the last working day before today with one finding of a prohibited behaviour (−2); the hall heads' patrols
  twice a day over the last working days (seed 002: 巡查每天不少于2次).
- Quality-service records of every kind at the centre (seed 003 第六條), a training with exam scores (第八條) and
  this year's supervisor meeting (第七條); one customer visit at the township centre.
- The checklist: the centre passes all but one item, the township centre all, the village station five of its six
  elements (seed 004).

Rows are written directly (bulk_create, shaped as the services write them); the derivation and the awards go
through staffops' own functions. Deterministic: every random choice comes from a generator seeded by the person and
the month (or day). Idempotent like the rest of the demo: a day's punches are added only for people without any
that day, each other part only when the site has none yet; nothing is changed or deleted.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from bianmin.core import timeutil
from bianmin.hall import hours
from bianmin.hall.models import DutyDay, LeaveEvent, LeaveRequest, Presence
from bianmin.hall.services import site_staff
from bianmin.orgs.models import Site, Staff, WindowPost
from bianmin.staffops import checklists, rules
from bianmin.staffops.inspections import score_of
from bianmin.staffops.models import (
    Inspection,
    InspectionCheck,
    InspectionFinding,
    QualityRecord,
    SiteCheckAnswer,
    TrainingResult,
)

TOWN_NAME = "青石镇"
LATE_PERSON = "ZW011"  # demo-clerk: four late arrivals last month (seed 003: more than 3 a month → 效能告诫)
LATE_DAYS = 4
LEAVE_PERSON = "ZW051"
FINDING_PERSON = "ZW061"  # seen browsing unrelated pages during the undercover check
PATROL_DAYS = 5  # the last working days with the hall head's two patrols
TRAINEES = 12
Kind = QualityRecord.Kind

PATROL_NOTES = (
    "大厅秩序良好，各窗口人员在岗，导办台引导有序。",
    "等候区座位充足，叫号正常，无群众长时间滞留。",
    "检查A/B岗到位情况：各窗口无空岗。",
    "公示栏内容已更新，饮水机、老花镜等便民设施齐全。",
    "午间不间断服务窗口人员在岗，大厅卫生整洁。",
    "抽查一次性告知情况，窗口人员能完整告知所需材料。",
)

RECORDS = (  # (kind, days before today, title, summary, participants)
    (Kind.CUSTOMER_VISIT, 52, "走访城东工业园区企业，了解开办和项目审批需求",
     "走访企业5家，收集意见建议8条：希望增加企业开办专窗的预约时段、提供工程建设项目审批帮办服务。已交综合受理科研究落实。",
     "中心主任、综合受理科、企业开办窗口"),
    (Kind.RETURN_VISIT, 19, "差评整改回访：不动产登记窗口等候时间长",
     "电话回访差评群众，告知已增设一个不动产登记窗口并推行预约办理，群众表示满意。",
     "不动产登记窗口负责人"),
    (Kind.LETTER_VISIT, 33, "群众来信：反映社保窗口午间无人办理",
     "来信反映中午到社保窗口无人办理。核实后，社会事务综合窗口实行午间不间断服务，已书面答复来信人。",
     "办公室"),
    (Kind.LEADER_RECEPTION, 12, "中心领导接待日",
     "中心主任在导办台接待群众6人次，现场解决户籍迁移材料问题1件，其余转相关窗口按一次性告知办理。",
     "中心主任、值班主任"),
    (Kind.SUPERVISOR_MEETING, 61, "年度行风监督员座谈会",
     "邀请行风监督员8名座谈，通报好差评和整改情况，征求意见12条，逐条明确责任窗口和整改时限。",
     "行风监督员8名、中心领导班子、各窗口负责人"),
    (Kind.TRAINING, 27, "文明服务与一次性告知专题培训",
     "培训内容：窗口服务规范、文明用语、一次性告知和首问负责制。培训后闭卷考试，试卷及成绩单存档。",
     "中心全体窗口工作人员"),
    (Kind.KEY_ACTIVITY, 44, "“优质服务月”启动暨服务承诺公开活动",
     "各窗口公开服务承诺，设立意见箱和监督电话，发放办事指南300余份。",
     "中心全体工作人员、行风监督员代表"),
)
TOWN_RECORD = (Kind.CUSTOMER_VISIT, 21, "走访辖区种植大户，宣传涉农补贴网上办理",
               "走访种植大户4户，现场指导手机端申报耕地地力保护补贴。", "便民服务中心主任、农业服务窗口")

FAILED_CENTRE_ITEM = ("counter", "东侧3个窗口柜台高95cm，超出80~90cm标准，已报请改造。")
MISSING_VILLAGE_ITEM = ("has_register", "未建立服务事项登记簿，代办事项只记在个人笔记本上。")


@dataclass
class Result:
    created: Counter = field(default_factory=Counter)


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _previous_month(first: dt.date) -> dt.date:
    return _month_start(first - dt.timedelta(days=1))


@contextlib.contextmanager
def _hours_read_once():
    """hall.hours.sessions_on answered once per site and day while the demo loads staff assessment.

    hall.attendance.month asks for the hours of every day of every person's month (three queries a day), which
    made deriving two months for the demo's ~50 people take over ten seconds; nothing changes the hours while
    the demo loads, so the answers are kept for the duration of the block and the function is put back after."""
    original = hours.sessions_on
    memo: dict[tuple[int, dt.date], list] = {}

    def read_once(site, day: dt.date) -> list:
        key = (site.pk, day)
        if key not in memo:
            memo[key] = original(site, day)
        return memo[key]

    hours.sessions_on = read_once
    try:
        yield
    finally:
        hours.sessions_on = original


class _Staffops:
    def __init__(self, loader) -> None:
        self.result = Result()
        self.now = timeutil.now()
        self.today = timezone.localdate(self.now)
        self.this_month = _month_start(self.today)
        self.last_month = _previous_month(self.this_month)
        self.centre: Site = loader.centre
        self.town: Site = loader.township_sites[TOWN_NAME]
        self.station: Site | None = next((site for village, site in loader.stations
                                          if village.parent_id == self.town.unit_id), None)
        self.sites = [s for s in (self.centre, self.town, self.station) if s is not None]
        users = get_user_model().objects.filter(
            username__in=["demo-manager", "demo-town-manager", "demo-supervisor"])
        self.users = {u.username: u for u in users}
        self._month_days: dict[tuple[int, dt.date], list[dt.date]] = {}
        self.staff_ids: set[int] = set()  # the people whose attendance the demo keeps

    def count(self, model, n: int) -> None:
        if n:
            self.result.created[model._meta.model_name] += n

    def sessions(self, site: Site, day: dt.date) -> list:
        return hours.sessions_on(site, day)  # read once per site and day (run: _hours_read_once)

    def span(self, site: Site, day: dt.date, on_duty: bool = False) -> tuple[dt.datetime, dt.datetime] | None:
        """The working span of a day as hall.attendance reads it: the regular sessions, or a duty day's session
        for the people it names."""
        sessions = self.sessions(site, day)
        spans = [s for s in sessions if s.kind == "regular"] or [s for s in sessions if s.kind == "duty" and on_duty]
        if not spans:
            return None
        return _aware(day, min(s.start for s in spans)), _aware(day, max(s.end for s in spans))

    def working_days(self, site: Site, first: dt.date, last: dt.date) -> list[dt.date]:
        days, day = [], first
        while day <= last:
            if self.span(site, day):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def month_days(self, site: Site, month: dt.date) -> list[dt.date]:
        """Every working day of the month (the whole month, so the choices of a re-run later are the same)."""
        key = (site.pk, month)
        if key not in self._month_days:
            end = _month_start(month + dt.timedelta(days=32)) - dt.timedelta(days=1)
            self._month_days[key] = self.working_days(site, month, end)
        return self._month_days[key]

    def manager(self, site: Site):
        return self.users.get("demo-manager" if site == self.centre else "demo-town-manager")

    # -- leave ------------------------------------------------------------------------------------
    def load_leave(self) -> None:
        """One approved leave day last month (a full working day: no punches, and no absence)."""
        person = Staff.objects.filter(work_id=LEAVE_PERSON).first()
        days = self.month_days(self.centre, self.last_month)
        if person is None or len(days) < 6:
            return
        day = days[5]
        start, end = self.span(self.centre, day)
        if LeaveRequest.objects.filter(staff=person, starts_at__lt=end, ends_at__gt=start).exists():
            return
        asked = _aware(days[3], dt.time(16, 40))
        own_windows = WindowPost.objects.filter(staff=person, post=WindowPost.Post.A).values("window")
        cover = (WindowPost.objects.filter(window__in=own_windows, post=WindowPost.Post.B).exclude(staff=person)
                 .select_related("staff").first())
        leave = LeaveRequest.objects.create(
            staff=person, site=self.centre, starts_at=start, ends_at=end, kind=LeaveRequest.Kind.ANNUAL,
            reason="家中老人就医陪护", cover=cover.staff if cover else None, status=LeaveRequest.Status.APPROVED,
            created_at=asked)
        LeaveEvent.objects.bulk_create([
            LeaveEvent(leave=leave, actor=person.user, from_status="", to_status=LeaveRequest.Status.REQUESTED,
                       at=asked),
            LeaveEvent(leave=leave, actor=self.users.get("demo-manager"), from_status=LeaveRequest.Status.REQUESTED,
                       to_status=LeaveRequest.Status.APPROVED, note="同意，B岗顶岗", at=asked + dt.timedelta(minutes=35)),
        ])
        self.count(LeaveRequest, 1)

    # -- attendance -------------------------------------------------------------------------------
    def slips(self, person: Staff, site: Site, month: dt.date) -> tuple[set[dt.date], set[dt.date]]:
        """(late days, early days) of a person in a month: four late days for LATE_PERSON last month; for the
        others at most two slips a month, so nobody else reaches a warning."""
        days = self.month_days(site, month)
        rng = random.Random(f"bianmin-demo-staffops-{person.work_id}-{month:%Y%m}")
        if not days:
            return set(), set()
        if person.work_id == LATE_PERSON and month == self.last_month:
            return set(rng.sample(days, min(LATE_DAYS, len(days)))), set()
        if person.work_id == LATE_PERSON:
            return set(), set()
        roll = rng.random()
        late = set(rng.sample(days, 1)) if roll < 0.3 else set()
        early = {rng.choice(days)} - late if 0.2 <= roll < 0.35 else set()
        return late, early

    def load_attendance(self) -> None:
        lo = _aware(self.last_month, dt.time.min)
        rows: list[Presence] = []
        for site in self.sites:
            people = list(site_staff(site).select_related("user"))
            ids = [p.pk for p in people]
            self.staff_ids.update(ids)
            signed = {(staff_id, timezone.localtime(at).date()) for staff_id, at in
                      Presence.objects.filter(staff_id__in=ids, at__gte=lo).values_list("staff_id", "at")}
            leaves: dict[int, list] = {}
            for staff_id, start, end in LeaveRequest.objects.filter(
                    staff_id__in=ids, status=LeaveRequest.Status.APPROVED, ends_at__gt=lo).values_list(
                    "staff_id", "starts_at", "ends_at"):
                leaves.setdefault(staff_id, []).append((start, end))
            duty = {(s, d) for s, d in DutyDay.objects.filter(site=site, date__gte=self.last_month)
                    .values_list("staff", "date") if s}
            windows = {}
            for post in WindowPost.objects.filter(staff_id__in=ids, window__site=site).order_by("post", "window__number"):
                windows.setdefault(post.staff_id, post.window_id)
            for person in people:
                slips = {m: self.slips(person, site, m) for m in (self.last_month, self.this_month)}
                day = self.last_month
                while day <= self.today:
                    span = self.span(site, day, (person.pk, day) in duty)
                    if span and (person.pk, day) not in signed and not any(
                            s < span[1] and e > span[0] for s, e in leaves.get(person.pk, ())):
                        late, early = slips[_month_start(day)]
                        rows += self.punches(person, windows.get(person.pk), day, span, day in late, day in early)
                    day += dt.timedelta(days=1)
        Presence.objects.bulk_create(rows)
        self.count(Presence, len(rows))

    def punches(self, person: Staff, window_id, day: dt.date, span, late: bool, early: bool) -> list[Presence]:
        rng = random.Random(f"bianmin-demo-staffops-{person.work_id}-{day.isoformat()}")
        start, end = span
        came = start + dt.timedelta(minutes=rng.randint(4, 35)) if late \
            else start - dt.timedelta(minutes=rng.randint(5, 25), seconds=rng.randrange(60))
        left = end - dt.timedelta(minutes=rng.randint(10, 45)) if early \
            else end + dt.timedelta(minutes=rng.randint(1, 20), seconds=rng.randrange(60))
        out = []
        if came <= self.now:
            out.append(Presence(staff=person, window_id=window_id, kind=Presence.Kind.IN, at=came))
        if left <= self.now:
            out.append(Presence(staff=person, window_id=window_id, kind=Presence.Kind.OUT, at=left))
        return out

    # -- inspections and patrols ----------------------------------------------------------------------
    def load_inspections(self) -> None:
        supervisor = self.users.get("demo-supervisor")
        if supervisor is None or Inspection.objects.filter(site__in=self.sites).exclude(
                kind=Inspection.Kind.PATROL).exists():
            return
        last = self.month_days(self.centre, self.last_month)
        before_today = [d for d in self.working_days(self.centre, self.last_month, self.today) if d < self.today]
        if len(last) < 15 or not before_today:
            return
        culprit = Staff.objects.filter(work_id=FINDING_PERSON).first()
        window = WindowPost.objects.filter(staff=culprit, post=WindowPost.Post.A).values_list(
            "window_id", flat=True).first() if culprit else None
        self.inspection(self.centre, Inspection.Kind.OPEN, supervisor, _aware(last[8], dt.time(10, 5)),
                        "县政务服务中心季度明查：各窗口佩证上岗、着装规范，服务用语文明。", {})
        self.inspection(self.town, Inspection.Kind.MYSTERY, supervisor, _aware(last[14], dt.time(9, 40)),
                        "神秘客户以办理老年人优待证身份体验服务。",
                        {"one_time_notice": "未一次性告知全部材料，需第二次补交户口簿复印件。"})
        found = {"no_unrelated": "6号窗口工作人员工作时间用手机浏览与工作无关的网页。"} if culprit else {}
        undercover = self.inspection(self.centre, Inspection.Kind.UNDERCOVER, supervisor,
                                     _aware(before_today[-1], dt.time(15, 20)),
                                     "暗访：下午办理高峰时段随机察看各窗口。", found)
        if culprit:
            InspectionFinding.objects.create(inspection=undercover, rule_code=rules.PROHIBITED, staff=culprit,
                                             window_id=window, note=found["no_unrelated"])
            self.count(InspectionFinding, 1)

    def inspection(self, site: Site, kind: str, inspector, at: dt.datetime, note: str,
                   failed: dict[str, str]) -> Inspection:
        items = checklists.inspection_items()
        score = score_of(sum(1 for item in items if item.code not in failed), len(items))
        made = Inspection.objects.create(site=site, kind=kind, inspector=inspector, at=at, note=note, score=score,
                                         created_at=at + dt.timedelta(minutes=40))
        InspectionCheck.objects.bulk_create([
            InspectionCheck(inspection=made, code=item.code, label=str(item.label)[:200],
                            passed=item.code not in failed, note=failed.get(item.code, "")) for item in items])
        self.count(Inspection, 1)
        return made

    def load_patrols(self) -> None:
        """The hall head's two patrols a day (seed 002) over the last working days, none after now."""
        rows = []
        for site in (self.centre, self.town):
            head = self.manager(site)
            if head is None:
                continue
            days = self.working_days(site, self.today - dt.timedelta(days=14), self.today)[-PATROL_DAYS:]
            done = {timezone.localtime(at).date() for at in Inspection.objects.filter(
                site=site, kind=Inspection.Kind.PATROL, at__gte=_aware(days[0], dt.time.min) if days else self.now)
                .values_list("at", flat=True)}
            for day in days:
                if day in done:
                    continue
                rng = random.Random(f"bianmin-demo-patrol-{site.pk}-{day.isoformat()}")
                for time in (dt.time(9, rng.randint(0, 40)), dt.time(15, rng.randint(0, 50))):
                    at = _aware(day, time)
                    if at <= self.now:
                        rows.append(Inspection(site=site, kind=Inspection.Kind.PATROL, inspector=head, at=at,
                                               note=rng.choice(PATROL_NOTES), created_at=at))
        Inspection.objects.bulk_create(rows)
        self.count(Inspection, len(rows))

    # -- quality-service records ------------------------------------------------------------------------
    def record_day(self, back: int, kind: str) -> dt.date:
        day = self.today - dt.timedelta(days=back)
        if kind == Kind.SUPERVISOR_MEETING:  # this year's meeting (第七條), whenever the demo is loaded
            day = max(day, dt.date(self.today.year, 1, 1))
        return day

    def load_records(self) -> None:
        for site, specs in ((self.centre, RECORDS), (self.town, (TOWN_RECORD,))):
            author = self.manager(site)
            if author is None or QualityRecord.objects.filter(site=site).exists():
                continue
            for kind, back, title, summary, participants in specs:
                day = self.record_day(back, kind)
                record = QualityRecord.objects.create(
                    site=site, kind=kind, date=day, title=title, summary=summary, participants=participants,
                    created_by=author, created_at=min(_aware(day, dt.time(17, 10)), self.now))
                self.count(QualityRecord, 1)
                if kind == Kind.TRAINING:
                    self.training(site, record)

    def training(self, site: Site, record: QualityRecord) -> None:
        """Attendance and exam scores of the site's window staff (S003 第八條: 考試試卷及成績單); one absent."""
        people = [p for p in site_staff(site) if WindowPost.objects.filter(staff=p, window__site=site).exists()]
        rng = random.Random(f"bianmin-demo-training-{record.date.isoformat()}")
        rows = []
        for n, person in enumerate(people[:TRAINEES]):
            absent = n == 3
            score = None if absent else Decimal(rng.randint(150, 196)) / 2  # 75.0–98.0 in halves
            rows.append(TrainingResult(record=record, staff=person, attended=not absent, exam_score=score))
        TrainingResult.objects.bulk_create(rows)
        self.count(TrainingResult, len(rows))

    # -- the standardisation checklist -------------------------------------------------------------------
    def load_checklists(self) -> None:
        checker = {self.centre: self.users.get("demo-manager"), self.town: self.users.get("demo-town-manager"),
                   self.station: self.users.get("demo-supervisor")}
        failed = {self.centre: dict([FAILED_CENTRE_ITEM]), self.town: {}, self.station: dict([MISSING_VILLAGE_ITEM])}
        rows = []
        for site in self.sites:
            user = checker.get(site)
            if user is None or SiteCheckAnswer.objects.filter(site=site).exists():
                continue
            at = self.now - dt.timedelta(days=9)
            for item in checklists.site_items(site):
                passed, note = item.code not in failed[site], failed[site].get(item.code, "")
                if item.code == "hall_area" and site.hall_area is not None:
                    passed, note = site.hall_area >= 100, f"实测大厅面积 {site.hall_area} ㎡"
                rows.append(SiteCheckAnswer(site=site, code=item.code, passed=passed, note=note, checked_by=user,
                                            checked_at=at))
        SiteCheckAnswer.objects.bulk_create(rows)
        self.count(SiteCheckAnswer, len(rows))

    # -- derived: deductions, warnings, awards -----------------------------------------------------------
    def derive(self) -> None:
        """Last month's and this month's deductions and warnings from the facts, then last month's awards of
        every site with windows (the 流动红旗 held this month). Both are idempotent."""
        from bianmin.staffops import awards, facts

        for month in (self.last_month, self.this_month):
            # Attendance of the people given punches here (the demo's only punches): asking for everybody
            # would read the attendance of some 200 village clerks who have none.
            facts.sync_month(month, sorted(self.staff_ids), now=self.now)
        # The county centre and the township centres; the village stations (one window each, so no 流动红旗, and
        # ~70 of them) get their star staff from the worker's award job on the 1st (awards.award_due), which
        # would double this stage here.
        for site in (Site.objects.filter(windows__isnull=False, kind__in=[Site.Kind.CENTER, Site.Kind.TOWNSHIP])
                     .distinct().select_related("unit").order_by("pk")):
            awards.award_month(site, self.last_month, now=self.now)

    def run(self) -> Result:
        with _hours_read_once():
            self.load_leave()
            self.load_attendance()
            self.load_inspections()
            self.load_patrols()
            self.load_records()
            self.load_checklists()
            self.derive()
        return self.result


def load(loader) -> Result:
    return _Staffops(loader).run()
