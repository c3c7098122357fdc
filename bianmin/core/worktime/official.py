"""Confirming a year's official holiday schedule from the State Council General Office's notice (SPEC §3).

Until the notice for a year is entered, that year is provisional (provisional.py) and every due date in it is 暂定.
`apply_official_year` is the one way a notice becomes the calendar — the API and the admin page both call it. In
one transaction it:

1. replaces the year's CalendarYear (source NOTICE, the notice's document number as its note) and its CalendarDay
   rows with the notice's holidays and make-up working days; days the notice lists in a neighbouring year (a
   元旦 break starting on 31 December) go to that year when it is in the calendar;
2. compares the calendar before and after, day by day, and recomputes every clock that is not stopped whose due
   date could depend on a day that changed (due on or after the first changed day, or paused across it) with
   `clocks.refresh`, cases' own clocks first (signals.clock_recomputed lets derived clocks follow);
3. records each moved due date in ClockDueChange, tells the people concerned (clock_owners.py) and, after the
   commit, texts applicants whose promised date moved later.

A due date printed on the applicant's receipt (受理通知书) is never brought forward: when the official calendar
would make it earlier, the clock's `not_before` keeps the promised moment (evaluate() honours it) and the history
row says so. Applying the same notice again changes nothing: the days are already there, so no day differs and
no clock is touched.

Stopped clocks are left alone: finished work is judged by the calendar it was done under. Paused clocks have no
due date; the calendar in force when they resume gives them one.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bianmin.core import clocks, sms, timeutil
from bianmin.core.clock_owners import OWNER_KINDS, Owner, owner_of
from bianmin.core.errors import InvalidInput, TooLarge
from bianmin.core.notify import notify
from bianmin.core.signals import clock_recomputed

from . import loader, provisional
from .calendar import DayKind, WorkCalendar
from .clock import evaluate
from .notice import NoticeParseError, ParsedNotice, parse_notice

logger = logging.getLogger("bianmin.calendar")

# A notice is about 1,500 characters; anything far longer was pasted by mistake (a whole web page).
MAX_NOTICE_CHARS = 20_000
# The parser reads the notices' forms since 2000; later than provisional.LAST_YEAR nothing is derived either.
FIRST_YEAR = 2000
LAST_YEAR = provisional.LAST_YEAR

_DOC_NUMBER = re.compile(r"国办发(?:明电)?\s*[〔\[（(]\s*\d{4}\s*[〕\]）)]\s*\d+\s*号")
_TITLE = re.compile(r"国务院办公厅关于\s*\d{4}\s*年.{0,6}节假日安排的通知")
DEFAULT_NOTE = "国务院办公厅节假日安排通知"


class NoticeUnreadable(InvalidInput):
    """The text is not the State Council's holiday notice: says which line could not be read."""

    code = "notice_unreadable"

    def __init__(self, error: NoticeParseError):
        shown = error.line.strip()
        shown = shown if len(shown) <= 60 else shown[:60] + "…"
        super().__init__(f"第{error.line_number}行无法识别：{error.zh}（“{shown}”）。请粘贴国务院办公厅节假日安排通知的正文。",
                         f"Line {error.line_number} could not be read: {error.en} (\"{shown}\"). "
                         "Paste the text of the State Council General Office's holiday notice.", field="text")
        self.line_number = error.line_number
        self.line = error.line

    def as_dict(self) -> dict:
        return {**super().as_dict(), "line_number": self.line_number, "line": self.line.strip()[:200]}


class YearNotEnterable(InvalidInput):
    code = "calendar_not_covered"


def may_maintain_calendar(user) -> bool:
    """Administrators only: a superuser, or staff allowed to change calendar years in the admin (the same people
    who may use the admin page)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and user.has_perm("core.change_calendaryear"))


# ---- reading ------------------------------------------------------------------------------------------------


def check_year_range(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"年度应在 {FIRST_YEAR}–{LAST_YEAR} 之间。", f"The year must be {FIRST_YEAR}–{LAST_YEAR}.",
                           field="year")


def read_notice(year: int, text: str) -> ParsedNotice:
    """The notice for `year` parsed, or a clear 4xx: too long (413), empty or not a notice (422, naming the line)."""
    check_year_range(year)
    if len(text) > MAX_NOTICE_CHARS:
        raise TooLarge(f"通知文本过长（{len(text)} 字，上限 {MAX_NOTICE_CHARS} 字）：请只粘贴通知正文。",
                            f"The notice text is too long ({len(text)} characters, limit {MAX_NOTICE_CHARS}): "
                            "paste the notice itself only.", field="text")
    if not text.strip():
        raise InvalidInput("请粘贴通知正文。", "Paste the text of the notice.", field="text")
    try:
        return parse_notice(year, text)
    except NoticeParseError as error:
        raise NoticeUnreadable(error) from None


def notice_note(text: str) -> str:
    """What CalendarYear.note records: the notice's document number (国办发明电〔2025〕7号), else its title."""
    flat = re.sub(r"\s+", "", text)
    found = _DOC_NUMBER.search(flat) or _TITLE.search(flat)
    return found.group(0)[:200] if found else DEFAULT_NOTE


