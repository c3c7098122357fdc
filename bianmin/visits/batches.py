"""Village proxy batches (seed 002: 村代办点将群众要求代办的事项每周一报送乡镇便民服务中心).

- A station (Site.Kind.STATION, a village or community 代办点) belongs to the township centre (Site.Kind.TOWNSHIP)
  on its own unit or on its unit's parent: the demo (bianmin/demo/loader.py) puts each station on its village unit,
  a child of the township unit that carries the township centre.
- The batch weekday is the township's (HallSettings.batch_weekday through hall.hours.settings_for): the township
  sets the day it collects from all its villages.
- The cases that travel are those registered at the station that were not closed at its counter (an answered
  question, a refusal or a referral has nothing to hand over). A case travels in one batch only (BatchCase).
- A case "missed its batch" when it was registered before the station's last batch day and is in no batch: the
  worker was down that day, or nobody built it; the list shows those in red and the button batches them.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from bianmin.cases.models import Case
from bianmin.cases.states import Status as CaseStatus
from bianmin.core import timeutil
from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.hall.hours import settings_for
from bianmin.hall.models import HallSettings
from bianmin.orgs import scoping
from bianmin.orgs.models import Site
from bianmin.orgs.roles import Action as Perm

from . import states
from .models import BatchCase, BatchEvent, ProxyBatch
from .states import BatchAction, BatchStatus

CLOSED_AT_COUNTER = (CaseStatus.CONSULTATION, CaseStatus.REJECTED, CaseStatus.OUT_OF_REMIT)
DEFAULT_WEEKDAY = HallSettings._meta.get_field("batch_weekday").default


def township_of(station: Site) -> Site | None:
    """The township centre a station hands its cases to: on the station's own unit, else on its parent unit."""
    if station.kind != Site.Kind.STATION:
        return None
    units = [station.unit_id, station.unit.parent_id]
    found = {s.unit_id: s for s in Site.objects.filter(kind=Site.Kind.TOWNSHIP, unit_id__in=[u for u in units if u])
             .order_by("pk")}
    return next((found[u] for u in units if u in found), None)


def batch_weekday(station: Site) -> int:
    township = township_of(station)
    return settings_for(township).batch_weekday if township else DEFAULT_WEEKDAY


def last_batch_date(weekday: int, today: dt.date) -> dt.date:
    """The latest day on or before `today` that falls on `weekday` (0 = Monday)."""
    return today - dt.timedelta(days=(today.weekday() - weekday) % 7)


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def pending(station_ids) -> QuerySet[Case]:
    """Cases of these stations waiting for a batch: not closed at the counter and in no batch yet."""
    return (Case.objects.filter(site_id__in=list(station_ids), batch_entry__isnull=True)
            .exclude(status__in=[s.value for s in CLOSED_AT_COUNTER]))


def _weekdays_of_townships(township_ids) -> dict[int, int]:
    rows = HallSettings.objects.filter(site_id__in=list(township_ids)).values_list("site_id", "batch_weekday")
    return dict(rows)


def stations_with_townships(stations) -> list[tuple[Site, Site, int]]:
    """(station, its township, the township's batch weekday) for each station that has a township, in few queries."""
    stations = list(stations.select_related("unit"))
    units = {u for s in stations for u in (s.unit_id, s.unit.parent_id) if u}
    townships = {}
    for site in Site.objects.filter(kind=Site.Kind.TOWNSHIP, unit_id__in=units).order_by("-pk"):
        townships[site.unit_id] = site  # the lowest pk wins, as in township_of
    weekdays = _weekdays_of_townships(t.pk for t in townships.values())
    out = []
    for station in stations:
        township = townships.get(station.unit_id) or townships.get(station.unit.parent_id)
        if township is not None:
            out.append((station, township, weekdays.get(township.pk, DEFAULT_WEEKDAY)))
    return out


def missed_q(stations_info, today: dt.date) -> Q:
    """Cases registered at a station before its last batch day (and, with pending(), in no batch)."""
    q = Q(pk__in=[])
    for station, _township, weekday in stations_info:
        q |= Q(site_id=station.pk, created_at__lt=start_of(last_batch_date(weekday, today)))
    return q


def _record(batch: ProxyBatch, action: str, actor, old: str, data: dict | None = None) -> BatchEvent:
    return BatchEvent.objects.create(batch=batch, action=action, from_status=old, to_status=batch.status,
                                     actor=actor, data=data or {})


