"""Queue use cases: the ONLY place a ticket's status changes (DESIGN rule 1). Every change writes a QueueEvent
(actor, window, from, to, reason) in the same transaction. The kiosk, the phone page, the API and the workbench
all call these functions.

- `issue` gives a ticket (kiosk, phone, appointment check-in, counter);
- `call` gives a window the next ticket in THE order (queueing.ordering), claimed with a conditional UPDATE
  so two clerks calling at the same moment, on any number of servers, never get the same ticket;
- `act` performs recall, start, skip, park, unpark, transfer and finish (states.py has the table);
- `link_case` ties a case registered from the ticket to it (the case form's `?ticket=`), and the rating of
  that case is then keyed to the ticket (ratings.services.rating_for_case);
- `close_day` abandons what nobody called by the end of the day (job "queue_close_day").
"""
from __future__ import annotations

import datetime as dt
import math
import secrets

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from bianmin.core import inputs, sms, timeutil
from bianmin.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import text as _text
from bianmin.orgs import scoping
from bianmin.orgs.models import Window
from bianmin.orgs.roles import Action as Perm

from . import groups, ordering, states
from .models import Priority, QueueEvent, QueueTicket, Source, TicketStatus
from .states import Action, CoolingDown, IllegalTransition

ACTIVE = [s.value for s in states.ACTIVE]
# Service minutes assumed (optimistic, pessimistic) until a site has enough finished tickets of its own.
DEFAULT_SERVICE_MINUTES = (5.0, 15.0)
ESTIMATE_SAMPLE = 200  # the latest finished services a site's estimate reads
ESTIMATE_MIN_SAMPLE = 5


# ---------------------------------------------------------------- small helpers

def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timeutil.now()