def official_years() -> list[int]:
    from bianmin.core.models import CalendarYear

    return sorted(CalendarYear.objects.values_list("year", flat=True))


def check_year_enterable(year: int, years: list[int] | None = None) -> None:
    """A notice may correct a year the calendar has, or make official the one year after the last official year
    (the provisional one). A later year would leave a gap of uncovered days between: refused (422)."""
    check_year_range(year)
    years = official_years() if years is None else years
    if not years or year in years or year == max(years) + 1:
        return
    expected = max(years) + 1
    raise YearNotEnterable(
        f"只能录入 {expected} 年（最后一个正式年度之后的暂定年度）的通知，或更正已有年度；{year} 年距最后一个正式年度超过一年。",
        f"Only the notice for {expected} (the provisional year after the last official one) or for a year already in "
        f"the calendar can be entered; {year} is more than one year after the last official year.", field="year")


# ---- comparing (the admin page shows this before confirming) -----------------------------------------------


@dataclass(frozen=True)
class Day:
    date: dt.date
    kind: str
    name: str
    differs: bool  # the other side has a different kind of day on this date


@dataclass(frozen=True)
class MonthRow:
    year: int
    month: int
    current: list[Day]
    official: list[Day]

    @property
    def differs(self) -> bool:
        return any(day.differs for day in (*self.current, *self.official))


def current_days(year: int, cal: WorkCalendar | None = None) -> dict[dt.date, tuple[str, str]]:
    """The year's exceptional days as the calendar has them now (provisional days for the provisional year):
    date → (kind, name); empty for a year the calendar does not cover."""
    cal = cal or loader.get_calendar()
    if year not in cal.years:
        return {}
    return {day: (kind.value, cal.name(day)) for day, kind in sorted(cal.exceptions.items()) if day.year == year}


def compare(year: int, parsed: ParsedNotice) -> list[MonthRow]:
    """Month by month, the calendar's days now beside the notice's, each marked where the two differ."""
    now = current_days(year)
    official = {day: (kind.value, name) for day, (kind, name) in parsed.days().items()}
    months = sorted({(day.year, day.month) for day in (*now, *official)})
    return [MonthRow(y, m, _side(now, official, y, m), _side(official, now, y, m)) for y, m in months]


def _side(days: dict[dt.date, tuple[str, str]], other: dict[dt.date, tuple[str, str]], year: int,
          month: int) -> list[Day]:
    return [Day(day, kind, name, other.get(day, (None,))[0] != kind)
            for day, (kind, name) in days.items() if (day.year, day.month) == (year, month)]


# ---- applying -----------------------------------------------------------------------------------------------


@dataclass
class OfficialResult:
    year: int
    holidays: list[dt.date]
    workdays: list[dt.date]
    warnings: list[str] = field(default_factory=list)
    changed_days: list[dt.date] = field(default_factory=list)  # days whose kind the notice changed
    recomputed_clocks: int = 0
    moved_due_dates: int = 0
    kept_promises: int = 0  # receipts whose date the official calendar would have brought forward


def apply_official_year(year: int, text: str, actor=None) -> OfficialResult:
    """Make the notice `text` the official calendar of `year` and recompute the clocks that depended on it."""
    parsed = read_notice(year, text)
    try:
        with transaction.atomic():
            result = _apply(year, parsed, notice_note(text), actor, timeutil.now())
            transaction.on_commit(loader.invalidate)
    finally:
        # This process's cached calendar may hold the transaction's days (or, after a rollback, days never kept).
        loader.invalidate()
    return result


