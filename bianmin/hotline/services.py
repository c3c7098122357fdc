"""Hotline use cases (SPEC §7): the ONLY place a work order changes (DESIGN rule 1).

`receive` takes a call (and closes it at once when the agent answered it); `receive_public` takes a request
the public filed itself (Open311); `transition` performs every other action by its API name. Each runs in
one transaction, locks the order, checks the permission and the transition table, validates the input
before writing anything, and appends one WorkOrderEvent per change.
"""
from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from bianmin.core import clocks, timeutil
from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import choice, date, integer, text
from bianmin.core.models import Clock
from bianmin.core.notify import message, notify
from bianmin.core.sequences import next_value
from bianmin.core.uploads import ALLOWED_FILE_TYPES, MAX_FILE_BYTES, check_upload  # noqa: F401 (pages use them)
from bianmin.core.worktime.clock import LimitUnit
from bianmin.core.worktime.loader import get_calendar
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import granted_units

from . import access, limits, routing, states
from .models import (
    ACTION_LABELS,
    Assignment,
    Attachment,
    CallerRecord,
    Channel,
    Closure,
    DispatchCategory,
    ExtensionRequest,
    OrderType,
    RespondentRank,
    ReturnVisit,
    WorkOrder,
    WorkOrderEvent,
)
from .states import Action, Status

MAX_TEXT = 2000


# ---------------------------------------------------------------- small input helpers

def flag(data: dict, key: str, zh: str, en: str, *, default: bool | None = None) -> bool:
    """A yes/no field: JSON true/false, or the usual form spellings. Anything else is refused."""
    value = data.get(key)
    if value is None or value == "":
        if default is None:
            raise InvalidInput(f"请说明{zh}。", f"{en} must be true or false.", field=key)
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
        return value.lower() in ("1", "true", "yes", "on")
    raise InvalidInput(f"{zh}应为“是”或“否”。", f"{en} must be true or false.", field=key)


def _phone(data: dict, key: str = "phone") -> str:
    phone = text(data, key, "联系电话", "Phone", required=False, max_len=20)
    if phone and not phone.replace("-", "").replace(" ", "").isdigit():
        raise InvalidInput("联系电话只能包含数字。", "The phone number may contain digits only.", field=key)
    return phone


def _object(data, zh: str, en: str, field: str) -> dict:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput(f"{zh}应为对象。", f"{en} must be a JSON object.", field=field)
    return data


