"""Demo counter cases (办件): about three weeks of counter work, so the workbench looks like a real day.

DEMO DATA ONLY: applicants are fictional. Phone numbers are made-up 139 numbers; ID numbers are
well-formed 18-character values (valid check digit) under the demo county's division code 580322,
and province 58 does not exist (see regions.py), so none can belong to a real person.

Nothing here writes a status, a clock or a history row directly. Every case goes through the real
services (`register_case`, then `transition` for each action) inside `timeutil.travel_to(...)` at a
past moment, so case numbers, clocks, pauses, notices, first-contact rows and history carry the
dates they would have had. Days are counted on the working calendar back from today: `day=3` means
the third working day before today, `day=0` today (cases planned for later today than now, or for
a today that is not a working day, move to the previous working day). A case may instead ask for a
deadline state, e.g. `day=("red", 2)`: it is accepted on the second most recent working day on
which acceptance leaves it overdue today (or the furthest such day, when there are fewer), so the
queue has overdue and due-soon cases on any date.

Idempotent and non-destructive: the demo applicants' ID numbers are the natural key. When any
case with one of them exists, nothing is created (and nothing is ever deleted). After creating the
cases the deadline sweep runs once, so warnings are flagged as the worker would flag them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bianmin.cases import complaints, services
from bianmin.cases.models import Case, CounterComplaint, Delivery, FirstContact, RejectionGround
from bianmin.catalog.models import HandlingType, Item
from bianmin.core import timeutil
from bianmin.core.errors import CalendarNotCovered
from bianmin.core.jobs import sweep_deadlines
from bianmin.core.worktime.clock import ClockFacts, LimitUnit, evaluate
from bianmin.core.worktime.loader import get_calendar
from bianmin.orgs.models import Staff, Window

from . import regions

TOWNSHIP = "青石镇"  # the township of demo-town-clerk
HISTORY_WORKING_DAYS = 20  # how far back the demo may place a case
NOT_BEFORE = dt.timedelta(minutes=5)  # steps planned for today must lie at least this far in the past


# ------------------------------------------------------------------ placeholders resolved at run time

@dataclass(frozen=True)
class Dept:
    """The id of a county department (regions.DEPARTMENTS key)."""
    key: str


@dataclass(frozen=True)
class SiteOf:
    """The id of a demo site: "centre" (county 政务服务中心) or "township" (青石镇便民服务中心)."""
    key: str


@dataclass(frozen=True)
class Workdays:
    """ISO date `n` working days after the day of the step (0: that day)."""
    n: int


@dataclass(frozen=True)
class TaskOf:
    """The id of the case's joint task for that department."""
    key: str


# ------------------------------------------------------------------ the cases

@dataclass(frozen=True)
class Person:
    name: str
    sex: str  # "男" / "女"
    born: str  # YYYY-MM-DD


@dataclass(frozen=True)
class Step:
    offset: int  # working days after the registration day
    time: str  # HH:MM, local time
    action: str
    data: dict = field(default_factory=dict)
    actor: str = ""  # username; empty: the clerk who registered the case


@dataclass(frozen=True)
class DemoCase:
    clerk: str
    site: str  # "centre" / "township"
    item: str  # item key (demo/items.py)
    who: Person
    day: int | tuple[str, int]
    time: str  # registration time
    steps: tuple[Step, ...] = ()
    org: str = ""
    question: str = ""
    urgent: bool = False
    entrust: dict | None = None


def S(offset: int, time: str, action: str, actor: str = "", **data: Any) -> Step:
    return Step(offset, time, action, data, actor)


def answer(time: str, text: str) -> Step:
    return S(0, time, "answer_consultation", answer=text)


def accept(time: str, offset: int = 0, **data: Any) -> Step:
    return S(offset, time, "accept", **data)


def complete(offset: int, time: str, result: str, delivery: str = "window", address: str = "",
             actor: str = "") -> Step:
    data: dict[str, Any] = {"result": result, "delivery": delivery, "delivered_on": Workdays(0),
                            "public_notice": ""}
    if address:
        data["delivery_address"] = address
    return S(offset, time, "complete", actor, **data)


