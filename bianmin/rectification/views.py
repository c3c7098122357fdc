"""Staff pages of the bad-review loop: the ticket list (with the manager's overview and the policy's
figures), the ledger export, one ticket with a form per allowed action, attachments.

Every read goes through selectors (scoped by persona); every write through services, the same functions
the API calls, so a page can never do what the API refuses. A service error re-renders the page with
its Chinese and English message and the 4xx status of the error; nothing is changed.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bianmin.cases import selectors as case_selectors
from bianmin.core import timeutil
from bianmin.core.errors import DomainError
from bianmin.core.privacy import log_unmask
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can
from bianmin.ratings.models import SUGGESTION_KEY, Answer, Question

from . import export, figures, overview, selectors, services
from .forms import TicketFilterForm, action_data
from .models import ACTION_LABELS, OUTCOME_CHOICES, Appeal, Attachment, ContactChannel, Source, Ticket
from .states import Action, Outcome, allowed_actions

PAGE_SIZE = 50
# Which permission each action needs; every other action is the handler's (HANDLE_TICKET).
PERM_OF = {Action.APPROVE_EXCLUSION: Perm.APPROVE_EXCLUSION, Action.REJECT_EXCLUSION: Perm.APPROVE_EXCLUSION}


# ---------------------------------------------------------------- the list, overview, figures, export

def _filter_form(request) -> TicketFilterForm:
    units = Unit.objects.filter(pk__in=selectors.visible_tickets(request.user).values("assigned_unit")).order_by("path")
    return TicketFilterForm(request.GET or None, units=units)


def _filtered(user, form: TicketFilterForm):
    data = form.valid_data()
    qs = selectors.filtered(user, form.selector_filters())
    if data.get("source"):
        qs = qs.filter(source=data["source"])
    if data.get("due"):
        qs = qs.filter(overview.bucket_q(data["due"]))
    return qs


def _with_states(tickets: list[Ticket]) -> list[Ticket]:
    """Attach the state of each step's clock now (core.clocks.state_of: a finished step is frozen at its end)."""
    now = timeutil.now()
    for t in tickets:
        t.states = overview.states(t, now)
        t.live_warning = overview.live_warning(t.states)
    return tickets


def _figures(user, form: TicketFilterForm) -> figures.Figures:
    """Figures over the whole scope (and chosen unit) in the period: status filters would skew the rates."""
    data = form.valid_data()
    unit_id = data["unit"].pk if data.get("unit") else None
    return figures.compute(selectors.filtered(user, {"unit": unit_id}), selectors.appeals_of_unit(user, unit_id),
                           data.get("date_from"), data.get("date_to"))


