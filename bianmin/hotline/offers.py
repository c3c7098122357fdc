"""Which action forms a page offers one person on one order.

A form is offered when the state table allows the action and the person holds the permission the service
will check (services.py calls access.require with the same permission), so the pages never offer what the
service would refuse for a reason the page could know. The service still decides: a form is only an offer.
"""
from __future__ import annotations

from bianmin.orgs.roles import Action as Perm

from . import access, services
from .models import ExtensionRequest, WorkOrder
from .states import Action, Status, allowed_actions

# form key → (the state-table action that must be allowed, the permission the service checks)
FORMS: dict[str, tuple[Action, str]] = {
    "dispatch": (Action.DISPATCH, Perm.DISPATCH),
    "accept": (Action.ACCEPT, Perm.HANDLE_WORKORDER),
    "reply": (Action.REPLY, Perm.HANDLE_WORKORDER),
    "return": (Action.RETURN, Perm.HANDLE_WORKORDER),
    "request_extension": (Action.REQUEST_EXTENSION, Perm.HANDLE_WORKORDER),
    "decide_extension": (Action.APPROVE_EXTENSION, Perm.DISPATCH),
    "revisit": (Action.REVISIT, Perm.TAKE_CALL),
    "close": (Action.CLOSE, Perm.TAKE_CALL),
    "merge": (Action.MERGE, Perm.TAKE_CALL),
    "link": (Action.LINK, Perm.TAKE_CALL),
}
# Both extension forms post to the API's one "extend" action (see _action_form.html); the others post to
# their own name.
# The department's forms, offered on its list too (issue #5: accept / reply / return / request extension).
DEPARTMENT_FORMS = ("accept", "reply", "return", "request_extension")


def offered(user, order: WorkOrder) -> list[str]:
    allowed = set(allowed_actions(order.status))
    if order.status == Status.DISPATCHED:
        allowed.add(Action.REPLY)  # replying to a dispatched order accepts it on the way (services._reply)
    pending = None
    if order.status == Status.ACCEPTED:
        pending = order.extensions.filter(status=ExtensionRequest.Status.PENDING).exists()
    out = []
    for key, (action, perm) in FORMS.items():
        if action not in allowed or not access.may(user, perm, order):
            continue
        if key == "request_extension" and pending:
            continue
        if key == "decide_extension" and not pending:
            continue
        if key == "close" and services.closure_for(order) is None:
            continue
        out.append(key)
    return out


def may_attach(user, order: WorkOrder) -> bool:
    """services.attach: the hotline or the department, while the order is open."""
    return Action.ATTACH in allowed_actions(order.status) and (
        access.may(user, Perm.TAKE_CALL, order) or access.may(user, Perm.HANDLE_WORKORDER, order))