def _apply(year: int, parsed: ParsedNotice, note: str, actor, now: dt.datetime) -> OfficialResult:
    from bianmin.core.models import AuditLog, CalendarYear

    years = list(CalendarYear.objects.select_for_update().order_by("year").values_list("year", flat=True))
    check_year_enterable(year, years)
    before = loader.build()
    warnings = list(parsed.warnings)
    stored = _store_days(year, parsed, note, warnings)
    after = loader.build()
    loader.invalidate()  # state_of() below reads get_calendar(): let it rebuild from this transaction
    changed = changed_days(before, after, year)
    result = OfficialResult(year, sorted(parsed.holidays), sorted(parsed.workdays), warnings, changed)
    if changed:
        _recompute(year, note, min(changed), now, result)
    if not stored:
        return result  # the same notice again: nothing changed, nothing to log
    AuditLog.objects.create(actor=actor if getattr(actor, "pk", None) else None, action="calendar_official",
                            object_type="core.CalendarYear", object_id=str(year),
                            reason=(f"{note}；{len(changed)} 天变动，重新计算 {result.recomputed_clocks} 个时限，"
                                    f"{result.moved_due_dates} 个期限变动")[:500])
    return result


def _store_days(year: int, parsed: ParsedNotice, note: str, warnings: list[str]) -> bool:
    """Replace the year's days with the notice's; write nothing when they already are (so re-applying is a no-op).
    Whether anything was written."""
    from bianmin.core.models import CalendarDay, CalendarYear

    wanted = {day: (kind.value, name) for day, (kind, name) in parsed.days().items()}
    own = {day: value for day, value in wanted.items() if day.year == year}
    cal_year, created = CalendarYear.objects.get_or_create(
        year=year, defaults={"source": CalendarYear.Source.NOTICE, "note": note})
    rows = {row.date: row for row in cal_year.days.all()}
    # Days after the notice's last day in its own year (a 31 December of 元旦, a late-December make-up day) come
    # from next year's notice: they stay.
    last = max(own, default=dt.date(year, 1, 1))
    stale = [row.pk for day, row in rows.items() if day not in own and day <= last]
    changed = bool(stale)
    CalendarDay.objects.filter(pk__in=stale).delete()
    for day, (kind, name) in own.items():
        row = rows.get(day) or CalendarDay.objects.filter(date=day).first()
        changed |= _put_day(cal_year, row, day, kind, name)
    for day, (kind, name) in wanted.items():
        if day.year == year:
            continue
        neighbour = CalendarYear.objects.filter(year=day.year).first()
        if neighbour is None:
            warnings.append(f"{day}不在工作日历已有的年度内，未保存 / {day} is outside the calendar's years and was not kept")
            continue
        if _put_day(neighbour, CalendarDay.objects.filter(date=day).first(), day, kind, name):
            neighbour.save(update_fields=["updated_at"])  # the loaders' fingerprint sees an edited row this way
            changed = True
    if created or changed or (cal_year.source, cal_year.note) != (CalendarYear.Source.NOTICE, note):
        cal_year.source, cal_year.note = CalendarYear.Source.NOTICE, note
        cal_year.save()
        return True
    return False


def _put_day(cal_year, row, day: dt.date, kind: str, name: str) -> bool:
    from bianmin.core.models import CalendarDay

    if row is None:
        CalendarDay.objects.create(year=cal_year, date=day, kind=kind, name=name)
        return True
    if (row.year_id, row.kind, row.name) == (cal_year.pk, kind, name):
        return False
    row.year, row.kind, row.name = cal_year, kind, name
    row.save()
    return True


