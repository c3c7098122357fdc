"""Case use cases: the ONLY place a case's status changes (DESIGN rule 1).

`register_case` creates a case from a first contact; `transition` performs every other action.
Both the API and the staff pages call these functions. Each runs in one transaction, locks the
case row, checks permission and guards, moves the status, and writes the CaseEvent history row.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from bianmin.catalog.models import HandlingType, Item, Material
from bianmin.core import clocks, timeutil
from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

# Input checks shared by every app; the short private names keep the use cases readable.
from bianmin.core.inputs import choice as _choice
from bianmin.core.inputs import date as _date
from bianmin.core.inputs import integer as _int
from bianmin.core.inputs import text as _text
from bianmin.core.inputs import text_list as _list
from bianmin.core.models import Clock, ClockPause
from bianmin.core.worktime.clock import LimitUnit
from bianmin.core.worktime.loader import get_calendar
from bianmin.orgs import scoping
from bianmin.orgs.models import Site, Unit, Window
from bianmin.orgs.roles import Action as Perm

from . import completion_sms, handover, moves, result_notices, returns, special_procedures, states, urgency
from .handover import handover_return_date  # noqa: F401  (the rule lives in handover.py; callers import it here)
from .models import Case, Delivery, Entrustment, FirstContact, JointTask, Notice, RejectionGround
from .notices import issue
from .states import Action, Status

MAX_TEXT = 2000
MAX_LIST = 30


# ---------------------------------------------------------------- permission helpers

def may(user, perm: str, *, site: Site | None = None, department: Unit | None = None) -> bool:
    """At a site (its clerks, managers and regions above it) or for a department (its handlers): orgs.scoping."""
    return bool((site is not None and scoping.may(user, perm, site, scoping.SITES))
                or (department is not None and scoping.may(user, perm, department, scoping.DEPARTMENTS)))


def _require(user, perm: str, **scope) -> None:
    if not may(user, perm, **scope):
        raise PermissionDenied("您无权办理此办件。", "You are not allowed to act on this case.")


# ---------------------------------------------------------------- core move

# One status move and its history row: cases.moves (the counter-rule modules use them too).
_record = moves.record
_move = moves.move


def _year() -> int:
    return timeutil.today().year


# ---------------------------------------------------------------- registration

def _window_for(site: Site, item: Item, actor, window_id: int | None) -> Window:
    windows = Window.objects.filter(site=site, items=item)
    if window_id is not None:
        window = windows.filter(pk=window_id).first()
        if window is None:
            raise InvalidInput("该窗口不受理此事项。", "That window does not accept this item.", field="window_id")
        return window
    staff = getattr(actor, "staff", None)
    own = windows.filter(posts__staff=staff).first() if staff else None
    window = own or windows.order_by("number").first()
    if window is None:
        # Items are accepted only through a window that lists them (S002:L1377, S004:L175).
        raise InvalidInput("本场所没有受理该事项的窗口。", "No window at this site accepts this item.", field="item_code")
    return window


@transaction.atomic
def register_case(actor, *, site: Site, item: Item, applicant: dict, window_id: int | None = None,
                  urgent: bool = False, entrustment: dict | None = None, question: str = "") -> Case:
    """首问登记: record the first contact and open a case owned by the clerk who took it."""
    _require(actor, Perm.HANDLE_CASE, site=site)
    if item.secret and not may(actor, Perm.MANAGE_SITE, site=site):
        raise PermissionDenied("涉密事项须由中心负责人登记。", "Secret items are registered by the centre manager.")
    name = _text(applicant, "name", "申请人姓名", "Applicant name", max_len=100)
    phone = _text(applicant, "phone", "联系电话", "Phone", required=False, max_len=20)
    if phone and not phone.replace("-", "").isdigit():
        raise InvalidInput("联系电话只能包含数字。", "The phone number may contain digits only.", field="phone")
    id_number = _text(applicant, "id_number", "证件号码", "ID number", required=False, max_len=18)
    window = _window_for(site, item, actor, window_id)
    number = _case_number()
    # 急办件 are designated by the centre (seed 002 §五): a manager's urgent flag designates, a clerk's asks.
    designates = bool(urgent) and urgency.may_designate(actor, site)
    case = Case.objects.create(
        number=number, site=site, window=window, item=item, handling_type=item.handling_type, urgent=designates,
        urgent_requested=bool(urgent) and not designates, urgent_at=timeutil.now() if designates else None,
        applicant_name=name, applicant_phone=phone, applicant_id_number=id_number,
        applicant_org=_text(applicant, "org", "申请单位", "Organisation", required=False, max_len=200),
        handled_by=actor, status=Status.REGISTERED.value,
    )
    FirstContact.objects.create(site=site, owner=actor, visitor_name=name, visitor_phone=phone,
                                question=(question or item.name)[:500], outcome=FirstContact.Outcome.CASE, case=case,
                                closed_at=timeutil.now())
    if entrustment:
        _entrust(case, entrustment)
    _record(case, "register", actor, "", data={"window": window.number, "proxy": bool(entrustment)})
    return case


def _case_number() -> str:
    from bianmin.core.sequences import next_value

    today = timeutil.today()
    return f"BJ{today:%Y%m%d}{next_value(f'case-{today:%Y%m%d}'):05d}"


def _entrust(case: Case, data: dict) -> Entrustment:
    return Entrustment.objects.create(
        case=case,
        agent_name=_text(data, "agent_name", "代办员姓名", "Agent name", max_len=40),
        agent_phone=_text(data, "agent_phone", "代办员电话", "Agent phone", required=False, max_len=20),
        scope=_text(data, "scope", "委托事项及权限", "Scope of the entrustment", max_len=300),
        due_date=_date(data, "due_date", "约定办结日期", "Agreed completion date"),
        signed_on=_date(data, "signed_on", "签订日期", "Signing date", required=False) or timeutil.today(),
    )


def log_first_contact(actor, *, site: Site, visitor_name: str, visitor_phone: str, question: str,
                      outcome: str, guided_to_window: Window | None = None, guided_to_person: str = "",
                      channel: str = "counter", answer: str = "", handed_to=None) -> FirstContact:
    """A first contact that did not open a case (answered, kept following, or handed to a named window and person):
    the rules are in cases.first_contacts; this name stays for its earlier callers."""
    from . import first_contacts

    return first_contacts.log(actor, site=site, visitor_name=visitor_name, visitor_phone=visitor_phone,
                              question=question, outcome=outcome, channel=channel, answer=answer,
                              guided_to_window=guided_to_window, guided_to_person=guided_to_person,
                              handed_to=handed_to)


# ---------------------------------------------------------------- transitions

def _lock(case_id: int) -> Case:
    case = Case.objects.select_for_update(of=("self",)).select_related("site__unit", "item", "clock").filter(pk=case_id).first()
    if case is None:
        raise NotFound("办件不存在。", "No such case.")
    return case


@transaction.atomic
def transition(case_id: int, action: str, actor, data: dict | None = None) -> Case:
    """Perform `action` on a case. Raises Conflict (409) for an action the status does not allow."""
    data = data or {}
    try:
        act = Action(action)
    except ValueError:
        raise NotFound("没有这个操作。", f"Unknown action: {action}.") from None
    case = _lock(case_id)
    _check_permission(case, act, actor)
    if not states.is_allowed(act, case.status):
        raise Conflict(
            f"办件当前状态为“{case.get_status_display()}”，不能执行“{_label(act)}”。",
            f"The case is {case.status}; '{act.value}' is not allowed now.",
            code="illegal_transition",
        )
    return HANDLERS[act](case, actor, data)


def available_actions(case: Case, actor=None) -> list[Action]:
    """The actions the case's status allows, less those its data rules out now: a special procedure ends only while
    one runs and starts only while none does (and the clock is not paused); nothing completes during one; an
    urgent case is not designated again. With `actor`, also less those the person may not take (urgency and
    review decisions are the centre's)."""
    running = special_procedures.open_procedure(case) if case.clock_id else None
    paused = bool(case.clock_id and case.clock.status == Clock.Status.PAUSED)
    out = []
    for act in states.allowed_actions(case.status):
        if act is Action.END_SPECIAL_PROCEDURE and running is None:
            continue
        if act is Action.START_SPECIAL_PROCEDURE and (running is not None or paused or not case.clock_id):
            continue
        if act is Action.COMPLETE and running is not None:
            continue
        if act is Action.DESIGNATE_URGENT and (case.urgent or (actor is not None
                                                               and not urgency.may_designate(actor, case.site))):
            continue
        if act is Action.REQUEST_REVIEW and not returns.may_request_review(case):
            continue
        if act is Action.DECIDE_REVIEW and actor is not None and not returns.may_decide(actor, case):
            continue
        out.append(act)
    return out


def _label(act: Action) -> str:
    from .models import ACTION_LABELS

    return str(ACTION_LABELS[act])


def _check_permission(case: Case, act: Action, actor) -> None:
    if act is Action.RETURN_RESULT and case.handover_department and may(
            actor, Perm.RETURN_RESULT, department=case.handover_department):
        return
    if act is Action.FINISH_JOINT_TASK and any(
            may(actor, Perm.RETURN_RESULT, department=t.department) for t in case.joint_tasks.all()):
        return
    _require(actor, Perm.HANDLE_CASE, site=case.site)


def _answer_consultation(case: Case, actor, data: dict) -> Case:
    answer = _text(data, "answer", "答复内容", "Answer")
    return _move(case, Action.ANSWER_CONSULTATION, actor, reason=answer,
                 fields={"answer": answer, "completed_at": timeutil.now()})


def _limit_for(case: Case) -> tuple[int, str]:
    item = case.item
    if item.handling_type == HandlingType.INSTANT:
        return settings.BIANMIN["INSTANT_LIMIT_MINUTES"], LimitUnit.MINUTES.value
    return item.committed_limit, item.committed_unit


def _accept(case: Case, actor, data: dict) -> Case:
    now = timeutil.now()
    missing = _list(data, "missing_materials", "容缺材料", "missing materials", required=False)
    joint_specs = data.get("co_departments") or []
    if missing:
        if not case.item.tolerant:
            raise Conflict("该事项不适用容缺受理，请先一次性告知补正。",
                           "This item does not allow acceptance with missing materials; request a supplement first.")
        main = set(case.item.materials.filter(role=Material.Role.MAIN).values_list("name", flat=True))
        if main.intersection(missing):
            raise InvalidInput("缺少主件材料不能容缺受理。", "Main documents cannot be missing on acceptance.",
                               field="missing_materials")
        deadline = _date(data, "supplement_deadline", "补正期限", "Supplement deadline")
        _check_future(deadline)
    if case.item.handling_type == HandlingType.JOINT and not joint_specs:
        raise InvalidInput("联办件须指定协办部门及其时限。", "A joint case needs its co-departments and their time limits.",
                           field="co_departments")
    amount, unit, share = urgency.limit_at_acceptance(case, *_limit_for(case))
    # A limit running past the provisional year raises CalendarNotCovered (422) here, before anything is kept.
    case.clock = clocks.start_clock(now, amount, unit, purpose="case", warning_share=share)
    _move(case, Action.ACCEPT, actor, data={"limit": amount, "unit": unit},
          fields={"accepted_at": now})
    if joint_specs:
        _open_joint_tasks(case, joint_specs, now)
    state = clocks.state_of(case.clock, now)
    # The receipt says whether the promised date depends on a provisional (暂定) calendar year.
    receipt = {"due_date": state.due_date.isoformat() if state.due_date else "",
               "limit": amount, "unit": unit, "provisional": state.provisional}
    issue(case, Notice.Kind.RECEIPT, actor, receipt, _year())
    if missing:
        return _request_supplement(case, actor, {"materials": missing, "deadline": deadline.isoformat(),
                                                 "note": "容缺受理"})
    return case


def _check_future(day: dt.date) -> None:
    if day < timeutil.today():
        raise InvalidInput("期限不能早于今天。", "The deadline cannot be in the past.", field="deadline")
    get_calendar().kind(day)  # a deadline in a year the calendar does not cover is refused


def _open_joint_tasks(case: Case, specs, now: dt.datetime) -> None:
    if not isinstance(specs, list) or len(specs) > 10:
        raise InvalidInput("协办部门格式有误。", "co_departments must be a list (at most 10).", field="co_departments")
    total = case.clock.amount
    for spec in specs:
        if not isinstance(spec, dict):
            raise InvalidInput("协办部门格式有误。", "Each co-department must be an object.", field="co_departments")
        dept = Unit.objects.filter(pk=spec.get("department_id"), kind=Unit.Kind.DEPARTMENT).first()
        if dept is None:
            raise InvalidInput("协办部门不存在。", "Unknown co-department.", field="co_departments")
        days = _int(spec, "days", "协办时限", "Co-department time limit", lo=0, hi=max(total, 0))
        clock = clocks.start_clock(now, days, case.clock.unit, purpose="joint")
        JointTask.objects.create(case=case, department=dept, task=str(spec.get("task") or "")[:200], clock=clock)


def _reject(case: Case, actor, data: dict) -> Case:
    ground = _choice(data, "ground", RejectionGround, "不予受理类别", "rejection ground")
    reason = _text(data, "reason", "书面理由", "Written reason")
    _move(case, Action.REJECT, actor, reason=reason,
          fields={"rejection_ground": ground, "rejection_reason": reason, "completed_at": timeutil.now()})
    if case.clock:
        clocks.stop(case.clock)
        handover.follow_case(case)
    issue(case, Notice.Kind.REJECTION, actor, {"ground": ground, "reason": reason}, _year())
    return case


def _route_out(case: Case, actor, data: dict) -> Case:
    routed_to = _text(data, "routed_to", "转至单位", "Receiving organisation", max_len=200)
    answer = _text(data, "answer", "答复内容", "Answer")
    days = _int(data, "answer_days", "答复时限（工作日）", "Answer time limit (working days)", lo=0, hi=30, default=1)
    due = get_calendar().add_working_days(timeutil.today(), days)
    return _move(case, Action.ROUTE_OUT, actor, reason=answer,
                 fields={"routed_to": routed_to, "answer": answer, "routed_answer_due": due,
                         "completed_at": timeutil.now()})


def _request_supplement(case: Case, actor, data: dict) -> Case:
    materials = _list(data, "materials", "需补正的材料", "materials to supplement")
    deadline = _date(data, "deadline", "补正期限", "Supplement deadline")
    _check_future(deadline)
    from bianmin.catalog.validators import vague_wording

    for m in materials:
        if vague_wording(m):
            raise InvalidInput(f"补正材料须逐项写明，不能使用“{vague_wording(m)}”。",
                               "List each material exactly; catch-all words are not allowed.", field="materials")
    resume_to = case.status
    if case.clock:
        clocks.pause(case.clock, ClockPause.Reason.SUPPLEMENT, timeutil.now())
        handover.follow_case(case)
    _move(case, Action.REQUEST_SUPPLEMENT, actor, reason=str(data.get("note", ""))[:200],
          data={"materials": materials, "deadline": deadline.isoformat()},
          fields={"supplement_materials": materials, "supplement_deadline": deadline, "resume_to": resume_to})
    issue(case, Notice.Kind.SUPPLEMENT, actor, {"materials": materials, "deadline": deadline.isoformat()}, _year())
    return case


def _resume(case: Case, actor, data: dict) -> Case:
    return_by = None
    if case.clock:
        clocks.resume(case.clock, timeutil.now())
        return_by = handover.follow_case(case)  # a department's return-by date moves on by the days paused
    case = _move(case, Action.RESUME, actor, reason=_text(data, "note", "说明", "Note", required=False, max_len=500),
                 data={"materials": case.supplement_materials,
                       **({"return_by": return_by.isoformat()} if return_by else {})})
    case.resume_to = ""
    case.save(update_fields=["resume_to"])
    return case


def _extend(case: Case, actor, data: dict) -> Case:
    if case.clock is None:
        raise Conflict("办件尚未受理，无需延期。", "The case is not accepted yet; nothing to extend.")
    if case.clock.unit == LimitUnit.MINUTES.value:
        raise Conflict("即办件不能延期。", "On-the-spot cases cannot be extended.")
    amount = _int(data, "amount", "延长时限", "Extension", lo=1, hi=max(case.item.statutory_limit, 1) * 2)
    reason = _text(data, "reason", "延期理由", "Reason for the extension", max_len=500)
    approver = _approver(case, data.get("approver"))
    state = clocks.extend(case.clock, amount, reason, approver, actor)
    return_by = handover.follow_case(case)  # the department's return-by date moves with the due date
    _move(case, Action.EXTEND, actor, reason=reason,
          data={"amount": amount, "unit": case.clock.unit, "approver": approver.username,
                "due_date": state.due_date.isoformat() if state.due_date else None,
                **({"return_by": return_by.isoformat()} if return_by else {})})
    # The applicant is told of the extension in writing (S003:L143).
    issue(case, Notice.Kind.EXTENSION, actor, {"amount": amount, "reason": reason, "approver": approver.username,
                                               "due_date": state.due_date.isoformat() if state.due_date else "",
                                               "provisional": state.provisional}, _year())
    return case


def _approver(case: Case, ref):
    if ref in (None, ""):
        raise InvalidInput("延期须有审批人。", "An extension needs an approver.", field="approver")
    User = get_user_model()
    approver = User.objects.filter(username=str(ref)[:150]).first()
    if approver is None and str(ref).isdigit():
        approver = User.objects.filter(pk=int(ref)).first()
    if approver is None or not may(approver, Perm.APPROVE_EXTENSION, site=case.site):
        raise InvalidInput("审批人须为本中心负责人或上级监督人员。",
                           "The approver must be a manager of this centre or a supervisor above it.", field="approver")
    return approver


def _hand_over(case: Case, actor, data: dict) -> Case:
    if case.clock is None or case.clock.unit in (LimitUnit.MINUTES.value, LimitUnit.HOURS.value):
        raise Conflict("即办件应当场办结，不能移交。", "On-the-spot cases are finished at the window, not handed over.")
    dept = Unit.objects.filter(pk=data.get("department_id"), kind=Unit.Kind.DEPARTMENT).select_related().first()
    if dept is None:
        raise InvalidInput("请选择承办部门。", "Choose the handling department.", field="department_id")
    # The return-by date (S002:L1115) is re-derived from the case clock whenever that changes (handover.py).
    hclock = handover.start(case, timeutil.now())
    return_by = clocks.state_of(hclock).due_date
    return _move(case, Action.HAND_OVER, actor, reason=_text(data, "note", "移交说明", "Note", required=False),
                 data={"department": dept.name, "return_by": return_by.isoformat()},
                 fields={"handover_department": dept, "handover_clock": hclock})


def _return_result(case: Case, actor, data: dict) -> Case:
    note = _text(data, "result", "办理意见", "Department's result")
    late = False
    if case.handover_clock:
        # Late means after the return-by date in force when it came back, not the one set at hand-over.
        late = bool(clocks.stop(case.handover_clock).finished_late)
    return _move(case, Action.RETURN_RESULT, actor, reason=note, data={"late": late},
                 fields={"result_returned_at": timeutil.now(), "result": note})


def _forward(case: Case, actor, data: dict) -> Case:
    if case.item.handling_type != HandlingType.REPORTED:
        raise Conflict("只有上报件可以上报上级。", "Only items of the 'reported upward' type are forwarded.")
    upper = Site.objects.select_related("unit").filter(pk=data.get("site_id")).first()
    here = case.site.unit
    if upper is None or upper.unit_id == here.pk or not here.path.startswith(upper.unit.path):
        raise InvalidInput("请选择上级服务场所。", "Choose a service site at a higher level.", field="site_id")
    return _move(case, Action.FORWARD, actor, reason=_text(data, "note", "上报说明", "Note", required=False),
                 data={"to": upper.name}, fields={"forwarded_to": upper})


def _finish_joint_task(case: Case, actor, data: dict) -> Case:
    task = case.joint_tasks.filter(pk=data.get("task_id"), finished_at__isnull=True).first()
    if task is None:
        raise InvalidInput("没有待完成的该协办任务。", "No open joint task with that id.", field="task_id")
    if not may(actor, Perm.HANDLE_CASE, site=case.site) and not may(actor, Perm.RETURN_RESULT, department=task.department):
        raise PermissionDenied("您不是该协办部门的经办人。", "You do not handle this co-department's task.")
    note = _text(data, "note", "办理意见", "Note", required=False, max_len=500)
    late = bool(clocks.stop(task.clock).finished_late)
    task.finished_at, task.finished_by, task.note = timeutil.now(), actor, note
    task.save()
    return _move(case, Action.FINISH_JOINT_TASK, actor, reason=note,
                 data={"task": task.pk, "department": task.department.name, "late": late})


def _complete(case: Case, actor, data: dict) -> Case:
    if case.joint_tasks.filter(finished_at__isnull=True).exists():
        raise Conflict("还有协办部门未完成，不能办结。", "Co-departments have not finished yet; the case cannot be completed.")
    if case.status == Status.AWAITING_SUPPLEMENT:
        raise Conflict("请先补齐材料。", "Materials are still missing.")
    result = _text(data, "result", "办理结果", "Result")
    delivery = _choice(data, "delivery", Delivery, "送达方式", "delivery method")
    address = _text(data, "delivery_address", "邮寄地址", "Mailing address", required=delivery == Delivery.MAIL,
                    max_len=200)
    if special_procedures.open_procedure(case) is not None:
        raise Conflict("特别程序尚未结束，不能办结。", "A special procedure is still running; end it first.")
    approved = data.get("approved", True)
    if isinstance(approved, str):
        approved = approved.lower() in ("1", "true", "yes", "on")
    notice_text = result_notices.check_text(
        _text(data, "public_notice", "办结公告", "Public notice", required=False))
    state = clocks.stop(case.clock) if case.clock else None
    case = _move(case, Action.COMPLETE, actor, reason=result,
                 data={"on_time": not (state and state.finished_late),
                       "overdue_days": state.overdue_days if state else 0},
                 fields={"result": result, "approved": bool(approved), "delivery": delivery,
                         "delivery_address": address, "completed_at": timeutil.now(),
                         "delivered_on": _date(data, "delivered_on", "送达日期", "Delivery date", required=False),
                         "public_notice": notice_text})
    if result_notices.required(case):
        result_notices.publish(case, notice_text)
    completion_sms.text_on_commit(case)  # the applicant learns it now, not with the rating invitation days later
    return case


HANDLERS = {
    Action.ANSWER_CONSULTATION: _answer_consultation,
    Action.ACCEPT: _accept,
    Action.REJECT: _reject,
    Action.ROUTE_OUT: _route_out,
    Action.REQUEST_SUPPLEMENT: _request_supplement,
    Action.RESUME: _resume,
    Action.EXTEND: _extend,
    Action.HAND_OVER: _hand_over,
    Action.RETURN_RESULT: _return_result,
    Action.FORWARD: _forward,
    Action.FINISH_JOINT_TASK: _finish_joint_task,
    Action.COMPLETE: _complete,
    Action.RETURN_APPLICATION: returns.return_application,
    Action.REQUEST_REVIEW: returns.request_review,
    Action.DECIDE_REVIEW: returns.decide_review,
    Action.DESIGNATE_URGENT: urgency.designate_urgent,
    Action.START_SPECIAL_PROCEDURE: special_procedures.start,
    Action.END_SPECIAL_PROCEDURE: special_procedures.end,
}
assert set(HANDLERS) == set(Action), "every action needs a handler"


def item_by_code(code: str) -> Item:
    item = Item.objects.filter(code=str(code)[:24]).first()
    if item is None:
        raise InvalidInput("事项编码不存在。", "Unknown item code.", field="item_code")
    return item


def site_for_actor(actor, site_id: int | None = None) -> Site:
    """The site a clerk works at (their site membership), or the one named if they may act there."""
    if site_id is not None:
        site = Site.objects.select_related("unit").filter(pk=site_id).first()
        if site is None:
            raise InvalidInput("服务场所不存在。", "Unknown site.", field="site_id")
        return site
    own = scoping.own_site(actor, Perm.HANDLE_CASE, or_reachable=False)
    if own is not None:
        return own
    raise InvalidInput("请指定服务场所。", "Name the site (site_id): you work at more than one or none.", field="site_id")


def now_local() -> dt.datetime:
    return timezone.localtime(timeutil.now())
