"""Demo hall operations (issue 16): opening sessions, a weekend duty day, hall settings, today's sign-ins at the
windows, a morning of queue history at the county centre (and a smaller one at the persona township centre),
today's appointments and those of the coming working days, and a few tickets waiting right now so that the
demo clerks can call.

Rows are written directly with bulk_create (a few hundred rows, no per-ticket service round trips), shaped
as the services write them: QueueEvent rows for issue, call, recall, skip, start, finish and abandon; appointment
history rows for each change after booking; the kiosk's number counters (core.sequences) moved past the numbers
used, so the next real ticket does not collide. Deterministic: one random generator seeded by the day. Idempotent
like the rest of the demo: each part is created only when its rows are missing (the queue of a day once, the
appointments of a day once), nothing is changed or deleted.
"""
from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils import timezone

from bianmin.appointments.models import Appointment, AppointmentEvent
from bianmin.core import timeutil
from bianmin.core.models import Sequence
from bianmin.hall import hours
from bianmin.hall.models import DutyDay, HallSettings, OpeningSession, Presence
from bianmin.orgs.models import Site, Staff, Window, WindowPost
from bianmin.queueing.groups import KioskGroup, kiosk_groups
from bianmin.queueing.models import GREEN_LANE, Priority, QueueEvent, QueueTicket, Source, TicketStatus

from . import sites as site_data

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # as appointments.services: no 0/O, 1/I/L
LUNCH = (dt.time(11, 30), dt.time(14, 30))
LUNCH_WINDOWS = ("01", "02")  # 午间不间断: the social-affairs comprehensive windows keep serving
DUTY_WINDOWS = ("01", "09")  # the Saturday appointment service (site_data.COUNTY_CENTRE opening hours)
PERSONA_WINDOWS = {"ZW011": "01", "ZW091": "09"}  # demo-clerk, demo-clerk2 (demo/users.py)
TOWN_NAME = "青石镇"
CENTRE_TICKETS = (90, 110)  # a whole morning at the county centre
TOWN_TICKETS = (18, 26)
APPOINTMENT_DAYS = 5  # coming open days with appointments
GRACE = dt.timedelta(minutes=15)  # HallSettings.no_show_grace_minutes default


@dataclass
class Result:
    created: Counter = field(default_factory=Counter)
    queue_day: dt.date | None = None


@dataclass
class _Ticket:
    site_id: int
    group: KioskGroup
    created: dt.datetime
    priority: str = Priority.NORMAL
    source: str = Source.KIOSK
    item: object = None
    appointment: Appointment | None = None
    patience: dt.timedelta | None = None  # leaves after this long uncalled (None: stays)
    no_show: bool = False
    service: dt.timedelta = dt.timedelta(minutes=8)
    window: Window | None = None
    staff: Staff | None = None
    called: dt.datetime | None = None
    finished: dt.datetime | None = None
    left: dt.datetime | None = None
    status: str = TicketStatus.WAITING
    number: str = ""
    recalls: int = 0
    estimate: tuple[int, int] | None = None
    ahead: int = 0


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _name(rng: random.Random) -> str:
    return rng.choice(site_data.SURNAMES) + rng.choice(site_data.GIVEN_NAMES)


def _phone(rng: random.Random) -> str:
    return rng.choice(["139", "138", "137", "186", "158"]) + f"{rng.randrange(10**8):08d}"


