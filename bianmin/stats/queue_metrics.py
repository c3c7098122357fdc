"""Queue figures of a unit subtree or a site over a period (issue 16 §7), read from DailyQueueRollup only
(DESIGN rule 5): totals, by hour of issue, by window (a site) or by site (a unit), and by day. Every figure has
its label in LABELS and its definition in DEFINITIONS; the stats summary API and the dashboard show the same."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Min, Sum
from django.utils.translation import gettext_lazy as _

from bianmin.core.rates import Rate
from bianmin.orgs.models import Site, Window

from .metrics import Target
from .models import DailyQueueRollup
from .queue_rollup import COUNT_FIELDS

DEFINITIONS = {
    "tickets": _("取号数：期间内的排队号数（现场、线上、预约签到、窗口代取；一次来访办理多项服务的，"
                  "每项服务各计一个）。"),
    "average_wait_minutes": _("平均等候时长：已叫号的排队号从取号到首次叫号的平均分钟数。"),
    "wait_within_target_rate": _("等候不超过目标时长的比例：已叫号的排队号中，取号到首次叫号不超过服务场所等候目标"
                                 "（默认 30 分钟，恰好 30 分钟计入）的比例（群众排队等待时间尽量控制在半个小时）。"),
    "longest_wait_minutes": _("最长等候：期间内单个排队号从取号到首次叫号的最长分钟数。"),
    "average_service_minutes": _("平均办理时长：已办结的排队号从首次叫号到办结的平均分钟数。"),
    "no_show_rate": _("过号率：叫号后未到、按过号处理的排队号数 ÷ 已叫号的排队号数。"),
    "abandoned": _("放弃数：取号后未被叫号即离开或到闭厅仍未叫到的排队号数。"),
    "abandoned_rate": _("放弃率：放弃的排队号数 ÷ 取号数。"),
    "estimate_hit_rate": _("预计等候准确率：取号时给出预计等候区间的排队号中，实际等候（按分钟取整）落在区间内的比例。"),
    "appointments": _("预约数：预约在期间内办理的预约数（不含已取消和已改约的预约）。"),
    "appointment_use_rate": _("预约履约率：已签到取号的预约数 ÷ 预约数。"),
    "appointment_no_show_rate": _("预约爽约率：超过宽限时间未签到、计为爽约的预约数 ÷ 预约数。"),
    "green_lane": _("绿色通道取号数：老年人、残疾人、孕妇、军人通过绿色通道取号的排队号数。"),
}

LABELS = {
    "tickets": _("取号数"), "average_wait_minutes": _("平均等候（分钟）"),
    "wait_within_target_rate": _("等候≤目标时长占比"), "longest_wait_minutes": _("最长等候（分钟）"),
    "average_service_minutes": _("平均办理（分钟）"), "no_show_rate": _("过号率"), "abandoned": _("放弃数"),
    "abandoned_rate": _("放弃率"), "estimate_hit_rate": _("预计等候准确率"), "appointments": _("预约数"),
    "appointment_use_rate": _("预约履约率"), "appointment_no_show_rate": _("预约爽约率"),
    "green_lane": _("绿色通道取号数"),
}
# The headline figures of the dashboard's queue section, in reading order.
HEADLINE = ["tickets", "average_wait_minutes", "wait_within_target_rate", "average_service_minutes", "no_show_rate",
            "abandoned", "appointment_use_rate", "estimate_hit_rate"]


def minutes(seconds: int, count: int) -> float | None:
    return round(seconds / count / 60, 1) if count else None


@dataclass(frozen=True)
class QueueFigures:
    tickets: int
    green_lane: int
    called: int
    served: int
    no_show: int
    abandoned: int
    average_wait_minutes: float | None
    longest_wait_minutes: float | None
    wait_within_target_rate: Rate
    average_service_minutes: float | None
    no_show_rate: Rate
    abandoned_rate: Rate
    estimate_hit_rate: Rate
    appointments: int
    appointments_checked_in: int
    appointments_no_show: int
    appointment_use_rate: Rate
    appointment_no_show_rate: Rate
    # The wait target the rows were counted against: one number when every site in scope has the same one.
    target_minutes: int | None

    @classmethod
    def of(cls, s: dict) -> QueueFigures:
        low, high = s.get("target_low"), s.get("target_high")
        return cls(
            tickets=s["tickets"], green_lane=s["green_lane"], called=s["called"], served=s["served"],
            no_show=s["no_show"], abandoned=s["abandoned"],
            average_wait_minutes=minutes(s["wait_seconds"], s["waited"]),
            longest_wait_minutes=round(s["wait_max_seconds"] / 60, 1) if s["waited"] else None,
            wait_within_target_rate=Rate(s["waited_in_target"], s["waited"]),
            average_service_minutes=minutes(s["service_seconds"], s["served"]),
            no_show_rate=Rate(s["no_show"], s["called"]), abandoned_rate=Rate(s["abandoned"], s["tickets"]),
            estimate_hit_rate=Rate(s["estimate_hit"], s["estimated"]),
            appointments=s["appointments"], appointments_checked_in=s["appointments_checked_in"],
            appointments_no_show=s["appointments_no_show"],
            appointment_use_rate=Rate(s["appointments_checked_in"], s["appointments"]),
            appointment_no_show_rate=Rate(s["appointments_no_show"], s["appointments"]),
            target_minutes=low if low is not None and low == high else None)


def _aggregates() -> dict:
    return {**{f: Sum(f) for f in COUNT_FIELDS}, "wait_max_seconds": Max("wait_max_seconds"),
            "target_low": Min("target_minutes"), "target_high": Max("target_minutes")}


def _clean(row: dict) -> dict:
    return {k: (v or 0) if k in COUNT_FIELDS or k == "wait_max_seconds" else v for k, v in row.items()}


def rows(target: Target, date_from: dt.date, date_to: dt.date):
    qs = DailyQueueRollup.objects.filter(day__gte=date_from, day__lte=date_to)
    if target.site:
        return qs.filter(site_key=target.site.pk)
    return qs.filter(unit_path__startswith=target.unit.path)


def figures(target: Target, date_from: dt.date, date_to: dt.date) -> QueueFigures:
    return QueueFigures.of(_clean(rows(target, date_from, date_to).aggregate(**_aggregates())))


def _grouped(target: Target, date_from: dt.date, date_to: dt.date, *fields: str) -> list[tuple[dict, QueueFigures]]:
    found = (rows(target, date_from, date_to).order_by().values(*fields).annotate(**_aggregates()).order_by(*fields))
    return [({f: r[f] for f in fields}, QueueFigures.of(_clean(r))) for r in found]


def by_hour(target: Target, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """Tickets and waits by the hour they were issued, every hour from the first to the last with tickets."""
    found = {key["hour"]: f for key, f in _grouped(target, date_from, date_to, "hour") if f.tickets}
    if not found:
        return []
    empty = QueueFigures.of(_clean(dict.fromkeys(COUNT_FIELDS, 0)))
    return [_point(f"{hour:02d}:00", found.get(hour, empty)) for hour in range(min(found), max(found) + 1)]


def by_day(target: Target, date_from: dt.date, date_to: dt.date) -> list[dict]:
    return [_point(key["day"].isoformat(), f) for key, f in _grouped(target, date_from, date_to, "day")
            if f.tickets or f.appointments]


def by_window(target: Target, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """One site's windows (tickets no window took, and the appointments, under their own line)."""
    grouped = [(key["window_key"], f) for key, f in _grouped(target, date_from, date_to, "window_key")]
    names = {w.pk: str(w) for w in Window.objects.filter(pk__in=[k for k, _ in grouped])}
    points = [_point(names.get(key, str(_("未分配窗口及预约")) if not key else str(_("已删除的窗口"))), f, id=key)
              for key, f in grouped]
    # Windows by their number; the line without a window last.
    return sorted(points, key=lambda p: (not p["id"], p["name"]))


