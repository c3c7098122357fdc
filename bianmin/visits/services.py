"""Use cases of home visits and of the sign-off and hand-back registers: the ONLY place a visit's status changes
(DESIGN rule 1). Each runs in one transaction, checks the person may act at the site, and writes the history row.
Pages call these functions; bad input is an InvalidInput (422), a state that does not allow it a Conflict (409)."""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import io

from django.db import transaction
from django.utils import timezone

from bianmin.cases import services as case_services
from bianmin.cases.models import Case
from bianmin.cases.states import Status as CaseStatus
from bianmin.catalog.models import Item
from bianmin.core import timeutil
from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied, TooLarge
from bianmin.core.inputs import choice, date, text
from bianmin.orgs import scoping
from bianmin.orgs.models import Site
from bianmin.orgs.roles import Action as Perm

from . import states
from .models import HomeVisit, ProxyHandback, SignOff, VisitEvent
from .states import VisitAction, VisitStatus

# A signature drawn on a tablet canvas is a few kilobytes; anything far larger is not a signature.
MAX_SIGNATURE_BYTES = 200_000
MAX_SIGNATURE_SIDE = 3000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
# A moment typed as "now" on a tablet whose clock is a little ahead is still accepted.
FUTURE_SLACK = dt.timedelta(minutes=10)


def _require(user, site: Site) -> None:
    if not scoping.may(user, Perm.HANDLE_CASE, site, scoping.SITES):
        raise PermissionDenied("您无权在该场所办理此事项。", "You may not act for this site.")


def _phone(data: dict, key: str = "phone", *, required: bool = True) -> str:
    value = text(data, key, "联系电话", "Phone", required=required, max_len=20)
    if value and not value.replace("-", "").replace(" ", "").isdigit():
        raise InvalidInput("联系电话只能包含数字。", "The phone number may contain digits only.", field=key)
    return value


def _moment(data: dict, key: str, zh: str, en: str, *, required: bool = True) -> dt.datetime | None:
    """A local date and time from a form (YYYY-MM-DDTHH:MM, as <input type=datetime-local> sends it)."""
    raw = data.get(key)
    if raw in (None, ""):
        if required:
            raise InvalidInput(f"请填写{zh}。", f"{en} is required.", field=key)
        return None
    if isinstance(raw, dt.datetime):
        value = raw
    else:
        try:
            value = dt.datetime.fromisoformat(str(raw).strip()[:32])
        except ValueError:
            raise InvalidInput(f"{zh}格式应为 YYYY-MM-DD HH:MM。", f"{en} must be written YYYY-MM-DD HH:MM.",
                               field=key) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _not_future(value: dt.datetime, key: str, zh: str, en: str) -> dt.datetime:
    if value > timeutil.now() + FUTURE_SLACK:
        raise InvalidInput(f"{zh}不能晚于现在。", f"{en} cannot be in the future.", field=key)
    return value


# ---------------------------------------------------------------- home visits

def site_items(site: Site):
    """The items a site's windows accept: what a visit can be about (a case needs a window that lists its item)."""
    return Item.objects.filter(windows__site=site).distinct().order_by("name")


def staff_of(site: Site) -> list:
    """Who may be sent: the people whose grant lets them handle cases at the site (its clerks and managers)."""
    from bianmin.orgs.roles import Role

    return scoping.people([Role.CLERK, Role.MANAGER], site, scoping.SITES)


def _record(visit: HomeVisit, action: str, actor, old: str, reason: str = "") -> VisitEvent:
    return VisitEvent.objects.create(visit=visit, action=action, from_status=old, to_status=visit.status,
                                     actor=actor, reason=reason[:500])


@transaction.atomic
def request_visit(actor, site: Site, data: dict) -> HomeVisit:
    """上门服务登记: staff of the site record a request from someone who cannot come to the hall."""
    _require(actor, site)
    item_id = str(data.get("item") or "")
    item = site_items(site).filter(pk=int(item_id)).first() if item_id.isdigit() and len(item_id) < 18 else None
    if item is None:
        raise InvalidInput("请选择本场所受理的事项。", "Choose an item this site accepts.", field="item")
    wanted = date(data, "wanted_date", "期望上门日期", "Wanted date")
    if wanted < timeutil.today():
        raise InvalidInput("期望上门日期不能早于今天。", "The wanted date cannot be in the past.", field="wanted_date")
    visit = HomeVisit.objects.create(
        site=site, item=item, wanted_date=wanted, created_by=actor,
        name=text(data, "name", "服务对象姓名", "Name", max_len=40),
        phone=_phone(data),
        address=text(data, "address", "上门地址", "Address", max_len=200),
        need=choice(data, "need", HomeVisit.Need, "服务对象类型", "kind of need"),
        reason=text(data, "reason", "事由", "Reason", max_len=500),
        wanted_period=choice({"p": data.get("wanted_period") or HomeVisit.Period.ANY}, "p", HomeVisit.Period,
                             "期望时段", "wanted period"),
    )
    _record(visit, "request", actor, "")
    return visit


