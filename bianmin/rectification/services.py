"""Bad-review loop use cases (SPEC §6): the ONLY place a ticket or an appeal changes.

Each action locks the ticket, checks permission and the transition table, changes it, and appends a
TicketEvent in the same transaction. Nothing here deletes: corrections are new events.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from bianmin.core import clocks, outbox, timeutil
from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import choice, date, text
from bianmin.core.models import Clock
from bianmin.core.notify import message, notify
from bianmin.core.sequences import next_value
from bianmin.core.uploads import check_upload
from bianmin.core.worktime.clock import LimitUnit
from bianmin.core.worktime.loader import get_calendar
from bianmin.orgs import scoping
from bianmin.orgs.models import Site, Unit
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.roles import Role
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Rating, Stage

from . import followups, rater_view, states
from .models import (
    ACTION_LABELS,
    Appeal,
    Attachment,
    ContactAttempt,
    ContactChannel,
    Escalation,
    Policy,
    Source,
    Ticket,
    TicketEvent,
)
from .states import Action, Outcome, Status

MAX_NOTE = 2000


# ---------------------------------------------------------------- time limits per jurisdiction

@dataclass(frozen=True)
class Limits:
    verify: int
    rectify: int
    appeal: int


def limits_for(unit: Unit) -> Limits:
    """The nearest policy up the unit tree, else the settings (SPEC §6: settings per jurisdiction)."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    policy = Policy.objects.filter(unit_id__in=ids).select_related("unit").order_by("-unit__path").first()
    if policy:
        return Limits(policy.verify_workdays, policy.rectify_workdays, policy.appeal_workdays)
    cfg = settings.BIANMIN
    return Limits(cfg["RECTIFY_VERIFY_WORKDAYS"], cfg["RECTIFY_WORKDAYS"], cfg["APPEAL_WORKDAYS"])


# ---------------------------------------------------------------- who

def may(user, perm: str, ticket: Ticket) -> bool:
    """The ticket's scope (Ticket.scope, orgs.scoping): its site, unit, department and assignee."""
    return scoping.may(user, perm, ticket)


def _require(user, perm: str, ticket: Ticket) -> None:
    if not may(user, perm, ticket):
        raise PermissionDenied("您无权办理此整改工单。", "You may not act on this ticket.")


def ticket_link(ticket: Ticket) -> str:
    return reverse("rectification:ticket", args=[ticket.pk])


# ---------------------------------------------------------------- opening

# Steps of the closed loop the upstream platform hears of (seed 001: 整改情况实时汇聚), in the step's transaction.
EXCHANGED_STEPS = frozenset({Action.VERIFY, Action.RESOLVE, Action.RECTIFIED, Action.FEEDBACK})


def _record(ticket: Ticket, action: str, actor, from_status: str, note: str = "", data: dict | None = None) -> None:
    event = TicketEvent.objects.create(ticket=ticket, action=action, from_status=from_status, to_status=ticket.status,
                                       actor=actor, note=note[:MAX_NOTE], data=data or {}, at=timeutil.now())
    if action in EXCHANGED_STEPS:
        outbox.record("rectification", event)


def _responsible(rating: Rating):
    """谁办理、谁负责: (unit, site, person) answerable for a rating."""
    case = rating.case
    if case is not None:
        unit = case.handover_department or case.item.accepting_unit
        return unit, case.site, case.handled_by
    if rating.department_id:
        return rating.department, rating.site, getattr(rating.staff, "user", None)
    if rating.site_id:
        return rating.site.unit, rating.site, getattr(rating.staff, "user", None)
    return None, None, None


def _start_clocks(at: dt.datetime, limits: Limits) -> tuple[Clock, Clock]:
    """The verify and rectify clocks of one round of a ticket, both started at `at`."""
    return (clocks.start_clock(at, limits.verify, LimitUnit.WORKDAYS, "ticket-verify"),
            clocks.start_clock(at, limits.rectify, LimitUnit.WORKDAYS, "ticket-rectify"))