# Append new cases at the end: an applicant's phone and ID number derive from the case's position, and
# the ID numbers are how a later run recognises the demo cases it already created.
CLERK, CLERK2, TOWN = "demo-clerk", "demo-clerk2", "demo-town-clerk"
HANDLER, HANDLER2, MANAGER = "demo-handler", "demo-handler2", "demo-manager"

CASES: tuple[DemoCase, ...] = (
    # ---- today (moved to the previous working day when "now" is before these times) --------------
    DemoCase(CLERK, "centre", "rs01", Person("孙长林", "男", "1986-09-09"), 0, "09:12", (
        accept("09:14"),
        complete(0, "09:25", "已办理失业登记，登记信息已录入就业信息系统，可同步申领失业保险金。"),
    )),
    DemoCase(CLERK, "centre", "cl01", Person("崔晓丽", "女", "1979-03-28"), 0, "09:30", (
        answer("09:36", "残疾人证新办须先到县残联指定的评定医院做残疾评定，携带身份证或户口簿、2寸白底照片；"
                        "评定表出具后到1号、2号综合窗口或18号残联窗口申请，15个工作日内办结。"),
    ), question="咨询母亲听力残疾能否办理残疾人证，需要先做什么"),
    DemoCase(CLERK, "centre", "mz03", Person("魏红梅", "女", "1968-05-16"), 0, "09:45",
             question="丈夫突发脑梗住院，申请临时救助（申请人正在填写申请书）"),

    # ---- consultations answered ----------------------------------------------------------------
    DemoCase(CLERK, "centre", "rs04", Person("王秀兰", "女", "1962-05-14"), 1, "09:05", (
        answer("09:11", "首次申领社会保障卡请携带本人居民身份证和近期白底免冠彩色证件照片，到1号或2号综合窗口申领；"
                        "5个工作日内制卡，可选择邮寄到家，不收取费用。"),
    ), question="咨询首次申领社会保障卡要带哪些材料"),
    DemoCase(CLERK, "centre", "mz01", Person("刘建军", "男", "1971-09-02"), 3, "14:40", (
        answer("14:52", "可以申请。请准备低保申请书、共同生活家庭成员的居民身份证、户口簿和家庭经济状况核对授权书；"
                        "家庭成员有重病的另附县级以上医院的疾病诊断证明。可向户籍所在镇（街道）或本窗口提出。"),
    ), question="咨询家中有人重病，能否申请最低生活保障"),
    DemoCase(TOWN, "township", "ny02", Person("潘志华", "男", "1970-11-20"), 1, "10:20", (
        answer("10:31", "农机购置补贴实行“先购后补”：购机后携带身份证、购机发票、机具铭牌和人机合影照片到本中心"
                        "农业服务窗口申请，审核通过后补贴资金直接发放到本人银行账户。"),
    ), question="咨询购买微耕机能否申请农机购置补贴"),

    # ---- on-the-spot cases (即办件), finished within minutes -----------------------------------
    DemoCase(CLERK, "centre", "rs01", Person("张志明", "男", "1988-03-21"), 1, "10:05", (
        accept("10:07"),
        complete(0, "10:17", "已办理失业登记，登记信息已录入就业信息系统。"),
    )),
    DemoCase(CLERK, "centre", "yb03", Person("李淑珍", "女", "1958-11-30"), 2, "09:40", (
        accept("09:42"),
        complete(0, "09:52", "已完成城乡居民基本医疗保险参保登记，按年度缴费后享受医保待遇。"),
    )),
    DemoCase(CLERK, "centre", "rs06", Person("杨德福", "男", "1969-07-08"), 4, "15:10", (
        accept("15:12"),
        complete(0, "15:26", "已办理城乡居民基本养老保险参保登记，选择年缴费档次500元，已签订银行代扣协议。"),
    )),
    DemoCase(CLERK, "centre", "wj02", Person("赵春生", "男", "1990-02-17"), 7, "11:00", (
        accept("11:01"),
        complete(0, "11:09", "生育登记已完成，电子登记凭证已推送至申请人手机。", delivery=Delivery.ONLINE),
    )),
    DemoCase(CLERK2, "centre", "zr05", Person("邓小梅", "女", "1987-02-02"), 3, "09:20", (
        accept("09:21"),
        complete(0, "09:31", "已出具不动产登记资料查询结果证明（权利人本人查询）。"),
    )),
    DemoCase(TOWN, "township", "wj02", Person("蒋建平", "男", "1992-07-13"), 2, "15:00", (
        accept("15:02"),
        complete(0, "15:10", "生育登记已完成，登记凭证当场打印交申请人。"),
    )),

    # ---- committed cases (承诺件) in progress, on schedule --------------------------------------
    DemoCase(CLERK, "centre", "mz01", Person("吴国强", "男", "1966-12-05"), 2, "10:20", (accept("10:38"),)),
    DemoCase(CLERK, "centre", "cl01", Person("徐小燕", "女", "1985-06-23"), 5, "14:10", (accept("14:25"),)),
    DemoCase(CLERK, "centre", "yb05", Person("胡美华", "女", "1952-04-11"), 8, "09:50", (accept("10:05"),)),
    # Extended with the centre manager's approval: experts must assess the condition.
    DemoCase(CLERK, "centre", "yb04", Person("朱永福", "男", "1949-08-19"), 11, "10:40", (
        accept("10:55"),
        S(8, "15:00", "extend", amount=5, reason="需提请医保专家组对慢特病病种进行评审认定", approver=MANAGER),
    )),
    # 容缺受理: accepted with a supporting document missing, supplied two days later.
    DemoCase(CLERK, "centre", "mz06", Person("梁秋月", "女", "1970-10-07"), 6, "09:45", (
        accept("10:02", missing_materials=["本人银行账户信息（社会保障卡金融账户或银行卡）"],
               supplement_deadline=Workdays(3)),
        S(2, "10:30", "resume", note="已补交本人社会保障卡金融账户信息"),
    )),
    # Proxy service (代办): the village's 代办员 acts for an elderly applicant under an entrustment.
    DemoCase(TOWN, "township", "mz07", Person("苏德芳", "女", "1938-08-08"), 3, "09:30", (accept("09:48"),),
             entrust={"agent": "DB62201", "agent_phone": "13907622018",
                      "scope": "代为提交高龄津贴申请材料、代为领取审核结果并告知本人", "due_date": Workdays(10)}),

    # ---- due soon (yellow) and overdue (red) -----------------------------------------------------
    DemoCase(CLERK, "centre", "rs04", Person("高文静", "女", "2003-01-26"), ("yellow", 1), "09:30", (accept("09:41"),)),
    DemoCase(CLERK, "centre", "wj04", Person("林海波", "男", "1983-08-09"), ("yellow", 2), "14:30", (accept("14:52"),),
             org="澄溪县清泉足浴店"),
    DemoCase(CLERK, "centre", "mz07", Person("何翠英", "女", "1944-03-03"), ("yellow", 1), "10:10", (accept("10:21"),)),
    DemoCase(CLERK2, "centre", "zr01", Person("许卫国", "男", "1974-06-14"), ("yellow", 1), "11:00", (accept("11:30"),),
             org="澄溪县滨江置业有限公司"),
    DemoCase(CLERK, "centre", "rs03", Person("郭保国", "男", "1975-05-29"), ("red", 2), "09:20", (accept("09:33"),)),
    DemoCase(CLERK, "centre", "wj03", Person("马玉珍", "女", "1991-12-12"), ("red", 1), "15:20", (accept("15:40"),)),

    # ---- waiting for supplementary materials (补正): the clock is paused --------------------------
    DemoCase(CLERK, "centre", "mz03", Person("罗晓军", "男", "1980-09-16"), 4, "10:00", (
        accept("10:20"),
        S(2, "16:20", "request_supplement", materials=["住院医疗费用收费票据原件", "出院记录"],
          deadline=Workdays(5), note="申请人出院结算后补交"),
    ), urgent=True),
    # Supplement before acceptance, materials brought back, accepted and finished.
    DemoCase(CLERK, "centre", "cl02", Person("宋立平", "男", "1960-02-28"), 10, "14:00", (
        S(0, "14:15", "request_supplement", materials=["本人近期2寸白底免冠彩色照片"], deadline=Workdays(5)),
        S(2, "09:30", "resume", note="已补交照片"),
        accept("09:40", offset=2),
        complete(7, "11:00", "已换领第二代残疾人证。"),
    )),

    # ---- not accepted ----------------------------------------------------------------------------
    DemoCase(CLERK, "centre", "mz02", Person("郑家宝", "男", "1958-06-06"), 3, "11:30", (
        S(0, "11:48", "reject", ground=RejectionGround.FAILS_CONDITIONS,
          reason="经核查，申请人有法定赡养义务人且其具备赡养能力，不符合特困人员认定条件"
                 "（《社会救助暂行办法》第十四条）。申请人可另行申请最低生活保障或临时救助。"),
    )),
    DemoCase(CLERK, "centre", "rs03", Person("谢雨婷", "女", "1996-04-18"), 5, "16:00", (
        S(0, "16:12", "route_out", routed_to="云州市社会保险事业管理中心（参保地经办机构）", answer_days=1,
          answer="申请人的失业保险在云州市本级参保，应向参保地经办机构申领失业保险金。已电话联系该中心，"
                 "由其在1个工作日内告知申请人办理方式。"),
    )),

    # ---- handed over to a department (移交): 县民政局, where demo-handler works --------------------
    DemoCase(CLERK, "centre", "mz01", Person("韩德明", "男", "1963-01-09"), 6, "10:50", (
        accept("11:08"),
        S(1, "09:30", "hand_over", department_id=Dept("mz"), note="请开展入户调查和家庭经济状况核对"),
    )),
    DemoCase(CLERK, "centre", "mz09", Person("唐素芬", "女", "1957-07-21"), 10, "09:15", (
        accept("09:37"),
        S(1, "10:00", "hand_over", department_id=Dept("mz"), note="祖母为监护人，请核实父母死亡证明"),
        S(8, "16:40", "return_result", HANDLER, result="经审核，符合孤儿认定条件，同意自次月起按月发放孤儿基本生活费。"),
    )),
    DemoCase(CLERK, "centre", "mz03", Person("冯俊峰", "男", "1977-11-11"), 14, "10:00", (
        accept("10:16"),
        S(1, "09:20", "hand_over", department_id=Dept("mz"), note="因火灾致家庭生活困难，请核定救助金额"),
        S(6, "15:30", "return_result", HANDLER, result="核准临时救助金3000元。"),
        complete(7, "10:10", "准予临时救助3000元，已发放至申请人社会保障卡金融账户。", delivery=Delivery.MAIL,
                 address="澄溪县溪西街道西关路18号2栋3单元501室"),
    )),

    # ---- joint case (联办): two co-departments, one finished ---------------------------------------
    DemoCase(CLERK, "centre", "zj02", Person("于桂兰", "女", "1972-03-15"), 5, "09:35", (
        accept("10:05", co_departments=[
            {"department_id": Dept("mz"), "task": "家庭经济状况核对", "days": 10},
            {"department_id": Dept("zr"), "task": "家庭成员名下住房登记情况查询", "days": 3},
        ]),
        S(2, "15:30", "finish_joint_task", HANDLER2, task_id=TaskOf("zr"),
          note="经查询，申请人家庭成员在本县无不动产登记住房。"),
    )),
    DemoCase(CLERK2, "centre", "zr02", Person("傅晓红", "女", "1982-10-25"), 4, "10:15", (
        accept("10:40", co_departments=[{"department_id": Dept("sw"), "task": "存量房交易契税征收", "days": 1}]),
        S(1, "10:00", "finish_joint_task", task_id=TaskOf("sw"), note="契税已缴纳，完税信息已共享至登记系统。"),
        complete(2, "15:00", "已办理存量房转移登记，核发不动产权证书。"),
    )),

    # ---- forwarded upward (上报): 青石镇 to the county centre --------------------------------------
    DemoCase(TOWN, "township", "zr06", Person("沈家豪", "男", "1976-04-04"), 5, "10:00", (
        accept("10:25"),
        S(1, "09:40", "forward", site_id=SiteOf("centre"), note="报县自然资源局审批，镇村建办已完成现场踏勘"),
    )),
    DemoCase(TOWN, "township", "ly01", Person("彭玉英", "女", "1965-01-31"), 12, "14:30", (
        accept("14:50"),
        S(1, "09:10", "forward", site_id=SiteOf("centre"), note="报县林业局审批"),
        complete(5, "16:00", "县林业局已核发林木采伐许可证（采伐杉木蓄积12立方米）。"),
    )),

    # ---- completed committed cases -------------------------------------------------------------------
    DemoCase(CLERK, "centre", "rs07", Person("董志勇", "男", "1964-08-30"), 12, "10:30", (
        accept("10:44"),
        complete(4, "14:00", "已核定城乡居民基本养老保险待遇，自次月起按月发放至本人社会保障卡。"),
    )),
    # Finished after its committed date: the history records it as overdue.
    DemoCase(CLERK, "centre", "wj01", Person("程思雨", "女", "1995-05-05"), 15, "09:00", (
        accept("09:26"),
        complete(13, "15:00", "已补发出生医学证明（原助产机构分娩记录核实后出具）。", delivery=Delivery.MAIL,
                 address="澄溪县溪东街道文昌路36号"),
    )),
    DemoCase(CLERK, "centre", "yb06", Person("曹金花", "女", "1993-09-27"), 9, "14:20", (
        accept("14:35"),
        complete(6, "11:20", "已核定生育津贴，发放至本人社会保障卡金融账户。", delivery=Delivery.ONLINE),
    )),
    DemoCase(CLERK2, "centre", "zr03", Person("袁明亮", "男", "1985-12-19"), 1, "10:00", (
        accept("10:20"),
        complete(0, "16:30", "已办理抵押权首次登记，核发不动产登记证明。"),
    )),

    # ---- counter rules (issue 18) ------------------------------------------------------------------
    # 退回件: after a site visit the application does not meet the conditions; returned with written reasons.
    DemoCase(CLERK2, "centre", "zr06", Person("陶建新", "男", "1968-02-14"), 6, "10:10", (
        accept("10:30"),
        S(2, "15:40", "return_application", CLERK2, ground="not_qualified",
          reasons=["经现场踏勘，拟建房屋位于河道管理范围内，不符合村庄规划", "不具备乡村建设规划许可核发条件"]),
    )),
    # 退回件 whose applicant asked for a review (复核): the centre manager has it to decide.
    DemoCase(CLERK, "centre", "mz02", Person("石春兰", "女", "1961-10-03"), 5, "09:20", (
        accept("09:40"),
        S(1, "16:00", "return_application", ground="against_policy",
          reasons=["经入户调查，申请人有具备赡养能力的法定赡养义务人，不符合特困人员认定条件"]),
        S(2, "10:00", "request_review", reason="申请人称赡养义务人长期在外务工、收入不稳定，提交了务工收入证明"),
    )),
    # 急办件: designated by the centre manager with a shorter limit; the lead window has the notice.
    DemoCase(CLERK, "centre", "mz03", Person("彭晓光", "男", "1984-07-19"), 1, "09:10", (
        accept("09:25"),
        S(0, "09:40", "designate_urgent", MANAGER, limit_workdays=2,
          reason="申请人家中突发火灾，全家临时安置，急需救助"),
    )),
    # 特别程序 running: a site survey pauses the clock.
    DemoCase(CLERK2, "centre", "zr01", Person("邱德胜", "男", "1973-05-22"), 4, "14:20", (
        accept("14:40"),
        S(1, "10:00", "start_special_procedure", CLERK2, kind="site_survey", planned_workdays=5,
          note="需现场勘察房屋界址"),
    )),
    # 特别程序 ended, case completed; 低保 results are published (办结公告).
    DemoCase(CLERK, "centre", "mz01", Person("龙桂芝", "女", "1955-12-08"), 9, "10:00", (
        accept("10:15"),
        S(1, "09:30", "start_special_procedure", kind="public_notice", planned_workdays=5,
          note="低保审核确认前在村（居）务公开栏公示"),
        S(7, "09:00", "end_special_procedure", result="公示期内无异议"),
        complete(8, "15:00", "准予享受最低生活保障，自次月起按月发放。"),
    )),
)

