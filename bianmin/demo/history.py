"""Generated demo history: about six months of counter cases, ratings, bad-review tickets and hotline orders.

The hand-made demo (demo/cases.py, ratings.py, hotline.py) shows every state once; dashboards, league
tables, hot spots and monthly reports need months of ordinary work behind them. This module generates it,
deterministically (a fixed random seed), for BIANMIN["DEMO_HISTORY_MONTHS"] full months before the current
month plus the current month so far, on working days only.

DEMO DATA ONLY: applicants and callers are fictional, their phones are 139 0000 xxxx, their ID numbers
lie under the demo county's code (province 58 does not exist, see regions.py).

What goes through the services, and what does not:
- the state changes go through the services that own them, inside `timeutil.travel_to(moment)`:
  cases (`register_case`, then `transition`: accept, finish a joint task, complete, answer, reject),
  bad ratings (`submit_with_token` for link channels, `store` for window devices; the rectification hook
  opens the ticket), the tickets' loop (`transition`, follow-ups through the follow-up token) and hotline
  orders (`receive`, `transition`). So numbers, clocks, notices and history rows carry their real dates.
- good and 基本满意 ratings have no state machine and open nothing: they are built by
  `ratings.services.rating_for_case` (as a device or link rating would be) and bulk-inserted.
- the ordinary cases (accepted and completed, rated well or not at all; consultations; rejections: about
  nineteen in twenty) are written in bulk by demo/bulk_cases.py, which writes the rows the services would,
  by the same rules; the others (supplements, joint items, every case with a bad review) go through the
  services as above. That, and bulk-created staff accounts, is what keeps `manage.py demo` quick.
Every window clerk without one gets a sign-in account (unusable password, clerk of their site) so that cases
have a handler and ratings a rated staff member; the demo's own sign-ins (demo-clerk …) handle no history
case, so their own cases are the hand-made ones (a site's queue still shows its open history cases, as a
busy centre's would). Departments that answer hotline orders get a handler account where they have
none. Afterwards the deadline, ticket and hotline sweeps run once, as the worker would have, and the
notifications older than READ_AFTER count as read (the staff saw them at the time); rating invitations are
left to the worker.

Character: one township (溪东街道) is clearly better rated than another (石门镇); the county centre's 01
window is the busiest, its 12 window (passports) has a handful of ratings, all good; bad reviews repeat
the themes of history_texts.THEMES and are more frequent for 营业执照, 社保卡 and 不动产登记 items;
satisfaction improves gently month by month. Past tickets are closed; the most recent are still open.

Idempotent: a core.Sequence row named MARKER is written with the history; when it exists nothing is done.
Deadlines never reach past the working calendar: an item whose time limit would end in a year the calendar
does not cover is swapped for an on-the-spot item, and a bad review whose ticket limits would is not made.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bianmin.cases import services as case_services
from bianmin.cases.models import Delivery, RejectionGround
from bianmin.catalog.models import HandlingType, Item, Material
from bianmin.core import timeutil
from bianmin.core.errors import CalendarNotCovered, DomainError
from bianmin.core.jobs import sweep_deadlines
from bianmin.core.models import Notification, Sequence
from bianmin.core.worktime.loader import get_calendar
from bianmin.hotline import jobs as hotline_jobs
from bianmin.hotline import services as hotline_services
from bianmin.hotline.models import DispatchCategory
from bianmin.orgs.models import Membership, Site, Staff, Unit, Window, WindowPost
from bianmin.orgs.roles import Role
from bianmin.ratings import services as rating_services
from bianmin.ratings.models import Channel, Level, Rating, Stage
from bianmin.rectification import followups
from bianmin.rectification import jobs as ticket_jobs
from bianmin.rectification import services as ticket_services
from bianmin.rectification.models import ContactChannel, Ticket
from bianmin.rectification.states import Outcome
from bianmin.rectification.states import Status as TicketStatus

from . import history_texts as texts
from . import hotline as hotline_data
from . import regions
from .bulk_cases import CaseWriter
from .sites import SURNAMES, staff_name

MARKER = "demo-history"
SEED = 20260529
AGENT, SUPERVISOR = "demo-agent", "demo-supervisor"
HANDLER_NAMES_FROM = 600  # demo/loader.py names the roster's ~250 staff from 0 on

# ---------------------------------------------------------------- how busy and how well rated each place is

CENTRE_DAILY = 10.0  # cases per working day at the county centre
TOWNSHIP_DAILY = {"溪东街道": 0.6, "溪西街道": 0.45, "青石镇": 0.35, "石门镇": 0.35}
TOWNSHIP_DAILY_DEFAULT = 0.15
STATION_DAILY = 0.006  # per village / community station
WEEKDAY_FACTOR = (1.3, 1.05, 1.0, 0.95, 0.8, 0.6, 0.6)  # Monday … Sunday (make-up working days are quiet)

# Relative number of cases per window, by window number (county centre / township centres). The three
# busiest centre windows collect about 30 ratings a month or more (the 流动红旗 threshold, RED_FLAG_MIN_RATINGS).
CENTRE_WINDOWS = {"01": 26, "02": 20, "09": 20, "10": 5, "06": 6, "08": 5, "03": 4, "11": 4, "13": 3, "14": 3,
                  "05": 2, "07": 2, "19": 2, "04": 1.2, "15": 1.2, "18": 1.2, "16": 1, "17": 1, "12": 0.35}
TOWNSHIP_WINDOWS = {"01": 4, "02": 2, "03": 3, "04": 1, "05": 1, "06": 1}
ALWAYS_GOOD_WINDOW = "12"  # the centre's passport window: few ratings, every one of them good


@dataclass(frozen=True)
class Mood:
    """Shares of bad and 基本满意 ratings at the start of the history (they fall over the months)."""

    bad: float
    basic: float


MOOD_CENTRE = Mood(0.016, 0.07)
MOOD_STATION = Mood(0.01, 0.05)
MOOD_TOWNSHIP = {"溪东街道": Mood(0.0, 0.02), "石门镇": Mood(0.05, 0.16), "松岭乡": Mood(0.03, 0.12)}
MOOD_TOWNSHIP_DEFAULT = Mood(0.014, 0.07)
TREND = (1.6, 0.45)  # factor on the bad and basic shares in the first and in the current month
THEME_ITEM_FACTOR = 2.0  # items a theme is about draw more bad reviews
# Among the ratings of the last RECENT days these (1st = 1) are bad whatever the odds, so that some tickets
# are still open, at different stages, on any day the demo is loaded.
RECENT, RECENT_BAD = dt.timedelta(days=8), frozenset({3, 12, 25})

RATED_SHARE = {Site.Kind.CENTER: 0.86, Site.Kind.TOWNSHIP: 0.74, Site.Kind.STATION: 0.62}
CHANNELS = {  # channel → weight, by kind of site
    Site.Kind.CENTER: {Channel.WINDOW_DEVICE: 52, Channel.HALL_TABLET: 6, Channel.QR: 20, Channel.MOBILE: 10,
                       Channel.PC: 4, Channel.SMS: 8},
    Site.Kind.TOWNSHIP: {Channel.WINDOW_DEVICE: 34, Channel.QR: 30, Channel.MOBILE: 16, Channel.PC: 5,
                         Channel.SMS: 15},
    Site.Kind.STATION: {Channel.QR: 45, Channel.MOBILE: 25, Channel.SMS: 25, Channel.PC: 5},
}
# Minutes after completion a rating arrives, by channel (from, to).
RATING_DELAY = {Channel.WINDOW_DEVICE: (1, 4), Channel.HALL_TABLET: (2, 8), Channel.QR: (3, 360),
                Channel.MOBILE: (10, 2 * 1440), Channel.PC: (1440, 3 * 1440), Channel.SMS: (3 * 1440, 6 * 1440)}
OPENING = {  # opening periods in minutes after midnight (demo/sites.py)
    Site.Kind.CENTER: ((9 * 60, 12 * 60), (13 * 60 + 30, 17 * 60 + 30)),
    Site.Kind.TOWNSHIP: ((9 * 60, 12 * 60), (14 * 60, 17 * 60 + 30)),
    Site.Kind.STATION: ((9 * 60, 12 * 60), (14 * 60 + 30, 17 * 60 + 30)),
}
CONSULT_SHARE, REJECT_SHARE, LATE_SHARE = 0.03, 0.01, 0.03
SUPPLEMENT_SHARE = 0.06  # committed cases asked for a missing document after acceptance (补正; the clock pauses)
INSTANT_WEIGHT, HOT_WEIGHT = 2.5, 3  # on-the-spot and high-frequency items are picked that much more often
JOINT_ITEMS = {"zr02": ("sw", "存量房交易契税征收", 1)}  # joint items the history uses: co-department, task, days
HOTLINE_DAILY = 0.85  # orders per calendar day
NOT_BEFORE = dt.timedelta(minutes=5)  # nothing is planned closer to "now" than this
PROGRESS_EVERY = 250  # events between two progress reports
READ_AFTER = dt.timedelta(days=3)  # staff have read the notifications older than this
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass
class Result:
    created: bool = False
    first_day: dt.date | None = None
    cases: int = 0
    ratings: int = 0
    bad: int = 0
    tickets_open: int = 0
    orders: int = 0
    accounts: int = 0
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- plans


@dataclass
class CasePlan:
    site: Site
    window: Window
    item: Item
    key: str  # the item's demo key (demo/items.py)
    clerk: Any  # user
    staff: Any
    index: int
    kind: str = "done"  # done / consult / reject
    case: Any = None
    stalled: bool = False
    fast: bool = False  # registered, accepted, completed, rated well: written in bulk (demo/bulk_cases.py)


@dataclass
class RatingPlan:
    case: CasePlan
    level: str
    channel: str
    at: dt.datetime
    comment: str = ""
    answers: dict = field(default_factory=dict)
    anonymous: bool = False
    theme: str = ""
    rating_id: int | None = None
    ticket_id: int | None = None


@dataclass
class OrderPlan:
    call: texts.Call
    index: int
    text: int = 0  # which of the call's texts (and replies)
    order_id: int | None = None
    stalled: bool = False


class _History:
    def __init__(self, loader, months: int, now: dt.datetime, result: Result) -> None:
        self.loader, self.result = loader, result
        self.now = timezone.localtime(now)
        self.cal = get_calendar()
        self.rng = random.Random(SEED)
        self.events: list[tuple[dt.datetime, int, Callable, tuple]] = []
        self.good_ratings: list[Rating] = []
        self.writer = CaseWriter()
        self.recent_ratings = 0
        self.users = {u.username: u for u in get_user_model().objects.filter(username__in=[AGENT, SUPERVISOR])}
        today = self.now.date()
        month = today.month - months
        first = dt.date(today.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
        self.days = self._working_days(first, today)
        self.first_month = first.year * 12 + first.month
        self.months = today.year * 12 + today.month - self.first_month
        result.first_day = self.days[0] if self.days else None
        self.keys = {item.pk: key for key, item in loader.items.items()}

    def _working_days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        days, day = [], first
        while day <= last:
            try:
                if self.cal.is_working(day):
                    days.append(day)
            except CalendarNotCovered:  # a year before the calendar's first: start later
                pass
            day += dt.timedelta(days=1)
        return days

    # -- small helpers ----------------------------------------------------------------------------
    @staticmethod
    def moment(day: dt.date, minutes: float) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes))

    def pick(self, weights: dict) -> Any:
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def count(self, mean: float) -> int:
        """A whole number of events with the given mean (Poisson)."""
        limit, k, p = math.exp(-mean), 0, self.rng.random()
        while p > limit:
            k += 1
            p *= self.rng.random()
        return k

    def at(self, moment: dt.datetime, fn: Callable, *args) -> None:
        if moment <= self.now - NOT_BEFORE:
            self.events.append((moment, len(self.events), fn, args))

    def trend(self, day: dt.date) -> float:
        """TREND[0] in the first month, TREND[1] in the current one, in even steps between."""
        share = (day.year * 12 + day.month - self.first_month) / self.months if self.months else 1.0
        return TREND[0] + (TREND[1] - TREND[0]) * min(share, 1.0)

    def working_day_after(self, day: dt.date, n: int) -> dt.date | None:
        try:
            return self.cal.add_working_days(day, n)
        except CalendarNotCovered:
            return None

    def person(self, index: int) -> tuple[str, str, str]:
        """Name, phone and ID number (valid check digit) of the index-th fictional person. The ID's sequence
        digits are 0x: the hand-made demo uses 10-99 (demo/cases.py), so none repeats one of its applicants'."""
        name = SURNAMES[(index * 11) % len(SURNAMES)] + texts.GIVEN_NAMES[(index * 7) % len(texts.GIVEN_NAMES)]
        phone = f"1390000{index % 10_000:04d}"
        born = dt.date(1946, 1, 1) + dt.timedelta(days=(index * 7919) % (60 * 365))
        body = f"{regions.COUNTY_PREFIX}{born:%Y%m%d}0{index % 10}{(index // 10) % 10}"
        total = sum(int(d) * w for d, w in zip(body, ID_WEIGHTS))
        return name, phone, body + "10X98765432"[total % 11]

    # -- accounts ------------------------------------------------------------------------------------
    def accounts(self, window_ids: set[int]) -> dict[int, list[tuple[Any, Any, str]]]:
        """Sign-in accounts for the clerks of these windows that have none (the demo's own sign-ins keep their
        hand-made queues); window id → [(user, staff, post)], A post first."""
        User = get_user_model()
        posts = list(WindowPost.objects.filter(window_id__in=window_ids).select_related("staff")
                     .order_by("window_id", "post"))
        staff = {p.staff_id: p.staff for p in posts if p.staff.user_id is None}
        users = {sid: User(username=f"demo-staff-{s.work_id.lower()}", first_name=s.name, password=make_password(None))
                 for sid, s in staff.items()}
        User.objects.bulk_create(users.values())
        for sid, user in users.items():
            staff[sid].user = user  # also caches user.staff, which rating_for_case reads
        Staff.objects.bulk_update(staff.values(), ["user"])
        site_of = {w.pk: w.site_id for w in self.windows.values()}
        Membership.objects.bulk_create([
            Membership(user_id=users[sid].pk, role=Role.CLERK, unit_id=self.sites[site].unit_id, site_id=site)
            for sid, site in sorted({(p.staff_id, site_of[p.window_id]) for p in posts if p.staff_id in users})])
        self.result.accounts = len(users)
        clerks: dict[int, list] = defaultdict(list)
        for p in posts:
            if p.staff_id in users:
                clerks[p.window_id].append((users[p.staff_id], staff[p.staff_id], p.post))
        return clerks

    # -- counter cases -------------------------------------------------------------------------------
    def plan_cases(self) -> None:
        loader = self.loader
        sites = [loader.centre, *loader.township_sites.values(), *(s for _v, s in loader.stations)]
        self.sites = {s.pk: s for s in Site.objects.filter(pk__in=[s.pk for s in sites]).select_related("unit")}
        self.windows = {w.pk: w for w in Window.objects.filter(site_id__in=self.sites)}
        by_pk = {item.pk: item for item in loader.items.values()}
        items_of: dict[int, list[Item]] = defaultdict(list)
        for window_id, item_id in (Window.items.through.objects.filter(window_id__in=self.windows)
                                   .order_by("window_id", "item_id").values_list("window_id", "item_id")):
            if item_id in by_pk and self.usable(by_pk[item_id]):
                items_of[window_id].append(by_pk[item_id])
        clerks = self.accounts(set(items_of))
        self.supporting: dict[int, list[str]] = defaultdict(list)
        for item_id, name in Material.objects.filter(item__in=by_pk, role=Material.Role.SUPPORTING).order_by(
                "item_id", "order").values_list("item_id", "name"):
            self.supporting[item_id].append(name)
        places: list[tuple[Site, float, dict[str, float]]] = [(self.sites[loader.centre.pk], CENTRE_DAILY,
                                                               CENTRE_WINDOWS)]
        for name, site in loader.township_sites.items():
            places.append((self.sites[site.pk], TOWNSHIP_DAILY.get(name, TOWNSHIP_DAILY_DEFAULT), TOWNSHIP_WINDOWS))
        for _village, site in loader.stations:
            places.append((self.sites[site.pk], STATION_DAILY, {"01": 1}))
        windows_at: dict[int, list[Window]] = defaultdict(list)
        for window in sorted(self.windows.values(), key=lambda w: (w.site_id, w.number)):
            if items_of[window.pk] and clerks[window.pk]:
                windows_at[window.site_id].append(window)
        index = 0
        for day in self.days:
            for site, daily, weights in places:
                n = self.count(daily * WEEKDAY_FACTOR[day.weekday()])
                choices = {w: weights.get(w.number, 0) for w in windows_at[site.pk] if weights.get(w.number, 0)}
                if not n or not choices:
                    continue
                per_window: dict[Window, int] = defaultdict(int)
                for _ in range(n):
                    per_window[self.pick(choices)] += 1
                for window, k in per_window.items():
                    for minute in self.slots(site.kind, k):
                        index += 1
                        self.plan_case(self.sites[site.pk], window, items_of[window.pk], clerks[window.pk], day,
                                       minute, index)

    def usable(self, item: Item) -> bool:
        key = self.keys.get(item.pk, "")
        return not item.secret and (item.handling_type in (HandlingType.INSTANT, HandlingType.COMMITTED)
                                    or key in JOINT_ITEMS)

    def slots(self, kind: str, k: int) -> list[int]:
        """k registration times at one window on one day, at least 7 minutes apart, in opening hours."""
        periods = OPENING[kind]
        open_minutes = sum(b - a for a, b in periods)
        picks = sorted(self.rng.uniform(0, open_minutes - 20) for _ in range(k))
        out, last = [], -100.0
        for p in picks:
            p = max(p, last + 7)
            last = p
            for a, b in periods:
                if p < b - a:
                    out.append(int(a + p))
                    break
                p -= b - a
        return out

    def plan_case(self, site: Site, window: Window, items: list[Item], clerks: list, day: dt.date, minute: int,
                  index: int) -> None:
        user, staff, _post = clerks[0] if len(clerks) == 1 or self.rng.random() < 0.85 else clerks[1]
        hot = {i: (HOT_WEIGHT if i.high_frequency else 1) * (INSTANT_WEIGHT if i.handling_type == HandlingType.INSTANT
                                                             else 1) for i in items}
        item = self.pick(hot)
        if self.due_date(item, day) is None:  # the time limit would run past the calendar
            instant = {i: w for i, w in hot.items() if i.handling_type == HandlingType.INSTANT}
            if not instant:
                return
            item = self.pick(instant)
        plan = CasePlan(site, window, item, self.keys[item.pk], user, staff, index)
        registered = self.moment(day, minute) + dt.timedelta(seconds=self.rng.randint(0, 59))
        roll = self.rng.random()
        self.at(registered, self.register, plan)
        if roll < CONSULT_SHARE:
            plan.kind, plan.fast = "consult", True
            self.at(registered + dt.timedelta(minutes=self.rng.randint(4, 12)), self.answer, plan)
            return
        if roll < CONSULT_SHARE + REJECT_SHARE:
            plan.kind, plan.fast = "reject", True
            self.at(registered + dt.timedelta(minutes=self.rng.randint(5, 15)), self.reject, plan)
            return
        accepted = registered + dt.timedelta(minutes=self.rng.randint(2, 12))
        self.at(accepted, self.accept, plan)
        if item.handling_type == HandlingType.INSTANT:
            done = accepted + dt.timedelta(minutes=self.rng.randint(4, 22), seconds=self.rng.randint(0, 59))
            plan.fast = True
        else:
            pause = 0
            if (self.supporting.get(item.pk) and self.limit_in_workdays(item) >= 3
                    and self.rng.random() < SUPPLEMENT_SHARE):
                pause = self.plan_supplement(plan, day, self.rng.randint(1, 3))
            done = self.completion(item, day, accepted, pause)
            if done is None:
                return
            if plan.key in JOINT_ITEMS:
                self.at(min(done - dt.timedelta(minutes=30), accepted + dt.timedelta(hours=3)), self.finish_task, plan)
            plan.fast = not pause and plan.key not in JOINT_ITEMS
        self.at(done, self.complete, plan)
        self.plan_rating(plan, done)

    def limit_in_workdays(self, item: Item) -> int:
        if item.committed_unit == "days":
            return max(1, item.committed_limit * 5 // 7)
        return max(1, item.committed_limit)

    def due_date(self, item: Item, day: dt.date) -> dt.date | None:
        if item.handling_type == HandlingType.INSTANT:
            return day
        try:
            if item.committed_unit == "days":
                return self.cal.add_calendar_days(day, item.committed_limit)
            return self.cal.add_working_days(day, item.committed_limit)
        except CalendarNotCovered:
            return None

    def plan_supplement(self, plan: CasePlan, day: dt.date, pause: int) -> int:
        """The next working day the department finds a supporting document missing; it comes `pause` working
        days later. Returns the pause (0 when it would not fit the calendar)."""
        asked, brought = self.working_day_after(day, 1), self.working_day_after(day, 1 + pause)
        deadline = asked and self.working_day_after(asked, 5)
        if asked is None or brought is None or deadline is None:
            return 0
        material = self.rng.choice(self.supporting[plan.item.pk])
        self.at(self.moment(asked, self.rng.randint(10 * 60, 16 * 60)), self.transition_step, plan,
                "request_supplement", {"materials": [material], "deadline": deadline, "note": "审查中发现缺少材料"})
        self.at(self.moment(brought, self.rng.randint(9 * 60 + 10, 11 * 60 + 30)), self.transition_step, plan,
                "resume", {"note": f"已补交{material}"})
        return pause

    def completion(self, item: Item, day: dt.date, accepted: dt.datetime, pause: int = 0) -> dt.datetime | None:
        limit = self.limit_in_workdays(item)
        if self.rng.random() < LATE_SHARE:
            offset = limit + self.rng.randint(1, 3)
        else:
            offset = self.rng.randint(max(1, round(limit * 0.3)), limit)
        offset = max(offset + pause, pause + 2) if pause else offset  # a paused clock gives those days back
        finish = self.working_day_after(day, offset)
        if finish is None:
            return None
        return self.moment(finish, self.rng.randint(9 * 60 + 10, 17 * 60)) + dt.timedelta(
            seconds=self.rng.randint(0, 59))

    # -- ratings and the bad-review loop -------------------------------------------------------------
    def mood(self, site: Site) -> Mood:
        if site.kind == Site.Kind.CENTER:
            return MOOD_CENTRE
        if site.kind == Site.Kind.STATION:
            return MOOD_STATION
        return MOOD_TOWNSHIP.get(site.unit.name, MOOD_TOWNSHIP_DEFAULT)

    def themes_for(self, plan: CasePlan) -> dict[str, float]:
        out = {key: 1.0 for key in texts.GENERAL_THEMES}
        for key, theme in texts.THEMES.items():
            if plan.key in theme.items:
                out[key] = 4.0
            elif theme.centre_only and plan.site.kind == Site.Kind.CENTER:
                out[key] = 0.8
        return out

    def plan_rating(self, plan: CasePlan, done: dt.datetime) -> None:
        site = plan.site
        if self.rng.random() > RATED_SHARE[site.kind]:
            return
        channel = self.pick(CHANNELS[site.kind])
        low, high = RATING_DELAY[channel]
        at = done + dt.timedelta(minutes=self.rng.randint(low, high), seconds=self.rng.randint(0, 59))
        last = timezone.make_aware(dt.datetime.combine(
            timezone.localtime(done).date() + dt.timedelta(days=settings.BIANMIN["RATING_PERIOD_DAYS"]), dt.time(23)))
        if at > min(last, self.now - NOT_BEFORE):
            return
        day = timezone.localtime(done).date()
        mood = self.mood(site)
        factor = self.trend(day)
        themes = self.themes_for(plan)
        bad = mood.bad * factor * (THEME_ITEM_FACTOR if max(themes.values()) > 1 else 1)
        basic = mood.basic * factor
        if at >= self.now - RECENT:
            self.recent_ratings += 1
            if self.recent_ratings in RECENT_BAD:
                bad = 1.0
        if site.kind == Site.Kind.CENTER and plan.window.number == ALWAYS_GOOD_WINDOW:
            bad = basic = 0.0
        roll = self.rng.random()
        rating = RatingPlan(plan, Level.VERY_SATISFIED if self.rng.random() < 0.68 else Level.SATISFIED, channel, at)
        rating.anonymous = channel in rating_services.LINK_CHANNELS and self.rng.random() < 0.12
        if roll < bad and self.ticket_fits(at):
            theme_key = self.pick(themes)
            theme = texts.THEMES[theme_key]
            rating.level = Level.VERY_DISSATISFIED if self.rng.random() < 0.6 else Level.DISSATISFIED
            rating.comment, rating.theme = self.rng.choice(theme.bad), theme_key
            rating.answers = dict(theme.answers)
            rating.anonymous = rating.anonymous and self.rng.random() < 0.3
            plan.fast = False  # a bad review opens a ticket: this case goes through the services
            self.at(at, self.rate_bad, rating)
            self.plan_ticket(rating)
            return
        if roll < bad + basic:
            rating.level = Level.BASIC
            if self.rng.random() < 0.55:
                theme = texts.THEMES[self.pick(themes)]
                rating.comment = self.rng.choice(theme.basic + tuple(texts.BASIC_COMMENTS[:2]))
                rating.answers = {"process_convenient": "partly"}
        elif self.rng.random() < 0.12:
            rating.comment = self.rng.choice(texts.GOOD_COMMENTS)
        self.at(at, self.rate_good, rating)

    def ticket_fits(self, at: dt.datetime) -> bool:
        """Would the ticket's limits (and the steps after them) stay inside the working calendar?"""
        day = timezone.localtime(at).date()
        return self.working_day_after(day, settings.BIANMIN["RECTIFY_WORKDAYS"] + 5) is not None

    def plan_ticket(self, rating: RatingPlan) -> None:
        """The handler's steps on the ticket, by working day after the rating; steps still ahead of "now"
        are left undone, so the most recent tickets are open at their natural stage."""
        theme = texts.THEMES[rating.theme]
        n = self.result.bad
        self.result.bad += 1
        local = timezone.localtime(rating.at)
        start = local.date()
        if not self.cal.is_working(start) or local.hour >= 16:
            start, first = self.working_day_after(start, 1), 9 * 60 + 30
        else:
            first = max(local.hour * 60 + local.minute + 60, 9 * 60 + 30)

        def step(offset: int, minutes: int, action: str, data: dict | None = None, actor=None) -> None:
            day = self.working_day_after(start, offset)
            if day is not None:
                self.at(self.moment(day, minutes), self.ticket_step, rating, action, data or {}, actor)

        clerk_reached = {"channel": ContactChannel.PHONE, "reached": True, "note": theme.verify}
        if n % 17 == 5:  # a mistaken review: the rater clicked the wrong face; a supervisor approves excluding it
            step(0, first, "verify", {"channel": ContactChannel.PHONE, "reached": True, "note": texts.MISTAKEN[0]})
            step(0, first + 20, "resolve", {"outcome": Outcome.MALICIOUS, "note": texts.MISTAKEN[1]})
            step(1, 10 * 60, "approve_exclusion", {"note": "经核实属误评，同意不计入统计"}, self.users.get(SUPERVISOR))
            step(1, 14 * 60, "feedback", {"channel": ContactChannel.PHONE, "message": "经与您核实，该评价为误评，已按程序不计入统计，"
                                          "感谢您的配合。"})
            step(3, 16 * 60, "close")
            return
        offset = 0
        if n % 6 == 2:  # the rater could not be reached at the first attempt
            step(0, first, "verify", {"channel": ContactChannel.PHONE, "reached": False, "note": "电话未接通，已发短信告知回访事由"})
            offset, first = 1, 10 * 60
        step(offset, first, "verify", clerk_reached)
        if theme.outcome == Outcome.LEDGER:
            step(offset, first + 30, "resolve",
                 {"outcome": Outcome.LEDGER, "note": theme.resolution, "deadline": "+14"})
            step(offset + 3, 15 * 60, "progress", {"note": "整改措施已部署，正在落实"})
            step(offset + 8, 11 * 60, "rectified", {"note": theme.resolution})
            step(offset + 8, 15 * 60, "feedback", {"channel": ContactChannel.PHONE, "message": theme.feedback})
            step(offset + 11, 16 * 60, "close", {"note": "已反馈，评价人未追评"})
            return
        step(offset, first + 30, "resolve", {"outcome": theme.outcome, "note": theme.resolution})
        step(offset + 1, 10 * 60 + 30, "feedback", {"channel": ContactChannel.PHONE, "message": theme.feedback})
        if n % 13 == 7:  # still unhappy: the follow-up reopens and escalates the ticket; the second round holds
            step(offset + 2, 20 * 60, "followup", {"level": Level.DISSATISFIED, "comment": texts.STILL_UNHAPPY})
            step(offset + 3, 10 * 60, "verify",
                 {"channel": ContactChannel.VISIT, "reached": True, "note": "中心负责人上门回访，当面听取意见"})
            step(offset + 3, 11 * 60, "resolve",
                 {"outcome": Outcome.RECTIFIED_NOW, "note": theme.resolution + "中心负责人督办落实。"})
            step(offset + 4, 10 * 60, "feedback", {"channel": ContactChannel.VISIT, "message": theme.feedback})
            step(offset + 7, 16 * 60, "close", {"note": "二次整改已反馈"})
        elif self.rng.random() < 0.6:  # the rater rates again (追评), which closes the ticket
            step(offset + self.rng.randint(1, 3), 19 * 60 + self.rng.randint(0, 120), "followup",
                 {"level": self.rng.choice([Level.SATISFIED, Level.VERY_SATISFIED, Level.BASIC]),
                  "comment": self.rng.choice(["问题解决了，态度诚恳", "整改及时，谢谢", ""])})
        else:
            step(offset + 4, 16 * 60, "close", {"note": "已反馈，评价人未追评"})

    # -- doing it: each event at its moment, through the services -----------------------------------
    def register(self, plan: CasePlan) -> None:
        name, phone, id_number = self.person(plan.index)
        org = ""
        if plan.key[:2] in ("sc", "sw", "zj", "jt") or plan.key == "wj04":
            org = f"澄溪县{self.rng.choice(texts.BRANDS)}{self.rng.choice(texts.TRADES)}"
        question = self.rng.choice(texts.QUESTIONS).format(item=plan.item.name) if plan.kind == "consult" else ""
        applicant = {"name": name, "phone": phone, "id_number": id_number, "org": org}
        if plan.fast:
            plan.case = self.writer.register(plan.clerk, site=plan.site, item=plan.item, window=plan.window,
                                             applicant=applicant, question=question)
        else:
            plan.case = case_services.register_case(plan.clerk, site=plan.site, item=plan.item,
                                                    window_id=plan.window.pk, question=question, applicant=applicant)
        self.result.cases += 1

    def transition(self, plan: CasePlan, action: str, data: dict) -> None:
        case = case_services.transition(plan.case.pk, action, plan.clerk, data)
        plan.case.status, plan.case.completed_at = case.status, case.completed_at

    def transition_step(self, plan: CasePlan, action: str, data: dict) -> None:
        if isinstance(data.get("deadline"), dt.date):
            data = {**data, "deadline": data["deadline"].isoformat()}
        self.transition(plan, action, data)

    def answer(self, plan: CasePlan) -> None:
        answer = self.rng.choice(texts.ANSWERS).format(item=plan.item.name)
        if plan.fast:
            self.writer.answer(plan.case, plan.clerk, answer)
            return
        self.transition(plan, "answer_consultation", {"answer": answer})

    def reject(self, plan: CasePlan) -> None:
        data = {"ground": RejectionGround.FAILS_CONDITIONS.value, "reason": texts.REJECTION.format(item=plan.item.name)}
        if plan.fast:
            self.writer.reject(plan.case, plan.clerk, **data)
            return
        self.transition(plan, "reject", data)

    def accept(self, plan: CasePlan) -> None:
        if plan.fast:
            self.writer.accept(plan.case, plan.clerk)
            return
        data = {}
        if plan.key in JOINT_ITEMS:
            dept, task, days = JOINT_ITEMS[plan.key]
            data = {"co_departments": [{"department_id": self.loader.departments[dept].pk, "task": task,
                                        "days": days}]}
        self.transition(plan, "accept", data)

    def finish_task(self, plan: CasePlan) -> None:
        task = plan.case.joint_tasks.values_list("pk", flat=True).first()
        self.transition(plan, "finish_joint_task", {"task_id": task, "note": "完税信息已共享至登记系统。"})

    def complete(self, plan: CasePlan) -> None:
        instant = plan.item.handling_type == HandlingType.INSTANT
        result = self.rng.choice(texts.RESULTS_INSTANT if instant else texts.RESULTS_COMMITTED)
        delivery = Delivery.WINDOW if instant else self.pick({Delivery.WINDOW: 7, Delivery.MAIL: 2, Delivery.ONLINE: 1})
        data = {"result": result.format(item=plan.item.name), "delivery": delivery,
                "delivered_on": timeutil.today().isoformat()}
        if delivery == Delivery.MAIL:
            data["delivery_address"] = f"{plan.site.address}附近{self.rng.randint(1, 99)}号"
        if plan.fast:
            self.writer.complete(plan.case, plan.clerk, data)
            return
        self.transition(plan, "complete", data)

    def rate_good(self, rating: RatingPlan) -> None:
        case = rating.case.case
        data = rating_services.clean_input(rating.level, rating.answers, rating.comment)
        extra = {"real_name": False, "rater_name": "", "rater_phone": ""} if rating.anonymous else {}
        self.good_ratings.append(rating_services.rating_for_case(
            case, Stage.COMPLETE, data, channel=rating.channel, staff=rating.case.staff, created_at=timeutil.now(),
            **extra))

    def rate_bad(self, rating: RatingPlan) -> None:
        case = rating.case.case
        if rating.channel in rating_services.LINK_CHANNELS:  # the citizen's phone, through the receipt's QR code
            link = rating_services.rating_link(case, stage=Stage.COMPLETE)
            stored, _ = rating_services.submit_with_token(
                link.token, level=rating.level, answers=rating.answers, comment=rating.comment,
                channel=rating.channel, anonymous=rating.anonymous)
        else:  # the window's rating device, right after the service
            data = rating_services.clean_input(rating.level, rating.answers, rating.comment)
            stored, _ = rating_services.store(rating_services.rating_for_case(
                case, Stage.COMPLETE, data, channel=rating.channel, staff=rating.case.staff, created_at=timeutil.now()))
        rating.rating_id = stored.pk
        rating.ticket_id = Ticket.objects.filter(rating_id=stored.pk).values_list("pk", flat=True).first()

    def ticket_step(self, rating: RatingPlan, action: str, data: dict, actor) -> None:
        if rating.ticket_id is None:
            return
        if action == "followup":
            ticket = Ticket.objects.get(pk=rating.ticket_id)
            end = followups.deadline(ticket)
            if end is not None and timeutil.now() <= end:
                rating_services.submit_with_token(followups.token_for(ticket), channel=Channel.SMS, **data)
                return
            action, data = "close", {"note": "已反馈，评价人未追评"}  # the follow-up period ended (a long holiday)
        if data.get("deadline", "").startswith("+"):
            data = {**data, "deadline": (timeutil.today() + dt.timedelta(days=int(data["deadline"][1:]))).isoformat()}
        ticket_services.transition(rating.ticket_id, action, actor or rating.case.clerk, data)

    def run(self, stage: str) -> None:
        """Every planned event in time order, each at its moment; a refused step stops its case or order there."""
        refused: set[str] = set()
        total = len(self.events)
        for done, (moment, _n, fn, args) in enumerate(sorted(self.events, key=lambda e: e[:2])):
            if done % PROGRESS_EVERY == 0:
                self.loader.progress(stage, done, total)
            plan = args[0]
            owner = plan.case if isinstance(plan, RatingPlan) else plan
            if owner.stalled or (fn not in (self.register, self.receive)
                                 and (owner.case if isinstance(owner, CasePlan) else owner.order_id) is None):
                continue
            if not (isinstance(owner, CasePlan) and owner.fast):
                self.writer.sync()  # the services number on from the numbers counted in bulk
            try:
                with timeutil.travel_to(moment):
                    fn(*args)
            except DomainError as exc:  # e.g. a limit in a year the calendar does not cover
                owner.stalled = True
                refused.add(str(getattr(exc, "zh", exc)))
        self.result.notes += [f"部分历史数据停在中间状态：{reason}" for reason in sorted(refused)[:3]]
        self.events = []

    # -- 12345 hotline ---------------------------------------------------------------------------
    def hotline(self) -> None:
        units = hotline_data._units(self.loader)
        categories = {c.code: c for c in DispatchCategory.objects.select_related("department")}
        for sort, (code, name, group, dept, kind, keywords, description) in enumerate(texts.EXTRA_CATEGORIES, 20):
            if code not in categories:
                categories[code] = DispatchCategory.objects.create(
                    code=code, name=name, group=group, department=units[dept], default_type=kind, keywords=keywords,
                    description=description, sort=sort)
        calls = [c for c in texts.CALLS if c.category in categories]
        self.handlers = self.handler_accounts({categories[c.category].department for c in calls}, units)
        if AGENT not in self.users:
            self.result.notes.append("缺少演示坐席账号，未生成历史热线工单。")
            return
        places = [(v.name, f"{t.name}{v.name}") for t, v in self.loader.villages]  # (as the caller says it, in full)
        first = self.days[0] if self.days else self.now.date()
        day, index = first, 0
        while day <= self.now.date():
            for _ in range(self.count(HOTLINE_DAILY)):
                index += 1
                season = [c for c in calls if not c.months or day.month in c.months]
                call = self.rng.choices(season, weights=[c.weight for c in season])[0]
                self.plan_order(OrderPlan(call, index), categories[call.category], day, self.rng.choice(places))
            day += dt.timedelta(days=1)
        self.run("历史热线工单")

    def handler_accounts(self, departments: set[Unit], units: dict[str, Unit]) -> dict[int, Any]:
        """A handler account for each department that answers orders (the demo's own where there is one)."""
        User = get_user_model()
        have = {m.unit_id: m.user for m in Membership.objects.filter(role=Role.HANDLER, unit__in=departments)
                .select_related("user").order_by("user__username")}
        key_of = {u.pk: k for k, u in units.items()}
        for n, unit in enumerate(sorted(departments, key=lambda u: u.pk)):
            if unit.pk in have:
                continue
            # A person's name (shown as "name · 承办单位经办人", orgs/people.py), after the roster's generated names.
            user, created = User.objects.get_or_create(
                username=f"demo-handler-{key_of.get(unit.pk, unit.pk)}",
                defaults={"first_name": staff_name(HANDLER_NAMES_FROM + n), "password": make_password(None)})
            Membership.objects.get_or_create(user=user, role=Role.HANDLER, unit=unit)
            self.result.accounts += created
            have[unit.pk] = user
        return have

    def plan_order(self, plan: OrderPlan, category: DispatchCategory, day: dt.date, place: tuple[str, str]) -> None:
        call, rng = plan.call, self.rng
        plan.text = rng.randrange(len(call.texts))
        reply = call.replies[plan.text % len(call.replies)]
        name, phone, _id = self.person(8000 + plan.index)
        received = self.moment(day, rng.randint(8 * 60 + 30, 20 * 60 + 30)) + dt.timedelta(seconds=rng.randint(0, 59))
        answered = bool(call.answer) and rng.random() < 0.85
        consent = answered or rng.random() > 0.08
        data = {"channel": self.pick({"phone": 85, "web": 5, "sms": 5, "walk_in": 3, "mailbox": 2}),
                "caller": {"name": name, "phone": phone}, "category": call.category,
                "text": call.texts[plan.text].format(place=place[0]), "callback_consent": consent}
        if "{place}" in " ".join(call.texts):
            data["place"] = place[1]
        if call.respondent_rank:
            data["respondent_rank"] = call.respondent_rank
        if answered:
            data.update(answered_at_intake=True, answer=call.answer)
        self.at(received, self.receive, plan, data)
        if answered:
            return
        agent = self.users[AGENT]
        handler = self.handlers.get(category.department_id)
        dispatched = received + dt.timedelta(minutes=rng.randint(4, 25))
        self.at(dispatched, self.order_step, plan, "dispatch", {}, agent)
        if handler is None:
            return
        local = timezone.localtime(dispatched)
        if self.cal.is_working(local.date()) and local.hour * 60 + local.minute < 16 * 60 + 30:
            accepted = dispatched + dt.timedelta(minutes=rng.randint(30, 150))
            work_day = local.date()
        else:
            work_day = self.working_day_after(local.date(), 1)
            if work_day is None:
                return
            accepted = self.moment(work_day, rng.randint(9 * 60, 10 * 60 + 30))
        self.at(accepted, self.order_step, plan, "accept", {}, handler)
        late = rng.random() < 0.08
        reply_day = self.working_day_after(work_day, rng.randint(6, 8) if late else rng.randint(0, 4))
        if reply_day is None:
            return
        replied = max(self.moment(reply_day, rng.randint(10 * 60, 17 * 60)), accepted + dt.timedelta(minutes=40))
        self.at(replied, self.order_step, plan, "reply", {"text": reply}, handler)
        revisit = replied + dt.timedelta(days=1, minutes=rng.randint(-120, 120))
        if not consent:
            self.at(revisit, self.order_step, plan, "close", {"note": "来电人不需回访"}, agent)
            return
        roll = rng.random()
        if roll < 0.05:  # the caller cannot be reached: closed as unreachable
            self.at(revisit, self.order_step, plan, "revisit", {"reached": False, "note": texts.UNREACHED_NOTE}, agent)
        elif roll < 0.10:  # not resolved: back to the department, answered again, then resolved
            self.at(revisit, self.order_step, plan, "revisit",
                    {"reached": True, "resolved": False, "satisfied": False, "note": texts.UNRESOLVED_NOTE}, agent)
            again = self.working_day_after(timezone.localtime(revisit).date(), 2)
            if again is None:
                return
            replied = self.moment(again, rng.randint(10 * 60, 16 * 60))
            self.at(replied, self.order_step, plan, "reply", {"text": reply + "已再次上门核实处理。"}, handler)
            revisit = replied + dt.timedelta(days=1)
            self.at(revisit, self.order_step, plan, "revisit",
                    {"reached": True, "resolved": True, "satisfied": True, "note": rng.choice(texts.REVISIT_NOTES)},
                    agent)
        else:
            satisfied = rng.random() > 0.1
            self.at(revisit, self.order_step, plan, "revisit",
                    {"reached": True, "resolved": True, "satisfied": satisfied,
                     "note": rng.choice(texts.REVISIT_NOTES) if satisfied else "来电人表示已处理，但对处理时间不满意"},
                    agent)
        self.at(revisit + dt.timedelta(minutes=6), self.order_step, plan, "close", {}, agent)

    def receive(self, plan: OrderPlan, data: dict) -> None:
        plan.order_id = hotline_services.receive(self.users[AGENT], data).pk
        self.result.orders += 1

    def order_step(self, plan: OrderPlan, action: str, data: dict, actor) -> None:
        hotline_services.transition(plan.order_id, action, actor, data)

    # -- all -------------------------------------------------------------------------------------
    def counter(self) -> None:
        self.plan_cases()
        self.run("历史办件")
        self.writer.flush()
        Rating.objects.bulk_create(self.good_ratings, batch_size=500)
        self.result.ratings = len(self.good_ratings) + self.result.bad
        self.good_ratings = []

    def catch_up(self, notifications_before: int) -> None:
        """What the worker would have done by now: warn and escalate deadlines; and the staff have read their
        older notifications. (Rating invitations are left to the worker: they are texts, and none leaves while
        loading.)"""
        sweep_deadlines()
        ticket_jobs.escalate_overdue()
        hotline_jobs.remind_due()
        hotline_jobs.escalate_overdue()
        Notification.objects.filter(pk__gt=notifications_before, created_at__lt=self.now - READ_AFTER,
                                    read_at__isnull=True).update(read_at=self.now)
        self.result.tickets_open = (Ticket.objects.filter(rating__case__handled_by__username__startswith="demo-staff-")
                                    .exclude(status=TicketStatus.CLOSED).count())


def load(loader, months: int) -> Result:
    """Generate the history once (see the module docstring); `loader` is the demo loader after everything else."""
    result = Result()
    if Sequence.objects.filter(name=MARKER).exists():
        return result
    now = timeutil.now()
    history = _History(loader, months, now, result)
    if not history.days:
        result.notes.append("工作日历未覆盖近几个月，未生成历史数据。")
        return result
    notifications_before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    history.counter()
    history.hotline()
    history.catch_up(notifications_before)
    Sequence.objects.create(name=MARKER, value=result.cases)
    result.created = True
    return result