def _open(*, source: str, unit: Unit, site, assignee, real_name: bool, since: dt.datetime, rating=None, comment=None,
          case=None) -> Ticket:
    """Open a ticket whose clocks start at `since`, the moment of the rating or complaint: a ticket the worker's
    sweep opens late (the inline hook failed, the calendar did not yet cover the due date, the sweep was down)
    is as far along its limits as it would have been if opened at once."""
    now = timeutil.now()
    limits = limits_for(unit)
    verify_clock, rectify_clock = _start_clocks(min(since, now), limits)
    ticket = Ticket.objects.create(
        number=f"ZG{now:%Y%m%d}{next_value(f'ticket-{now:%Y%m%d}'):05d}", source=source, rating=rating,
        comment=comment, case=case, assigned_unit=unit, assigned_site=site, assignee=assignee,
        unit_path=unit.path, real_name=real_name, created_at=now, verify_clock=verify_clock,
        rectify_clock=rectify_clock,
    )
    _record(ticket, "create", None, "")
    ticket.status = Status.ASSIGNED
    ticket.save(update_fields=["status"])
    _record(ticket, Action.ASSIGN, None, Status.RECEIVED, data={"unit": unit.name,
                                                                "assignee": assignee.get_username() if assignee else ""})
    # The due date, not the limit: a ticket the sweep opened late has less time left than the limit.
    verify_by = timezone.localtime(ticket.verify_clock.due_at)
    text_ = message(gettext_lazy("新的差评整改工单 %(number)s：请于 %(month)s月%(day)s日 前回访核实（时限 %(limit)s 个工作日）。"),
                    number=ticket.number, month=f"{verify_by:%m}", day=f"{verify_by:%d}", limit=limits.verify)
    notify({assignee, *scoping.people([Role.HANDLER], ticket), *scoping.people([Role.MANAGER], ticket)} - {None},
           text_, ticket_link(ticket))
    return ticket


def open_for_rating(rating: Rating) -> Ticket | None:
    """Open the ticket of a bad rating (idempotent: the second call finds the first ticket)."""
    if not rating.counts_as_bad:
        return None
    existing = Ticket.objects.filter(rating=rating).first()
    if existing:
        return existing
    rating = Rating.objects.select_related("case__site__unit", "case__item__accepting_unit",
                                           "case__handover_department", "case__handled_by", "department",
                                           "site__unit", "staff__user").get(pk=rating.pk)
    unit, site, person = _responsible(rating)
    if unit is None:
        return None  # a rating of the online platform only: nobody to assign; analytics still counts it
    try:
        with transaction.atomic():
            return _open(source=Source.RATING, unit=unit, site=site, assignee=person, real_name=rating.real_name,
                         since=rating.created_at, rating=rating, case=rating.case)
    except IntegrityError:  # another worker opened it at the same moment
        return Ticket.objects.filter(rating=rating).first()


def open_for_complaint(comment) -> Ticket | None:
    """A complaint about a service (综合点评 marked as complaint) with a target unit opens a ticket too."""
    if not comment.is_complaint:
        return None
    unit = comment.target_unit or (comment.target_item.accepting_unit if comment.target_item_id else None)
    if unit is None:
        return None
    existing = Ticket.objects.filter(comment=comment).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return _open(source=Source.COMPLAINT, unit=unit, site=None, assignee=None,
                         real_name=bool(comment.contact_phone), since=comment.created_at,
                         comment=comment)
    except IntegrityError:
        return Ticket.objects.filter(comment=comment).first()


# ---------------------------------------------------------------- transitions

def _lock(ticket_id: int) -> Ticket:
    ticket = (Ticket.objects.select_for_update(of=("self",))
              .select_related("verify_clock", "rectify_clock", "ledger_clock", "rating", "assigned_unit")
              .filter(pk=ticket_id).first())
    if ticket is None:
        raise NotFound("整改工单不存在。", "No such ticket.")
    return ticket