# First contacts that did not open a case (首问登记 log): one answered, one guided to a window.
CONTACTS = (
    {"day": 1, "time": "11:15", "visitor_name": "钱立新", "visitor_phone": "13905813377",
     "question": "咨询住房公积金提取", "outcome": FirstContact.Outcome.ANSWERED},
    {"day": 2, "time": "14:05", "visitor_name": "顾婷婷", "visitor_phone": "13905826419",
     "question": "为孩子申领护照", "outcome": FirstContact.Outcome.GUIDED, "window": "12", "person": "ZW121"},
)


# ------------------------------------------------------------------ fictional identities

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(index: int, person: Person) -> str:
    """An 18-character ID number under the demo county's code, sex digit and check digit included."""
    sex = (index % 5) * 2 + (1 if person.sex == "男" else 0)
    body = f"{regions.COUNTY_PREFIX}{person.born.replace('-', '')}{10 + index % 90:02d}{sex}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS))
    return body + "10X98765432"[total % 11]


def phone(index: int) -> str:
    return f"139{(index * 3_719_113 + 5_803_220) % 100_000_000:08d}"


def demo_id_numbers() -> list[str]:
    return [id_number(i, spec.who) for i, spec in enumerate(CASES)]


def existing_cases():
    return Case.objects.filter(applicant_id_number__in=demo_id_numbers())


