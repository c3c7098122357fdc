"""Changes a person makes to the exchange: re-send a dead letter after fixing its cause, give one up with a
reason, and preview what a record would look like under a profile. The worker's own changes are in sender.py and
reconcile.py."""
from __future__ import annotations

from django.db import transaction

from bianmin.core import timeutil
from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import text
from bianmin.core.models import AuditLog
from bianmin.orgs.scoping import can

from . import facts, mapping, profiles, selectors
from .models import Kind, OutboxRow, Status

# The preview's kinds (the API contract) and the outbox kinds each stands for.
PREVIEW_KINDS = {"rating": Kind.RATING, "case": None, "rectification": Kind.RECTIFICATION,
                 "complaint": Kind.COMPLAINT}


def require_manage(actor) -> None:
    if not can(actor, selectors.MANAGE):
        raise PermissionDenied("您无权管理数据汇聚。", "You may not manage the national exchange.")


@transaction.atomic
def resend(actor, row_id: int) -> OutboxRow:
    """A dead letter (or a given-up row) goes back to the queue with its attempts reset. Its payload is built again
    at the next attempt (it was never acknowledged, so nothing sent changes), picking up the fix."""
    require_manage(actor)
    row = selectors.row_for(actor, row_id, selectors.MANAGE)
    row = OutboxRow.objects.select_for_update().get(pk=row.pk)
    if row.status == Status.PENDING:
        raise Conflict("该记录已在待发送队列中。", "This record is already queued.")
    if row.status == Status.SENT:
        raise Conflict("该记录已送达，无需重新发送。", "This record was delivered; there is nothing to re-send.")
    now = timeutil.now()
    row.status, row.attempts, row.next_attempt_at = Status.PENDING, 0, now
    row.lease_until, row.lease_token, row.payload, row.profile_name, row.profile_version = None, "", None, "", None
    row.given_up_reason, row.given_up_by, row.given_up_at = "", None, None
    row.save()
    AuditLog.objects.create(actor=actor, action="exchange.resend", object_type="exchange.OutboxRow",
                            object_id=str(row.pk), reason=row.key[:500])
    return row


@transaction.atomic
def give_up(actor, row_id: int, reason) -> OutboxRow:
    """A dead letter that will never be sent (a test record, a record the upstream does not take): kept, with
    who gave it up and why; it no longer holds back later records of its case."""
    require_manage(actor)
    reason = text({"reason": reason}, "reason", "放弃原因", "Reason", max_len=300)
    row = selectors.row_for(actor, row_id, selectors.MANAGE)
    row = OutboxRow.objects.select_for_update().get(pk=row.pk)
    if row.status != Status.DEAD:
        raise Conflict("只有发送失败的记录可以放弃。", "Only dead letters can be given up.")
    row.status, row.given_up_reason, row.given_up_by, row.given_up_at = Status.GIVEN_UP, reason, actor, timeutil.now()
    row.save(update_fields=["status", "given_up_reason", "given_up_by", "given_up_at"])
    AuditLog.objects.create(actor=actor, action="exchange.give_up", object_type="exchange.OutboxRow",
                            object_id=str(row.pk), reason=reason)
    return row


def _preview_kind(kind: str, record_id: int) -> tuple[str, str]:
    """(outbox kind, event) for the preview's `kind`: a case is shown as its latest stage."""
    if kind not in PREVIEW_KINDS:
        raise InvalidInput("类型无效。", "kind must be one of " + ", ".join(PREVIEW_KINDS) + ".", field="kind")
    if kind != "case":
        return PREVIEW_KINDS[kind], ""
    from bianmin.cases.models import Case

    case = Case.objects.filter(pk=record_id).values("accepted_at", "completed_at").first()
    if case is None:
        raise NotFound("办件不存在。", "No such case.")
    return (Kind.CASE_COMPLETE if case["completed_at"] else Kind.CASE_ACCEPT), ""


def _in_scope(actor, kind: str, record_id: int) -> None:
    """The record must be one the person may see (its site or unit in their reach)."""
    from bianmin.cases.models import Case, CounterComplaint
    from bianmin.orgs.roles import Action
    from bianmin.ratings.models import Rating
    from bianmin.rectification.models import Ticket

    model, action = {Kind.RATING: (Rating, Action.VIEW_RATINGS), Kind.RECTIFICATION: (Ticket, Action.VIEW_TICKETS),
                     Kind.COMPLAINT: (CounterComplaint, Action.VIEW_CASE)}.get(kind, (Case, Action.VIEW_CASE))
    if not model.objects.for_user(actor, action).filter(pk=record_id).exists():
        raise NotFound("记录不存在或不在您的范围内。", "No such record in your scope.")


def preview(actor, kind: str, record_id: int, profile_name, version=None) -> dict:
    selectors.require_view(actor)
    profile = profiles.get(profile_name if isinstance(profile_name, str) else "", version)
    outbox_kind, event = _preview_kind(kind, record_id)
    if not profile.sends(outbox_kind):
        raise InvalidInput("该数据规范不报送这类记录。", f"Profile {profile.name} sends no {kind} records.", field="kind")
    _in_scope(actor, outbox_kind, record_id)
    built = mapping.build(profile, outbox_kind, facts.of(outbox_kind, record_id, event))
    return {"profile": profile.name, "version": profile.version, "kind": outbox_kind, "payload": built.payload,
            "problems": [p.as_dict() for p in built.problems], "sendable": not built.refused}