def _target(ticket: Ticket, act: Action, outcome: Outcome | None = None) -> Status:
    try:
        return states.target_of(act, Status(ticket.status), outcome)
    except states.IllegalTransition:
        raise Conflict(f"当前状态下不能“{ACTION_LABELS[act]}”。",
                       f"'{act.value}' is not allowed while the ticket is {ticket.status}.", code="illegal_transition") from None


def transition(ticket_id: int, action: str, actor, data: dict | None = None) -> Ticket:
    try:
        act = Action(action)
    except ValueError:
        raise NotFound("没有这个操作。", f"Unknown action: {str(action)[:40]}.") from None
    if act not in HANDLERS:
        raise NotFound("没有这个操作。", f"Unknown action: {act.value}.")
    if not isinstance(data or {}, dict):
        raise InvalidInput("请求内容应为对象。", "The body must be a JSON object.")
    with transaction.atomic():
        ticket = _lock(ticket_id)
        return HANDLERS[act](ticket, actor, data or {})


def _note(data: dict, key: str = "note", required: bool = False) -> str:
    return text(data, key, "说明", "Note", required=required, max_len=MAX_NOTE)


def _verify(ticket: Ticket, actor, data: dict) -> Ticket:
    _require(actor, Perm.HANDLE_TICKET, ticket)
    target = _target(ticket, Action.VERIFY)
    channel = choice(data, "channel", ContactChannel, "联系方式", "contact channel")
    reached = data.get("reached")
    if not isinstance(reached, bool):
        raise InvalidInput("请说明是否联系上评价人。", "reached must be true or false.", field="reached")
    note = _note(data)
    now = timeutil.now()
    ContactAttempt.objects.create(ticket=ticket, channel=channel, reached=reached, note=note, by=actor, at=now)
    before = ticket.status
    ticket.status = target
    fields = ["status"]
    # The duty to verify is met by the first recorded attempt of the round (reaching the rater is counted apart):
    # a reopened ticket has a new verify clock, which its next attempt stops. Stopping a stopped clock is a no-op.
    clocks.stop(ticket.verify_clock, now)
    if ticket.verified_at is None:
        ticket.verified_at = now
        fields.append("verified_at")
    if reached and not ticket.reached:
        ticket.reached = True
        fields.append("reached")
    ticket.save(update_fields=fields)
    _record(ticket, Action.VERIFY, actor, before, note, {"channel": channel, "reached": reached})
    return ticket


def _resolve(ticket: Ticket, actor, data: dict) -> Ticket:
    _require(actor, Perm.HANDLE_TICKET, ticket)
    raw = data.get("outcome")
    if raw not in [o.value for o in Outcome]:
        raise InvalidInput("请选择处理方式（立行立改、限期整改、解释说明、误评/恶意差评）。",
                           "outcome must be rectified_now, ledger, explained or malicious.", field="outcome")
    outcome = Outcome(raw)
    target = _target(ticket, Action.RESOLVE, outcome)
    note = _note(data, required=True)
    deadline = _ledger_deadline(data) if outcome == Outcome.LEDGER else None
    if outcome == Outcome.MALICIOUS and ticket.source != Source.RATING:
        raise InvalidInput("只有评价可认定为误评或恶意差评。", "Only a rating can be found mistaken or malicious.",
                           field="outcome")
    conduct = data.get("conduct", False)
    if not isinstance(conduct, bool):
        raise InvalidInput("“作风问题”应为是或否。", "conduct must be true or false.", field="conduct")
    before = ticket.status
    now = timeutil.now()
    ticket.status, ticket.outcome, ticket.outcome_note, ticket.ledger_deadline = target, outcome, note, deadline
    ticket.conduct = conduct
    fields = ["status", "outcome", "outcome_note", "ledger_deadline", "ledger_clock", "conduct"]
    ticket.ledger_clock = _first_answer_with_ledger(ticket, deadline, now) if deadline else None
    if target == Status.RESOLVED:
        ticket.resolved_at = now
        fields.append("resolved_at")
    ticket.save(update_fields=fields)
    _record(ticket, Action.RESOLVE, actor, before, note,
            {"outcome": outcome.value, "deadline": deadline.isoformat() if deadline else None, "conduct": conduct})
    if deadline:
        transaction.on_commit(lambda: rater_view.text_the_plan(ticket))
    if outcome == Outcome.MALICIOUS:
        notify(scoping.people([Role.SUPERVISOR], ticket),
               message(gettext_lazy("整改工单 %(number)s 申请认定为误评/恶意差评，请审核。"), number=ticket.number),
               ticket_link(ticket))
    return ticket


