"""首问负责 API (SPEC §4): log a first contact, follow it until done (answer, hand over to a named window and person,
that person confirms) and read the open list. Same services as the workbench page (cases.first_contacts)."""

import datetime as dt

from django.contrib.auth import get_user_model
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status as HttpStatus

from bianmin.core.auth import STAFF_AUTH
from bianmin.core.errors import InvalidInput
from bianmin.core.masking import mask_name, mask_phone, mask_text
from bianmin.orgs.models import Window
from bianmin.orgs.people import person

from . import first_contacts, services
from .models import FirstContact

router = Router(tags=["first-contacts"], auth=STAFF_AUTH)


class FirstContactOut(Schema):
    id: int
    site_id: int
    channel: str = Field(..., description="counter · phone · visit · online")
    owner: str = Field(..., description="The first-contact owner (首问责任人), as \"name · post\"")
    owner_id: int
    visitor_name: str = Field(..., description="Masked (张*明)")
    visitor_phone: str = Field(..., description="Masked (138****5678)")
    question: str = Field(..., description="Phone and ID numbers inside are masked")
    outcome: str = Field(..., description="pending · answered · guided · case")
    answer: str
    guided_to_window: str | None
    handed_to: str | None = Field(..., description="The person it was handed to, who must confirm")
    handed_to_id: int | None
    case_id: int | None
    at: dt.datetime
    due_at: dt.datetime | None = Field(..., description="End of the working day by which it should be done")
    closed_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    open: bool
    overdue: bool = Field(..., description="Open and past due_at")
    age_workdays: int | None = Field(..., description="Working days since the contact (0 on its day)")
    awaiting_my_confirmation: bool = Field(..., description="Handed to you and not confirmed yet (待我确认)")

    @staticmethod
    def resolve_channel(e: FirstContact) -> str:
        return e.channel

    @staticmethod
    def resolve_owner(e: FirstContact) -> str:
        return person(e.owner)

    @staticmethod
    def resolve_visitor_name(e: FirstContact) -> str:
        return mask_name(e.visitor_name)

    @staticmethod
    def resolve_visitor_phone(e: FirstContact) -> str:
        return mask_phone(e.visitor_phone)

    @staticmethod
    def resolve_question(e: FirstContact) -> str:
        return mask_text(e.question) or ""

    @staticmethod
    def resolve_answer(e: FirstContact) -> str:
        return mask_text(e.answer) or ""

    @staticmethod
    def resolve_guided_to_window(e: FirstContact) -> str | None:
        return str(e.guided_to_window) if e.guided_to_window_id else None

    @staticmethod
    def resolve_handed_to(e: FirstContact) -> str | None:
        return person(e.handed_to) if e.handed_to_id else None

    @staticmethod
    def resolve_open(e: FirstContact) -> bool:
        return e.closed_at is None

    @staticmethod
    def resolve_overdue(e: FirstContact) -> bool:
        return first_contacts.is_overdue(e)

    @staticmethod
    def resolve_age_workdays(e: FirstContact) -> int | None:
        return first_contacts.age_workdays(e)

    @staticmethod
    def resolve_awaiting_my_confirmation(e: FirstContact, context) -> bool:
        user = context["request"].auth
        return e.closed_at is None and e.handed_to_id == user.pk and e.confirmed_at is None


class FirstContactIn(Schema):
    site_id: int | None = Field(None, description="Default: the site you work at")
    visitor_name: str = ""
    visitor_phone: str = ""
    question: str = ""
    channel: str = Field("counter", description="counter · phone · visit · online")
    outcome: str = Field("pending", description="pending (keep following) · answered · guided (hand over: name "
                                                "window_id and handed_to_id, who must confirm)")
    answer: str = ""
    window_id: int | None = None
    handed_to_id: int | None = None


class AnswerIn(Schema):
    answer: str = ""


class HandOverIn(Schema):
    window_id: int | None = None
    handed_to_id: int | None = None


class FirstContactFilter(Schema):
    open: bool | None = Field(None, description="true: open entries only (not yet answered, accepted or confirmed)")


def _window(window_id: int | None) -> Window | None:
    if window_id is None:
        return None
    window = Window.objects.filter(pk=window_id).first()
    if window is None:
        raise InvalidInput("窗口不存在。", "No such window.", field="window_id")
    return window


def _user(user_id: int | None):
    if user_id is None:
        return None
    found = get_user_model().objects.filter(pk=user_id).first()
    if found is None:
        raise InvalidInput("接手人员不存在。", "No such person.", field="handed_to_id")
    return found


@router.get("/first-contacts", response=list[FirstContactOut], summary="First contacts you follow (首问登记)",
            description="Your own entries and those handed to you; a site manager sees the site's. `open=true`: "
                        "those not yet done, oldest first. Names and phones are masked.")
@paginate(LimitOffsetPagination)
def list_first_contacts(request, filters: Query[FirstContactFilter]):
    user = request.auth
    if filters.open:
        return first_contacts.open_entries(user)
    qs = first_contacts.visible(user).order_by("-at", "-pk")
    if filters.open is False:
        qs = qs.filter(closed_at__isnull=False)
    return qs


@router.post("/first-contacts", response={201: FirstContactOut}, summary="Log a first contact")
def log_first_contact(request, payload: FirstContactIn):
    user = request.auth
    site = services.site_for_actor(user, payload.site_id)
    entry = first_contacts.log(user, site=site, visitor_name=payload.visitor_name, visitor_phone=payload.visitor_phone,
                               question=payload.question, outcome=payload.outcome, channel=payload.channel,
                               answer=payload.answer, guided_to_window=_window(payload.window_id),
                               handed_to=_user(payload.handed_to_id))
    return HttpStatus(201, first_contacts.get(user, entry.pk))


@router.get("/first-contacts/{entry_id}", response=FirstContactOut, summary="One first-contact entry")
def get_first_contact(request, entry_id: int):
    return first_contacts.get(request.auth, entry_id)


@router.post("/first-contacts/{entry_id}/answer", response=FirstContactOut, summary="Answer it (done)")
def answer_first_contact(request, entry_id: int, payload: AnswerIn):
    first_contacts.get(request.auth, entry_id)  # 404 before anything else for an entry you cannot see
    first_contacts.answer(request.auth, entry_id, text=payload.answer)
    return first_contacts.get(request.auth, entry_id)


@router.post("/first-contacts/{entry_id}/hand_over", response=FirstContactOut,
             summary="Hand it to a named window and person (open until they confirm)")
def hand_over_first_contact(request, entry_id: int, payload: HandOverIn):
    first_contacts.get(request.auth, entry_id)
    first_contacts.hand_over(request.auth, entry_id, window=_window(payload.window_id),
                             to_user=_user(payload.handed_to_id))
    return first_contacts.get(request.auth, entry_id)


@router.post("/first-contacts/{entry_id}/confirm", response=FirstContactOut,
             summary="Confirm taking it over (only the named person; done)")
def confirm_first_contact(request, entry_id: int):
    first_contacts.confirm(request.auth, entry_id)
    return first_contacts.get(request.auth, entry_id)