SITES_SHOWN = 50


def by_site(target: Target, date_from: dt.date, date_to: dt.date) -> list[dict]:
    """The sites of a unit's subtree, busiest first (at most SITES_SHOWN)."""
    grouped = [(key["site_key"], f) for key, f in _grouped(target, date_from, date_to, "site_key")]
    grouped.sort(key=lambda g: (-g[1].tickets, -g[1].appointments, g[0]))
    grouped = grouped[:SITES_SHOWN]
    names = dict(Site.objects.filter(pk__in=[k for k, _ in grouped]).values_list("pk", "name"))
    return [_point(names.get(key, str(key)), f, id=key) for key, f in grouped]


def _point(name: str, f: QueueFigures, **extra) -> dict:
    return {"name": name, **extra, "tickets": f.tickets, "called": f.called, "served": f.served,
            "average_wait_minutes": f.average_wait_minutes, "longest_wait_minutes": f.longest_wait_minutes,
            "wait_within_target_rate": f.wait_within_target_rate.value,
            "wait_within_target": f.wait_within_target_rate.percent,
            "average_service_minutes": f.average_service_minutes, "no_show": f.no_show,
            "no_show_rate": f.no_show_rate.percent, "abandoned": f.abandoned,
            "appointments": f.appointments, "appointments_checked_in": f.appointments_checked_in,
            "appointments_no_show": f.appointments_no_show, "estimate_hit_rate": f.estimate_hit_rate.percent}


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    value: str
    raw: object
    definition: str

    @property
    def is_rate(self) -> bool:
        return isinstance(self.raw, Rate)