def _lock(visit_id: int) -> HomeVisit:
    visit = HomeVisit.objects.select_for_update(of=("self",)).select_related("site").filter(pk=visit_id).first()
    if visit is None:
        raise NotFound("上门服务登记不存在。", "No such home visit.")
    return visit


def _target(visit: HomeVisit, action: VisitAction) -> VisitStatus:
    try:
        return states.visit_target(action, visit.status)
    except states.IllegalTransition:
        raise Conflict(f"上门服务当前状态为“{visit.get_status_display()}”，不能执行此操作。",
                       f"The home visit is {visit.status}; '{action.value}' is not allowed now.",
                       code="illegal_transition") from None


@transaction.atomic
def transition(visit_id: int, action: str, actor, data: dict | None = None) -> HomeVisit:
    """schedule (who goes, when), finish (done without a case, with what was done) or cancel (with a reason).
    Registering a case at the visit is open_case."""
    data = data or {}
    try:
        act = VisitAction(action)
    except ValueError:
        raise NotFound("没有这个操作。", f"Unknown action: {action}.") from None
    if act is VisitAction.OPEN_CASE:
        return open_case(visit_id, actor, data)
    visit = _lock(visit_id)
    _require(actor, visit.site)
    new = _target(visit, act)
    old, reason = visit.status, ""
    if act is VisitAction.SCHEDULE:
        visit.assignee = _assignee(visit.site, data.get("assignee"))
        visit.scheduled_at = _moment(data, "scheduled_at", "上门时间", "Visit time")
        if visit.scheduled_at < timeutil.now() - dt.timedelta(days=1):
            raise InvalidInput("上门时间不能早于昨天。", "The visit time cannot be in the past.", field="scheduled_at")
        reason = text(data, "note", "说明", "Note", required=False, max_len=500)
    elif act is VisitAction.FINISH:
        visit.outcome = reason = text(data, "outcome", "上门结果", "Outcome", max_len=500)
        visit.done_at = timeutil.now()
    elif act is VisitAction.CANCEL:
        reason = text(data, "reason", "取消原因", "Reason for cancelling", max_len=500)
    visit.status = new.value
    visit.save()
    _record(visit, act.value, actor, old, reason)
    return visit


def _assignee(site: Site, raw):
    """The person sent: one of the site's staff (a clerk or manager whose grant reaches the site)."""
    raw = str(raw or "")
    found = next((u for u in staff_of(site) if raw.isdigit() and u.pk == int(raw)), None) if len(raw) < 18 else None
    if found is None:
        raise InvalidInput("上门人员须为本场所工作人员。", "The person sent must be staff of this site.", field="assignee")
    return found


@transaction.atomic
def open_case(visit_id: int, actor, data: dict) -> Case:
    """At the visit: register the case (cases.services.register_case, the one registration rule) for the visit's
    person and item, link it to the visit and mark the visit done, all in one transaction."""
    visit = _lock(visit_id)
    _require(actor, visit.site)
    new = _target(visit, VisitAction.OPEN_CASE)
    applicant = {"name": data.get("applicant_name") or visit.name, "phone": data.get("applicant_phone") or visit.phone,
                 "id_number": data.get("applicant_id_number", ""), "org": data.get("applicant_org", "")}
    window = str(data.get("window_id") or "")
    case = case_services.register_case(
        actor, site=visit.site, item=visit.item, applicant=applicant,
        window_id=int(window) if window.isdigit() and len(window) < 18 else None,
        question=text(data, "question", "咨询/办理事项", "Question", required=False, max_len=500) or visit.reason)
    old = visit.status
    visit.status, visit.case, visit.done_at = new.value, case, timeutil.now()
    visit.outcome = visit.outcome or case.number
    visit.save()
    _record(visit, VisitAction.OPEN_CASE.value, actor, old, case.number)
    return case


# ---------------------------------------------------------------- 办结签收 and 代办结果

