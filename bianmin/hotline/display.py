"""What the staff pages show of an order, built from the API's own output (schemas.order_detail / order_row),
so a page discloses exactly what the API discloses to the same person: callers masked or hidden, free texts
redacted (disclosure.py). This module only adds labels and readable history lines."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from bianmin.core.models import Clock
from bianmin.orgs import people

from .models import ACTION_CHOICES, STATUS_LABELS, Channel, Closure, OrderType, RespondentRank
from .states import Status

ACTION_NAMES = dict(ACTION_CHOICES)
UNIT_NAMES = dict(Clock.UNIT_CHOICES)


def status_label(value: str) -> str:
    try:
        return str(STATUS_LABELS[Status(value)])
    except ValueError:
        return value


def _when(value) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def _yes_no(value) -> str:
    return "—" if value is None else (_("是") if value else _("否"))


def describe(event: dict) -> str:
    """One line about an event's data (the note is shown apart)."""
    action, d = event["action"], event.get("data") or {}
    if action == "receive":
        text = _("%(channel)s · %(category)s · %(type)s") % {
            "channel": Channel(d["channel"]).label if d.get("channel") in Channel.values else d.get("channel", ""),
            "category": d.get("category", ""),
            "type": OrderType(d["type"]).label if d.get("type") in OrderType.values else d.get("type", "")}
        return text + (_("（Open311 网上提交）") if d.get("via") == "open311" else "")
    if action == "dispatch":
        text = _("派至 %(department)s，办理时限 %(amount)s %(unit)s，%(due)s 到期") % {
            "department": d.get("department", ""), "amount": d.get("limit", ""),
            "unit": UNIT_NAMES.get(d.get("unit"), d.get("unit", "")), "due": _when(d.get("due_at"))}
        return (_("改派：") + text) if d.get("redispatch") else text
    if action in ("accept", "return", "reply"):
        text = d.get("department", "")
        if d.get("on_time") is False:
            text += _("（超时）")
        return text
    if action == "request_extension":
        return _("申请延长 %(amount)s %(unit)s") % {"amount": d.get("amount", ""),
                                                  "unit": UNIT_NAMES.get(d.get("unit"), d.get("unit", ""))}
    if action == "approve_extension":
        return _("延长 %(amount)s %(unit)s，新期限 %(due)s") % {
            "amount": d.get("amount", ""), "unit": UNIT_NAMES.get(d.get("unit"), d.get("unit", "")),
            "due": _when(d.get("due_at"))}
    if action == "revisit":
        text = _("联系上：%(reached)s；已解决：%(resolved)s；满意：%(satisfied)s") % {
            "reached": _yes_no(d.get("reached")), "resolved": _yes_no(d.get("resolved")),
            "satisfied": _yes_no(d.get("satisfied"))}
        return text + (_("（未解决，退回承办单位重新办理）") if d.get("reopened") else "")
    if action == "close":
        return Closure(d["closure"]).label if d.get("closure") in Closure.values else ""
    if action == "merge":
        return _("并入工单 %(number)s") % {"number": d.get("into", "")}
    if action == "merge_in":
        return _("工单 %(number)s 并入本单") % {"number": d.get("from", "")}
    if action == "link":
        return _("关联工单 %(number)s") % {"number": d.get("to", "")}
    if action in ("remind", "overdue"):
        return _("期限 %(due)s") % {"due": _when(d.get("due_at"))}
    return ""


def display_names(usernames) -> dict[str, str]:
    """Username → "name · post" (history shows people, not accounts; the rule is orgs/people.py)."""
    return people.by_username(usernames)


def history(detail: dict) -> list[dict]:
    names = display_names(e["actor"] for e in detail["history"])
    return [{
        "action": e["action"], "label": str(ACTION_NAMES.get(e["action"], e["action"])), "at": e["at"],
        "actor": names.get(e["actor"], e["actor"]) if e["actor"] else None,
        "moved": e["from_status"] != e["to_status"],
        "from_label": status_label(e["from_status"]) if e["from_status"] else "—",
        "to_label": status_label(e["to_status"]), "note": e["note"], "detail": describe(e),
    } for e in detail["history"]]


def rank_label(value: str) -> str:
    return str(RespondentRank(value).label) if value in RespondentRank.values else ""