class _Hall:
    def __init__(self, loader) -> None:
        self.loader = loader
        self.result = Result()
        self.now = timeutil.now()
        self.today = timezone.localdate(self.now)
        self.rng = random.Random(f"bianmin-demo-hall-{self.today.isoformat()}")
        self.centre: Site = loader.centre
        self.town: Site = loader.township_sites[TOWN_NAME]
        self.windows = {(w.site_id, w.number): w for w in Window.objects.filter(site__in=[self.centre, self.town])}
        self.a_posts = {p.window_id: p.staff for p in WindowPost.objects.filter(
            window__site__in=[self.centre, self.town], post=WindowPost.Post.A).select_related("staff", "staff__user")}
        self._bookable: dict[int, list] = {}
        self._sessions: dict[tuple[int, dt.date], list] = {}
        self._groups: dict[int, list[KioskGroup]] = {}

    def sessions(self, site, day: dt.date) -> list:
        """hall.hours.sessions_on, read once per site and day."""
        key = (site.pk, day)
        if key not in self._sessions:
            self._sessions[key] = hours.sessions_on(site, day)
        return self._sessions[key]

    def count(self, model, n: int) -> None:
        if n:
            self.result.created[model._meta.model_name] += n

    # -- hours, duty, settings -----------------------------------------------------------------
    def load_hours(self) -> None:
        for site in [self.centre, *self.loader.township_sites.values()]:
            if OpeningSession.objects.filter(site=site).exists():
                continue
            rows = [OpeningSession(site=site, start=start, end=end) for start, end in hours.DEFAULT_SESSIONS]
            if site == self.centre:
                rows.append(OpeningSession(site=site, kind=OpeningSession.Kind.LUNCH, start=LUNCH[0], end=LUNCH[1]))
            OpeningSession.objects.bulk_create(rows)
            self.count(OpeningSession, len(rows))
            if site == self.centre:
                lunch = OpeningSession.objects.get(site=site, kind=OpeningSession.Kind.LUNCH)
                lunch.windows.set([self.windows[(site.pk, n)] for n in LUNCH_WINDOWS])
        for site in (self.centre, self.town):
            if not HallSettings.objects.filter(site=site).exists():
                HallSettings.objects.create(site=site)
                self.count(HallSettings, 1)

    def load_duty_day(self) -> None:
        """The next Saturday that is a rest day: the centre's appointment service (节假日轮值)."""
        saturdays = [self.today + dt.timedelta(days=n) for n in range(1, 50)
                     if (self.today + dt.timedelta(days=n)).weekday() == 5]
        day = next((d for d in saturdays if not hours.is_working_day(d)), None)
        if day is None or DutyDay.objects.filter(site=self.centre, date=day).exists():
            return
        duty = DutyDay.objects.create(site=self.centre, date=day, start=dt.time(9, 0), end=dt.time(12, 0),
                                      note="周六上午预约服务（值班窗口轮值）")
        windows = [self.windows[(self.centre.pk, n)] for n in DUTY_WINDOWS]
        duty.windows.set(windows)
        duty.staff.set([self.a_posts[w.pk] for w in windows if w.pk in self.a_posts])
        self.count(DutyDay, 1)

    # -- the queue -------------------------------------------------------------------------------
    def queue_day(self) -> dt.date | None:
        """Today when the centre opened this morning and the morning has begun, else its last open day before."""
        for back in range(0, 15):
            day = self.today - dt.timedelta(days=back)
            sessions = self.sessions(self.centre, day)
            if sessions and (back or _aware(day, sessions[0].start) + dt.timedelta(minutes=20) <= self.now):
                return day
        return None

    def load_queue(self) -> None:
        day = self.queue_day()
        self.result.queue_day = day
        if day is None or QueueTicket.objects.filter(site__in=[self.centre, self.town], day=day).exists():
            return
        staffed: dict[int, Staff] = {}
        tickets: list[_Ticket] = []
        for site, size, personas in ((self.centre, CENTRE_TICKETS, set(PERSONA_WINDOWS.values())),
                                     (self.town, TOWN_TICKETS, {"01"})):
            sessions = self.sessions(site, day)
            if not sessions:
                continue
            session = sessions[0]
            if session.kind == "duty":
                size = (size[0] // 5, size[1] // 5)  # a Saturday morning of appointments and a few walk-ins
            persona_ids = {self.windows[(site.pk, n)].pk for n in personas}
            site_tickets = self.simulate(site, day, session, self.rng.randint(*size), persona_ids, staffed)
            if day == self.today and self.open_now(site):
                site_tickets += self.waiting_now(site, persona_ids)
            self.number(site, day, site_tickets)
            tickets += site_tickets
        self.save_queue(day, tickets)
        self.sign_in(day, staffed)

    def open_now(self, site) -> bool:
        sessions = self.sessions(site, self.today)
        return bool(sessions) and sessions[0].start <= timezone.localtime(self.now).time() < sessions[-1].end

    def groups(self, site) -> list[KioskGroup]:
        """The lines that take walk-ins (not the guide desk or the complaints window), weighted by how busy."""
        if site.pk not in self._groups:
            self._groups[site.pk] = [g for g in kiosk_groups(site) if g.window_ids
                                     and g.kind not in (Window.Kind.GUIDE, Window.Kind.COMPLAINT)]
        return self._groups[site.pk]

    @staticmethod
    def weight(group: KioskGroup) -> float:
        """Most people come to the comprehensive windows (一窗受理), then to the real-estate registry."""
        if group.kind == Window.Kind.COMPREHENSIVE:
            return 40.0
        if "不动产" in group.name or "自然资源" in group.name:
            return 14.0
        return 2.0 if group.kind == Window.Kind.PROXY else 4.0

    @staticmethod
    def open_windows(group: KioskGroup, session) -> list[int]:
        """The windows of a line that serve walk-ins in the session: two comprehensive windows, one of each other
        line (the rest take appointments, back-office work and the lunch-time shift); on a duty day, the duty
        windows only."""
        return [pk for pk in group.window_ids if session.serves(pk)][:2 if group.kind == Window.Kind.COMPREHENSIVE else 1]

    def arrivals(self, day: dt.date, session, n: int) -> list[dt.datetime]:
        """n arrival moments over the morning session, busiest from 9:00 to 10:30, none after now."""
        start, end = _aware(day, session.start), _aware(day, session.end)
        minutes = int((end - start).total_seconds() // 60)
        weights = [2.2 if 30 <= m < 120 else 1.0 if m < 150 else 0.6 for m in range(minutes)]
        cut = (self.now - start).total_seconds() / 60 if day == self.today else minutes
        share = sum(w for m, w in enumerate(weights) if m < cut) / sum(weights)
        chosen = sorted(self.rng.choices(range(minutes), weights, k=round(n * min(share, 1.0))))
        return [start + dt.timedelta(minutes=m, seconds=self.rng.randrange(60)) for m in chosen
                if start + dt.timedelta(minutes=m + 1) <= self.now]

    def new_ticket(self, site, group: KioskGroup, created: dt.datetime) -> _Ticket:
        rng = self.rng
        roll = rng.random()
        priority = (Priority.ELDERLY if roll < 0.05 else Priority.DISABLED if roll < 0.065
                    else Priority.PREGNANT if roll < 0.075 else Priority.MILITARY if roll < 0.08 else Priority.NORMAL)
        items = group.items
        item = rng.choice(items) if items and not (group.takes_no_item and rng.random() < 0.1) else None
        slow = 1.6 if "不动产" in group.name or "自然资源" in group.name else 1.0
        service = dt.timedelta(minutes=min(35.0, max(2.0, rng.lognormvariate(math.log(6.5 * slow), 0.45))))
        return _Ticket(site_id=site.pk, group=group, created=created, priority=priority, item=item, service=service,
                       source=Source.ONLINE if rng.random() < 0.15 else Source.KIOSK,
                       patience=dt.timedelta(minutes=rng.randint(12, 25)) if rng.random() < 0.08 else None,
                       no_show=rng.random() < 0.05)

    def simulate(self, site, day: dt.date, session, n: int, persona_ids: set[int],
                 staffed: dict[int, Staff]) -> list[_Ticket]:
        groups = [g for g in self.groups(site) if self.open_windows(g, session)]
        if not groups:
            return []
        weights = [self.weight(g) for g in groups]
        tickets = [self.new_ticket(site, self.rng.choices(groups, weights)[0], at)
                   for at in self.arrivals(day, session, n)]
        tickets += self.appointments_today(site, day, session, groups)
        tickets.sort(key=lambda t: t.created)
        for group in groups:
            self.serve(group, [t for t in tickets if t.group is group], day, session, persona_ids, staffed)
        for t in tickets:  # the estimate range the ticket showed: people ahead × (4, 9) minutes ÷ windows
            ahead = sum(1 for o in tickets if o.group is t.group and o.created < t.created
                        and (o.called or o.left or self.now) > t.created)
            windows = len(self.open_windows(t.group, session))
            t.ahead = ahead
            t.estimate = (math.floor(ahead * 4 / windows), math.ceil((ahead + 1) * 9 / windows))
        return tickets

    def serve(self, group: KioskGroup, line: list[_Ticket], day: dt.date, session, persona_ids: set[int],
              staffed: dict[int, Staff]) -> None:
        """The windows of a line call in THE order, simplified: appointments and the green lane first, then by
        arrival. A persona's window calls only what it would have finished by now, so its line is left to them."""
        opened = _aware(day, session.start)
        free = {pk: opened + dt.timedelta(minutes=self.rng.randint(0, 4)) for pk in self.open_windows(group, session)
                if pk in self.a_posts}
        waiting = list(line)
        while waiting and free:
            pk = min(free, key=lambda k: (free[k], k))
            moment = max(free[pk], min(t.created for t in waiting))
            if moment > self.now:
                break
            for t in [t for t in waiting if t.patience and t.created + t.patience <= moment]:
                t.left, t.status = t.created + t.patience, TicketStatus.ABANDONED
                waiting.remove(t)
            present = [t for t in waiting if t.created <= moment]
            if not present:
                continue
            t = min(present, key=lambda t: (t.appointment is None, t.priority not in GREEN_LANE, t.created))
            lasts = dt.timedelta(minutes=3) if t.no_show else t.service
            if pk in persona_ids and moment + lasts > self.now:
                del free[pk]  # the demo clerk takes it from here
                continue
            waiting.remove(t)
            t.window, t.staff, t.called = self.windows_by_pk[pk], self.a_posts[pk], moment
            staffed[pk] = self.a_posts[pk]
            if t.no_show:
                t.recalls, t.status, t.finished = 2, TicketStatus.NO_SHOW, moment + lasts
            elif moment + lasts <= self.now:
                t.status, t.finished = TicketStatus.FINISHED, moment + lasts
            else:
                t.status = TicketStatus.SERVING
            free[pk] = moment + lasts + dt.timedelta(seconds=self.rng.randint(20, 90))
        for t in waiting:  # still waiting now, unless they gave up
            if t.patience and t.created + t.patience <= self.now:
                t.left, t.status = t.created + t.patience, TicketStatus.ABANDONED

    @property
    def windows_by_pk(self) -> dict[int, Window]:
        return {w.pk: w for w in self.windows.values()}

    def waiting_now(self, site, persona_ids: set[int]) -> list[_Ticket]:
        """A few people waiting right now in the personas' lines, so the demo clerks have someone to call."""
        out = []
        moment = timezone.localtime(self.now).time()
        sessions = self.sessions(site, self.today)
        session = next((s for s in sessions if s.contains(moment)), sessions[-1])
        for group in self.groups(site):
            if not persona_ids & set(self.open_windows(group, session)):
                continue
            for minutes_ago, priority in ((14, Priority.NORMAL), (9, Priority.ELDERLY), (4, Priority.NORMAL)):
                t = self.new_ticket(site, group, self.now - dt.timedelta(minutes=minutes_ago, seconds=17))
                t.priority, t.patience, t.no_show = priority, None, False
                ahead = sum(1 for o in out if o.group is group)
                windows = len(self.open_windows(group, session))
                t.ahead, t.estimate = ahead, (ahead * 4 // windows, math.ceil((ahead + 1) * 9 / windows))
                out.append(t)
        return out

    def number(self, site, day: dt.date, tickets: list[_Ticket]) -> None:
        """Numbers per letter in order of issue, and the kiosk's counters moved past them."""
        counters: Counter = Counter()
        for t in sorted(tickets, key=lambda t: t.created):
            counters[t.group.letter] += 1
            t.number = f"{t.group.letter}{counters[t.group.letter]:03d}"
        for letter, value in counters.items():
            name = f"queue-{site.pk}-{day:%Y%m%d}-{letter}"
            found, _ = Sequence.objects.get_or_create(name=name)
            if found.value < value:
                Sequence.objects.filter(pk=found.pk).update(value=value)

    def save_queue(self, day: dt.date, tickets: list[_Ticket]) -> None:
        rows = []
        for t in tickets:
            called = t.called
            rows.append(QueueTicket(
                site_id=t.site_id, day=day, number=t.number, item=t.item, priority=t.priority, source=t.source,
                appointment=t.appointment, status=t.status, window=t.window, served_by=t.staff,
                token=secrets.token_urlsafe(24), phone=_phone(self.rng) if t.source == Source.ONLINE else "",
                created_at=t.created, queued_at=t.created, called_at=called,
                last_called_at=called + dt.timedelta(minutes=t.recalls) if called else None,
                finished_at=t.finished or t.left, recalls=t.recalls, ahead_at_issue=t.ahead,
                estimate_low=t.estimate[0] if t.estimate else None,
                estimate_high=t.estimate[1] if t.estimate else None))
        QueueTicket.objects.bulk_create(rows)
        saved = {(r.site_id, r.number): r for r in QueueTicket.objects.filter(day=day, site_id__in={
            t.site_id for t in tickets})}
        events = []
        for t in tickets:
            row = saved[(t.site_id, t.number)]
            events += self.events(row, t)
        QueueEvent.objects.bulk_create(events)
        self.count(QueueTicket, len(rows))
        self.count(QueueEvent, len(events))

    def events(self, row: QueueTicket, t: _Ticket) -> list[QueueEvent]:
        user = t.staff.user if t.staff and t.staff.user_id else None
        out = [QueueEvent(ticket=row, action="issue", to_status=TicketStatus.WAITING, reason=str(Source(t.source).label),
                          at=t.created)]
        if t.called:
            out.append(QueueEvent(ticket=row, action="call", from_status=TicketStatus.WAITING, to_status=TicketStatus.CALLED,
                                  window=t.window, actor=user, at=t.called))
            if t.no_show:
                out += [QueueEvent(ticket=row, action="recall", from_status=TicketStatus.CALLED, to_status=TicketStatus.CALLED,
                                   window=t.window, actor=user, at=t.called + dt.timedelta(minutes=i))
                        for i in range(1, t.recalls + 1)]
                out.append(QueueEvent(ticket=row, action="skip", from_status=TicketStatus.CALLED, to_status=TicketStatus.NO_SHOW,
                                      window=t.window, actor=user, reason="多次呼叫未到", at=t.finished))
            else:
                start = t.called + dt.timedelta(seconds=40)
                out.append(QueueEvent(ticket=row, action="start", from_status=TicketStatus.CALLED, to_status=TicketStatus.SERVING,
                                      window=t.window, actor=user, at=min(start, self.now)))
                if t.finished:
                    out.append(QueueEvent(ticket=row, action="finish", from_status=TicketStatus.SERVING, to_status=TicketStatus.FINISHED,
                                          window=t.window, actor=user, at=t.finished))
        if t.left:
            out.append(QueueEvent(ticket=row, action="abandon", from_status=TicketStatus.WAITING, to_status=TicketStatus.ABANDONED,
                                  reason="群众告知导办台离开，不再等候", at=t.left))
        return out

    def sign_in(self, day: dt.date, staffed: dict[int, Staff]) -> None:
        """Sign-ins at the windows that served, and at the personas' windows, on the queue's day (sign-outs too
        when that day's hours are over)."""
        for number in PERSONA_WINDOWS.values():
            window = self.windows[(self.centre.pk, number)]
            staffed.setdefault(window.pk, self.a_posts[window.pk])
        town_window = self.windows[(self.town.pk, "01")]
        staffed.setdefault(town_window.pk, self.a_posts[town_window.pk])
        if Presence.objects.filter(staff__in=staffed.values(), at__date=day).exists():
            return
        rows = []
        for pk, staff in sorted(staffed.items()):
            window = self.windows_by_pk[pk]
            sessions = [s for s in self.sessions(self.centre if window.site_id == self.centre.pk else self.town, day)
                        if s.serves(pk)]
            if not sessions:
                continue
            came = _aware(day, sessions[0].start) - dt.timedelta(minutes=self.rng.randint(3, 16))
            if came <= self.now:
                rows.append(Presence(staff=staff, window=window, kind=Presence.Kind.IN, at=came))
            left = _aware(day, sessions[-1].end) + dt.timedelta(minutes=self.rng.randint(1, 9))
            if left <= self.now:
                rows.append(Presence(staff=staff, window=window, kind=Presence.Kind.OUT, at=left))
        Presence.objects.bulk_create(rows)
        self.count(Presence, len(rows))

    # -- appointments ------------------------------------------------------------------------------
    def bookable(self, site) -> list[tuple[object, set[int], object]]:
        """(item, the windows serving it, its slot rule) for the site's bookable items, read once per site."""
        from bianmin.appointments import slots
        from bianmin.catalog.models import Item

        if site.pk not in self._bookable:
            items = Item.objects.filter(bookable=True, windows__site=site).distinct().order_by("code")
            served: dict[int, set[int]] = {}
            for item_id, window_id in Window.items.through.objects.filter(
                    window__site=site, item__in=items).values_list("item_id", "window_id"):
                served.setdefault(item_id, set()).add(window_id)
            self._bookable[site.pk] = [(item, served[item.pk], slots.rule_for(site, item)) for item in items]
        return self._bookable[site.pk]

    def slot_choices(self, site, day: dt.date) -> list[tuple[object, dt.time, dt.time, int]]:
        """(item, start, end, capacity) of every slot of the day, cut from the opening sessions as
        appointments.slots does (the demo books only days without bookings, so every place is free)."""
        from bianmin.appointments import slots

        sessions = self.sessions(site, day)
        return [(item, start, end, rule.capacity) for item, windows, rule in self.bookable(site)
                for start, end in slots.cut(sessions, windows, rule.slot_minutes) if rule.capacity]

    def codes(self, n: int) -> list[str]:
        out: list[str] = []
        while len(out) < n:
            wanted = ["".join(self.rng.choice(CODE_ALPHABET) for _ in range(6)) for _ in range(n - len(out))]
            taken = set(Appointment.objects.filter(code__in=wanted).values_list("code", flat=True))
            out += [c for c in dict.fromkeys(wanted) if c not in taken and c not in out]
        return out

    def book(self, site, day: dt.date, k: int) -> list[Appointment]:
        """k bookings on `day` in free slots of bookable items (online and by phone), unsaved."""
        clerk = get_user_model().objects.filter(username="demo-clerk").first()
        choices = self.slot_choices(site, day)
        picked = self.rng.sample(choices, min(k, len(choices)))
        picked.sort(key=lambda p: (p[1], p[0].code))
        codes = self.codes(len(picked))
        out = []
        for (item, start, end, _capacity), code in zip(picked, codes, strict=True):
            phone_call = self.rng.random() < 0.4
            out.append(Appointment(
                site=site, item=item, date=day, start=start, end=end, name=_name(self.rng),
                phone=_phone(self.rng), code=code, token=secrets.token_urlsafe(24), seat=1,
                channel=Appointment.Channel.PHONE if phone_call else Appointment.Channel.ONLINE,
                created_by=clerk if phone_call else None, note="预约电话登记" if phone_call else ""))
        return out

    def appointments_today(self, site, day: dt.date, session, groups: list[KioskGroup]) -> list[_Ticket]:
        """The morning's appointments: checked in (each with its ticket), one missed, and later ones still booked."""
        if site != self.centre or Appointment.objects.filter(site=site, date=day).exists():
            return []
        booked = self.book(site, day, self.rng.randint(5, 7))
        Appointment.objects.bulk_create(booked)
        self.count(Appointment, len(booked))
        events, tickets = [], []
        missed = False
        for a in booked:
            start = _aware(day, a.start)
            if start + GRACE <= self.now and not missed and a.start > session.start:
                missed = True
                Appointment.objects.filter(pk=a.pk).update(status=Appointment.Status.NO_SHOW, seat=None)
                events.append(AppointmentEvent(appointment=a, from_status=Appointment.Status.BOOKED, to_status=Appointment.Status.NO_SHOW,
                                               reason="超过宽限时间未签到", at=start + GRACE))
                continue
            arrived = start - dt.timedelta(minutes=self.rng.randint(2, 12))
            group = next((g for g in groups if any(i.pk == a.item_id for i in g.items)), None)
            if arrived > self.now or group is None:
                continue  # later today: still booked
            Appointment.objects.filter(pk=a.pk).update(status=Appointment.Status.CHECKED_IN, checked_in_at=arrived)
            events.append(AppointmentEvent(appointment=a, from_status=Appointment.Status.BOOKED, to_status=Appointment.Status.CHECKED_IN,
                                           reason="现场签到取号", at=arrived))
            t = self.new_ticket(site, group, arrived)
            t.item, t.appointment, t.source, t.patience, t.no_show = a.item, a, Source.APPOINTMENT, None, False
            tickets.append(t)
        AppointmentEvent.objects.bulk_create(events)
        return tickets

    def served_appointments(self, day: dt.date) -> None:
        """Appointments whose ticket was finished were served (已办理)."""
        done = list(Appointment.objects.filter(date=day, status=Appointment.Status.CHECKED_IN,
                                               ticket__status=TicketStatus.FINISHED).values_list("pk", "ticket__finished_at"))
        Appointment.objects.filter(pk__in=[pk for pk, _ in done]).update(status=Appointment.Status.SERVED)
        AppointmentEvent.objects.bulk_create([AppointmentEvent(appointment_id=pk, from_status=Appointment.Status.CHECKED_IN,
                                                               to_status=Appointment.Status.SERVED, at=at) for pk, at in done])

    def load_appointments(self) -> None:
        """A few bookings on each of the next open days of the centre (tomorrow's, if open, included)."""
        day, done = self.today, 0
        while done < APPOINTMENT_DAYS and day < self.today + dt.timedelta(days=14):
            day += dt.timedelta(days=1)
            if not self.sessions(self.centre, day):
                continue
            done += 1
            if Appointment.objects.filter(site=self.centre, date=day).exists():
                continue
            booked = self.book(self.centre, day, self.rng.randint(4, 6) if done == 1 else self.rng.randint(3, 5))
            Appointment.objects.bulk_create(booked)
            self.count(Appointment, len(booked))

    def run(self) -> Result:
        self.load_hours()
        self.load_duty_day()
        self.load_queue()
        if self.result.queue_day:
            self.served_appointments(self.result.queue_day)
        self.load_appointments()
        if sum(self.result.created[k] for k in ("queueticket", "appointment")):
            from bianmin.stats import queue_rollup

            queue_rollup.sweep_new()
        return self.result


def load(loader) -> Result:
    return _Hall(loader).run()

