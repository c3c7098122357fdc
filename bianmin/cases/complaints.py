"""Complaints made at the centre (窗口投诉, seed 002 投诉制度 L1319-1333): oral, by phone or in writing, about a window,
its staff, an item or a case. Each is answered the same or the next working day (COUNTER_COMPLAINT_LIMIT), a complex
one within a week (COUNTER_COMPLAINT_COMPLEX_LIMIT), on a clock (core.clocks, purpose "counter_complaint") that the
answer stops. An oral complaint may be answered orally (logged); a written one must be answered in writing (a
numbered, printable reply). One about a service also enters the rectification loop through a 综合点评 complaint
(ratings.Comment, source "counter"), whose signal opens the ticket.

Confidentiality (对投诉人及投诉事项予以保密): the complainant's phone is masked everywhere by default, and the person
complained about sees the complaint without the complainant's name; the comment handed to the rectification loop
carries neither (the ticket is answered to the centre, which answers the complainant).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from bianmin.catalog.models import Item
from bianmin.core import clocks, outbox, timeutil
from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import choice as _choice
from bianmin.core.inputs import text as _text
from bianmin.core.providers import Provider
from bianmin.core.sequences import next_value
from bianmin.orgs import scoping
from bianmin.orgs.models import Site, Window
from bianmin.orgs.roles import Action as Perm

from .first_contacts import phone_number
from .models import Case, CounterComplaint

Form = CounterComplaint.Form
# (complaint, target unit | None, target item | None) → the stored ratings.Comment (is_complaint, source "counter"),
# provided by the ratings app (bianmin/ratings/apps.py), which depends on cases and not the other way round.
service_complaint: Provider[Callable[[CounterComplaint, Any, Any], Any]] = Provider("counter complaint comment")
PURPOSE = "counter_complaint"
# Who reads a site's complaints besides the person who received them: its managers and the supervisors above.
WATCH = (Perm.MANAGE_SITE, Perm.VIEW_ASSESSMENT)
HIDDEN_NAME = "（保密）"


def complaint_number(year: int) -> str:
    return f"投字〔{year}〕第{next_value(f'counter-complaint-{year}'):06d}号"


def limit_for(complex_: bool) -> tuple[int, str]:
    return settings.BIANMIN["COUNTER_COMPLAINT_COMPLEX_LIMIT" if complex_ else "COUNTER_COMPLAINT_LIMIT"]


# ---------------------------------------------------------------- reading

def visible(user) -> QuerySet:
    """The complaints a person may read: those they received, those about them (without the complainant's name,
    see `complainant_for`), and the sites' they watch (managers, supervisors)."""
    if not getattr(user, "is_authenticated", False):
        return CounterComplaint.objects.none()
    mine = Q(received_by=user) | Q(about_staff=user)
    return (CounterComplaint.objects.for_user(user, Perm.VIEW_CASE)
            .filter(mine | scoping.scope_q(user, WATCH, CounterComplaint.scope))
            .select_related("site", "clock", "about_staff__staff", "about_window", "about_item", "case",
                            "received_by__staff", "answered_by__staff", "comment__ticket")
            .prefetch_related("clock__pauses"))


def get(user, complaint_id: int) -> CounterComplaint:
    found = visible(user).filter(pk=complaint_id).first()
    if found is None:
        raise NotFound("投诉不存在或无权查看。", "No such complaint, or you may not see it.")
    return found


def sees_complainant(user, complaint: CounterComplaint) -> bool:
    """Everyone who may read the complaint sees who made it, except the person it is about."""
    return complaint.about_staff_id is None or complaint.about_staff_id != user.pk


def complainant_for(user, complaint: CounterComplaint) -> str:
    return complaint.complainant_name if sees_complainant(user, complaint) else HIDDEN_NAME


def may_answer(user, complaint: CounterComplaint) -> bool:
    """The receiver or a manager of the site answers; never the person complained about."""
    if complaint.about_staff_id is not None and complaint.about_staff_id == user.pk:
        return False
    return complaint.received_by_id == user.pk or scoping.may(user, Perm.MANAGE_SITE, complaint.site, scoping.SITES)


def may_receive(user, site: Site | None) -> bool:
    return site is not None and scoping.may(user, Perm.HANDLE_CASE, site, scoping.SITES)


# ---------------------------------------------------------------- receiving

def _about_staff(site: Site, user):
    if user is None:
        return None
    if not user.is_active or not scoping.may(user, Perm.VIEW_SITE, site, scoping.SITES):
        raise InvalidInput("被投诉人须为本中心的工作人员。", "The person complained about must work at this site.",
                           field="about_staff")
    return user


def _about_window(site: Site, window: Window | None):
    if window is not None and window.site_id != site.pk:
        raise InvalidInput("被投诉窗口不属于本中心。", "That window is not at this site.", field="about_window")
    return window


