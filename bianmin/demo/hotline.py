"""Demo 12345 hotline: the dispatch catalogue and a dozen work orders at every stage of the loop.

DEMO DATA ONLY: callers are fictional; their phones are made-up 139 numbers.

The two units efficiency complaints go to (the supervision office and the discipline group, S003:L163-173)
are added as county departments. Orders go through the real services (hotline.services.receive and
transition), each step at its own past moment (timeutil.travel_to), so numbers, clocks, assignments and
history carry the dates they would have had; afterwards the hotline's worker jobs run once, so the overdue
urgent order is escalated as the worker would have done. Days count back on the working calendar from
today (day=1: the previous working day).

Idempotent and non-destructive: units and categories are looked up by their natural keys (name and parent,
code); orders are created only when none of the demo texts exists yet.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bianmin.core import timeutil
from bianmin.core.errors import CalendarNotCovered, DomainError
from bianmin.core.worktime.loader import get_calendar
from bianmin.hotline import jobs, services
from bianmin.hotline.models import DispatchCategory, WorkOrder
from bianmin.orgs.models import Unit

AGENT, HANDLER, HANDLER2 = "demo-agent", "demo-handler", "demo-handler2"

# key: (name) of the two units that take efficiency complaints.
OVERSIGHT = {
    "discipline": "澄溪县纪委监委派驻纪检监察组",
    "supervision": "澄溪县效能建设领导小组办公室（监察室）",
}

# code, name, group, department key (regions.DEPARTMENTS or OVERSIGHT), default type, own limit, keywords, description
CATEGORIES: list[tuple] = [
    ("SBZX", "社保咨询", "咨询", "rs", "ordinary", None, "养老保险,失业保险,社保卡,参保",
     "养老、失业、工伤保险和社会保障卡的政策与办理咨询。"),
    ("SHJZ", "社会救助", "求助", "mz", "ordinary", None, "低保,临时救助,特困,救助",
     "最低生活保障、临时救助、特困人员供养等求助与反映。"),
    ("HJBL", "户籍办理", "咨询", "ga", "ordinary", (5, "workdays"), "户口,迁移,身份证,落户",
     "户口迁移、落户、居民身份证办理的咨询与求助。"),
    ("BDCDJ", "不动产登记", "咨询", "zr", "ordinary", None, "房产证,不动产,过户,抵押",
     "不动产首次登记、转移登记、抵押登记的咨询与进度查询。"),
    ("DLPS", "道路破损", "求助", "jt", "ordinary", None, "路面,坑洼,井盖,桥梁",
     "公路、桥梁路面破损和设施损坏；危及通行安全的请按紧急件受理。"),
    ("ZSRM", "噪声扰民", "投诉", "zj", "ordinary", None, "施工噪声,夜间施工,扰民",
     "建筑施工噪声扰民，夜间施工尤甚。"),
    ("CKFWTS", "窗口服务投诉", "投诉", "gov", "simple_complaint", None, "窗口,态度,服务,推诿",
     "对政务服务中心、便民服务中心窗口服务的投诉。"),
    ("XZXNTS", "行政效能投诉", "投诉", "discipline", "complex_complaint", None, "效能,拖延,不作为,吃拿卡要",
     "对机关工作人员推诿扯皮、拖延不办、吃拿卡要等的投诉；按被投诉人职级分派。"),
]


@dataclass(frozen=True)
class Step:
    day: int  # working days before today (0: today, only with `minutes_ago`)
    time: str  # HH:MM
    action: str  # "receive" or a services.transition action
    data: dict = field(default_factory=dict)
    actor: str = AGENT


@dataclass(frozen=True)
class Ref:
    """The id of another demo order, by its key."""
    key: str


@dataclass(frozen=True)
class Dept:
    """The id of a county department (regions.DEPARTMENTS key) or of an OVERSIGHT unit."""
    key: str


def _call(name: str, phone: str, category: str, text: str, **extra: Any) -> dict:
    return {"channel": extra.pop("channel", "phone"), "caller": {"name": name, "phone": phone,
                                                                 "confidential": extra.pop("confidential", False)},
            "category": category, "text": text, **extra}


# Each demo order: key → its steps, oldest first. Keep the texts unique: they are how a later run knows.
ORDERS: dict[str, tuple[Step, ...]] = {
    "answered": (
        Step(3, "09:20", "receive", _call(
            "韩秀兰", "13907810231", "SBZX", "咨询退休后养老保险待遇资格认证怎么做。", answered_at_intake=True,
            answer="可通过手机“掌上社保”刷脸认证，或到社区服务站现场认证，每年一次。")),
    ),
    "closed": (
        Step(8, "09:05", "receive", _call(
            "杜明华", "13907810232", "SHJZ", "母亲独居，因病致贫，想申请临时救助，不知道找哪里。",
            place="溪东街道滨江社区")),
        Step(8, "09:15", "dispatch"),
        Step(8, "10:30", "accept", actor=HANDLER),
        Step(6, "15:00", "reply", {"text": "已联系滨江社区上门核实，指导提交临时救助申请，已审批救助金2000元。"},
             actor=HANDLER),
        Step(5, "10:00", "revisit", {"reached": True, "resolved": True, "satisfied": True, "note": "救助金已到账"}),
        Step(5, "10:05", "close"),
    ),
    "reopened": (
        Step(7, "14:20", "receive", _call(
            "姚建军", "13907810233", "SHJZ", "低保年审材料交了一个月还没有结果。", place="白马镇马鞍村")),
        Step(7, "14:30", "dispatch"),
        Step(7, "16:00", "accept", actor=HANDLER),
        Step(5, "11:00", "reply", {"text": "已转白马镇审核，年审结果将于本周内公示。"}, actor=HANDLER),
        Step(4, "09:30", "revisit", {"reached": True, "resolved": False, "satisfied": False,
                                     "note": "来电人称镇里说材料还在县里，仍无结果"}),
    ),
    "in_progress": (
        Step(2, "14:00", "receive", _call(
            "罗桂芳", "13907810234", "SHJZ", "丈夫车祸住院，家里两个孩子上学，生活困难，请求救助。",
            place="青石镇杨家村")),
        Step(2, "14:10", "dispatch"),
        Step(2, "16:00", "accept", actor=HANDLER),
    ),
    "duplicate": (
        Step(1, "09:30", "receive", _call(
            "罗明", "13907810235", "SHJZ", "替嫂子罗桂芳反映：哥哥车祸住院，家里生活困难，请求救助。",
            place="青石镇杨家村")),
        Step(1, "09:40", "merge", {"into": Ref("in_progress"), "note": "同一户同一事项，并入原工单"}),
    ),
    "confidential": (
        Step(3, "11:00", "receive", _call(
            "匿名群众", "13907810236", "SHJZ", "反映某村有家庭开着小轿车还在领低保，请核查。", place="龙泉镇泉水村",
            confidential=True)),
        Step(3, "11:10", "dispatch"),
        Step(3, "14:00", "accept", actor=HANDLER),
    ),
    "rerouted": (
        Step(4, "10:00", "receive", _call(
            "谢志强", "13907810237", "BDCDJ", "父亲去世后房子过户到子女名下，需要哪些材料？", place="溪西街道西关路")),
        Step(4, "10:10", "dispatch", {"department": Dept("mz"), "note": "涉及继承，先派民政"}),
        Step(3, "09:30", "return", {"reason": "继承过户属不动产登记职责，请改派县自然资源局（不动产登记中心）。"},
             actor=HANDLER),
        Step(3, "09:45", "dispatch", {"note": "按退回理由改派"}),
        Step(3, "11:00", "accept", actor=HANDLER2),
        Step(1, "15:00", "extend", {"reason": "需核实继承人是否齐全并调取原始档案", "amount": 5}, actor=HANDLER2),
    ),
    "replied": (
        Step(3, "15:30", "receive", _call(
            "何淑珍", "13907810238", "SHJZ", "残疾儿子的护理补贴这个月没有发放。", place="桃源镇桃花村")),
        Step(3, "15:40", "dispatch"),
        Step(2, "10:00", "reply", {"text": "经查系银行账户变更未同步，已更正，补贴本周内补发。"}, actor=HANDLER),
    ),
    "no_callback": (
        Step(6, "10:00", "receive", _call(
            "梁晓东", "13907810239", "BDCDJ", "查询不动产证办理进度，受理号已提供。", callback_consent=False)),
        Step(6, "10:10", "dispatch"),
        Step(5, "09:00", "accept", actor=HANDLER2),
        Step(4, "14:00", "reply", {"text": "已审核通过，证书已制作完成，可到县政务服务中心9号窗口领取。"},
             actor=HANDLER2),
        Step(3, "09:00", "close", {"note": "来电人不需回访"}),
    ),
    "urgent": (
        Step(1, "10:00", "receive", _call(
            "高志明", "13907810240", "DLPS", "S203省道石门镇路段出现大坑，已有电动车摔倒。", place="石门镇关口村路段",
            type="urgent")),
        Step(1, "10:05", "dispatch"),
    ),
    "window": (
        Step(1, "16:00", "receive", _call(
            "冯丽", "13907810241", "CKFWTS", "政务中心医保窗口工作人员让我回去复印三次材料，态度也不好。")),
        Step(1, "16:10", "dispatch"),
    ),
    "efficiency": (
        Step(1, "11:00", "receive", _call(
            "许国强", "13907810242", "XZXNTS", "反映某局分管副局长对企业的合规申请拖延两个月不批。",
            respondent_rank="leadership", respondent="某局分管副局长")),
        Step(1, "11:10", "dispatch"),
    ),
    "waiting": (
        Step(0, "", "receive", _call("彭小燕", "13907810243", "HJBL", "孩子在外省出生，回本县落户要带什么材料？")),
    ),
}
TODAY_MINUTES_AGO = 20  # the order taken "today" was received this long ago, whatever the time now


@dataclass
class Result:
    created: int = 0
    categories: int = 0
    notes: list[str] = field(default_factory=list)


def _demo_texts() -> list[str]:
    return [s.data["text"] for steps in ORDERS.values() for s in steps if s.action == "receive"]


def _units(loader) -> dict[str, Unit]:
    units = dict(loader.departments)
    for key, name in OVERSIGHT.items():
        units[key] = loader.one(Unit, {"parent": loader.county, "kind": Unit.Kind.DEPARTMENT, "name": name},
                                {"level": Unit.Level.COUNTY})
    return units


def _categories(units: dict[str, Unit], result: Result) -> None:
    for sort, (code, name, group, dept, kind, limit, keywords, description) in enumerate(CATEGORIES, 1):
        extra = ({"efficiency_complaint": True, "leadership_department": units["supervision"]}
                 if dept == "discipline" else {})
        _obj, created = DispatchCategory.objects.get_or_create(code=code, defaults={
            "name": name, "group": group, "department": units[dept], "default_type": kind,
            "limit_amount": limit[0] if limit else None, "limit_unit": limit[1] if limit else "",
            "keywords": keywords, "description": description, "sort": sort, **extra})
        result.categories += created


class _Runner:
    def __init__(self, units: dict[str, Unit], now: dt.datetime) -> None:
        self.units = units
        self.now = timezone.localtime(now)
        cal = get_calendar()
        days, day = [], self.now.date()
        while len(days) < 12:
            day -= dt.timedelta(days=1)
            if cal.is_working(day):
                days.append(day)
        self.days = [self.now.date()] + days  # days[k]: k-th working day before today
        self.users = {u.username: u for u in get_user_model().objects.filter(username__in=[AGENT, HANDLER, HANDLER2])}
        self.ids: dict[str, int] = {}

    def moment(self, step: Step) -> dt.datetime:
        if step.day == 0:
            return self.now - dt.timedelta(minutes=TODAY_MINUTES_AGO)
        hour, minute = map(int, step.time.split(":"))
        return timezone.make_aware(dt.datetime.combine(self.days[step.day], dt.time(hour, minute)))

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, Ref):
            return self.ids[value.key]
        if isinstance(value, Dept):
            return self.units[value.key].pk
        return value

    def run(self, result: Result) -> None:
        plan = sorted(((self.moment(s), key, n, s) for key, steps in ORDERS.items() for n, s in enumerate(steps)),
                      key=lambda e: (e[0], list(ORDERS).index(e[1]), e[2]))
        stalled: set[str] = set()
        for moment, key, _n, step in plan:
            if key in stalled or (step.action != "receive" and key not in self.ids):
                continue
            try:
                with transaction.atomic(), timeutil.travel_to(moment):
                    actor = self.users[step.actor]
                    if step.action == "receive":
                        self.ids[key] = services.receive(actor, self.resolve(step.data)).pk
                        result.created += 1
                    else:
                        services.transition(self.ids[key], step.action, actor, self.resolve(step.data))
            except DomainError as exc:  # e.g. a limit in a year the calendar does not cover yet
                stalled.add(key)
                result.notes.append(f"演示热线工单（{key}）停在中间状态：{exc.zh}")


def load(loader) -> Result:
    """Create the catalogue (always completed) and the demo orders (once); `loader` is the demo loader."""
    result = Result()
    units = _units(loader)
    _categories(units, result)
    if WorkOrder.objects.filter(text__in=_demo_texts()).exists():
        return result
    if not {AGENT, HANDLER, HANDLER2} <= set(get_user_model().objects.filter(
            username__in=[AGENT, HANDLER, HANDLER2]).values_list("username", flat=True)):
        result.notes.append("缺少演示坐席或承办单位账号，未创建演示热线工单。")
        return result
    try:
        runner = _Runner(units, timeutil.now())
    except CalendarNotCovered as exc:
        result.notes.append(f"工作日历未包含 {exc.year} 年，未创建演示热线工单。")
        return result
    runner.run(result)
    if result.created:  # remind and escalate as the worker would have done by now
        jobs.remind_due()
        jobs.escalate_overdue()
    return result
