"""Exchange API (issue 19 contract): previews of payloads, the outbox with re-send, reconciliation, profiles.
Scoping is selectors'; changes go through services, the same functions as the page."""

import datetime as dt

from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import LimitOffsetPagination, paginate

from bianmin.core import timeutil
from bianmin.core.auth import STAFF_AUTH
from bianmin.core.paging import RowsOfPage

from . import profiles, reconcile, selectors, services
from .schemas import (
    GiveUpIn,
    OutboxFilter,
    OutboxOut,
    PreviewFilter,
    PreviewOut,
    ProfileOut,
    ReconciliationFilter,
    ReconciliationOut,
    row_dict,
)

router = Router(tags=["exchange"], auth=STAFF_AUTH)


@router.get("/exchange/preview/{kind}/{id}", response=PreviewOut,
            summary="A record's payload as it would be sent upstream",
            description="`kind`: rating, case (its latest stage: acceptance or completion), rectification or "
                        "complaint. `profile` (default gbt39046-2020) and optional `version`; an unknown profile → "
                        "422. Under gbt39046-2020 the keys are the standard's data item names (满意度代码 \"1\" = "
                        "非常满意 … \"5\" = 非常不满意). Exchange managers and supervisors; a record out of scope → 404.")
def preview(request, kind: str, id: int, filters: Query[PreviewFilter]):
    return services.preview(request.auth, kind, id, filters.profile, filters.version)


@router.get("/exchange/outbox", response=list[OutboxOut], summary="The outbox of the national exchange",
            description="Newest first, scoped to your site or unit. `status`: pending, sent, dead, given_up.")
@paginate(LimitOffsetPagination)
def outbox(request, filters: Query[OutboxFilter]):
    selectors.require_view(request.auth)
    return RowsOfPage(selectors.rows_for(request.auth, status=filters.status, kind=filters.kind,
                                         record_id=filters.record_id), row_dict)


@router.post("/exchange/outbox/{row_id}/resend", response=OutboxOut, summary="Re-send a dead letter",
             description="After fixing its cause: back in the queue with attempts reset, payload rebuilt. Exchange "
                         "managers; already queued or delivered → 409.")
def resend(request, row_id: int):
    return row_dict(services.resend(request.auth, row_id))


@router.post("/exchange/outbox/{row_id}/give-up", response=OutboxOut, summary="Give up a dead letter, with a reason")
def give_up(request, row_id: int, payload: GiveUpIn):
    return row_dict(services.give_up(request.auth, row_id, payload.reason))


@router.get("/exchange/reconciliation", response=ReconciliationOut, summary="Reconciliation of one day, per kind",
            description="Ours against the upstream's acknowledged keys for `date` (default yesterday): ours, "
                        "theirs, missing. Shows the stored result of the daily job; `run=true` (exchange managers) "
                        "asks the upstream now and queues again what it lacks.")
def reconciliation(request, filters: Query[ReconciliationFilter]):
    selectors.require_view(request.auth)
    day = filters.date or (timezone.localtime(timeutil.now()).date() - dt.timedelta(days=1))
    links, stored = selectors.reconciliations_for(request.auth, day)
    if filters.run:
        services.require_manage(request.auth)
        stored = [r for link in links for r in reconcile.reconcile_link(link, day)]
    return {"date": day, "kinds": [
        {"jurisdiction": r.link.unit.name, "profile": r.link.profile, "kind": r.kind, "ours": r.ours,
         "ours_sent": r.ours_sent, "theirs": r.theirs, "missing": r.missing_upstream,
         "unknown_upstream": r.unknown_upstream, "requeued": r.requeued, "error": r.error,
         "checked_at": r.checked_at} for r in stored]}


@router.get("/exchange/profiles", response=list[ProfileOut], summary="Exchange profiles: names and versions")
def list_profiles(request):
    selectors.require_view(request.auth)
    return [{"name": p.name, "version": p.version, "versions": profiles.versions(p.name), "title": p.title,
             "kinds": list(p.kinds), "style": p.style} for p in profiles.all_profiles()]
