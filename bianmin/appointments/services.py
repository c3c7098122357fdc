"""Appointment use cases: the only place an appointment's status changes (DESIGN rule 1), each change written
with its history row (AppointmentEvent) in the same transaction.

Double booking is stopped by the database, not by a lock in this process: a booking holds a numbered place
(`seat`, 1 … capacity) in its slot, and a partial unique constraint on (site, item, date, start, seat) lets only
one of two racing bookings write the last number; the loser meets an IntegrityError inside its savepoint, reads the
slot again and finds it full (409). A second constraint keeps one phone to one place per slot.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from bianmin.core import inputs, sms, timeutil
from bianmin.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from bianmin.hall.hours import settings_for
from bianmin.orgs.roles import Action
from bianmin.orgs.scoping import SITES, may

from . import slots, states
from .models import Appointment, AppointmentEvent, SlotClosure, SlotRule

logger = logging.getLogger("bianmin.worker")

Status = Appointment.Status
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out at a counter or typed at a kiosk
CODE_LENGTH = 6
MOVE_SEARCH_DAYS = 30  # how far ahead an emergency move looks for a free slot


# ---------------------------------------------------------------- input

def clean_phone(value, *, field: str = "phone") -> str:
    """A mainland mobile number (the confirmation and the reminder go there by SMS): required."""
    return inputs.mobile_number(value, field=field, required=True)


def clean_name(value, *, field: str = "name") -> str:
    name = " ".join(value.split()) if isinstance(value, str) else ""
    if not name:
        raise InvalidInput("请填写姓名。", "Enter the name.", field=field)
    if len(name) > 40:
        raise InvalidInput("姓名不能超过 40 个字。", "The name may have at most 40 characters.", field=field)
    return name


def parse_date(value, *, field: str = "date") -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD。", "The date must be YYYY-MM-DD.", field=field) from None


def parse_time(value, *, field: str = "start") -> dt.time:
    if isinstance(value, dt.time):
        return value
    text = str(value or "")
    if re.fullmatch(r"\d{2}:\d{2}", text):
        try:
            return dt.time.fromisoformat(text)
        except ValueError:
            pass
    raise InvalidInput("时间格式应为 HH:MM。", "The time must be HH:MM.", field=field)


def _now(now=None) -> dt.datetime:
    return now or timeutil.now()


def _today(now: dt.datetime) -> dt.date:
    return timezone.localtime(now).date()


# ---------------------------------------------------------------- transitions

def _transition(appointment: Appointment, target: str, *, actor=None, reason: str = "", now=None,
                strict: bool = True, **fields) -> bool:
    """Move the appointment to `target` if it is still in the status it was read in (a conditional UPDATE: two
    workers or two clerks never both record the change), with its history row. Returns whether it moved."""
    current = appointment.status
    if not states.allowed(current, target):
        if not strict:
            return False
        raise InvalidInput(
            f"该预约当前状态为“{Status(current).label}”，不能办理此操作。",
            f"The appointment is {current}; this cannot be done now.", field="status")
    if target in states.RELEASES_SEAT:
        fields["seat"] = None
    with transaction.atomic():
        moved = Appointment.objects.filter(pk=appointment.pk, status=current).update(status=target, **fields)
        if not moved:
            if strict:
                raise Conflict("预约状态已变化，请刷新后重试。", "The appointment changed meanwhile; reload and try again.")
            return False
        AppointmentEvent.objects.create(appointment=appointment, from_status=current, to_status=target,
                                        actor=actor if getattr(actor, "pk", None) else None, reason=reason[:200],
                                        at=_now(now))
    appointment.status = target
    for name, value in fields.items():
        setattr(appointment, name, value)
    return True


# ---------------------------------------------------------------- texts (Chinese, like every text to a citizen)

def link(appointment: Appointment) -> str:
    return f"{settings.BIANMIN['PUBLIC_URL'].rstrip('/')}/appointments/{appointment.token}/"


def _when(appointment: Appointment) -> str:
    return f"{appointment.date.month}月{appointment.date.day}日 {appointment.start:%H:%M}"


def confirmation_text(a: Appointment) -> str:
    return (f"【{a.site.name}】您已预约{_when(a)}办理“{a.item.name}”，预约码 {a.code}。"
            f"请按时到大厅凭预约码或手机号签到取号。查看、改约或取消：{link(a)}")


def reminder_text(a: Appointment) -> str:
    return (f"【{a.site.name}】温馨提醒：您预约了明天 {a.start:%H:%M} 办理“{a.item.name}”，预约码 {a.code}。"
            f"如不能前来请取消：{link(a)}")


def moved_text(old: Appointment, new: Appointment) -> str:
    return (f"【{old.site.name}】因故，您预约的{_when(old)}“{old.item.name}”已调整至{_when(new)}，"
            f"新预约码 {new.code}。查看、改约或取消：{link(new)}")


def cancelled_by_centre_text(a: Appointment) -> str:
    return (f"【{a.site.name}】因故，您预约的{_when(a)}“{a.item.name}”无法办理，近期也暂无空余时段，"
            f"预约已取消，敬请谅解。请稍后重新预约或致电咨询。")


def _text_on_commit(phone: str, text: str) -> None:
    def send():
        try:
            sms.send(phone, text)
        except Exception:  # the booking stands; the confirmation page shows the same details
            logger.exception("could not send an appointment text")

    transaction.on_commit(send)


# ---------------------------------------------------------------- booking

def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _full() -> Conflict:
    return Conflict("该时段已约满，请选择其他时段。", "This slot is full; choose another one.", code="slot_full")


def _same_phone() -> Conflict:
    return Conflict("该手机号已预约此时段，无需重复预约。", "This phone number already holds a place in this slot.",
                    code="already_booked")


def _hold(site, item, day: dt.date, slot: slots.Slot, *, name: str, phone: str, channel: str, actor,
          note: str = "") -> Appointment:
    """Write the booking into a free numbered place of the slot. The numbers already held are read, the lowest
    free one is written; a racing booking that wrote it first makes the insert fail on the unique constraint,
    and the slot is read again (each try in its own savepoint, so the surrounding transaction stays usable)."""
    for _ in range(slot.capacity + 8):
        held = dict(Appointment.objects.filter(site=site, item=item, date=day, start=slot.start,
                                               seat__isnull=False).values_list("seat", "phone"))
        if phone in held.values():
            raise _same_phone()
        free = next((n for n in range(1, slot.capacity + 1) if n not in held), None)
        if free is None:
            raise _full()
        try:
            with transaction.atomic():
                return Appointment.objects.create(
                    site=site, item=item, date=day, start=slot.start, end=slot.end, name=name, phone=phone,
                    code=_new_code(), token=secrets.token_urlsafe(24), channel=channel, seat=free,
                    created_by=actor if getattr(actor, "pk", None) else None, note=note)
        except IntegrityError:
            continue  # someone took that place (or, once in a billion, that code): look again
    raise _full()


def _slot(site, item, day: dt.date, start: dt.time, now: dt.datetime, windows=None) -> slots.Slot:
    """The open slot starting at `start`, or a 422 saying why there is none (closed, past, too far ahead)."""
    today = _today(now)
    if day < today:
        raise InvalidInput("该日期已过，请选择今天或以后的日期。", "That date has passed.", field="date")
    if day > today + dt.timedelta(days=slots.BOOKING_DAYS):
        raise InvalidInput(f"只能预约今后 {slots.BOOKING_DAYS} 天内的时段。",
                           f"Appointments can be booked at most {slots.BOOKING_DAYS} days ahead.", field="date")
    found = next((s for s in slots.day_slots(site, item, day, now=now, windows=windows, include_past=True)
                  if s.start == start), None)
    if found is None:
        raise InvalidInput("该时段不开放预约（不在办公时间或已关闭），请选择其他时段。",
                           "The site takes no appointments at that time; choose another slot.", field="start")
    if slots.local_start(day, start) <= now:
        raise InvalidInput("该时段已开始或已过，请选择其他时段。", "That slot has already begun.", field="start")
    return found


@transaction.atomic
def book(site, item, day, start, *, name, phone, channel: str = Appointment.Channel.ONLINE,
         actor=None, now=None, replaces: Appointment | None = None) -> Appointment:
    """Book a place (online, or by phone through staff: channel=phone, actor = the clerk). `replaces`: the
    citizen's own earlier booking being re-booked; it is released first and marked moved to the new one, all in
    one transaction (a failed re-booking leaves the old one as it was)."""
    now = _now(now)
    day, start = parse_date(day), parse_time(start)
    name, phone = clean_name(name), clean_phone(phone)
    if channel not in Appointment.Channel.values:
        raise InvalidInput("预约方式无效。", "Unknown channel.", field="channel")
    windows = slots.check_bookable(site, item)
    slot = _slot(site, item, day, start, now, windows)
    if replaces is not None:
        _transition(replaces, Status.MOVED, actor=actor, reason="改约", now=now)
    appointment = _hold(site, item, day, slot, name=name, phone=phone, channel=channel, actor=actor)
    AppointmentEvent.objects.create(appointment=appointment, to_status=Status.BOOKED, at=now,
                                    actor=actor if getattr(actor, "pk", None) else None,
                                    reason=Appointment.Channel(channel).label)
    if replaces is not None:
        Appointment.objects.filter(pk=replaces.pk).update(moved_to=appointment)
        replaces.moved_to = appointment
    _text_on_commit(phone, confirmation_text(appointment))
    return appointment


def book_by_phone(actor, site, item, day, start, *, name, phone, now=None) -> Appointment:
    """预约电话登记: a clerk or manager of the site books for a caller."""
    if not may(actor, Action.HANDLE_CASE, site, SITES):
        raise PermissionDenied("您不是该服务场所的工作人员，不能为其登记预约。",
                               "You do not work at this site and may not book for it.")
    return book(site, item, day, start, name=name, phone=phone, channel=Appointment.Channel.PHONE, actor=actor,
                now=now)


def by_token(token) -> Appointment:
    found = None
    if isinstance(token, str) and 20 <= len(token) <= 40:
        found = Appointment.objects.select_related("site", "item", "moved_to").filter(token=token).first()
    if found is None:
        raise NotFound("预约不存在，请核对链接。", "No such appointment; check the link.")
    return found


def cancel(appointment: Appointment, *, actor=None, reason: str = "本人取消", now=None) -> Appointment:
    now = _now(now)
    if appointment.status != Status.BOOKED:
        raise Conflict(f"该预约当前状态为“{Status(appointment.status).label}”，不能取消。",
                       f"The appointment is {appointment.status} and cannot be cancelled.")
    if slots.local_start(appointment.date, appointment.start) <= now:
        raise InvalidInput("预约时间已到，不能再取消。", "The appointment has begun and cannot be cancelled.")
    _transition(appointment, Status.CANCELLED, actor=actor, reason=reason, now=now)
    return appointment


# ---------------------------------------------------------------- at the hall (the queue's kiosk and counter)

def check_in(site, code: str = "", phone: str = "", now=None) -> Appointment:
    """Today's booking at `site`, by its code (or the phone: the booking nearest in time), marked checked in.
    404 when there is none, 422 when it is for another day or no longer waiting."""
    now = _now(now)
    today = _today(now)
    code = (code or "").strip().upper() if isinstance(code, str) else ""
    if code:
        if len(code) > 8:
            raise InvalidInput("预约码格式有误。", "The appointment code is not valid.", field="code")
        appointment = Appointment.objects.filter(site=site, code=code).select_related("site", "item").first()
        if appointment is None:
            raise NotFound("未找到该预约码，请核对后重试，或改用手机号签到。",
                           "No appointment with that code at this site; check it or use the phone number.")
    elif phone:
        number = clean_phone(phone)
        todays = list(Appointment.objects.filter(site=site, phone=number, date=today, status=Status.BOOKED)
                      .select_related("site", "item"))
        if not todays:
            raise NotFound("未找到该手机号今天的预约。", "No appointment today for that phone number at this site.")
        appointment = min(todays, key=lambda a: abs((slots.local_start(a.date, a.start) - now).total_seconds()))
    else:
        raise InvalidInput("请输入预约码或手机号。", "Enter the appointment code or the phone number.", field="code")
    if appointment.date != today:
        raise InvalidInput(f"该预约的日期是 {appointment.date:%Y-%m-%d}，请在预约当天签到。",
                           f"That appointment is for {appointment.date:%Y-%m-%d}; check in on that day.",
                           field="code")
    if appointment.status != Status.BOOKED:
        raise InvalidInput(f"该预约当前状态为“{Status(appointment.status).label}”，不能签到。",
                           f"The appointment is {appointment.status}; it cannot be checked in.", field="code")
    _transition(appointment, Status.CHECKED_IN, reason="签到取号", now=now, checked_in_at=now)
    return appointment


def mark_served(appointment: Appointment, actor=None, now=None) -> Appointment:
    _transition(appointment, Status.SERVED, actor=actor, reason="已办理", now=now)
    return appointment


# ---------------------------------------------------------------- emergency closing

@transaction.atomic
def close_slots(actor, site, day, *, start=None, end=None, reason: str, now=None) -> tuple[SlotClosure, list]:
    """A manager closes a stretch of a day (or the whole day, start and end empty): its bookings move to the
    next free slot of their item (texted the new time); with none within MOVE_SEARCH_DAYS they are cancelled
    (texted too). Returns the closure and (old, new-or-None) per booking."""
    now = _now(now)
    if not may(actor, Action.MANAGE_SITE, site, SITES):
        raise PermissionDenied("只有该场所的负责人可以关闭预约时段。", "Only the site's manager may close slots.")
    day = parse_date(day)
    reason = " ".join(reason.split()) if isinstance(reason, str) else ""
    if not reason:
        raise InvalidInput("请说明关闭原因。", "Give the reason for closing.", field="reason")
    if day < _today(now):
        raise InvalidInput("不能关闭已过去的日期。", "That date has passed.", field="date")
    if (start is None) != (end is None):
        raise InvalidInput("请同时填写开始和结束时间，或都不填（关闭全天）。",
                           "Give both the start and the end, or neither (the whole day).", field="start")
    if start is not None:
        start, end = parse_time(start), parse_time(end, field="end")
        if end <= start:
            raise InvalidInput("结束时间应晚于开始时间。", "The end must be after the start.", field="end")
    closure = SlotClosure.objects.create(site=site, date=day, start=start, end=end, reason=reason[:200],
                                         closed_by=actor)
    affected = [a for a in Appointment.objects.select_for_update().filter(site=site, date=day, status=Status.BOOKED)
                .select_related("site", "item").order_by("start", "created_at", "pk")
                if closure.covers(a.start, a.end)]
    results = []
    for old in affected:
        new = _move_to_next_free(old, actor=actor, now=now, reason=reason)
        results.append((old, new))
    return closure, results


def _move_to_next_free(old: Appointment, *, actor, now, reason: str) -> Appointment | None:
    # Release the old place first: the new one may be in a slot where the same phone would otherwise clash.
    _transition(old, Status.MOVED, actor=actor, reason=f"紧急关闭：{reason}", now=now)
    windows = slots.serving_windows(old.site, old.item) or {0}
    for offset in range(MOVE_SEARCH_DAYS + 1):
        day = old.date + dt.timedelta(days=offset)
        for slot in slots.day_slots(old.site, old.item, day, now=now, windows=windows):
            if slot.left <= 0 or (day == old.date and slot.start <= old.start):
                continue
            try:
                with transaction.atomic():
                    new = _hold(old.site, old.item, day, slot, name=old.name, phone=old.phone, channel=old.channel,
                                actor=old.created_by, note=f"由 {old.code} 改约")
            except DomainError:
                continue  # filled meanwhile, or this phone already holds a place there
            AppointmentEvent.objects.create(appointment=new, to_status=Status.BOOKED, actor=actor, at=now,
                                            reason=f"紧急改约自 {old.code}")
            Appointment.objects.filter(pk=old.pk).update(moved_to=new)
            old.moved_to = new
            _text_on_commit(old.phone, moved_text(old, new))
            return new
    # Nowhere to go: the booking ends as cancelled by the centre (MOVED with no target would leave it nowhere).
    Appointment.objects.filter(pk=old.pk).update(status=Status.CANCELLED)
    AppointmentEvent.objects.create(appointment=old, from_status=Status.MOVED, to_status=Status.CANCELLED,
                                    actor=actor, at=now, reason="近期无空余时段")
    old.status = Status.CANCELLED
    _text_on_commit(old.phone, cancelled_by_centre_text(old))
    return None


# ---------------------------------------------------------------- slot rules (the manager's settings)

def _number(raw, low: int, high: int, zh: str, en: str, field: str) -> int:
    text = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    if not (text.isdigit() and len(text) < 6 and low <= int(text) <= high):
        raise InvalidInput(f"{zh}应为 {low}–{high} 之间的整数。", f"{en} must be a whole number {low}–{high}.",
                           field=field)
    return int(text)


def _may_manage(actor, site) -> None:
    if not may(actor, Action.MANAGE_SITE, site, SITES):
        raise PermissionDenied("只有该场所的负责人可以修改预约规则。", "Only the site's manager may change the rules.")


def save_rule(actor, site, item, slot_minutes, capacity) -> SlotRule:
    """The slot length and places per slot for `item` at the site (item None: every item without its own rule).
    Bookings already made keep their place; fewer places only stop new bookings."""
    _may_manage(actor, site)
    minutes = _number(slot_minutes, 5, 240, "时段长度（分钟）", "The slot length in minutes", "slot_minutes")
    places = _number(capacity, 0, 50, "每时段可约人数", "The places per slot", "capacity")
    rule, _created = SlotRule.objects.update_or_create(site=site, item=item,
                                                       defaults={"slot_minutes": minutes, "capacity": places})
    return rule


def delete_rule(actor, site, item) -> int:
    _may_manage(actor, site)
    return SlotRule.objects.filter(site=site, item=item).delete()[0]


# ---------------------------------------------------------------- worker sweeps

def send_reminders(now=None) -> int:
    """The day before: one SMS per booking still booked for tomorrow (reminded_at set by a conditional UPDATE,
    so two workers never text the same person twice)."""
    now = _now(now)
    tomorrow = _today(now) + dt.timedelta(days=1)
    sent = 0
    rows = (Appointment.objects.filter(date=tomorrow, status=Status.BOOKED, reminded_at__isnull=True)
            .select_related("site", "item").order_by("pk"))
    for a in rows:
        with transaction.atomic():
            if Appointment.objects.filter(pk=a.pk, status=Status.BOOKED, reminded_at__isnull=True).update(
                    reminded_at=now):
                _text_on_commit(a.phone, reminder_text(a))
                sent += 1
    return sent


def mark_no_shows(now=None) -> int:
    """Bookings not checked in by their start plus the site's grace (HallSettings.no_show_grace_minutes) become
    no-shows: the place is freed and the no-show is counted (status NO_SHOW)."""
    now = _now(now)
    changed = 0
    site_ids = (Appointment.objects.filter(status=Status.BOOKED, date__lte=_today(now))
                .values_list("site_id", flat=True).distinct())
    from bianmin.orgs.models import Site

    for site in Site.objects.filter(pk__in=list(site_ids)):
        cutoff = timezone.localtime(now - dt.timedelta(minutes=settings_for(site).no_show_grace_minutes))
        late = Appointment.objects.filter(site=site, status=Status.BOOKED).filter(
            date__lte=cutoff.date()).order_by("date", "start")
        for a in late:
            if a.date == cutoff.date() and a.start > cutoff.time().replace(microsecond=0):
                continue
            if _transition(a, Status.NO_SHOW, reason="超过宽限时间未签到", now=now, strict=False):
                changed += 1
    return changed