def _ledger_deadline(data: dict) -> dt.date:
    deadline = date(data, "deadline", "整改期限", "Deadline")
    if deadline < timeutil.today():
        raise InvalidInput("整改期限不能早于今天。", "The deadline cannot be in the past.", field="deadline")
    get_calendar().kind(deadline)  # a deadline in a year the calendar cannot cover yet is refused (422)
    return deadline


def _first_answer_with_ledger(ticket: Ticket, deadline: dt.date, now: dt.datetime) -> Clock:
    """建立台账、限期整改 (seed 001): the plan and its deadline are the rater's first answer. Given within the
    rectify limit, that limit is kept (its clock stops here); from now on the ledger deadline is the clock that
    warns and escalates. It counts calendar days to the end of the deadline day, so a deadline on a rest day
    ends on the next working day, as every period in days does (WorkCalendar.add_calendar_days)."""
    clocks.stop(ticket.rectify_clock, now)
    days = (deadline - timezone.localtime(now).date()).days
    return clocks.start_clock(now, days, LimitUnit.DAYS, "ticket-ledger")


def _progress(ticket: Ticket, actor, data: dict) -> Ticket:
    _require(actor, Perm.HANDLE_TICKET, ticket)
    _target(ticket, Action.PROGRESS)
    _record(ticket, Action.PROGRESS, actor, ticket.status, _note(data, required=True))
    return ticket


def _rectified(ticket: Ticket, actor, data: dict) -> Ticket:
    _require(actor, Perm.HANDLE_TICKET, ticket)
    target = _target(ticket, Action.RECTIFIED)
    before = ticket.status
    ticket.status, ticket.resolved_at = target, timeutil.now()
    ticket.save(update_fields=["status", "resolved_at"])
    _record(ticket, Action.RECTIFIED, actor, before, _note(data, required=True))
    return ticket


def _approve_exclusion(ticket: Ticket, actor, data: dict) -> Ticket:
    _require(actor, Perm.APPROVE_EXCLUSION, ticket)
    target = _target(ticket, Action.APPROVE_EXCLUSION)
    note = _note(data)
    before = ticket.status
    ticket.status, ticket.resolved_at, ticket.exclusion_approved_by = target, timeutil.now(), actor
    ticket.save(update_fields=["status", "resolved_at", "exclusion_approved_by"])
    rating_services.exclude(ticket.rating, "误评/恶意差评（经审核）", by=actor)
    _record(ticket, Action.APPROVE_EXCLUSION, actor, before, note)
    # The management agency (the supervisors over this unit) is told that a rating left the statistics.
    notify(scoping.people([Role.SUPERVISOR], ticket),
           message(gettext_lazy("评价 #%(rating)s 经审核认定为误评/恶意差评，已不计入统计。"), rating=ticket.rating_id),
           ticket_link(ticket))
    return ticket


def _reject_exclusion(ticket: Ticket, actor, data: dict) -> Ticket:
    _require(actor, Perm.APPROVE_EXCLUSION, ticket)
    target = _target(ticket, Action.REJECT_EXCLUSION)
    note = _note(data, required=True)
    before = ticket.status
    ticket.status, ticket.outcome = target, ""
    ticket.save(update_fields=["status", "outcome"])
    _record(ticket, Action.REJECT_EXCLUSION, actor, before, note)
    notify([ticket.assignee, *scoping.people([Role.MANAGER], ticket)],
           message(gettext_lazy("整改工单 %(number)s 的误评认定未获批准，请继续整改。"), number=ticket.number),
           ticket_link(ticket))
    return ticket