# ------------------------------------------------------------------ loading

@dataclass
class Result:
    created: int = 0
    total: int = 0
    notes: list[str] = field(default_factory=list)


class _Runner:
    def __init__(self, loader, now: dt.datetime) -> None:
        self.now = timezone.localtime(now)
        self.cal = get_calendar()
        self.items: dict[str, Item] = loader.items
        self.departments = loader.departments
        self.sites = {"centre": loader.centre, "township": loader.township_sites[TOWNSHIP]}
        names = {s.clerk for s in CASES} | {st.actor for s in CASES for st in s.steps if st.actor}
        self.users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
        today = self.now.date()
        back: list[dt.date | None] = [today if self.cal.is_working(today) else None]
        day = today
        while len(back) <= HISTORY_WORKING_DAYS:
            day -= dt.timedelta(days=1)
            if self.cal.is_working(day):
                back.append(day)
        self.days = back  # days[k]: k-th working day before today; days[0] today (None on a rest day)

    # -- when --------------------------------------------------------------------------------------
    def moment(self, day: dt.date, hhmm: str) -> dt.datetime:
        hour, minute = map(int, hhmm.split(":"))
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    def _fits(self, k: int, spec: DemoCase) -> bool:
        """Are all of the case's moments, registered on days[k], in the past?"""
        for offset, hhmm in [(0, spec.time)] + [(s.offset, s.time) for s in spec.steps]:
            if k - offset < 0 or self.days[k - offset] is None:
                return False
            if self.moment(self.days[k - offset], hhmm) > self.now - NOT_BEFORE:
                return False
        return True

    def _limit(self, item: Item) -> tuple[int, LimitUnit]:
        if item.handling_type == HandlingType.INSTANT:
            return settings.BIANMIN["INSTANT_LIMIT_MINUTES"], LimitUnit.MINUTES
        return item.committed_limit, LimitUnit(item.committed_unit)

    def registration_day(self, spec: DemoCase) -> int | None:
        if isinstance(spec.day, int):
            k = spec.day
            while k < len(self.days) and not self._fits(k, spec):
                k += 1
            return k if k < len(self.days) else None
        want, nth = spec.day
        amount, unit = self._limit(self.items[spec.item])
        accept_time = next(s.time for s in spec.steps if s.action == "accept")
        matches = []
        for k in range(1, len(self.days)):
            facts = ClockFacts(start=self.moment(self.days[k], accept_time), amount=amount, unit=unit)
            try:
                warning = evaluate(self.cal, facts, self.now, settings.BIANMIN["WARNING_SHARE"]).warning.value
            except CalendarNotCovered:  # the due date falls in a year the calendar does not cover yet
                continue
            if warning == want:
                matches.append(k)
                if len(matches) == nth:
                    break
        # On a rest day fewer acceptance days leave a clock yellow: then the furthest one found will do.
        return matches[-1] if matches else None

    # -- what --------------------------------------------------------------------------------------
    def resolve(self, value: Any, day: dt.date, case: Case | None) -> Any:
        if isinstance(value, dict):
            return {k: self.resolve(v, day, case) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, day, case) for v in value]
        if isinstance(value, Dept):
            return self.departments[value.key].pk
        if isinstance(value, SiteOf):
            return self.sites[value.key].pk
        if isinstance(value, Workdays):
            return self.cal.add_working_days(day, value.n).isoformat()
        if isinstance(value, TaskOf):
            return case.joint_tasks.get(department=self.departments[value.key]).pk
        return value

    def entrustment(self, spec: DemoCase, day: dt.date) -> dict | None:
        if not spec.entrust:
            return None
        data = dict(spec.entrust)
        data["agent_name"] = Staff.objects.get(work_id=data.pop("agent")).name
        return self.resolve(data, day, None)

    def clock_fits(self, spec: DemoCase, k: int) -> bool:
        """Does the calendar cover the case's whole time limit (extensions included)?"""
        accept_step = next((s for s in spec.steps if s.action == "accept"), None)
        if accept_step is None:
            return True
        amount, unit = self._limit(self.items[spec.item])
        amount += sum(s.data.get("amount", 0) for s in spec.steps if s.action == "extend")
        start = self.moment(self.days[k - accept_step.offset], accept_step.time)
        try:
            evaluate(self.cal, ClockFacts(start=start, amount=amount, unit=unit), self.now,
                     settings.BIANMIN["WARNING_SHARE"])
        except CalendarNotCovered:
            return False
        return True

    def plan(self, result: Result) -> list[tuple[dt.datetime, int, int, _Plan, Step | None]]:
        """Every registration and step of every case, in the order they happened."""
        events = []
        skipped = no_day = 0
        for index, spec in enumerate(CASES):
            k = self.registration_day(spec)
            if k is None:
                no_day += 1
                continue
            if not self.clock_fits(spec, k):
                skipped += 1
                continue
            plan = _Plan(index, spec, k)
            events.append((self.moment(self.days[k], spec.time), index, -1, plan, None))
            for n, step in enumerate(spec.steps):
                events.append((self.moment(self.days[k - step.offset], step.time), index, n, plan, step))
        if skipped:
            result.notes.append(f"跳过 {skipped} 件演示办件：工作日历未覆盖其办理时限（请先维护下一年度的节假日安排）。")
        if no_day:
            result.notes.append(f"跳过 {no_day} 件演示办件：近 {HISTORY_WORKING_DAYS} 个工作日内找不到合适的受理日。")
        return sorted(events, key=lambda e: e[:3])

    def register(self, plan: _Plan) -> Case:
        spec, day = plan.spec, self.days[plan.k]
        return services.register_case(
            self.users[spec.clerk], site=self.sites[spec.site], item=self.items[spec.item], urgent=spec.urgent,
            applicant={"name": spec.who.name, "phone": phone(plan.index), "id_number": id_number(plan.index, spec.who),
                       "org": spec.org},
            entrustment=self.entrustment(spec, day), question=spec.question)

    def contacts(self) -> None:
        clerk, centre = self.users[CLERK], self.sites["centre"]
        for c in CONTACTS:
            window = Window.objects.get(site=centre, number=c["window"]) if c.get("window") else None
            person = Staff.objects.get(work_id=c["person"]).name if c.get("person") else ""
            with timeutil.travel_to(self.moment(self.days[c["day"]], c["time"])):
                services.log_first_contact(clerk, site=centre, visitor_name=c["visitor_name"],
                                           visitor_phone=c["visitor_phone"], question=c["question"],
                                           outcome=c["outcome"], guided_to_window=window, guided_to_person=person)
        # A first contact the clerk is still following (首问负责: it stays on their list until done), and a complaint
        # made at the centre about waiting, answered orally the same day (窗口投诉; about conduct only: no ticket).
        with timeutil.travel_to(self.moment(self.days[1], "16:40")):
            services.log_first_contact(clerk, site=centre, visitor_name="方国栋", visitor_phone="13905831102",
                                       question="电话咨询父亲去世后养老保险个人账户余额如何继承，需核实后回复",
                                       outcome=FirstContact.Outcome.PENDING, channel=FirstContact.Channel.PHONE)
        with timeutil.travel_to(self.moment(self.days[2], "15:30")):
            complaint = complaints.receive(clerk, site=centre, form=CounterComplaint.Form.ORAL,
                                           complainant_name="钱立新", complainant_phone="13905813377",
                                           text="下午取号后在综合窗口前等候超过40分钟，希望增开窗口")
        with timeutil.travel_to(self.moment(self.days[2], "16:10")):
            complaints.answer(self.users[MANAGER], complaint.pk,
                              text="已向投诉人当面说明：下午办件高峰已临时增开2号综合窗口，并安排引导员分流；感谢监督。",
                              answer_form=CounterComplaint.Form.ORAL)

    def run(self, result: Result) -> None:
        stalled: set[int] = set()
        for moment, _index, _n, plan, step in self.plan(result):
            if plan.stalled:
                continue
            try:
                with transaction.atomic(), timeutil.travel_to(moment):
                    if step is None:
                        plan.case = self.register(plan)
                        result.created += 1
                    else:
                        day = timezone.localtime(moment).date()
                        services.transition(plan.case.pk, step.action, self.users[step.actor or plan.spec.clerk],
                                            self.resolve(step.data, day, plan.case))
            except CalendarNotCovered as exc:  # e.g. a supplement deadline in a year not yet maintained
                plan.stalled = True
                stalled.add(exc.year)
        if stalled:
            result.notes.append(f"部分演示办件停在中间状态：工作日历未包含 {'、'.join(map(str, sorted(stalled)))} 年。")
        if result.created:
            self.contacts()


@dataclass
class _Plan:
    index: int
    spec: DemoCase
    k: int  # registration day: days[k]
    case: Case | None = None
    stalled: bool = False


def load(loader) -> Result:
    """Create the demo cases once (see the module docstring); `loader` is the demo loader after users."""
    result = Result()
    existing = existing_cases().count()
    if existing:
        result.total = existing
        return result
    now = timeutil.now()
    cal = get_calendar()
    if timezone.localtime(now).year not in cal.years:
        result.notes.append(f"工作日历未包含 {timezone.localtime(now).year} 年，未创建演示办件"
                            "（请先在管理后台维护该年度的节假日安排）。")
        return result
    try:
        runner = _Runner(loader, now)
    except CalendarNotCovered as exc:
        result.notes.append(f"工作日历未包含 {exc.year} 年，无法回溯近期工作日，未创建演示办件。")
        return result
    runner.run(result)
    if result.created:
        sweep_deadlines()  # flag yellow / red as the worker would
    result.total = existing_cases().count()
    return result