def changed_days(before: WorkCalendar, after: WorkCalendar, year: int) -> list[dt.date]:
    """Days of `year` and the year before whose kind differs between the two calendars (uncovered counts as a kind:
    a day the old calendar did not have cannot hold a due date, so it moves nothing)."""
    def kind(cal: WorkCalendar, day: dt.date) -> DayKind | None:
        return cal.kind(day) if day.year in cal.years else None

    day, last, out = dt.date(year - 1, 1, 1), dt.date(year, 12, 31), []
    while day <= last:
        if day.year in before.years and kind(before, day) != kind(after, day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _calendar_due(clock, now: dt.datetime) -> dt.datetime | None:
    """The due moment the calendar alone gives, ignoring any promise kept earlier (`not_before`)."""
    facts = dataclasses.replace(clocks.facts_of(clock), not_before=None)
    return evaluate(loader.get_calendar(), facts, timezone.localtime(now), settings.BIANMIN["WARNING_SHARE"]).due_at


def clocks_to_recompute(first_changed: dt.date) -> list[int]:
    """Clocks not stopped whose due date may have moved: due on or after the first changed day, or with a pause
    that ended on or after it (time paused across a changed day shifts the due date)."""
    from bianmin.core.models import Clock

    start = dt.datetime.combine(first_changed, dt.time(0, 0), tzinfo=timezone.get_current_timezone())
    return sorted(set(Clock.objects.exclude(status=Clock.Status.STOPPED)
                      .filter(Q(due_at__gte=start) | Q(pauses__ended__gte=start)).values_list("id", flat=True)))


def _recompute(year: int, note: str, first_changed: dt.date, now: dt.datetime, result: OfficialResult) -> None:
    from bianmin.core.models import Clock

    ids = clocks_to_recompute(first_changed)
    before = {c.pk: c for c in Clock.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    owners = {pk: owner_of(clock) for pk, clock in before.items()}
    order = list(OWNER_KINDS)

    def rank(pk: int) -> tuple[int, int]:
        owner = owners[pk]
        return (order.index(owner.kind) if owner else len(order), pk)

    ranked = sorted(ids, key=rank)
    calendar_due: dict[int, dt.datetime | None] = {}
    kept: set[int] = set()
    for pk in ranked:
        clock = Clock.objects.get(pk=pk)  # fresh: a receiver of an earlier signal may have re-derived it
        if clock.status == Clock.Status.STOPPED:
            continue
        calendar_due[pk] = _calendar_due(clock, now)
        old = before[pk].due_at
        owner = owners[pk]
        if (owner and owner.promised_to_applicant and old and calendar_due[pk] and calendar_due[pk] < old
                and (clock.not_before is None or clock.not_before < old)):
            clock.not_before = old  # the date on the receipt stands (SPEC §3)
            kept.add(pk)
        clocks.refresh(clock, now)
        clock_recomputed.send(sender=Clock, clock=clock, at=now)
    result.recomputed_clocks = len(calendar_due)
    reason = f"{year}年国务院办公厅节假日安排（{note}）确认，按正式日历重新计算"[:300]
    for clock in Clock.objects.filter(pk__in=list(calendar_due)).order_by("pk"):
        old, new = before[clock.pk].due_at, clock.due_at
        if old == new and clock.pk not in kept:
            continue
        _record(year, reason, clock, owners[clock.pk], old, new, calendar_due[clock.pk], clock.pk in kept, now, result)


def _day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


def _record(year: int, reason: str, clock, owner: Owner | None, old, new, calendar_due, kept: bool,
            now: dt.datetime, result: OfficialResult) -> None:
    from bianmin.core.models import ClockDueChange

    moved = old != new
    text_applicant = bool(moved and owner and owner.promised_to_applicant and owner.applicant_phone
                          and old and new and new > old)
    change = ClockDueChange.objects.create(
        clock=clock, old_due_at=old, new_due_at=new, calendar_due_at=calendar_due, promise_kept=kept, reason=reason,
        sms=ClockDueChange.Sms.PENDING if text_applicant else ClockDueChange.Sms.NONE, at=now)
    result.kept_promises += int(kept)
    if not moved:
        return
    result.moved_due_dates += 1
    if owner is None:
        return
    notify(owner.people, f"{owner.label}的办理期限因{year}年国务院办公厅节假日安排确认而调整："
                         f"{_day(old) or '—'} → {_day(new) or '—'}。", owner.link)
    old_day, new_day = _day(old), _day(new)
    if text_applicant and old_day and new_day:
        transaction.on_commit(partial(_text_applicant, change.pk, owner.applicant_phone,
                                      applicant_message(owner, year, old_day, new_day)))


def _zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def applicant_message(owner: Owner, year: int, old: dt.date, new: dt.date) -> str:
    return (f"【{owner.sender}】您的{owner.label}：因国务院办公厅公布{year}年节假日安排，"
            f"承诺办结日期由{_zh_date(old)}顺延至{_zh_date(new)}。")


def _text_applicant(change_id: int, phone: str, text: str) -> None:
    """After the commit: one text message; its outcome is kept on the history row, the number never logged."""
    from bianmin.core.models import ClockDueChange

    try:
        sms.send(phone, text)
        status = ClockDueChange.Sms.SENT
    except Exception as exc:
        logger.warning("due-date text message for clock change %s failed: %s", change_id, type(exc).__name__)
        status = ClockDueChange.Sms.FAILED
    ClockDueChange.objects.filter(pk=change_id).update(sms=status)