def _order_ref(data: dict, key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise InvalidInput("请指定工单编号（ID）。", f"{key} must be a work order id.", field=key)
    return int(value)


def category_by_code(code) -> DispatchCategory:
    category = DispatchCategory.objects.select_related("department", "leadership_department").filter(
        code=str(code or "")[:40], active=True).first()
    if category is None:
        raise InvalidInput("派单目录中没有该分类。", "Unknown dispatch category code.", field="category")
    return category


def order_link(order: WorkOrder) -> str:
    """The staff page of an order (notifications link there)."""
    return reverse("hotline:order", args=[order.pk])


# ---------------------------------------------------------------- history and moves

def _record(order: WorkOrder, action: str, actor, from_status: str, note: str = "", data: dict | None = None) -> None:
    WorkOrderEvent.objects.create(order=order, action=action, from_status=from_status, to_status=order.status,
                                  actor=actor, note=(note or "")[:MAX_TEXT], data=data or {}, at=timeutil.now())


def _target(order: WorkOrder, act: Action, **outcome) -> Status:
    try:
        return states.target(act, order.status, **outcome)
    except states.IllegalTransition:
        raise Conflict(f"工单当前状态为“{order.get_status_display()}”，不能“{ACTION_LABELS[act]}”。",
                       f"'{act.value}' is not allowed while the work order is {order.status}.",
                       code="illegal_transition") from None


def _lock(order_id: int) -> WorkOrder:
    order = (WorkOrder.objects.select_for_update(of=("self",))
             .select_related("category__department", "category__leadership_department", "department", "clock",
                             "region")
             .filter(pk=order_id).first())
    if order is None:
        raise NotFound("热线工单不存在。", "No such work order.")
    return order


def _current_assignment(order: WorkOrder) -> Assignment | None:
    return order.assignments.order_by("-dispatched_at", "-id").first()


def _lapse_pending_extensions(order: WorkOrder) -> None:
    order.extensions.filter(status=ExtensionRequest.Status.PENDING).update(
        status=ExtensionRequest.Status.LAPSED, decided_at=timeutil.now())


def _start_clock(order: WorkOrder, now) -> None:
    amount, unit = limits.limit_for(order.category, order.order_type)
    order.clock = clocks.start_clock(now, amount, unit.value, purpose="hotline")
    order.reminded_at = order.escalated_at = None


def _stop_clock(order: WorkOrder, now) -> dict:
    """Stop the running clock; the event data says whether the department kept its time limit."""
    if order.clock is None or order.clock.status == Clock.Status.STOPPED:
        return {}
    state = clocks.stop(order.clock, now)  # frozen at the stop: on time or late, with the working days late
    return {"on_time": not state.finished_late, "overdue_days": state.overdue_days}


# ---------------------------------------------------------------- intake

def _region(actor, ref, category: DispatchCategory) -> Unit:
    """The hotline region the order belongs to: named, else the agent's own, else the department's region."""
    if ref not in (None, ""):
        region = Unit.objects.filter(pk=ref if str(ref).isdigit() else -1, kind=Unit.Kind.REGION).first()
        if region is None:
            raise InvalidInput("受理地区不存在。", "Unknown region.", field="region")
        return region
    units = granted_units(actor, Perm.TAKE_CALL)
    if len(units) == 1:
        return units[0]
    if len(units) > 1:
        raise InvalidInput("您在多个地区受理来电，请指定受理地区。",
                           "You take calls for several regions; name the region.", field="region")
    if getattr(actor, "is_superuser", False):
        for unit in reversed(list(category.department.ancestors())):
            if unit.kind == Unit.Kind.REGION:
                return unit
    raise PermissionDenied("您没有受理热线来电的权限。", "You may not take hotline calls.")


def _intake(data: dict, *, public: bool) -> dict:
    """Check everything a call (or a public request) carries; nothing is written here. The public (Open311,
    the portal) cannot choose the order type nor answer its own request; an efficiency complaint's respondent
    rank may be left to the dispatcher, who sets it at dispatch (see _dispatch)."""
    channel = choice(data, "channel", Channel, "来源渠道", "channel")
    caller = _object(data.get("caller"), "来电人信息", "caller", "caller")
    name = text(caller, "name", "来电人姓名", "Caller name", required=False, max_len=40)
    phone = _phone(caller)
    confidential = flag(caller, "confidential", "是否要求保密", "caller.confidential", default=False)
    callback = flag(data, "callback_consent", "是否同意回访", "callback_consent", default=bool(phone))
    if callback and not phone:
        raise InvalidInput("需要回访时须留联系电话。", "A phone number is needed for a call back.", field="phone")
    category = category_by_code(data.get("category"))
    order_type = category.default_type
    if not public and data.get("type") not in (None, ""):
        order_type = choice(data, "type", OrderType, "工单类型", "order type")
    rank = ""
    if data.get("respondent_rank") not in (None, "") or (category.efficiency_complaint and not public):
        rank = choice(data, "respondent_rank", RespondentRank, "被投诉人职级", "respondent rank")
    answered = False if public else flag(data, "answered_at_intake", "是否当场答复", "answered_at_intake",
                                         default=False)
    return {
        "channel": channel, "caller_name": name, "caller_phone": phone, "callback_consent": callback,
        "confidential": confidential, "category": category, "order_type": order_type, "respondent_rank": rank,
        "respondent": text(data, "respondent", "被投诉人", "Respondent", required=False, max_len=100),
        "place": text(data, "place", "事发地点", "Place", required=False, max_len=200),
        "text": text(data, "text", "诉求内容", "Request text", max_len=MAX_TEXT),
        "answered": answered,
        "answer": text(data, "answer", "答复内容", "Answer", required=answered, max_len=MAX_TEXT) if not public else "",
    }


def _create(actor, recorder, fields: dict, region: Unit, files, event_data: dict) -> WorkOrder:
    """Write a checked intake: the order, its attachments, and (answered on the spot) its closing. `actor` is
    the creator, `recorder` the history's actor (None for the public)."""
    answered, answer = fields.pop("answered"), fields.pop("answer")
    now = timeutil.now()
    order = WorkOrder.objects.create(
        number=f"RX{timeutil.today():%Y%m%d}{next_value(f'workorder-{timeutil.today():%Y%m%d}'):05d}",
        region=region, unit_path=region.path, created_by=actor, received_at=now, **fields)
    # The intake event names no caller: history is shown to departments too.
    _record(order, "receive", recorder, "", data={"channel": order.channel, "category": order.category.code,
                                                  "type": order.order_type, **event_data})
    for uploaded in files:  # before the answer closes the order: attachments belong to open orders
        attachment = _store_file(order, uploaded, actor)
        _record(order, Action.ATTACH, recorder, order.status, attachment.name)
    if answered:
        before = order.status
        order.status, order.answered_at_intake, order.answer = _target(order, Action.ANSWER), True, answer
        order.closure, order.closed_at = Closure.ANSWERED, now
        order.save(update_fields=["status", "answered_at_intake", "answer", "closure", "closed_at"])
        _record(order, Action.ANSWER, actor, before, answer)
    return order


@transaction.atomic
def receive(actor, data: dict, files=()) -> WorkOrder:
    """Take a call (or a message, letter, visit, transfer), with the files the agent attached at intake.
    Everything, files included, is checked before anything is written."""
    data = _object(data, "请求内容", "The body", "body")
    fields = _intake(data, public=False)
    region = _region(actor, data.get("region"), fields["category"])
    if not access.may_in_region(actor, Perm.TAKE_CALL, region):
        raise PermissionDenied("您没有受理该地区热线来电的权限。", "You may not take calls for that region.")
    files = list(files)
    for uploaded in files:
        check_file(uploaded)
    return _create(actor, actor, fields, region, files, {})


PUBLIC_ACCOUNT = "public-intake"


def public_intake_account():
    """The account that stands for "the public" as an order's creator (created_by is required): inactive and
    without a usable password, so nobody can sign in as it."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(username=PUBLIC_ACCOUNT, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _home_region(category: DispatchCategory) -> Unit:
    """The region whose hotline owns a request nobody took by phone: the nearest region above the department."""
    for unit in reversed(list(category.department.ancestors())):
        if unit.kind == Unit.Kind.REGION:
            return unit
    raise InvalidInput("该分类的承办单位不属于任何地区，无法受理。", "The category's department lies in no region.",
                       field="category")


@transaction.atomic
def receive_public(data: dict, *, via: str, client: str = "", located: tuple | None = None,
                   email: str = "") -> WorkOrder:
    """A request the public filed itself (Open311 now, the portal later): channel web, no agent. It waits,
    received, for the hotline's dispatchers, who are told at once. `client` names the application that filed
    it (kept in the history); `located` (latitude, longitude) and `email` arrive already checked by the
    channel's own boundary (open311), which knows the parameter names to report."""
    data = _object(data, "请求内容", "The body", "body")
    fields = _intake({**data, "channel": Channel.WEB}, public=True)
    fields["latitude"], fields["longitude"] = located or (None, None)
    fields["caller_email"] = email
    event = {"via": via, **({"client": client} if client else {})}
    order = _create(public_intake_account(), None, fields, _home_region(fields["category"]), (), event)
    notify(access.dispatchers(order), message(gettext_lazy("网上新诉求 %(number)s（%(category)s），请及时派单。"),
                                              number=order.number, category=order.category.name),
           order_link(order))
    return order


# ---------------------------------------------------------------- transitions

def transition(order_id: int, action: str, actor, data: dict | None = None) -> WorkOrder:
    """Perform an action by its API name (see HANDLERS). 404 for an unknown action, 409 for a wrong status."""
    handler = HANDLERS.get(str(action))
    if handler is None:
        raise NotFound("没有这个操作。", f"Unknown action: {str(action)[:40]}.")
    data = _object(data, "请求内容", "The body", "body")
    with transaction.atomic():
        return handler(_lock(order_id), actor, data)


def _department(ref) -> Unit:
    unit = Unit.objects.filter(pk=ref if str(ref).isdigit() else -1).first()
    if unit is None:
        raise InvalidInput("承办单位不存在。", "Unknown department.", field="department")
    return unit


def _dispatch(order: WorkOrder, actor, data: dict) -> WorkOrder:
    access.require(actor, Perm.DISPATCH, order)
    target = _target(order, Action.DISPATCH)
    rank = order.respondent_rank
    if data.get("respondent_rank") not in (None, ""):
        # A rank found wrong (say, after the supervision office returned it) is corrected here and routes anew.
        rank = choice(data, "respondent_rank", RespondentRank, "被投诉人职级", "respondent rank")
    chosen = _department(data["department"]) if data.get("department") not in (None, "") else None
    if order.category.efficiency_complaint:
        department = routing.department_for(order.category, rank)
        if chosen is not None and chosen != department:
            raise InvalidInput("行政效能投诉按被投诉人职级分派，不能另选承办单位。",
                               "Efficiency complaints go where the respondent's rank routes them.", field="department")
    else:
        department = chosen or routing.department_for(order.category, rank)
    note = text(data, "note", "派单说明", "Note", required=False, max_len=MAX_TEXT)
    now = timeutil.now()
    last = _current_assignment(order)
    since = last.returned_at if last and last.returned_at else order.received_at
    assignment = Assignment(order=order, department=department, dispatched_by=actor, dispatched_at=now,
                            dispatch_due=limits.dispatch_due(since),
                            respond_by=limits.respond_by(now, order.order_type))
    _start_clock(order, now)  # a limit reaching past the calendar is refused here, before the other writes
    assignment.save()
    before = order.status
    order.status, order.department, order.respondent_rank = target, department, rank
    order.dispatched_at = order.dispatched_at or now
    order.save(update_fields=["status", "department", "respondent_rank", "dispatched_at", "clock", "reminded_at",
                              "escalated_at"])
    again = last is not None
    _record(order, Action.DISPATCH, actor, before, note, {
        "department": department.name, "department_id": department.pk, "redispatch": again,
        "limit": order.clock.amount, "unit": order.clock.unit, "due_at": order.clock.due_at.isoformat(),
        "in_time": now <= assignment.dispatch_due})
    notify(access.handlers(order),
           message(gettext_lazy("新的热线工单 %(number)s（%(category)s）已派至%(department)s，请及时签收。"),
                   number=order.number, category=order.category.name, department=department.name),
           order_link(order))
    return order


def _accept(order: WorkOrder, actor, data: dict) -> WorkOrder:
    access.require(actor, Perm.HANDLE_WORKORDER, order)
    target = _target(order, Action.ACCEPT)
    note = text(data, "note", "签收说明", "Note", required=False, max_len=MAX_TEXT)
    now = timeutil.now()
    assignment = _current_assignment(order)
    in_time = now <= assignment.respond_by
    assignment.responded_at, assignment.response = now, Assignment.Response.ACCEPTED
    assignment.save(update_fields=["responded_at", "response"])
    before = order.status
    order.status, order.accepted_at = target, now
    order.save(update_fields=["status", "accepted_at"])
    _record(order, Action.ACCEPT, actor, before, note, {"department": order.department.name, "in_time": in_time})
    return order


def _return(order: WorkOrder, actor, data: dict) -> WorkOrder:
    """First responsibility: a department sends back a mis-routed order only with its reason."""
    access.require(actor, Perm.HANDLE_WORKORDER, order)
    target = _target(order, Action.RETURN)
    reason = text(data, "reason", "退回理由", "Reason for the return", max_len=MAX_TEXT)
    now = timeutil.now()
    assignment = _current_assignment(order)
    if assignment.responded_at is None:
        assignment.responded_at, assignment.response = now, Assignment.Response.RETURNED
    assignment.returned_at, assignment.return_reason = now, reason
    assignment.save(update_fields=["responded_at", "response", "returned_at", "return_reason"])
    timing = _stop_clock(order, now)
    _lapse_pending_extensions(order)
    department = order.department
    before = order.status
    order.status, order.department = target, None  # back with the dispatcher until it is re-routed
    order.save(update_fields=["status", "department"])
    _record(order, Action.RETURN, actor, before, reason,
            {"department": department.name, "department_id": department.pk, **timing})
    notify(access.dispatchers(order), message(gettext_lazy("热线工单 %(number)s 被%(department)s退回，请改派。"),
                                              number=order.number, department=department.name), order_link(order))
    return order


def _reply(order: WorkOrder, actor, data: dict) -> WorkOrder:
    access.require(actor, Perm.HANDLE_WORKORDER, order)
    # Replying to a dispatched order is the clearest way of taking it on: the acceptance is recorded first.
    implicit_accept = order.status == Status.DISPATCHED
    _target(order, Action.ACCEPT if implicit_accept else Action.REPLY)
    reply = text(data, "text", "答复内容", "Reply", max_len=MAX_TEXT)
    if implicit_accept:
        _accept(order, actor, {"note": "答复时签收"})
    target = _target(order, Action.REPLY)
    now = timeutil.now()
    timing = _stop_clock(order, now)
    _lapse_pending_extensions(order)
    before = order.status
    order.status, order.reply, order.replied_at = target, reply, now
    order.save(update_fields=["status", "reply", "replied_at"])
    _record(order, Action.REPLY, actor, before, reply, {"department": order.department.name, **timing})
    notify(access.dispatchers(order), message(gettext_lazy("热线工单 %(number)s 已由%(department)s答复，请回访。"),
                                              number=order.number, department=order.department.name),
           order_link(order))
    return order


def _extend(order: WorkOrder, actor, data: dict) -> WorkOrder:
    """One API action, two sides: a department asks ({reason, until | amount}); the dispatcher decides
    ({decision: approve | reject, note}). The request and the decision are both kept."""
    if "decision" in data:
        return _decide_extension(order, actor, data)
    return _request_extension(order, actor, data)


def _amount_from(order: WorkOrder, data: dict) -> int:
    """The extension in the clock's own unit, from `amount` or from a new due date `until`."""
    clock = order.clock
    ceiling = max(clock.amount, 1) * 2  # at most twice the original limit: beyond that, re-route or escalate
    if data.get("until") not in (None, ""):
        if clock.unit in (LimitUnit.HOURS, LimitUnit.MINUTES):
            raise InvalidInput("按小时计时的工单请填写延长小时数（amount）。", "Hour limits are extended by `amount`.",
                               field="until")
        until = date(data, "until", "延期至", "New due date")
        due = clocks.state_of(clock).due_date
        cal = get_calendar()
        cal.kind(until)  # a date in a year the calendar does not cover is refused
        amount = (cal.working_days_between(due, until) if clock.unit == LimitUnit.WORKDAYS
                  else (until - due).days)
        if amount < 1:
            raise InvalidInput("延期后的期限须晚于当前期限。", "The new due date must be after the current one.",
                               field="until")
        if amount > ceiling:
            raise InvalidInput(f"延期不能超过原时限的两倍（{ceiling}）。", f"At most {ceiling} more.", field="until")
        return amount
    return integer(data, "amount", "延长时限", "Extension", lo=1, hi=ceiling)


def _request_extension(order: WorkOrder, actor, data: dict) -> WorkOrder:
    access.require(actor, Perm.HANDLE_WORKORDER, order)
    _target(order, Action.REQUEST_EXTENSION)
    if order.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise Conflict("已有待审批的延期申请。", "An extension request is already waiting for a decision.",
                       code="extension_pending")
    reason = text(data, "reason", "延期理由", "Reason for the extension", max_len=500)
    amount = _amount_from(order, data)
    ext = ExtensionRequest.objects.create(order=order, requested_by=actor, reason=reason, amount=amount,
                                          unit=order.clock.unit, requested_at=timeutil.now())
    _record(order, Action.REQUEST_EXTENSION, actor, order.status, reason,
            {"request": ext.pk, "amount": amount, "unit": ext.unit})
    notify(access.dispatchers(order),
           message(gettext_lazy("热线工单 %(number)s 申请延期 %(amount)s（%(unit)s），请审批。"), number=order.number,
                   amount=amount, unit=lazy(ext.get_unit_display, str)()), order_link(order))
    return order


def _decide_extension(order: WorkOrder, actor, data: dict) -> WorkOrder:
    access.require(actor, Perm.DISPATCH, order)
    decision = data.get("decision")
    if decision not in ("approve", "reject"):
        raise InvalidInput("请选择审批结论：批准（approve）或驳回（reject）。", "decision must be approve or reject.",
                           field="decision")
    act = Action.APPROVE_EXTENSION if decision == "approve" else Action.REJECT_EXTENSION
    _target(order, act)
    ext = order.extensions.filter(status=ExtensionRequest.Status.PENDING).first()
    if ext is None:
        raise Conflict("没有待审批的延期申请。", "No extension request is waiting for a decision.",
                       code="no_pending_extension")
    note = text(data, "note", "审批意见", "Note", required=decision == "reject", max_len=500)
    now = timeutil.now()
    info: dict = {"request": ext.pk, "amount": ext.amount, "unit": ext.unit}
    if act is Action.APPROVE_EXTENSION:
        state = clocks.extend(order.clock, ext.amount, ext.reason, actor, ext.requested_by)
        info["due_at"] = state.due_at.isoformat() if state.due_at else None
        # A new due date deserves its own reminder and, if missed, its own escalation.
        order.reminded_at = order.escalated_at = None
        order.save(update_fields=["reminded_at", "escalated_at"])
    approved = act is Action.APPROVE_EXTENSION
    ext.status = ExtensionRequest.Status.APPROVED if approved else ExtensionRequest.Status.REJECTED
    ext.decided_by, ext.decision_note, ext.decided_at = actor, note, now
    ext.save(update_fields=["status", "decided_by", "decision_note", "decided_at"])
    _record(order, act, actor, order.status, note, info)
    verdict = (gettext_lazy("热线工单 %(number)s 的延期申请已批准。") if act is Action.APPROVE_EXTENSION
               else gettext_lazy("热线工单 %(number)s 的延期申请被驳回。"))
    notify(access.handlers(order), message(verdict, number=order.number), order_link(order))
    return order


def _revisit(order: WorkOrder, actor, data: dict) -> WorkOrder:
    access.require(actor, Perm.TAKE_CALL, order)
    _target(order, Action.REVISIT, reached=False)
    reached = flag(data, "reached", "是否联系上来电人", "reached")
    resolved = flag(data, "resolved", "问题是否解决", "resolved") if reached else None
    satisfied = flag(data, "satisfied", "是否满意", "satisfied") if reached else None
    note = text(data, "note", "回访记录", "Note", required=False, max_len=MAX_TEXT)
    target = _target(order, Action.REVISIT, reached=reached, resolved=resolved)
    now = timeutil.now()
    ReturnVisit.objects.create(order=order, department=order.department, reached=reached, resolved=resolved,
                               satisfied=satisfied, note=note, by=actor, at=now)
    before = order.status
    order.status = target
    fields = ["status"]
    reopened = target == Status.ACCEPTED
    if reopened:
        _start_clock(order, now)  # the department handles it again, with a fresh time limit
        fields += ["clock", "reminded_at", "escalated_at"]
    order.save(update_fields=fields)
    _record(order, Action.REVISIT, actor, before, note,
            {"reached": reached, "resolved": resolved, "satisfied": satisfied, "reopened": reopened})
    if reopened:
        notify(access.handlers(order), message(gettext_lazy("热线工单 %(number)s 回访未解决，已退回重新办理。"),
                                               number=order.number), order_link(order))
    return order


def closure_for(order: WorkOrder) -> str | None:
    """How a replied or revisited order would close now, or None while a return visit is still owed (the
    pages ask this too, to offer "close" only when it can succeed)."""
    if order.status == Status.REVISITED:
        return Closure.RESOLVED
    if not order.callback_consent:
        return Closure.NO_CALLBACK
    last = order.revisits.order_by("-at", "-id").first()
    if last is not None and not last.reached:
        return Closure.UNREACHED
    return None


def _close(order: WorkOrder, actor, data: dict) -> WorkOrder:
    access.require(actor, Perm.TAKE_CALL, order)
    target = _target(order, Action.CLOSE)
    closure = closure_for(order)
    if closure is None:
        raise Conflict("请先回访来电人，确认是否解决。", "Make the return visit before closing.",
                       code="revisit_required")
    note = text(data, "note", "办结说明", "Note", required=False, max_len=MAX_TEXT)
    before = order.status
    order.status, order.closure, order.closed_at = target, closure, timeutil.now()
    order.save(update_fields=["status", "closure", "closed_at"])
    _record(order, Action.CLOSE, actor, before, note, {"closure": closure})
    return order


def _merge(order: WorkOrder, actor, data: dict) -> WorkOrder:
    """A duplicate (this order) closes into its master; the master keeps every caller."""
    access.require(actor, Perm.TAKE_CALL, order)
    target = _target(order, Action.MERGE)
    master_id = _order_ref(data, "into")
    if master_id == order.pk:
        raise InvalidInput("不能合并到工单自身。", "An order cannot be merged into itself.", field="into")
    master = _lock(master_id)
    if not access.may(actor, Perm.TAKE_CALL, master):
        raise NotFound("热线工单不存在或无权查看。", "No such work order, or you may not see it.")
    if master.status in states.FINAL:
        raise Conflict("主工单已办结或已合并，不能再并入。", "The master order is already closed or merged.",
                       code="master_closed")
    note = text(data, "note", "合并说明", "Note", required=False, max_len=MAX_TEXT)
    now = timeutil.now()
    moved = [CallerRecord(order=master, name=order.caller_name, phone=order.caller_phone,
                          callback_consent=order.callback_consent, confidential=order.confidential,
                          source_order=order, at=now)]
    CallerRecord.objects.bulk_create(moved)
    carried = order.callers.update(order=master)  # callers the duplicate had gathered itself
    WorkOrder.objects.filter(merged_into=order).update(merged_into=master)
    timing = _stop_clock(order, now)
    _lapse_pending_extensions(order)
    before = order.status
    order.status, order.merged_into, order.closure, order.closed_at = target, master, Closure.MERGED, now
    order.save(update_fields=["status", "merged_into", "closure", "closed_at"])
    _record(order, Action.MERGE, actor, before, note, {"into": master.number, "into_id": master.pk, **timing})
    _record(master, "merge_in", actor, master.status, note,
            {"from": order.number, "from_id": order.pk, "callers": 1 + carried})
    return order


def _link(order: WorkOrder, actor, data: dict) -> WorkOrder:
    """Repeat calls about the same matter are linked both ways (the orders stay separate)."""
    access.require(actor, Perm.TAKE_CALL, order)
    _target(order, Action.LINK)
    other_id = _order_ref(data, "to")
    if other_id == order.pk:
        raise InvalidInput("不能关联工单自身。", "An order cannot be linked to itself.", field="to")
    other = WorkOrder.objects.filter(pk=other_id).first()
    if other is None or not access.may(actor, Perm.TAKE_CALL, other):
        raise NotFound("热线工单不存在或无权查看。", "No such work order, or you may not see it.")
    if order.linked.filter(pk=other.pk).exists():
        return order
    order.linked.add(other)
    _record(order, Action.LINK, actor, order.status, data={"to": other.number, "to_id": other.pk})
    _record(other, Action.LINK, actor, other.status, data={"to": order.number, "to_id": order.pk})
    return order


HANDLERS = {
    "dispatch": _dispatch,
    "accept": _accept,
    "return": _return,
    "reply": _reply,
    "extend": _extend,
    "revisit": _revisit,
    "close": _close,
    "merge": _merge,
    "link": _link,
}


# ---------------------------------------------------------------- attachments

def attach(order_id: int, actor, uploaded) -> Attachment:
    with transaction.atomic():
        order = _lock(order_id)
        if not (access.may(actor, Perm.TAKE_CALL, order) or access.may(actor, Perm.HANDLE_WORKORDER, order)):
            raise PermissionDenied("您无权为此工单上传附件。", "You may not attach files to this work order.")
        _target(order, Action.ATTACH)
        attachment = _store_file(order, uploaded, actor)
        _record(order, Action.ATTACH, actor, order.status, attachment.name)
        return attachment


check_file = check_upload  # the pages check a file before anything is written


def _store_file(order: WorkOrder, uploaded, actor) -> Attachment:
    name = check_file(uploaded)
    return Attachment.objects.create(order=order, file=uploaded, name=name, size=uploaded.size,
                                     content_type=(getattr(uploaded, "content_type", "") or "")[:100],
                                     uploaded_by=actor, at=timeutil.now())
