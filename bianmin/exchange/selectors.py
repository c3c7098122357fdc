"""Reading the exchange, always scoped (orgs.scoping): a centre manager sees the rows of their site, a supervisor
or a unit-wide manager those of their unit and every unit below; the lag and counts are of the same rows."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min
from django.utils.translation import gettext as _

from bianmin.core import timeutil
from bianmin.core.errors import InvalidInput, NotFound, PermissionDenied
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import can

from .models import KIND_GROUPS, ExchangeLink, Kind, OutboxRow, Reconciliation, Status

VIEW = Action.VIEW_EXCHANGE
MANAGE = Action.MANAGE_EXCHANGE


def require_view(user) -> None:
    if not can(user, VIEW):
        raise PermissionDenied("您无权查看数据汇聚。", "You may not see the national exchange.")


def rows_for(user, *, status: str | None = None, kind: str | None = None, record_id=None, action: str = VIEW):
    qs = OutboxRow.objects.for_user(user, action).select_related("link__unit")
    if status:
        if status not in Status.values:
            raise InvalidInput("状态无效。", f"Unknown status; use one of {', '.join(Status.values)}.", field="status")
        qs = qs.filter(status=status)
    if kind:
        if kind in KIND_GROUPS:
            qs = qs.filter(kind__in=KIND_GROUPS[kind])
        elif kind in Kind.values:
            qs = qs.filter(kind=kind)
        else:
            raise InvalidInput("类型无效。", "Unknown kind; use one of "
                               + ", ".join([*Kind.values, *KIND_GROUPS]) + ".", field="kind")
    if record_id is not None:
        qs = qs.filter(record_id=record_id)
    return qs.order_by("-id")


def row_for(user, row_id: int, action: str = VIEW) -> OutboxRow:
    row = rows_for(user, action=action).filter(pk=row_id).first()
    if row is None:
        raise NotFound("没有这条待发送记录。", "No such outbox row.")
    return row


def overview(user) -> dict:
    """Rows waiting, dead and given up, delivered in the last 24 hours, and the oldest unsent row's age (the lag),
    for the page and the dashboard. Delivered rows pile up for ever: only the last day's are counted (an index on
    status and delivery time), so the figure costs the same in the tenth year as in the first."""
    qs = OutboxRow.objects.for_user(user, VIEW)
    now = timeutil.now()
    counts = {s: 0 for s in Status.values}
    counts.update(dict(qs.filter(status__in=[Status.PENDING, Status.DEAD, Status.GIVEN_UP]).values_list("status")
                       .annotate(n=Count("id")).values_list("status", "n")))
    counts[Status.SENT] = qs.filter(status=Status.SENT, sent_at__gte=now - dt.timedelta(days=1)).count()
    oldest = qs.filter(status=Status.PENDING).aggregate(at=Min("created_at"))["at"]
    lag = (now - oldest).total_seconds() if oldest else 0
    return {"counts": counts, "lag_seconds": max(0, int(lag)), "oldest_unsent_at": oldest}


def lag_text(state: dict) -> str:
    """The overview's lag in words ("12 分钟"), empty when nothing waits: the queue page's and the dashboard's."""
    if not state["oldest_unsent_at"]:
        return ""
    seconds = state["lag_seconds"]
    if seconds < 60:
        return _("%(n)d 秒") % {"n": seconds}
    if seconds < 3600:
        return _("%(n)d 分钟") % {"n": seconds // 60}
    if seconds < 86400:
        return _("%(n)d 小时") % {"n": seconds // 3600}
    return _("%(n)d 天") % {"n": seconds // 86400}


def links_for(user) -> list[ExchangeLink]:
    """The links that carry rows the person may see: the link above their site or unit, and those below it."""
    from bianmin.orgs.scoping import sites_for, units_for

    paths = {u.path for u in units_for(user, VIEW)} | {s.unit.path for s in sites_for(user, VIEW).select_related("unit")}
    links = ExchangeLink.objects.select_related("unit").order_by("unit__path")
    return [link for link in links
            if any(p.startswith(link.unit.path) or link.unit.path.startswith(p) for p in paths)]


def jurisdiction_links(user) -> list[ExchangeLink]:
    """The links whose whole jurisdiction the person answers for: a unit-wide grant at or above the link's unit, or
    the centre of that very unit (the county centre's manager, not a township's). Reconciliation is of a whole
    jurisdiction, so only they see and run it."""
    from bianmin.orgs.scoping import sites_for, units_for

    units = {u.path for u in units_for(user, VIEW)}
    centres = {s.unit.path for s in sites_for(user, VIEW).select_related("unit")}
    return [link for link in links_for(user)
            if link.unit.path in centres or any(link.unit.path.startswith(p) for p in units)]


def reconciliations_for(user, day):
    links = jurisdiction_links(user)
    return links, Reconciliation.objects.filter(link__in=links, day=day).order_by("link_id", "kind")
