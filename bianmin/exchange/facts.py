"""What a record says, in our own terms (domain enums, datetimes, names), for mapping.py to write in a profile's
terms. One function per kind; each reads the record as it is stored now, and the worker freezes the payload at
the first attempt. Personal data goes out only where a standard's data item asks for it (评价人, 投诉人: names),
never a phone number; the applicant's ID number only as a hash (`cert_key`)."""
from __future__ import annotations

import hashlib
import threading
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.db.models import Q

from bianmin.catalog.models import Item
from bianmin.core.errors import NotFound
from bianmin.orgs.models import Unit
from bianmin.orgs.people import name_of

from .models import Kind

DATA_SOURCE = "bianmin"
NO_FEE = {"", "不收费", "免费", "无"}


def division_of(unit: Unit | None) -> str:
    """The unit's 行政区划代码, else the nearest one above it."""
    if unit is None:
        return ""
    if unit.division_code:
        return unit.division_code
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    codes = dict(Unit.objects.filter(pk__in=ids).exclude(division_code="").values_list("pk", "division_code"))
    return next((codes[i] for i in reversed(ids) if i in codes), "")


def _name(user) -> str:
    return name_of(user) if user is not None else ""


def cert_key(id_number: str) -> str:
    """A one-way key of the applicant's ID number (SM3), as provincial case interfaces take it: never the number."""
    return hashlib.new("sm3", id_number.strip().upper().encode()).hexdigest() if id_number else ""


def _item(item: Item) -> dict:
    unit = item.accepting_unit
    return {"basic_code": item.basic_code, "item_code": item.code, "item_name": item.name,
            "unit_name": unit.name, "unit_credit_code": unit.credit_code,
            "fee_charged": item.fee_standard.strip() not in NO_FEE}


# What the worker loads at once for a batch of rows (`preloaded`), so a batch of fifty records costs a handful of
# queries instead of several per record; the functions below read it when it is there, else ask the database.
_batch = threading.local()


def _preloaded(name: str) -> dict | None:
    return getattr(_batch, "data", {}).get(name)


@contextmanager
def preloaded(rows: Iterable[tuple[str, int]]):
    """Load the cases, ratings, receipt numbers and rating orders of these (kind, record id) pairs in bulk."""
    from bianmin.cases.models import Case, Notice
    from bianmin.ratings.models import Rating

    rows = list(rows)
    rating_ids = [rid for kind, rid in rows if kind == Kind.RATING]
    ratings = Rating.objects.order_by().in_bulk(rating_ids)
    originals = dict(Rating.objects.order_by().filter(pk__in=[r.followup_of_id for r in ratings.values()
                                                              if r.followup_of_id]).values_list("pk", "case_id"))
    rating_case = {r.pk: r.case_id or originals.get(r.followup_of_id) for r in ratings.values()}
    case_ids = {rid for kind, rid in rows if kind in CASE_KINDS} | {c for c in rating_case.values() if c}
    cases = (Case.objects.select_related("item__accepting_unit", "site__unit", "handled_by__staff", "clock")
             .order_by().in_bulk(case_ids))
    receipts: dict[int, str] = {}
    for case_id, number in (Notice.objects.filter(case_id__in=case_ids, kind="receipt").order_by("-id")
                            .values_list("case_id", "number")):
        receipts[case_id] = number  # the first (lowest id) wins: read newest first
    of_case: dict[int, list[int]] = defaultdict(list)
    for pk, case_id, original_case in (Rating.objects.order_by().filter(Q(case_id__in=case_ids)
                                                                        | Q(followup_of__case_id__in=case_ids))
                                       .values_list("pk", "case_id", "followup_of__case_id")):
        of_case[case_id or original_case].append(pk)
    _batch.data = {"ratings": ratings, "rating_case": rating_case, "cases": cases, "receipts": receipts,
                   "rating_ids_of_case": of_case}
    try:
        yield
    finally:
        _batch.data = {}