def _feedback(ticket: Ticket, actor, data: dict) -> Ticket:
    _require(actor, Perm.HANDLE_TICKET, ticket)
    target = _target(ticket, Action.FEEDBACK)
    channel = choice(data, "channel", ContactChannel, "反馈方式", "feedback channel")
    message = text(data, "message", "反馈内容", "Message", max_len=MAX_NOTE)
    now = timeutil.now()
    before = ticket.status
    ticket.status, ticket.feedback_channel, ticket.feedback_text, ticket.feedback_at = target, channel, message, now
    ticket.save(update_fields=["status", "feedback_channel", "feedback_text", "feedback_at"])
    # The answer ends the step whose clock is running: the rectify limit, or the ledger deadline after a first
    # answer (stopping a stopped clock changes nothing).
    clocks.stop(ticket.rectify_clock, now)
    if ticket.ledger_clock_id:
        clocks.stop(ticket.ledger_clock, now)
    _record(ticket, Action.FEEDBACK, actor, before, message, {"channel": channel})
    # The answer and the follow-up link go out only once the feedback is durably recorded.
    transaction.on_commit(lambda: rater_view.text_the_answer(ticket))
    return ticket


def _close(ticket: Ticket, actor, data: dict) -> Ticket:
    _require(actor, Perm.HANDLE_TICKET, ticket)
    if not ticket.feedback_at:
        raise Conflict("尚未向评价人反馈，不能办结。", "Feedback to the rater must be recorded before closing.",
                       code="feedback_required")
    target = _target(ticket, Action.CLOSE)
    before = ticket.status
    ticket.status, ticket.closed_at = target, timeutil.now()
    ticket.save(update_fields=["status", "closed_at"])
    _record(ticket, Action.CLOSE, actor, before, _note(data))
    return ticket


def attach(ticket_id: int, actor, uploaded) -> Attachment:
    with transaction.atomic():
        ticket = _lock(ticket_id)
        _require(actor, Perm.HANDLE_TICKET, ticket)
        _target(ticket, Action.ATTACH)
        attachment = _store_file(uploaded, actor, ticket=ticket)
        _record(ticket, Action.ATTACH, actor, ticket.status, attachment.name)
        return attachment


def _store_file(uploaded, actor, **owner) -> Attachment:
    name = check_upload(uploaded)
    return Attachment.objects.create(file=uploaded, name=name, size=uploaded.size, uploaded_by=actor, **owner)


HANDLERS = {
    Action.VERIFY: _verify, Action.RESOLVE: _resolve, Action.PROGRESS: _progress, Action.RECTIFIED: _rectified,
    Action.APPROVE_EXCLUSION: _approve_exclusion, Action.REJECT_EXCLUSION: _reject_exclusion,
    Action.FEEDBACK: _feedback, Action.CLOSE: _close,
}


# ---------------------------------------------------------------- follow-up rating, escalation (system)

def submit_followup(claims, data, channel: str, key: str | None):
    """A 追评 through a follow-up token (ratings.events.followup_submit): behind POST /api/v1/ratings and the
    follow-up page."""
    ticket = followups.load_ticket(claims.case_id)
    followups.check_open(ticket, claims.expires_at)
    original = ticket.rating
    if original is not None:
        fields = {f: getattr(original, f) for f in ("item_id", "staff_id", "window_id", "site_id", "department_id",
                                                     "unit_path", "real_name", "rater_name", "rater_phone")}
    else:
        comment = ticket.comment
        fields = {"department_id": ticket.assigned_unit_id, "unit_path": ticket.unit_path,
                  "real_name": bool(comment.contact_phone), "rater_name": comment.contact_name,
                  "rater_phone": comment.contact_phone}
    if ticket.followup_rating_id:
        existing = ticket.followup_rating
        if (key and existing.idempotency_key == key) or (not key and existing.level == data.level
                                                           and existing.comment == data.comment):
            return existing, False
        raise rating_services.AlreadyRated("您已追评过，每次整改只能追评一次。",
                                           "You have already given your follow-up rating.")
    rating = Rating(level=data.level, answers=data.answers, comment=data.comment, stage=Stage.FOLLOWUP,
                    followup_of=original, channel=channel, idempotency_key=key, created_at=timeutil.now(), **fields)
    rating, created = rating_services.store(rating)
    if created:
        followup_received(ticket.pk, rating)
    return rating, created