def _day(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


def id_hash(id_number: str) -> str:
    """A keyed hash of an ID number (SECRET_KEY): the one-active-ticket rule compares hashes, never numbers."""
    return salted_hmac("bianmin.queueing.id_number", id_number.strip().upper()).hexdigest()


def _record(ticket: QueueTicket, action: str, actor, from_status: str, *, window=None, reason: str = "",
            at: dt.datetime) -> QueueEvent:
    return QueueEvent.objects.create(ticket=ticket, action=action, from_status=from_status, to_status=ticket.status,
                                     window=window if window is not None else ticket.window, actor=actor,
                                     reason=reason[:200], at=at)


def _staff(actor):
    return getattr(actor, "staff", None) if actor is not None and actor.is_authenticated else None


def _require_handle(actor, site) -> None:
    if actor is None or not scoping.may(actor, Perm.HANDLE_CASE, site, scoping.SITES):
        raise PermissionDenied("您无权在该场所叫号。", "You may not call tickets at this site.")


# ---------------------------------------------------------------- issue

def _item(site, item):
    """The catalog Item (or None) from an Item or an id; it must be served by one of the site's windows."""
    from bianmin.catalog.models import Item

    if item in (None, ""):
        if not Window.objects.filter(site=site, kind__in=groups.TAKES_NO_ITEM).exists():
            raise InvalidInput("请选择办理事项。", "Choose the item you came for.", field="item")
        return None
    if not isinstance(item, Item):
        try:
            item = Item.objects.filter(pk=int(item)).first()
        except (TypeError, ValueError):
            item = None
    if item is None or not Window.objects.filter(site=site, items=item).exists():
        raise InvalidInput("本场所不办理该事项。", "This site does not serve that item.", field="item")
    return item


def _phone(phone) -> str:
    return inputs.mobile_number(phone)


def _id_number(id_number) -> str:
    if not id_number:
        return ""
    value = id_number.strip().upper() if isinstance(id_number, str) else ""
    if not (len(value) == 18 and value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")) and not (
            len(value) == 15 and value.isdigit()):
        raise InvalidInput("身份证号码格式不正确。", "The ID number is not valid.", field="id_number")
    return value


def _open_rest_of_day(site, now: dt.datetime) -> bool:
    from bianmin.hall.hours import sessions_on

    local = timezone.localtime(now)
    return any(s.end > local.time() for s in sessions_on(site, local.date()))


def _check_in(site, code: str, phone: str, now: dt.datetime):
    """The appointment checked in by code (or by phone): appointments.services.check_in does the checks."""
    try:
        from bianmin.appointments.services import check_in
    except ImportError:  # pragma: no cover - the appointments app ships its services with the hall work
        raise InvalidInput("预约签到暂不可用，请直接取号。", "Appointment check-in is not available; take a ticket.",
                           field="appointment_code") from None
    appointment = check_in(site, code=code, phone=phone, now=now)
    if QueueTicket.objects.filter(appointment=appointment).exists():
        raise Conflict("该预约已签到取号。", "This appointment has already been checked in.", code="checked_in")
    return appointment


def _next_number(site, day: dt.date, letter: str) -> str:
    from bianmin.core.sequences import next_value

    return f"{letter}{next_value(f'queue-{site.pk}-{day:%Y%m%d}-{letter}'):03d}"


@transaction.atomic
def issue(site, *, item=None, priority="normal", appointment_code="", phone="", id_number="", source="kiosk",
          now=None, actor=None) -> QueueTicket:
    """取号: a ticket at `site` for `item` (None: a question for the guide / comprehensive windows).

    One active ticket per ID number or phone per item (409); an appointment code checks the appointment in and
    takes its item; the wait estimate is stored on the ticket as a range so figures compare it with the real wait.
    Online tickets are refused when the site is closed for the rest of the day."""
    now = _now(now)
    if priority not in Priority.values:
        raise InvalidInput("请选择正确的类别。", f"priority must be one of {', '.join(Priority.values)}.",
                           field="priority")
    if source not in Source.values:
        raise InvalidInput("取号方式不正确。", "Unknown ticket source.", field="source")
    if not isinstance(appointment_code, str) or len(appointment_code) > 20:
        raise InvalidInput("预约码不正确。", "The appointment code is not valid.", field="appointment_code")
    phone, id_number = _phone(phone), _id_number(id_number)
    appointment = None
    if appointment_code.strip() or source == Source.APPOINTMENT:
        if not (appointment_code.strip() or phone):
            raise InvalidInput("请输入预约码或预约手机号。", "Enter the appointment code or phone.",
                               field="appointment_code")
        appointment = _check_in(site, appointment_code.strip(), phone, now)
        item, source, phone = appointment.item, Source.APPOINTMENT, phone or appointment.phone
    item = _item(site, item)
    if source == Source.ONLINE and not _open_rest_of_day(site, now):
        raise Conflict("今日已停止取号，请在办公时间内取号。", "No more tickets today: take one during opening hours.",
                       code="closed")
    day = _day(now)
    hashed = id_hash(id_number) if id_number else ""
    same = Q(phone=phone) if phone else Q(pk__in=[])
    if hashed:
        same |= Q(id_hash=hashed)
    if (phone or hashed) and QueueTicket.objects.filter(same, site=site, day=day, item=item,
                                                        status__in=ACTIVE).exists():
        raise Conflict("您已有该事项的排队号，请勿重复取号。", "You already hold a ticket for this item.",
                       code="duplicate_ticket")
    site_groups = groups.kiosk_groups(site)
    letter = groups.letter_for(site, item, site_groups)
    ticket = QueueTicket(site=site, day=day, item=item, priority=priority, source=source, appointment=appointment,
                         phone=phone, id_hash=hashed, created_at=now, queued_at=now,
                         token=secrets.token_urlsafe(24), number=_next_number(site, day, letter))
    try:
        with transaction.atomic():
            ticket.save(force_insert=True)
    except IntegrityError:
        raise Conflict("取号繁忙，请重试。", "Busy; please try again.", code="retry") from None
    ahead = ahead_of(ticket)
    low, high = estimate(site, ahead, letter=letter, groups_=site_groups, now=now)
    fields = {"ahead_at_issue": ahead, "estimate_low": low, "estimate_high": high}
    if phone and ahead <= _settings(site).sms_when_ahead:
        fields["ahead_sms_at"] = now  # already close: the ticket itself says so, no SMS needed
    QueueTicket.objects.filter(pk=ticket.pk).update(**fields)
    for name, value in fields.items():
        setattr(ticket, name, value)
    _record(ticket, "issue", actor, "", reason=str(Source(source).label), at=now)
    return ticket


def _settings(site):
    from bianmin.hall.hours import settings_for

    return settings_for(site)


# ---------------------------------------------------------------- people ahead and the estimate

def line_of(ticket) -> Q:
    """The tickets in the same line as `ticket`: those sent to the same window, or with the same letter."""
    if ticket.window_id:
        return Q(window_id=ticket.window_id)
    return Q(window__isnull=True, number__startswith=ticket.number[:1])


def ahead_of(ticket, now: dt.datetime | None = None) -> int:
    """Waiting tickets of the same line that THE order calls before `ticket` (0 once it is called)."""
    if ticket.status != TicketStatus.WAITING:
        return 0
    now = _now(now)
    others = list(ordering.waiting_at(ticket.site, ticket.day, line_of(ticket)))
    if not any(t.pk == ticket.pk for t in others):
        return 0
    order = ordering.ranked(others, now=now, settings=_settings(ticket.site))
    return next(i for i, (t, _code) in enumerate(order) if t.pk == ticket.pk)


def service_minutes(site, now: dt.datetime) -> tuple[float, float]:
    """(optimistic, pessimistic) minutes of one service at `site`: the lower and upper quartile of its latest
    finished services, or DEFAULT_SERVICE_MINUTES while it has too few."""
    rows = list(QueueTicket.objects.filter(site=site, status=TicketStatus.FINISHED, finished_at__isnull=False,
                                           called_at__isnull=False, finished_at__gte=now - dt.timedelta(days=30))
                .order_by("-finished_at").values_list("called_at", "finished_at")[:ESTIMATE_SAMPLE])
    minutes = sorted(max((end - start).total_seconds() / 60, 0.5) for start, end in rows)
    if len(minutes) < ESTIMATE_MIN_SAMPLE:
        return DEFAULT_SERVICE_MINUTES
    return minutes[len(minutes) // 4], minutes[(3 * len(minutes)) // 4]


def _windows_open(site, window_ids: list[int], now: dt.datetime) -> int:
    from bianmin.hall.presence import on_duty_by_window

    staffed = on_duty_by_window(site, now)
    open_now = sum(1 for pk in window_ids if staffed.get(pk))
    return max(open_now or len(window_ids), 1)


def estimate(site, ahead: int, *, letter: str, groups_=None, now: dt.datetime | None = None,
             window_ids: list[int] | None = None) -> tuple[int, int]:
    """The wait as a range of minutes: people ahead × (optimistic, pessimistic) service time ÷ windows open for
    the line (signed in now; else all its windows). The pessimistic end also counts the service under way."""
    now = _now(now)
    if window_ids is None:
        groups_ = groups.kiosk_groups(site) if groups_ is None else groups_
        window_ids = next((g.window_ids for g in groups_ if g.letter == letter), [])
    windows = _windows_open(site, window_ids, now)
    fast, slow = service_minutes(site, now)
    return math.floor(ahead * fast / windows), math.ceil((ahead + 1) * slow / windows)


def _notify_close(site, now: dt.datetime) -> None:
    """Send the "N people ahead" SMS once to each waiting ticket with a phone that has come that close."""
    threshold = _settings(site).sms_when_ahead
    for ticket in (QueueTicket.objects.filter(site=site, day=_day(now), status=TicketStatus.WAITING,
                                              ahead_sms_at__isnull=True).exclude(phone="")
                   .select_related("site")):
        ahead = ahead_of(ticket, now)
        if ahead > threshold:
            continue
        # Conditional update: only one process sends, however many are calling at once.
        if QueueTicket.objects.filter(pk=ticket.pk, ahead_sms_at__isnull=True).update(ahead_sms_at=now) == 1:
            text = (f"【{site.name}】您的排队号{ticket.number}前面还有{ahead}人，请回到大厅留意叫号。"
                    if ahead else f"【{site.name}】您的排队号{ticket.number}即将叫到，请回到大厅留意叫号。")
            phone = ticket.phone
            transaction.on_commit(lambda phone=phone, text=text: sms.send(phone, text))


# ---------------------------------------------------------------- calling

def resolve_window(actor, window=None, now: dt.datetime | None = None) -> Window:
    """The window given (an id or a Window), else the clerk's default window (signed in there, else A post)."""
    if actor is None or not scoping.can(actor, Perm.HANDLE_CASE):
        raise PermissionDenied("您无权叫号。", "You may not call tickets.")
    if window in (None, ""):
        from bianmin.hall.presence import default_window

        staff = _staff(actor)
        found = default_window(staff, now) if staff is not None else None
        if found is None:
            raise InvalidInput("您尚未在窗口签到，也没有固定窗口，请选择窗口。",
                               "You are not signed in at a window and have no A post: choose a window.",
                               field="window")
        window = found
    elif not isinstance(window, Window):
        try:
            window = Window.objects.select_related("site").filter(pk=int(window)).first()
        except (TypeError, ValueError):
            window = None
        if window is None:
            raise NotFound("窗口不存在。", "No such window.")
    if not scoping.may(actor, Perm.VIEW_SITE, window.site, scoping.SITES):
        raise NotFound("窗口不存在。", "No such window.")
    _require_handle(actor, window.site)
    return window


def current_at(window):
    """The ticket being called or served at `window` now, if any."""
    return (QueueTicket.objects.filter(window=window, status__in=[TicketStatus.CALLED, TicketStatus.SERVING])
            .select_related("item", "window", "appointment").order_by("-last_called_at", "-pk").first())


def call(actor, window=None, *, now=None) -> tuple[QueueTicket, str] | None:
    """叫号: the next ticket for the window, claimed exactly once; None when nobody waits. Returns the ticket and
    the words saying why it is next. A window still calling or serving a ticket must settle it first (409)."""
    now = _now(now)
    window = resolve_window(actor, window, now)
    busy = current_at(window)
    if busy is not None:
        raise Conflict(f"当前号 {busy.number} 尚未办结，请先办结、过号、转窗口或暂挂。",
                       f"Ticket {busy.number} is still at this window: finish, skip, transfer or park it first.",
                       code="window_busy")
    settings = _settings(window.site)
    staff = _staff(actor)
    for candidate, code in ordering.ranked_for(window, now=now):
        numbers = {"wait_target_minutes": settings.wait_target_minutes, "green_lane_run": settings.green_lane_run}
        reason = ordering.reason_text(code, **numbers)
        with transaction.atomic():
            # The claim: only the caller whose UPDATE finds the ticket still waiting gets it. On PostgreSQL a
            # concurrent UPDATE waits for the first to commit, then re-reads the row and finds it called.
            claimed = QueueTicket.objects.filter(pk=candidate.pk, status=TicketStatus.WAITING).update(
                status=TicketStatus.CALLED, window=window, served_by=staff, last_called_at=now, recalls=0,
                called_at=candidate.called_at or now)
            if claimed != 1:
                continue  # someone else called it a moment ago: try the next one
            ticket = QueueTicket.objects.select_related("item", "window", "appointment", "site").get(pk=candidate.pk)
            _record(ticket, Action.CALL, actor, TicketStatus.WAITING, window=window,
                    reason=ordering.stored_text(code, **numbers), at=now)
            _notify_close(window.site, now)
        return ticket, reason
    return None


# ---------------------------------------------------------------- actions on a called ticket

def visible_tickets(actor):
    return QueueTicket.objects.for_user(actor, Perm.VIEW_SITE)


def _lock(actor, ticket_id) -> QueueTicket:
    try:
        pk = int(ticket_id)
    except (TypeError, ValueError):
        raise NotFound("排队号不存在。", "No such ticket.") from None
    ticket = (visible_tickets(actor).select_for_update(of=("self",)).select_related("site", "window", "item")
              .filter(pk=pk).first())
    if ticket is None:
        raise NotFound("排队号不存在或无权查看。", "No such ticket, or you may not see it.")
    _require_handle(actor, ticket.site)
    return ticket


def _move(ticket: QueueTicket, action: Action, actor, now: dt.datetime, *, reason: str = "", window=None,
          fields: dict | None = None) -> QueueTicket:
    old = ticket.status
    try:
        new = states.target(action, old)
    except IllegalTransition:
        raise Conflict(f"当前状态（{TicketStatus(old).label}）不能执行该操作。",
                       f"Not allowed while the ticket is {old}.", code="illegal_transition") from None
    for name, value in (fields or {}).items():
        setattr(ticket, name, value)
    ticket.status = new.value
    ticket.save()
    _record(ticket, action.value, actor, old, window=window, reason=reason, at=now)
    return ticket


def _recall(ticket, actor, data, now):
    settings = _settings(ticket.site)
    since = (now - (ticket.last_called_at or now)).total_seconds()
    if ticket.status != TicketStatus.CALLED:
        return _move(ticket, Action.RECALL, actor, now)  # raises the 409
    try:
        outcome = states.recall_outcome(recalls=ticket.recalls, max_recalls=settings.max_recalls,
                                        seconds_since_call=since, cooldown_seconds=settings.recall_cooldown_seconds)
    except CoolingDown as wait:
        raise Conflict(f"刚刚呼叫过，请 {wait.seconds_left} 秒后再重呼。",
                       f"Just called: recall again in {wait.seconds_left} s.", code="cooling_down") from None
    if outcome == states.Status.NO_SHOW:
        return _move(ticket, Action.SKIP, actor, now, fields={"finished_at": now},
                     reason=f"重呼{ticket.recalls}次未到")
    return _move(ticket, Action.RECALL, actor, now, fields={"recalls": ticket.recalls + 1, "last_called_at": now})


def _start(ticket, actor, data, now):
    return _move(ticket, Action.START, actor, now, fields={"served_by": _staff(actor) or ticket.served_by})


def _skip(ticket, actor, data, now):
    return _move(ticket, Action.SKIP, actor, now, fields={"finished_at": now},
                 reason=_text(data, "reason", "原因", "Reason", required=False, max_len=200))


def _park(ticket, actor, data, now):
    return _move(ticket, Action.PARK, actor, now,
                 reason=_text(data, "reason", "原因", "Reason", required=False, max_len=200))


def _unpark(ticket, actor, data, now):
    # Back into the queue of the window that parked it, at the original place (queued_at is unchanged).
    return _move(ticket, Action.UNPARK, actor, now)


def _transfer(ticket, actor, data, now):
    raw = data.get("window")
    try:
        target = Window.objects.filter(site=ticket.site, pk=int(raw)).first() if raw not in (None, "") else None
    except (TypeError, ValueError):
        target = None
    if target is None:
        raise InvalidInput("请选择本场所的目标窗口。", "Choose a window of this site to transfer to.", field="window")
    if target.pk == ticket.window_id:
        raise InvalidInput("不能转到当前窗口。", "That is the current window.", field="window")
    reason = _text(data, "reason", "转窗口原因", "Reason", max_len=200)
    old_window = ticket.window
    ticket = _move(ticket, Action.TRANSFER, actor, now, window=old_window,
                   reason=f"→{target.number} {reason}",
                   fields={"window": target, "served_by": None, "recalls": 0})
    return ticket


def _finish(ticket, actor, data, now):
    next_item = data.get("next_item")
    _appointment_served(ticket, actor, now)
    if next_item in (None, ""):
        return _move(ticket, Action.FINISH, actor, now, fields={"finished_at": now},
                     reason=_text(data, "reason", "备注", "Note", required=False, max_len=200))
    item = _item(ticket.site, next_item)
    if item is not None and item.pk == ticket.item_id:
        raise InvalidInput("下一项事项与当前事项相同。", "The next item is the one just served.", field="next_item")
    ticket = _move(ticket, Action.NEXT, actor, now, fields={"finished_at": now},
                   reason=f"下一项：{item.name if item else '咨询'}"[:200])
    follow = QueueTicket.objects.create(
        site=ticket.site, day=ticket.day, number=ticket.number, item=item, priority=ticket.priority,
        source=ticket.source, phone=ticket.phone, id_hash=ticket.id_hash, created_at=now,
        queued_at=ticket.queued_at or ticket.created_at, previous=ticket, token=secrets.token_urlsafe(24),
        ahead_sms_at=now)
    _record(follow, "issue", actor, "", reason="同一次办理的下一项", at=now)
    return follow


def _appointment_served(ticket, actor, now) -> None:
    if ticket.appointment_id is None:
        return
    from bianmin.appointments.models import Appointment
    from bianmin.appointments.services import mark_served

    appointment = Appointment.objects.filter(pk=ticket.appointment_id, status=Appointment.Status.CHECKED_IN).first()
    if appointment is not None:
        mark_served(appointment, actor, now)


HANDLERS = {
    Action.RECALL: _recall, Action.START: _start, Action.SKIP: _skip, Action.PARK: _park, Action.UNPARK: _unpark,
    Action.TRANSFER: _transfer, Action.FINISH: _finish,
}


def act(actor, ticket_id, action: str, data: dict | None = None, *, now=None) -> QueueTicket:
    """Perform `action` on a ticket. `finish` with {"next_item"} answers the visit's linked ticket for it."""
    try:
        handler = HANDLERS[Action(action)]
    except (ValueError, KeyError):
        raise NotFound("没有这个操作。", f"Unknown action: {str(action)[:40]}.") from None
    if data is not None and not isinstance(data, dict):
        raise InvalidInput("请求内容应为 JSON 对象。", "The request body must be a JSON object.")
    now = _now(now)
    with transaction.atomic():
        ticket = _lock(actor, ticket_id)
        return handler(ticket, actor, data or {}, now)


# ---------------------------------------------------------------- the case and the rating

@transaction.atomic
def link_case(actor, ticket_id, case, *, now=None) -> QueueTicket:
    """A case registered from the ticket (受理): the ticket remembers it and who served it; a called ticket is now
    being served."""
    now = _now(now)
    ticket = _lock(actor, ticket_id)
    if ticket.site_id != case.site_id:
        raise InvalidInput("排队号与办件不在同一场所。", "The ticket and the case are at different sites.",
                           field="ticket")
    fields = {"case": case, "served_by": _staff(actor) or ticket.served_by}
    if ticket.status == TicketStatus.CALLED:
        return _move(ticket, Action.START, actor, now, reason=case.number, fields=fields)
    if ticket.status != TicketStatus.SERVING:
        raise Conflict("该排队号不在办理中，不能关联办件。", "The ticket is not being served.", code="not_serving")
    for name, value in fields.items():
        setattr(ticket, name, value)
    ticket.save(update_fields=list(fields))
    _record(ticket, "case", actor, ticket.status, reason=case.number, at=now)
    return ticket


# ---------------------------------------------------------------- end of day

def close_day(now: dt.datetime | None = None) -> int:
    """Abandon the waiting and parked tickets nobody will call: those of earlier days, and today's once the site
    has closed for the day. Returns how many changed."""
    now = _now(now)
    today = _day(now)
    changed = 0
    stale = (QueueTicket.objects.filter(status__in=[TicketStatus.WAITING, TicketStatus.PARKED])
             .filter(Q(day__lt=today) | Q(day=today)).values_list("site_id", "day").distinct())
    from bianmin.orgs.models import Site

    for site_id, day in list(stale):
        if day == today and _open_rest_of_day(Site.objects.get(pk=site_id), now):
            continue
        for pk in (QueueTicket.objects.filter(site_id=site_id, day=day,
                                              status__in=[TicketStatus.WAITING, TicketStatus.PARKED])
                   .values_list("pk", flat=True)):
            with transaction.atomic():
                ticket = QueueTicket.objects.select_for_update().filter(
                    pk=pk, status__in=[TicketStatus.WAITING, TicketStatus.PARKED]).first()
                if ticket is None:
                    continue
                _move(ticket, Action.ABANDON, None, now, fields={"finished_at": now}, reason="当日未叫号，闭厅作废")
                changed += 1
    return changed