def _case_facts(case) -> dict:
    facts = _item(case.item)
    receipts = _preloaded("receipts")
    receipt = (receipts.get(case.pk) if receipts is not None else
               case.notices.filter(kind="receipt").order_by("id").values_list("number", flat=True).first())
    facts.update(
        case_number=case.number, handler_name=_name(case.handled_by), applied_at=case.created_at,
        accepted_at=case.accepted_at, completed_at=case.completed_at, accept_notice_number=receipt or "",
        due_at=case.clock.due_at if case.clock_id else None, handling_type=case.handling_type,
        division_code=division_of(case.site.unit), applicant_kind="organisation" if case.applicant_org else "person",
        cert_key=cert_key(case.applicant_id_number), result=case.result,
        mailed=case.delivery == "mail", licence_name="", licence_number="", licence_validity="",
        case_progress="completed" if case.completed_at else ("accepted" if case.accepted_at else ""),
    )
    return facts


def _load_case(case_id: int):
    from bianmin.cases.models import Case

    cases = _preloaded("cases")
    if cases is not None and case_id in cases:
        return cases[case_id]
    case = (Case.objects.select_related("item__accepting_unit", "site__unit", "handled_by__staff", "clock")
            .filter(pk=case_id).order_by().first())
    if case is None:
        raise NotFound("办件不存在。", "No such case.")
    return case


def case_accept(case_id: int, event: str = "") -> dict:
    facts = _case_facts(_load_case(case_id))
    facts["case_progress"] = "accepted"
    return facts


def case_complete(case_id: int, event: str = "") -> dict:
    facts = _case_facts(_load_case(case_id))
    facts["case_progress"] = "completed"
    return facts


def case_special(case_id: int, event: str = "") -> dict:
    """`event` is "<procedure id>/start" or "<procedure id>/end"; without one (a preview), the latest procedure."""
    case = _load_case(case_id)
    facts = _case_facts(case)
    procedures = case.special_procedures.select_related("started_by__staff", "ended_by__staff").order_by("id")
    proc_id, _, phase = event.partition("/")
    procedure = procedures.filter(pk=int(proc_id)).first() if proc_id.isdigit() else procedures.last()
    if procedure is None:
        raise NotFound("该办件没有特别程序。", "This case has no special procedure.")
    ended = phase != "start" and procedure.ended_at is not None
    facts.update(
        procedure_kind=procedure.kind, procedure_started_at=procedure.started_at, procedure_note=procedure.note,
        procedure_started_by=_name(procedure.started_by),
        procedure_ended_at=procedure.ended_at if ended else None,
        procedure_result=procedure.result if ended else "", procedure_opinion="",
        procedure_handler=_name(procedure.ended_by if ended else procedure.started_by),
    )
    return facts


def _answers_text(answers: dict) -> str:
    from bianmin.ratings.models import Answer, Question

    labels, values = dict(Question.choices), dict(Answer.choices)
    return "；".join(f"{labels[q]}：{values.get(a, a)}" for q, a in answers.items() if q in labels)


def rating(rating_id: int, event: str = "") -> dict:
    from bianmin.ratings.models import Rating, Stage

    ratings = _preloaded("ratings")
    row = ratings.get(rating_id) if ratings is not None else Rating.objects.filter(pk=rating_id).order_by().first()
    if row is None:
        raise NotFound("评价不存在。", "No such rating.")
    if ratings is not None:
        case_id = _preloaded("rating_case").get(rating_id)
    else:
        case_id = row.case_id or (Rating.objects.filter(pk=row.followup_of_id).values_list("case_id", flat=True)
                                  .first() if row.followup_of_id else None)
    if case_id is None:
        raise NotFound("该评价不针对办件，不在报送范围内。", "This rating is not about a case; it is not sent upstream.")
    case = _load_case(case_id)
    facts = _case_facts(case)
    facts.update(
        channel=row.channel, rater_name=row.rater_name if row.real_name else "", rated_at=row.created_at,
        rating_count=_rating_order(case, row.pk),
        level=row.level, comment=row.comment, answers_text=_answers_text(row.answers or {}),
        assess_number="followup" if row.stage == Stage.FOLLOWUP else "first", data_source=DATA_SOURCE,
        stage=row.stage,
    )
    return facts


def _rating_order(case, rating_id: int) -> int:
    """评价次数: the how-many-th rating of the case this one is (follow-ups included)."""
    from bianmin.ratings.models import Rating

    of_case = _preloaded("rating_ids_of_case")
    if of_case is not None and case.pk in of_case:
        return sum(1 for pk in of_case[case.pk] if pk <= rating_id)
    return Rating.objects.filter(Q(case=case) | Q(followup_of__case=case), pk__lte=rating_id).count()