def display(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Rate):
        return value.percent
    return str(value)


def label(key: str, f: QueueFigures) -> str:
    if key == "wait_within_target_rate" and f.target_minutes is not None:
        return str(_("等候≤%(n)d分钟占比") % {"n": f.target_minutes})
    return str(LABELS[key])


def figure_rows(f: QueueFigures, keys: list[str] | None = None) -> list[FigureRow]:
    return [FigureRow(key, label(key, f), display(getattr(f, key)), getattr(f, key), str(DEFINITIONS[key]))
            for key in (keys or LABELS)]


def api_fields(f: QueueFigures) -> dict:
    """The summary API's queue keys (issue 16 contract: wait_within_30min_rate, average_wait_minutes,
    no_show_rate) and the rest of the queue figures under `queue`."""
    return {
        "wait_within_30min_rate": f.wait_within_target_rate.value,
        "average_wait_minutes": f.average_wait_minutes,
        "no_show_rate": f.no_show_rate.value,
        "queue": {
            "tickets": f.tickets, "green_lane": f.green_lane, "called": f.called, "served": f.served,
            "no_show": f.no_show, "abandoned": f.abandoned, "average_wait_minutes": f.average_wait_minutes,
            "longest_wait_minutes": f.longest_wait_minutes, "average_service_minutes": f.average_service_minutes,
            "wait_target_minutes": f.target_minutes,
            "wait_within_target_rate": f.wait_within_target_rate.value, "no_show_rate": f.no_show_rate.value,
            "abandoned_rate": f.abandoned_rate.value, "estimate_hit_rate": f.estimate_hit_rate.value,
            "appointments": f.appointments, "appointments_checked_in": f.appointments_checked_in,
            "appointments_no_show": f.appointments_no_show,
            "appointment_use_rate": f.appointment_use_rate.value,
            "appointment_no_show_rate": f.appointment_no_show_rate.value,
        },
    }


RATES = ("wait_within_target_rate", "no_show_rate", "abandoned_rate", "estimate_hit_rate", "appointment_use_rate",
         "appointment_no_show_rate")