def _case_for(actor, case_id: int) -> Case:
    case = Case.objects.select_for_update(of=("self",)).select_related("site").filter(pk=case_id).first()
    if case is None or not Case.objects.for_user(actor, Perm.VIEW_CASE).filter(pk=case_id).exists():
        raise NotFound("办件不存在。", "No such case.")
    _require(actor, case.site)
    return case


def signature_png(raw) -> bytes:
    """The PNG of a signature sent as a canvas data URL; refused unless it is a small, readable PNG image."""
    if not isinstance(raw, str) or not raw.startswith(DATA_URL_PREFIX):
        raise InvalidInput("请在签名板上签名。", "Please sign on the signature pad.", field="signature")
    encoded = raw[len(DATA_URL_PREFIX):]
    if len(encoded) > MAX_SIGNATURE_BYTES * 4 // 3 + 4:
        raise TooLarge("签名图片过大。", "The signature image is too large.", code="too_large")
    try:
        body = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("签名图片无法读取。", "The signature image cannot be read.", field="signature") from None
    if len(body) > MAX_SIGNATURE_BYTES:
        raise TooLarge("签名图片过大。", "The signature image is too large.", code="too_large")
    if not body.startswith(PNG_MAGIC):
        raise InvalidInput("签名须为 PNG 图片。", "The signature must be a PNG image.", field="signature")
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(body)) as image:
            image.verify()
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInput("签名图片无法读取。", "The signature image cannot be read.", field="signature") from None
    if not (0 < width <= MAX_SIGNATURE_SIDE and 0 < height <= MAX_SIGNATURE_SIDE):
        raise InvalidInput("签名图片尺寸不符。", "The signature image has an unusable size.", field="signature")
    return body


@transaction.atomic
def record_sign_off(case_id: int, actor, data: dict) -> SignOff:
    """办结签收: who received the finished case's result, when and how (a tablet signature, the printed
    办结签收单 signed on paper, or a mail receipt). One per case."""
    case = _case_for(actor, case_id)
    if case.status != CaseStatus.COMPLETED:
        raise Conflict("办件尚未办结，不能登记签收。", "The case is not completed; nothing to sign for yet.")
    if SignOff.objects.filter(case=case).exists():
        raise Conflict("该办件已登记签收。", "This case has already been signed for.")
    method = choice(data, "method", SignOff.Method, "签收方式", "method")
    received_at = _not_future(_moment(data, "received_at", "签收时间", "Time received"), "received_at",
                              "签收时间", "The time received")
    signature = signature_png(data.get("signature")) if method == SignOff.Method.TABLET else None
    mail_receipt = text(data, "mail_receipt", "邮件回执号", "Mail receipt number",
                        required=method == SignOff.Method.MAIL, max_len=40)
    return SignOff.objects.create(
        case=case, method=method, received_at=received_at, signature=signature, mail_receipt=mail_receipt,
        received_by=text(data, "received_by", "领取人", "Received by", max_len=40),
        relation=choice(data, "relation", SignOff.Relation, "与申请人关系", "relation to the applicant"),
        handed_by=actor)


HANDBACK_STATUSES = (CaseStatus.COMPLETED, CaseStatus.REJECTED, CaseStatus.OUT_OF_REMIT)


def is_proxy(case: Case) -> bool:
    return hasattr(case, "entrustment")


@transaction.atomic
def record_handback(case_id: int, actor, data: dict) -> ProxyHandback:
    """代办结果: the agent of a proxy case handed the result (or the refusal) back to the applicant. One per case."""
    case = _case_for(actor, case_id)
    if not is_proxy(case):
        raise Conflict("该办件不是代办件。", "This case is not a proxy case.")
    if case.status not in HANDBACK_STATUSES:
        raise Conflict("办件尚未办结，没有可交回的结果。", "The case is not finished; there is no result to hand back.")
    if ProxyHandback.objects.filter(case=case).exists():
        raise Conflict("该办件已登记代办结果。", "The hand-back of this case is already recorded.")
    handed_at = _not_future(_moment(data, "handed_at", "交回时间", "Time handed back"), "handed_at",
                            "交回时间", "The time handed back")
    return ProxyHandback.objects.create(
        case=case, handed_at=handed_at, recorded_by=actor,
        received_by=text(data, "received_by", "接收人", "Received by", max_len=40),
        how=choice(data, "how", ProxyHandback.How, "交付方式", "how it was handed back"),
        note=text(data, "note", "备注", "Note", required=False, max_len=500))