def followup_received(ticket_id: int, followup: Rating) -> Ticket:
    """The rater's one follow-up (追评): a good one closes the ticket, a bad one reopens and escalates it."""
    with transaction.atomic():
        ticket = _lock(ticket_id)
        if ticket.followup_rating_id:
            return ticket
        ticket.followup_rating = followup
        before = ticket.status
        if followup.is_bad:
            ticket.status = states.target_of(Action.REOPEN, Status(ticket.status))
            ticket.reopened += 1
            ticket.closed_at = None
            # The reopened ticket gets fresh limits from the follow-up's moment, so it is chased (warned,
            # escalated) like a new one; the stopped clocks of the first round stay in the history of deadlines.
            since = min(followup.created_at or timeutil.now(), timeutil.now())
            ticket.verify_clock, ticket.rectify_clock = _start_clocks(since, limits_for(ticket.assigned_unit))
            ticket.ledger_clock = None
            ticket.save(update_fields=["followup_rating", "status", "reopened", "closed_at", "verify_clock",
                                       "rectify_clock", "ledger_clock"])
            _record(ticket, Action.REOPEN, None, before, "追评仍为不满意，重新办理", {"followup": followup.pk})
            _escalate(ticket, "追评仍为不满意")
        else:
            if ticket.status == Status.ANSWERED:
                ticket.status, ticket.closed_at = Status.CLOSED, timeutil.now()
            ticket.save(update_fields=["followup_rating", "status", "closed_at"])
            _record(ticket, "followup", None, before, "评价人追评：" + followup.get_level_display(),
                    {"followup": followup.pk})
        return ticket


def _escalate(ticket: Ticket, why: str) -> None:
    """One step up: centre manager first, then the county supervisor. Recorded and notified."""
    if ticket.escalation >= Escalation.SUPERVISOR:
        return
    ticket.escalation += 1
    ticket.save(update_fields=["escalation"])
    level = Escalation(ticket.escalation)
    _record(ticket, Action.ESCALATE, None, ticket.status, why, {"level": int(level)})
    role = Role.MANAGER if level == Escalation.MANAGER else Role.SUPERVISOR
    targets = scoping.people([role], ticket)
    if role == Role.MANAGER and not targets:  # a department ticket without a centre: go straight up
        targets = scoping.people([Role.SUPERVISOR], ticket)
    notify(targets, message(gettext_lazy("督办：整改工单 %(number)s（%(why)s）"), number=ticket.number, why=why),
           ticket_link(ticket))


def escalate(ticket_id: int, why: str) -> Ticket:
    with transaction.atomic():
        ticket = _lock(ticket_id)
        _escalate(ticket, why)
        return ticket


# ---------------------------------------------------------------- appeals

# The unit answerable for a rating, as a ticket about it would be reached: by its unit path (a region, or the
# department through it) or by the rated site (the site, or a region above the site's unit).
RATED_UNIT = scoping.Scope(unit_path="path", department_path="path", site_memberships=scoping.SITE_NONE)


def may_appeal(actor, rating: Rating) -> bool:
    """The rated staff member, or someone holding FILE_APPEAL over the rated unit (pages ask before offering)."""
    own = rating.staff_id and getattr(rating.staff, "user_id", None) == actor.pk
    site = Site.objects.select_related("unit").filter(pk=rating.site_id).first() if rating.site_id else None
    return bool(own or scoping.may(actor, Perm.FILE_APPEAL, _responsible(rating)[0], RATED_UNIT)
                or scoping.may(actor, Perm.FILE_APPEAL, site, scoping.SITES))


def may_decide(actor, appeal: Appeal) -> bool:
    return actor.pk != appeal.filed_by_id and (actor.is_superuser or actor in reviewers_for(appeal))


