"""Read queries of the registers, home visits and batches, always scoped to the person (DESIGN rule 3): a register
row is seen by the staff of its site and by the regions above it (VIEW_CASE through orgs.scoping)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from bianmin.appointments.models import Appointment
from bianmin.cases.models import Case
from bianmin.core import timeutil
from bianmin.orgs.models import Site
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import sites_for

from . import batches
from .models import HomeVisit, ProxyBatch, ProxyHandback, SignOff

KINDS = ("phone", "signoff", "proxy", "visits")


def register_sites(user) -> QuerySet[Site]:
    return sites_for(user, Perm.VIEW_CASE).order_by("unit__path", "name")


def phone_appointments(user) -> QuerySet[Appointment]:
    """预约电话登记: appointments staff took by phone (bianmin.appointments; read here, never changed)."""
    return (Appointment.objects.for_user(user, Perm.VIEW_CASE).filter(channel=Appointment.Channel.PHONE)
            .select_related("site", "item", "created_by__staff").order_by("-created_at", "-id"))


def sign_offs(user) -> QuerySet[SignOff]:
    return (SignOff.objects.for_user(user, Perm.VIEW_CASE).defer("signature")
            .select_related("case__site", "case__item", "handed_by__staff").order_by("-received_at", "-id"))


def handbacks(user) -> QuerySet[ProxyHandback]:
    return (ProxyHandback.objects.for_user(user, Perm.VIEW_CASE)
            .select_related("case__site", "case__item", "case__entrustment", "recorded_by__staff")
            .order_by("-handed_at", "-id"))


def visits(user) -> QuerySet[HomeVisit]:
    return (HomeVisit.objects.for_user(user, Perm.VIEW_CASE)
            .select_related("site", "item", "assignee__staff", "case", "created_by__staff"))


# The date each register is filtered by: when the row was logged or the thing happened.
DATE_FIELD = {"phone": "created_at", "signoff": "received_at", "proxy": "handed_at", "visits": "created_at"}
SITE_FIELD = {"phone": "site", "signoff": "case__site", "proxy": "case__site", "visits": "site"}
SOURCES = {"phone": phone_appointments, "signoff": sign_offs, "proxy": handbacks, "visits": visits}


def register_rows(user, kind: str, *, site: Site | None = None, date_from: dt.date | None = None,
                  date_to: dt.date | None = None) -> QuerySet:
    qs = SOURCES[kind](user)
    if site is not None:
        qs = qs.filter(**{SITE_FIELD[kind]: site})
    field = DATE_FIELD[kind]
    if date_from:
        qs = qs.filter(**{f"{field}__gte": batches.start_of(date_from)})
    if date_to:
        qs = qs.filter(**{f"{field}__lt": batches.start_of(date_to + dt.timedelta(days=1))})
    return qs


def get_visit(user, visit_id: int) -> HomeVisit | None:
    return visits(user).filter(pk=visit_id).first()


def visible_batches(user) -> QuerySet[ProxyBatch]:
    return (ProxyBatch.objects.for_user(user, Perm.VIEW_CASE)
            .select_related("station", "township", "sent_by__staff", "received_by__staff", "prepared_by__staff"))


def get_batch(user, batch_id: int) -> ProxyBatch | None:
    return visible_batches(user).filter(pk=batch_id).first()


def visible_stations(user) -> QuerySet[Site]:
    """The stations whose batches the person sees: stations in scope, and the stations of townships in scope."""
    scope = sites_for(user, Perm.VIEW_CASE)
    stations = Site.objects.filter(kind=Site.Kind.STATION).select_related("unit")
    own = set(scope.filter(kind=Site.Kind.STATION).values_list("pk", flat=True))
    townships = scope.filter(kind=Site.Kind.TOWNSHIP)
    township_ids = set(townships.values_list("pk", flat=True))
    units = townships.values("unit")
    candidates = stations.filter(Q(unit__parent__in=units) | Q(unit__in=units))
    by_township = {s.pk for s, t, _w in batches.stations_with_townships(candidates) if t.pk in township_ids}
    return stations.filter(pk__in=own | by_township).order_by("unit__path", "name")


def missed_cases(user, today: dt.date | None = None) -> list[Case]:
    """Cases that missed their batch at the stations the person sees (shown in red on the batch list)."""
    today = today or timeutil.today()
    info = batches.stations_with_townships(visible_stations(user))
    if not info:
        return []
    return list(batches.pending(s.pk for s, _t, _w in info).filter(batches.missed_q(info, today))
                .select_related("site", "item").order_by("site__name", "created_at")[:500])
