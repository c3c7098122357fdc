"""窗口投诉 API (seed 002 投诉制度): record a complaint made at the centre and answer it within its limit. Same
services as the workbench pages (cases.complaints). The complainant's phone is always masked; the person
complained about sees the complaint without the complainant's name."""

import datetime as dt

from django.contrib.auth import get_user_model
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status as HttpStatus

from bianmin.catalog.models import Item
from bianmin.core.auth import STAFF_AUTH
from bianmin.core.clocks import overdue_now, state_of
from bianmin.core.errors import InvalidInput
from bianmin.core.masking import mask_phone, mask_text
from bianmin.orgs.models import Window
from bianmin.orgs.people import person

from . import complaints, services
from .models import Case, CounterComplaint

router = Router(tags=["counter-complaints"], auth=STAFF_AUTH)


class ComplaintOut(Schema):
    id: int
    number: str = Field(..., description="投字〔YYYY〕第NNNNNN号, also the written reply's document number")
    site_id: int
    form: str = Field(..., description="oral · phone · written")
    complex: bool
    complainant_name: str = Field(..., description="（保密） for the person complained about")
    complainant_phone: str = Field(..., description="Masked")
    about_staff: str | None
    about_window: str | None
    about_item_code: str | None
    case_id: int | None
    text: str = Field(..., description="Phone and ID numbers inside are masked")
    received_by: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    overdue: bool = Field(..., description="Not answered and past due_at")
    answered: bool
    answered_late: bool | None = Field(..., description="For an answered complaint: after its limit; else null")
    answer: str
    answer_form: str
    answered_at: dt.datetime | None
    ticket_id: int | None = Field(..., description="The rectification ticket a complaint about a service opened")

    @staticmethod
    def resolve_complainant_name(c: CounterComplaint, context) -> str:
        return complaints.complainant_for(context["request"].auth, c)

    @staticmethod
    def resolve_complainant_phone(c: CounterComplaint) -> str:
        return mask_phone(c.complainant_phone)

    @staticmethod
    def resolve_about_staff(c: CounterComplaint) -> str | None:
        return person(c.about_staff) if c.about_staff_id else None

    @staticmethod
    def resolve_about_window(c: CounterComplaint) -> str | None:
        return str(c.about_window) if c.about_window_id else None

    @staticmethod
    def resolve_about_item_code(c: CounterComplaint) -> str | None:
        return c.about_item.code if c.about_item_id else None

    @staticmethod
    def resolve_text(c: CounterComplaint) -> str:
        return mask_text(c.text) or ""

    @staticmethod
    def resolve_received_by(c: CounterComplaint) -> str:
        return person(c.received_by)

    @staticmethod
    def resolve_due_at(c: CounterComplaint):
        return state_of(c.clock).due_at

    @staticmethod
    def resolve_overdue(c: CounterComplaint) -> bool:
        state = state_of(c.clock)
        return not state.stopped and state.warning.value == "red"

    @staticmethod
    def resolve_answered(c: CounterComplaint) -> bool:
        return c.answered_at is not None

    @staticmethod
    def resolve_answered_late(c: CounterComplaint) -> bool | None:
        return state_of(c.clock).finished_late

    @staticmethod
    def resolve_answer(c: CounterComplaint) -> str:
        return mask_text(c.answer) or ""

    @staticmethod
    def resolve_ticket_id(c: CounterComplaint) -> int | None:
        ticket = getattr(c.comment, "ticket", None) if c.comment_id else None
        return ticket.pk if ticket is not None else None


class ComplaintIn(Schema):
    site_id: int | None = Field(None, description="Default: the site you work at")
    form: str = Field("", description="oral · phone · written")
    complex: bool = Field(False, description="Complex (or involving two or more units): answered within a week")
    complainant_name: str = ""
    complainant_phone: str = ""
    text: str = ""
    about_staff_id: int | None = None
    about_window_id: int | None = None
    about_item_code: str | None = None
    case_id: int | None = None


class ComplaintAnswerIn(Schema):
    answer: str = ""
    answer_form: str = Field("", description="oral · phone · written (a written complaint: written only)")


class ComplaintFilter(Schema):
    answered: bool | None = None
    overdue: bool | None = Field(None, description="true: not answered and past the limit now")


def _row(model, pk, field: str, zh: str, en: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise InvalidInput(zh, en, field=field)
    return found


@router.get("/counter-complaints", response=list[ComplaintOut], summary="Complaints made at the centre (窗口投诉)",
            description="Those you received or that are about you, and a site's for its managers; newest first.")
@paginate(LimitOffsetPagination)
def list_complaints(request, filters: Query[ComplaintFilter]):
    qs = complaints.visible(request.auth).order_by("-received_at", "-id")
    if filters.answered is not None:
        qs = qs.filter(answered_at__isnull=not filters.answered)
    if filters.overdue is not None:
        qs = qs.filter(overdue_now("clock")) if filters.overdue else qs.exclude(overdue_now("clock"))
    return qs


@router.post("/counter-complaints", response={201: ComplaintOut}, summary="Record a complaint (starts its clock)")
def create_complaint(request, payload: ComplaintIn):
    user = request.auth
    site = services.site_for_actor(user, payload.site_id)
    item = None
    if payload.about_item_code:
        item = Item.objects.filter(code=payload.about_item_code.strip()[:24]).first()
        if item is None:
            raise InvalidInput("事项编码不存在。", "Unknown item code.", field="about_item_code")
    complaint = complaints.receive(
        user, site=site, form=payload.form, complex=payload.complex, complainant_name=payload.complainant_name,
        complainant_phone=payload.complainant_phone, text=payload.text, about_item=item,
        about_staff=_row(get_user_model(), payload.about_staff_id, "about_staff_id", "被投诉人不存在。",
                         "No such person."),
        about_window=_row(Window, payload.about_window_id, "about_window_id", "窗口不存在。", "No such window."),
        case=_row(Case, payload.case_id, "case_id", "办件不存在。", "No such case."))
    return HttpStatus(201, complaints.get(user, complaint.pk))


@router.get("/counter-complaints/{complaint_id}", response=ComplaintOut, summary="One complaint")
def get_complaint(request, complaint_id: int):
    return complaints.get(request.auth, complaint_id)


@router.post("/counter-complaints/{complaint_id}/answer", response=ComplaintOut,
             summary="Answer the complainant (stops the clock)")
def answer_complaint(request, complaint_id: int, payload: ComplaintAnswerIn):
    complaints.answer(request.auth, complaint_id, text=payload.answer, answer_form=payload.answer_form)
    return complaints.get(request.auth, complaint_id)
