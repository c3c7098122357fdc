"""The items of the two checklists: the inspection (明查暗访, mystery customer, the hall head's patrol) and the site
standardisation checklist (标准化建设), per kind of site. THE place that says what is checked; the answers live in
InspectionCheck and SiteCheckAnswer rows under these codes (so a code, once used, keeps its meaning).

Sources: S002 (窗口服务规范: 着装规范，佩证上岗，用语文明; 禁止行为 1-3; 窗口职责 2; AB岗 "避免出现空岗"; 首问负责制;
一次性告知制; 卫生制度) and S004 (乡镇便民服务中心建设标准: 大厅不低于100平方米, 标牌白底红字, 柜台高80~90cm 宽50~60cm,
窗口吊牌 70×35cm, 工作牌 11.4×8.4cm, 办公设施, 政务公示栏, 项目进驻; 村级 "六有")."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import rules


@dataclass(frozen=True)
class CheckItem:
    code: str
    label: str  # lazy: shown in the language of the request
    hint: str = ""  # what "passed" means, with the seed's numbers
    # The deduction rule a failure of this item usually comes from (the finding still names the person or window).
    rule_code: str | None = None
    # site → (passed, note) suggested from the site's own data before anyone has answered, or None.
    prefill: Callable | None = None


# ---------------------------------------------------------------- inspections and patrols (S002)

INSPECTION_ITEMS: tuple[CheckItem, ...] = (
    CheckItem("badge_worn", _("佩证上岗"), _("工作人员统一佩戴工作牌上岗")),
    CheckItem("window_sign", _("窗口吊牌正确"), _("吊牌公布窗口部门、主要服务项目、收费标准、承诺时限、联系电话，与实际一致")),
    CheckItem("dress", _("着装规范"), _("无穿拖鞋、汗衫背心等不雅服饰"), rules.PROHIBITED),
    CheckItem("no_unrelated", _("无与工作无关的行为"), _("无上网聊天、看电影、炒股票、打游戏等"), rules.PROHIBITED),
    CheckItem("no_noise", _("无喧哗串岗"), _("无大声喧哗、嬉闹、串岗"), rules.PROHIBITED),
    CheckItem("one_time_notice", _("一次性告知"), _("一次性告知所需全部材料，并介绍下一步到哪个窗口办理")),
    CheckItem("attitude", _("文明用语、热情服务"), _("使用“您好”“谢谢”“再见”等文明用语，主动热情")),
    CheckItem("first_contact", _("首问负责"), _("首问责任人主动接待，不推诿、扯皮、搪塞")),
    CheckItem("notice_board", _("公示栏内容现行有效"), _("人员、职责、进驻部门、办理项目、流程及时限公示齐全、更新及时")),
    CheckItem("hall_clean", _("大厅卫生整洁"), _("大厅洁净、整齐、无杂物堆放（当班窗口负责保洁）"), rules.DUTY_BREACH),
    CheckItem("posts_covered", _("A/B岗到位，无空岗"), _("A岗不在时B岗顶岗，窗口不空岗")),
    CheckItem("duty_window_ready", _("当班窗口履职"), _("当班窗口人员早到10分钟开门，掌握各窗口到岗及离岗去向"),
              rules.DUTY_BREACH),
)
INSPECTION_CODES = frozenset(i.code for i in INSPECTION_ITEMS)


def inspection_items() -> tuple[CheckItem, ...]:
    return INSPECTION_ITEMS


def inspection_item(code: str) -> CheckItem | None:
    return next((i for i in INSPECTION_ITEMS if i.code == code), None)


# ---------------------------------------------------------------- site standardisation (S004)

def _hall_area(site):
    if site.hall_area is None:
        return None
    return site.hall_area >= 100, _("场所资料：大厅面积 %(area)s ㎡") % {"area": site.hall_area}


def _windows(site):
    """A comprehensive window stands in for the department windows (S004: 根据需要设立综合窗口); otherwise
    someone has to look."""
    from bianmin.orgs.models import Window

    if Window.objects.filter(site=site, kind=Window.Kind.COMPREHENSIVE).exists():
        return True, _("场所资料：已设综合窗口")
    return None


HALL_AREA = CheckItem("hall_area", _("服务大厅面积不低于100平方米"),
                      _("设在乡镇政府办公楼一楼或临街一楼，开放式办公"), prefill=_hall_area)
CENTRE_SIGN = CheckItem("centre_sign", _("便民服务中心标牌"), _("白底红字、宋体、中英文对照，正面显著位置横排固定"))
COUNTER = CheckItem("counter", _("柜台规格"), _("柜台高80~90cm、台面宽50~60cm，台面深色"))
WINDOW_SIGNS = CheckItem("window_signs", _("窗口吊牌"),
                         _("长70cm、宽35cm，公布窗口部门、主要服务项目、收费标准、承诺时限、联系电话"))
STAFF_BADGES = CheckItem("staff_badges", _("工作人员工作牌"),
                         _("长11.4cm、宽8.4cm，含单位名称、2寸免冠彩色照片、姓名、职务"))
NOTICE_BOARD = CheckItem("notice_board", _("政务公示栏"),
                         _("醒目位置公示人员职务、联系电话、相片及职责，进驻部门、办理项目、办事流程及时限"))
REQUIRED_WINDOWS = CheckItem("required_windows", _("窗口设置"),
                             _("设民政、劳动保障、计生、国土、林业、村建、农业服务等窗口，或设综合窗口"),
                             prefill=_windows)
EQUIPMENT = CheckItem("equipment", _("办公设施"), _("电脑、打印机、电话、办公桌椅、档案柜等及便民服务设施"))

CENTRE_ITEMS: tuple[CheckItem, ...] = (HALL_AREA, CENTRE_SIGN, COUNTER, WINDOW_SIGNS, STAFF_BADGES, NOTICE_BOARD,
                                       REQUIRED_WINDOWS, EQUIPMENT)
# A public-service company's 营业厅: S004's facilities, without the township's area and department windows.
HALL_ITEMS: tuple[CheckItem, ...] = (CENTRE_SIGN, COUNTER, WINDOW_SIGNS, STAFF_BADGES, NOTICE_BOARD, EQUIPMENT)
# S004 (村级便民服务): 有场所、有牌子、有轮流值班人员、有公开联系电话、有服务事项登记簿、有代办事项公告或服务指南.
VILLAGE_ITEMS: tuple[CheckItem, ...] = (
    CheckItem("has_premises", _("有场所"), _("有固定的便民服务场所")),
    CheckItem("has_sign", _("有牌子"), _("场所挂有便民服务站（代办点）牌子")),
    CheckItem("has_rota", _("有轮流值班人员"), _("有轮流坐班、值班的人员安排")),
    CheckItem("has_phone", _("有公开联系电话"), _("联系电话对外公开")),
    CheckItem("has_register", _("有服务事项登记簿"), _("受理、代办事项登记在册（工作日志）")),
    CheckItem("has_guide", _("有代办事项公告或服务指南"), _("代办事项、内容、流程、条件上墙公示或有服务指南")),
)


def items_for_kind(kind: str) -> tuple[CheckItem, ...]:
    from bianmin.orgs.models import Site

    if kind == Site.Kind.STATION:
        return VILLAGE_ITEMS
    if kind == Site.Kind.HALL:
        return HALL_ITEMS
    return CENTRE_ITEMS  # 政务服务中心 and 乡镇便民服务中心


def site_items(site) -> list[CheckItem]:
    """The standardisation items that apply to `site`, by its kind."""
    return list(items_for_kind(site.kind))


def site_item(site, code: str) -> CheckItem | None:
    return next((i for i in items_for_kind(site.kind) if i.code == code), None)