def _build(station: Site, township: Site, day: dt.date, until: dt.datetime, actor) -> ProxyBatch | None:
    """Put the station's pending cases registered before `until` into its prepared batch of `day` (made if none).
    The station row is locked first, so two workers (or a worker and the button) never batch a case twice."""
    Site.objects.select_for_update().filter(pk=station.pk).first()
    case_ids = list(pending([station.pk]).filter(created_at__lt=until).values_list("pk", flat=True))
    if not case_ids:
        return None
    batch = ProxyBatch.objects.filter(station=station, batch_date=day, status=BatchStatus.PREPARED).first()
    old = ""
    if batch is None:
        batch = ProxyBatch.objects.create(station=station, township=township, batch_date=day, prepared_by=actor)
    else:
        old = batch.status
    BatchCase.objects.bulk_create([BatchCase(batch=batch, case_id=pk) for pk in case_ids])
    _record(batch, "prepare", actor, old, {"cases": len(case_ids)})
    return batch


def build_due_batches(today: dt.date | None = None) -> int:
    """The worker's sweep: on a township's batch weekday, each of its stations gets one batch with the cases
    registered before that day; a station already batched today is left alone. Returns the cases batched."""
    today = today or timeutil.today()
    info = [row for row in stations_with_townships(Site.objects.filter(kind=Site.Kind.STATION))
            if row[2] == today.weekday()]
    if not info:
        return 0
    done_today = set(ProxyBatch.objects.filter(batch_date=today, station_id__in=[s.pk for s, _t, _w in info])
                     .values_list("station_id", flat=True))
    midnight = start_of(today)
    waiting = set(pending(s.pk for s, _t, _w in info).filter(created_at__lt=midnight)
                  .values_list("site_id", flat=True).distinct())
    changed = 0
    for station, township, _weekday in info:
        if station.pk in done_today or station.pk not in waiting:
            continue
        with transaction.atomic():
            if ProxyBatch.objects.filter(batch_date=today, station=station).exists():
                continue  # another worker got there first
            batch = _build(station, township, today, midnight, None)
            changed += batch.entries.count() if batch else 0
    return changed


@transaction.atomic
def build_now(actor, station_id) -> ProxyBatch:
    """The station's button: batch every pending case now (today's prepared batch grows if there is one)."""
    raw = str(station_id or "")
    station = (Site.objects.filter(pk=int(raw), kind=Site.Kind.STATION).select_related("unit").first()
               if raw.isdigit() and len(raw) < 18 else None)
    if station is None:
        raise InvalidInput("请选择代办点。", "Choose a village proxy point.", field="station")
    if not scoping.may(actor, Perm.HANDLE_CASE, station, scoping.SITES):
        raise PermissionDenied("只有代办点工作人员可以组批报送。", "Only staff of the proxy point may batch its cases.")
    township = township_of(station)
    if township is None:
        raise Conflict("该代办点没有对应的乡镇便民服务中心。", "This proxy point has no township centre to report to.")
    batch = _build(station, township, timeutil.today(), timeutil.now() + dt.timedelta(seconds=1), actor)
    if batch is None:
        raise Conflict("该代办点没有待报送的办件。", "This proxy point has no cases waiting for a batch.")
    return batch


@transaction.atomic
def transition(batch_id: int, action: str, actor) -> ProxyBatch:
    """send (the station hands the batch over) or receive (the township signs for it: its staff only)."""
    try:
        act = BatchAction(action)
    except ValueError:
        raise NotFound("没有这个操作。", f"Unknown action: {action}.") from None
    batch = (ProxyBatch.objects.select_for_update(of=("self",)).select_related("station", "township")
             .filter(pk=batch_id).first())
    if batch is None:
        raise NotFound("报送批次不存在。", "No such batch.")
    site = batch.station if act is BatchAction.SEND else batch.township
    if not scoping.may(actor, Perm.HANDLE_CASE, site, scoping.SITES):
        if act is BatchAction.RECEIVE:
            raise PermissionDenied("只有乡镇便民服务中心工作人员可以接收。", "Only the township centre's staff may receive it.")
        raise PermissionDenied("只有代办点工作人员可以报送。", "Only staff of the proxy point may send it.")
    try:
        new = states.batch_target(act, batch.status)
    except states.IllegalTransition:
        raise Conflict(f"批次当前状态为“{batch.get_status_display()}”，不能执行此操作。",
                       f"The batch is {batch.status}; '{act.value}' is not allowed now.",
                       code="illegal_transition") from None
    old, now = batch.status, timeutil.now()
    if act is BatchAction.SEND:
        batch.sent_at, batch.sent_by = now, actor
    else:
        batch.received_at, batch.received_by = now, actor
    batch.status = new.value
    batch.save()
    _record(batch, act.value, actor, old)
    return batch