RECTIFICATION_EVENTS = {"verify": "verification", "resolve": "outcome", "rectified": "rectified",
                        "feedback": "feedback"}


def rectification(ticket_id: int, event: str = "") -> dict:
    """`event` is "<action>-<ticket event id>"; without one (a preview), the ticket's latest exchanged event."""
    from bianmin.rectification.models import Ticket, TicketEvent

    ticket = (Ticket.objects.select_related("rating__staff", "rating__item", "comment", "case", "assigned_unit",
                                            "assignee__staff", "assigned_site").filter(pk=ticket_id).first())
    if ticket is None:
        raise NotFound("整改工单不存在。", "No such ticket.")
    events = TicketEvent.objects.filter(ticket=ticket, action__in=list(RECTIFICATION_EVENTS)).order_by("id")
    _, _, event_id = event.rpartition("-")
    step = events.filter(pk=int(event_id)).first() if event_id.isdigit() else events.last()
    rating_row, comment = ticket.rating, ticket.comment
    real_name = ticket.real_name
    about = rating_row.item.name if rating_row and rating_row.item_id else (ticket.assigned_site or ticket.assigned_unit)
    facts = {
        "case_number": ticket.case.number if ticket.case_id else "",
        "event": RECTIFICATION_EVENTS.get(step.action, "") if step else "",
        "finding": ticket.get_outcome_display() if ticket.outcome else "",
        "title": f"差评整改：{about}",
        "complainant": (rating_row.rater_name if rating_row else comment.contact_name) if real_name else "",
        "about_unit": ticket.assigned_unit.name,
        "about_person": rating_row.staff.name if rating_row and rating_row.staff_id else "",
        "content": rating_row.comment if rating_row else comment.text,
        "source": "好差评" if rating_row else "综合点评",
        "complained_at": rating_row.created_at if rating_row else ticket.created_at,
        "unit_credit_code": ticket.assigned_unit.credit_code, "unit_name": ticket.assigned_unit.name,
        "handler_name": _name(step.actor if step and step.actor_id else ticket.assignee),
        "handled_at": step.at if step else None,
        "feedback": (step.note or ticket.feedback_text) if step else "",
        "feedback_at": step.at if step else None,
        "promised_limit": "", "extension": "", "extension_reason": "", "overdue_days": 0,
        "division_code": division_of(ticket.assigned_unit),
    }
    return facts


def complaint(complaint_id: int, event: str = "") -> dict:
    from bianmin.cases.models import CounterComplaint

    row = (CounterComplaint.objects.select_related("site__unit", "about_staff__staff", "answered_by__staff", "clock")
           .filter(pk=complaint_id).first())
    if row is None:
        raise NotFound("投诉不存在。", "No such complaint.")
    late_days = 0
    if row.answered_at and row.clock.due_at and row.answered_at > row.clock.due_at:
        late_days = (row.answered_at.date() - row.clock.due_at.date()).days
    return {
        "complaint_number": row.number, "title": f"窗口投诉：{row.site.name}", "complainant": row.complainant_name,
        "about_unit": row.site.name, "about_person": _name(row.about_staff) if row.about_staff_id else "",
        "content": row.text, "form": row.form, "complained_at": row.received_at,
        "unit_credit_code": row.site.unit.credit_code, "unit_name": row.site.unit.name,
        "handler_name": _name(row.answered_by) if row.answered_by_id else "", "handled_at": row.received_at,
        "feedback": row.answer, "feedback_at": row.answered_at,
        "promised_limit": "7日" if row.complex else "1个工作日", "extension": "", "extension_reason": "",
        "overdue_days": late_days, "division_code": division_of(row.site.unit),
    }


CASE_KINDS = (Kind.CASE_ACCEPT, Kind.CASE_SPECIAL, Kind.CASE_COMPLETE)

BY_KIND = {Kind.RATING: rating, Kind.CASE_ACCEPT: case_accept, Kind.CASE_SPECIAL: case_special,
           Kind.CASE_COMPLETE: case_complete, Kind.RECTIFICATION: rectification, Kind.COMPLAINT: complaint}


def of(kind: str, record_id: int, event: str = "") -> dict:
    return BY_KIND[kind](record_id, event)