def _about_item(site: Site, item: Item | None):
    if item is not None and not Item.objects.filter(pk=item.pk, windows__site=site).exists():
        raise InvalidInput("本中心没有受理该事项的窗口。", "No window at this site accepts that item.",
                           field="about_item")
    return item


def _about_case(actor, site: Site, case: Case | None):
    if case is None:
        return None
    if case.site_id != site.pk or not Case.objects.for_user(actor, Perm.VIEW_CASE).filter(pk=case.pk).exists():
        raise InvalidInput("涉及办件不存在或不属于本中心。", "No such case at this site.", field="case")
    return case


@transaction.atomic
def receive(actor, *, site: Site, form: str, complainant_name: str, complainant_phone: str = "", text: str,
            complex: bool = False, about_staff=None, about_window: Window | None = None,
            about_item: Item | None = None, case: Case | None = None) -> CounterComplaint:
    """Record a complaint (口头投诉的记录或书面投诉的收件登记) and start its answer clock."""
    if not may_receive(actor, site):
        raise PermissionDenied("您无权在该场所受理投诉。", "You may not receive complaints at this site.")
    data = {"form": form, "complainant_name": complainant_name, "text": text}
    form = _choice(data, "form", Form, "投诉形式", "complaint form")
    name = _text(data, "complainant_name", "投诉人", "Complainant", max_len=100)
    body = _text(data, "text", "投诉内容", "Complaint text", max_len=4000)
    phone = phone_number(complainant_phone, "complainant_phone")
    if not isinstance(complex, bool):
        raise InvalidInput("“复杂投诉”应为是或否。", "complex must be true or false.", field="complex")
    staff = _about_staff(site, about_staff)
    window = _about_window(site, about_window)
    item = _about_item(site, about_item)
    case = _about_case(actor, site, case)
    now = timeutil.now()
    amount, unit = limit_for(complex)
    complaint = CounterComplaint.objects.create(
        number=complaint_number(timezone.localtime(now).year), site=site, form=form, complex=complex, complainant_name=name,
        complainant_phone=phone, about_staff=staff, about_window=window, about_item=item or (case.item if case else None),
        case=case, text=body, received_by=actor, received_at=now,
        clock=clocks.start_clock(now, amount, unit, purpose=PURPOSE))
    _enter_rectification(complaint)
    return complaint


def _enter_rectification(complaint: CounterComplaint) -> None:
    """A complaint about a service (an item, a case, or a window) becomes a 综合点评 complaint about that item or,
    for a window, the centre's own unit, whose comment_stored signal opens the rectification ticket. The ratings
    app writes it (`service_complaint`): the cases app never imports ratings. The complainant's name and phone stay
    with the complaint (confidentiality)."""
    item = complaint.about_item
    unit = None if item is not None else (complaint.site.unit if complaint.about_window_id else None)
    if (item is None and unit is None) or not service_complaint.available:
        return  # about a person's conduct only: the centre handles it (staff assessment), no service ticket
    complaint.comment = service_complaint(complaint, unit, item)
    complaint.save(update_fields=["comment"])


# ---------------------------------------------------------------- answering

@transaction.atomic
def answer(actor, complaint_id: int, *, text: str, answer_form: str) -> CounterComplaint:
    """Answer the complainant (处理意见反馈给投诉人): the clock stops, on time or late, frozen there."""
    get(actor, complaint_id)  # 404 for a complaint the person cannot see
    complaint = (CounterComplaint.objects.select_for_update(of=("self",)).select_related("site", "clock")
                 .get(pk=complaint_id))
    if not may_answer(actor, complaint):
        raise PermissionDenied("只有受理人或中心负责人可以答复投诉，被投诉人不能答复。",
                               "Only the receiver or a site manager may answer; never the person complained about.")
    if complaint.answered_at is not None:
        raise Conflict("该投诉已答复。", "This complaint has already been answered.", code="answered")
    data = {"answer": text, "answer_form": answer_form}
    reply = _text(data, "answer", "答复内容", "Answer", max_len=4000)
    how = _choice(data, "answer_form", Form, "答复方式", "answer form")
    if complaint.form == Form.WRITTEN and how != Form.WRITTEN:
        raise InvalidInput("书面投诉必须书面答复。", "A written complaint must be answered in writing.",
                           field="answer_form")
    now = timeutil.now()
    complaint.answer, complaint.answer_form, complaint.answered_at, complaint.answered_by = reply, how, now, actor
    complaint.save(update_fields=["answer", "answer_form", "answered_at", "answered_by"])
    outbox.record("complaint", complaint)  # GB/T 39046 表10 (投诉), in this transaction
    clocks.stop(complaint.clock, now)
    return complaint


def has_written_reply(complaint: CounterComplaint) -> bool:
    return complaint.answered_at is not None and complaint.answer_form == Form.WRITTEN
