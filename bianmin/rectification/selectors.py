"""Read queries for tickets and appeals, scoped to what the signed-in person may see (DESIGN rule 3).

Managers see their site's tickets, handlers their department's, supervisors their region's; a clerk
sees the tickets assigned to them personally.
"""
from __future__ import annotations

from django.db.models import QuerySet

from bianmin.orgs.roles import Action as Perm

from .models import Appeal, Ticket
from .overview import overdue_q


def visible_tickets(user, action: str = Perm.VIEW_TICKETS) -> QuerySet[Ticket]:
    return Ticket.objects.for_user(user, action)


def get_ticket(user, ticket_id: int) -> Ticket | None:
    return (visible_tickets(user).select_related("rating", "comment", "case", "assigned_unit", "assigned_site",
                                                 "assignee", "verify_clock", "rectify_clock", "ledger_clock",
                                                 "followup_rating")
            .filter(pk=ticket_id).first())


def filtered(user, f: dict) -> QuerySet[Ticket]:
    qs = visible_tickets(user).select_related("assigned_unit", "assigned_site", "assignee", "verify_clock",
                                              "rectify_clock", "ledger_clock", "rating")
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("overdue") is not None:
        # The same test as the overview's "已超期" bucket and the pages (core.clocks: a step overdue now; a
        # finished step never is), so the list, the counts and the API agree between two worker sweeps.
        qs = qs.filter(overdue_q()) if f["overdue"] else qs.exclude(overdue_q())
    if f.get("unit"):
        path = _unit_path(f["unit"])
        qs = qs.filter(unit_path__startswith=path) if path else qs.none()
    if f.get("outcome"):
        qs = qs.filter(outcome=f["outcome"])
    if f.get("date_from"):
        qs = qs.filter(created_at__date__gte=f["date_from"])
    if f.get("date_to"):
        qs = qs.filter(created_at__date__lte=f["date_to"])
    return qs.order_by("-created_at", "-id")


def _unit_path(unit_id: int) -> str | None:
    from bianmin.orgs.models import Unit

    return Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first()


def appeals_of_unit(user, unit_id: int | None) -> QuerySet[Appeal]:
    """Visible appeals, narrowed to one unit's subtree when a unit is given (an unknown unit: none)."""
    appeals = visible_appeals(user)
    if not unit_id:
        return appeals
    path = _unit_path(unit_id)
    return appeals.filter(unit_path__startswith=path) if path else appeals.none()


def visible_appeals(user) -> QuerySet[Appeal]:
    """Appeals a reviewer may decide or a unit filed or is concerned by; the filer always sees their own."""
    return (Appeal.objects.for_user(user, (Perm.DECIDE_APPEAL, Perm.FILE_APPEAL))
            .select_related("rating", "filed_by", "decided_by", "clock"))
