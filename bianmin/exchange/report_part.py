"""The monthly reconciliation report (issue 19 part 3), a section of the unit's monthly report: per jurisdiction
linked at or below the unit and per kind, what we queued and delivered in the month, what the upstream confirmed
in the daily reconciliations, what it lacked (and we sent again), and the days that could not be reconciled."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from .models import ExchangeLink, Kind, OutboxRow, Reconciliation, Status


def _month_rows(unit, date_from: dt.date, date_to: dt.date) -> list[list]:
    rows = []
    links = ExchangeLink.objects.filter(unit__path__startswith=unit.path).select_related("unit").order_by("unit__path")
    for link in links:
        queued = {r["kind"]: r for r in OutboxRow.objects.filter(link=link, day__gte=date_from, day__lte=date_to)
                  .values("kind").annotate(n=Count("id"), sent=Count("id", filter=Q(status=Status.SENT)),
                                           dead=Count("id", filter=Q(status=Status.DEAD)))}
        checked = {r["kind"]: r for r in Reconciliation.objects.filter(link=link, day__gte=date_from, day__lte=date_to)
                   .values("kind").annotate(theirs=Sum("theirs"), requeued=Sum("requeued"),
                                            days=Count("id", filter=Q(error="")),
                                            failed=Count("id", filter=~Q(error="")))}
        for kind in Kind:
            q, c = queued.get(kind.value, {}), checked.get(kind.value, {})
            if not q and not c:
                continue
            rows.append([link.unit.name, str(kind.label), q.get("n", 0), q.get("sent", 0), q.get("dead", 0),
                         c.get("theirs") or 0, c.get("requeued") or 0, c.get("days", 0), c.get("failed", 0)])
    return rows


def sections(unit, kind: str, date_from: dt.date, date_to: dt.date) -> list[dict]:
    if kind != "monthly":
        return []
    return [{"title": _("数据汇聚对账"),
             "note": _("每日核对前一天的记录；“上级缺少”的记录已自动重新发送。"),
             "headers": [_("辖区"), _("类型"), _("本平台记录"), _("已送达"), _("发送失败"), _("上级确认"),
                         _("上级缺少（已重发）"), _("已对账天数"), _("未能对账天数")],
             "widths": [20, 12, 10, 10, 10, 10, 14, 10, 12],
             "rows": _month_rows(unit, date_from, date_to),
             "empty": _("本辖区未对接上级平台，或本期没有报送记录。")}]