@login_required
def ticket_list(request):
    form = _filter_form(request)
    qs = (_filtered(request.user, form).select_related("assignee__staff")
          .prefetch_related("verify_clock__pauses", "rectify_clock__pauses", "ledger_clock__pauses"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _with_states(list(page.object_list))
    # The overview and the figures are for those responsible for a scope, not for a clerk's own tickets.
    sees_scope = can(request.user, Perm.VIEW_TICKETS)
    counts = overview.counts(selectors.visible_tickets(request.user)) if sees_scope else {}
    return render(request, "rectification/list.html", {
        "form": form, "page": page, "sees_scope": sees_scope,
        "buckets": [(key, label, counts[key]) for key, label in overview.BUCKETS.items()] if sees_scope else [],
        "figures": _figures(request.user, form) if sees_scope else None,
        "period": (form.valid_data().get("date_from"), form.valid_data().get("date_to")),
        "definitions": figures.DEFINITIONS,
        "export_query": request.GET.urlencode(),
    })


@login_required
def ticket_export(request):
    if not can(request.user, Perm.VIEW_TICKETS):
        raise Forbidden
    form = _filter_form(request)
    body = export.workbook_bytes(export.ledger_queryset(_filtered(request.user, form)))
    response = HttpResponse(body, content_type=export.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="rectification-{timeutil.today():%Y%m%d}.xlsx"'
    return response


# ---------------------------------------------------------------- one ticket

def _visible(request, ticket_id: int) -> Ticket:
    ticket = selectors.get_ticket(request.user, ticket_id)
    if ticket is None:
        raise Http404
    return ticket


def _actions_for(user, ticket: Ticket) -> list[Action]:
    """The actions the state allows AND this person may perform: only those get a form."""
    return [a for a in allowed_actions(ticket.status_enum)
            if a in services.HANDLERS and services.may(user, PERM_OF.get(a, Perm.HANDLE_TICKET), ticket)]


def _rating_context(user, ticket: Ticket) -> dict:
    rating = ticket.rating
    if rating is None:
        return {}
    appeal = Appeal.objects.filter(rating=rating).select_related("decided_by").first()
    return {
        "answers": [(label, Answer(rating.answers[key]).label) for key, label in Question.choices
                    if rating.answers.get(key) in Answer.values],
        "suggestion": rating.answers.get(SUGGESTION_KEY, ""),
        "appeal": appeal,
        "may_appeal": appeal is None and not rating.excluded and services.may_appeal(user, rating),
    }


def _ticket_context(request, ticket: Ticket, **extra) -> dict:
    user = request.user
    outcomes = OUTCOME_CHOICES if ticket.source == Source.RATING else \
        [(v, label) for v, label in OUTCOME_CHOICES if v != Outcome.MALICIOUS]
    return {
        "ticket": ticket, **_rating_context(user, ticket),
        "states": overview.states(ticket),
        "case_visible": bool(ticket.case_id and case_selectors.get_case(user, ticket.case_id)),
        "contacts": ticket.contacts.select_related("by", "by__staff"),
        "progress": ticket.events.filter(action=Action.PROGRESS).select_related("actor", "actor__staff"),
        "attachments": ticket.attachments.select_related("uploaded_by", "uploaded_by__staff").order_by("at", "id"),
        "events": ticket.events.select_related("actor", "actor__staff"),
        "actions": _actions_for(user, ticket),
        "may_attach": Action.ATTACH in allowed_actions(ticket.status_enum)
        and services.may(user, Perm.HANDLE_TICKET, ticket),
        "action_labels": {a.value: ACTION_LABELS[a] for a in Action},
        "outcomes": outcomes, "channels": ContactChannel.choices, "today": timeutil.today(),
        "max_note": services.MAX_NOTE,
        "may_unmask": services.may(user, Perm.HANDLE_TICKET, ticket) and ticket.real_name,
        **extra,
    }


def _render_ticket(request, ticket: Ticket, *, status: int = 200, **extra):
    return render(request, "rectification/ticket.html", _ticket_context(request, ticket, **extra), status=status)


@login_required
def ticket_page(request, ticket_id: int):
    return _render_ticket(request, _visible(request, ticket_id))


@login_required
@require_POST
def ticket_action(request, ticket_id: int, action: str):
    ticket = _visible(request, ticket_id)
    try:
        services.transition(ticket.pk, action, request.user, action_data(action, request.POST))
    except DomainError as exc:
        ticket = _visible(request, ticket_id)  # re-read: the failed transaction changed nothing
        return _render_ticket(request, ticket, status=exc.status, error=exc, failed_action=action, form=request.POST)
    messages.success(request, _("操作成功：%(action)s") % {"action": ACTION_LABELS[Action(action)]})
    return redirect("rectification:ticket", ticket_id=ticket.pk)


@login_required
@require_POST
def ticket_attach(request, ticket_id: int):
    ticket = _visible(request, ticket_id)
    try:
        attachment = services.attach(ticket.pk, request.user, request.FILES.get("file"))
    except DomainError as exc:
        return _render_ticket(request, _visible(request, ticket_id), status=exc.status, error=exc,
                              failed_action="attach")
    messages.success(request, _("已上传附件：%(name)s") % {"name": attachment.name})
    return redirect("rectification:ticket", ticket_id=ticket.pk)


@login_required
@require_POST
def ticket_unmask(request, ticket_id: int):
    """The handler has to call the rater back (回访): the full number is shown once, with a reason, and the
    look is written to the audit log (SPEC §11). Only people who may act on the ticket may ask."""
    ticket = _visible(request, ticket_id)
    source = ticket.rating or ticket.comment
    if not services.may(request.user, Perm.HANDLE_TICKET, ticket):
        raise Http404
    try:
        log_unmask(request.user, source, request.POST.get("reason", ""))
    except DomainError as exc:
        return _render_ticket(request, ticket, status=exc.status, error=exc, failed_action="unmask")
    return _render_ticket(request, ticket, unmasked=True)


@login_required
def attachment_download(request, attachment_id: int):
    """Evidence goes only to people who may see its ticket or appeal; to anyone else it does not exist."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    if attachment.ticket_id:
        allowed = selectors.get_ticket(request.user, attachment.ticket_id) is not None
    else:
        allowed = selectors.visible_appeals(request.user).filter(pk=attachment.appeal_id).exists()
    if not allowed:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name)