def file_appeal(actor, rating: Rating, *, reason, files=()) -> Appeal:
    """The rated staff member, or someone answerable for the rated unit, contests a rating once."""
    reason = text({"reason": reason}, "reason", "申诉理由", "Reason", max_len=MAX_NOTE)
    if not may_appeal(actor, rating):
        raise PermissionDenied("只有被评价的工作人员或其单位可以申诉。", "Only the rated person or unit may appeal.")
    unit = _responsible(rating)[0]
    if rating.excluded:
        raise Conflict("该评价已不计入统计，无需申诉。", "This rating is already excluded.", code="already_excluded")
    if Appeal.objects.filter(rating=rating).exists():
        raise Conflict("同一评价只能申诉一次。", "A rating can be appealed only once.", code="already_appealed")
    now = timeutil.now()
    limits = limits_for(unit or Unit(path="/"))
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                rating=rating, filed_by=actor, unit_path=unit.path if unit else "~", reason=reason, filed_at=now,
                clock=clocks.start_clock(now, limits.appeal, LimitUnit.WORKDAYS, "appeal"))
            for f in files:
                _store_file(f, actor, appeal=appeal)
    except IntegrityError:
        raise Conflict("同一评价只能申诉一次。", "A rating can be appealed only once.", code="already_appealed") from None
    notify(reviewers_for(appeal), message(gettext_lazy("新的申诉复核：评价 #%(rating)s"), rating=rating.pk),
           reverse("rectification:appeals"))
    return appeal


def reviewers_for(appeal: Appeal):
    """Supervisors at county or city level whose scope covers the rating (never the filer)."""
    grants = Q(unit__level__in=(Unit.Level.COUNTY, Unit.Level.CITY, Unit.Level.PROVINCE))
    region = scoping.Scope(unit_path="unit_path", site_memberships=scoping.SITE_SUBTREE)
    return [u for u in scoping.people([Role.SUPERVISOR], appeal, region, grants=grants) if u.pk != appeal.filed_by_id]


def decide_appeal(actor, appeal_id: int, *, decision, reason) -> Appeal:
    with transaction.atomic():
        appeal = (Appeal.objects.select_for_update(of=("self",)).select_related("rating", "clock")
                  .filter(pk=appeal_id).first())
        if appeal is None:
            raise NotFound("申诉不存在。", "No such appeal.")
        if not may_decide(actor, appeal):
            raise PermissionDenied("只有县级或市级复核人员可以复核（且不能复核本人的申诉）。",
                                   "Only a county or city reviewer other than the filer may decide.")
        if decision not in (Appeal.Status.UPHELD, Appeal.Status.DISMISSED):
            raise InvalidInput("请选择复核结论：申诉成立或驳回。", "decision must be upheld or dismissed.", field="decision")
        reason = text({"reason": reason}, "reason", "复核意见", "Reason", max_len=MAX_NOTE)
        if appeal.status != Appeal.Status.PENDING:
            raise Conflict("该申诉已复核。", "This appeal has already been decided.", code="already_decided")
        now = timeutil.now()
        appeal.status, appeal.decided_by, appeal.decision_reason, appeal.decided_at = decision, actor, reason, now
        appeal.save(update_fields=["status", "decided_by", "decision_reason", "decided_at"])
        clocks.stop(appeal.clock, now)
        if decision == Appeal.Status.UPHELD:
            rating_services.exclude(appeal.rating, f"申诉成立：{reason}", by=actor)
        ticket = Ticket.objects.filter(rating=appeal.rating).first()
        if ticket:
            _record(ticket, "appeal", actor, ticket.status,
                    f"申诉复核：{'申诉成立' if decision == Appeal.Status.UPHELD else '申诉驳回'}。{reason}",
                    {"appeal": appeal.pk, "decision": decision})
        # Both sides see the decision.
        notify([appeal.filed_by], message(gettext_lazy("您的申诉（评价 #%(rating)s）已复核：%(status)s"), rating=appeal.rating_id,
                                          status=lazy(appeal.get_status_display, str)()),
               reverse("rectification:appeals"))
        return appeal

