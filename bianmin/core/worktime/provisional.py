"""A provisional holiday calendar for a year whose official schedule has not been published yet.

Each autumn the State Council General Office publishes the next year's holidays (see `notice.py`); until then a
deadline that runs into that year still needs an answer. This module derives one from the law alone,
《全国年节及纪念日放假办法》 as revised in November 2024 (in force from 1 January 2025), 第二条:

- 元旦 1 day (1 January);
- 春节 4 days (农历除夕 through 正月初三);
- 清明节 1 day (the day of the 清明 solar term);
- 劳动节 2 days (1–2 May);
- 端午节 1 day (lunar 5/5);
- 中秋节 1 day (lunar 8/15);
- 国庆节 3 days (1–3 October).

第六条: 全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假. So every Saturday or Sunday inside a
festival's days gives one weekday off in lieu (补假): the next Monday–Friday after the festival's days that is
not already a holiday or an earlier 补假.

What this module deliberately does not do:
- invent make-up working days (调休上班): only the yearly notice decides them, so the result has holidays only
  and the weekend days stay implicit (WorkCalendar treats Saturday/Sunday as rest days);
- stretch breaks to 7 or 8 days the way notices do: that is 调休, not law.

Combined 中秋节/国庆节: when 中秋 falls on 1–3 October the day is one holiday day, named 国庆节 (the festival
with more days wins, as chinese_calendar names 1 October 2020), and no extra day is given for the overlap: the
补假 clause covers Saturdays and Sundays only. (The notice for 2020 did grant an extra day; a notice, once
published, replaces this calendar anyway.) When they merely touch (中秋 on 30 September, or on 4 October),
each keeps its own day and 补假 days are searched past both.

补假 days are named after their festival with the suffix "（补假）", e.g. "劳动节（补假）", so a user can tell a
derived day in lieu from the festival itself.

Lunar dates and the 清明 solar term come from lunar-python (6tail's port of 寿星天文历), which computes them
astronomically for any year; no table is typed in here. Pure Python: no Django, no database.
"""
from __future__ import annotations

import datetime as dt
from functools import cache

from lunar_python import Lunar, Solar

from .calendar import DayKind

# The 2024 revision of the 办法 applies from 2025; earlier years have official schedules (chinese_calendar).
FIRST_YEAR = 2025
# Far enough for any deadline; beyond it a "provisional" calendar would be guesswork about future law too.
LAST_YEAR = 2100

NEW_YEAR = "元旦"
SPRING_FESTIVAL = "春节"
QINGMING = "清明节"
LABOUR_DAY = "劳动节"
DRAGON_BOAT = "端午节"
MID_AUTUMN = "中秋节"
NATIONAL_DAY = "国庆节"

# In calendar order; the same names as seed.HOLIDAY_NAMES_ZH uses.
FESTIVALS = (NEW_YEAR, SPRING_FESTIVAL, QINGMING, LABOUR_DAY, DRAGON_BOAT, MID_AUTUMN, NATIONAL_DAY)

IN_LIEU_SUFFIX = "（补假）"

_DAY = dt.timedelta(days=1)


def _date(solar: Solar) -> dt.date:
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def lunar_to_solar(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of lunar `year`/`month`/`day` (a regular month, not a leap month: festivals are
    kept in the regular month even in a year with a leap 5th or 8th month)."""
    return _date(Lunar.fromYmd(year, month, day).getSolar())


def lunar_new_year(year: int) -> dt.date:
    """正月初一 of the lunar year that begins in Gregorian `year` (always 21 January – 20 February)."""
    return lunar_to_solar(year, 1, 1)


def new_years_eve(year: int) -> dt.date:
    """农历除夕: the last day of the 12th lunar month, the 29th or the 30th. Taken as the day before 正月初一,
    which is right whichever length that month has (and were it a leap 12th month)."""
    return lunar_new_year(year) - _DAY


def qingming(year: int) -> dt.date:
    """The day of the 清明 solar term in `year` (4, 5 or 6 April), computed by lunar-python."""
    # The lunar year containing mid-April is the one that began in this Gregorian year; its solar-term table
    # holds this year's 清明.
    day = _date(Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"])
    if (day.year, day.month) != (year, 4):
        raise RuntimeError(f"lunar-python gave 清明 {day} for {year}")
    return day


def dragon_boat(year: int) -> dt.date:
    """端午: lunar 5/5."""
    return lunar_to_solar(year, 5, 5)


def mid_autumn(year: int) -> dt.date:
    """中秋: lunar 8/15."""
    return lunar_to_solar(year, 8, 15)


def _run(first: dt.date, days: int) -> tuple[dt.date, ...]:
    return tuple(first + i * _DAY for i in range(days))


def statutory_days(year: int) -> dict[str, tuple[dt.date, ...]]:
    """Each festival's days under the 2024 revision of the 办法, before any 补假 (festival → its days)."""
    return {
        NEW_YEAR: (dt.date(year, 1, 1),),
        SPRING_FESTIVAL: _run(new_years_eve(year), 4),
        QINGMING: (qingming(year),),
        LABOUR_DAY: _run(dt.date(year, 5, 1), 2),
        DRAGON_BOAT: (dragon_boat(year),),
        MID_AUTUMN: (mid_autumn(year),),
        NATIONAL_DAY: _run(dt.date(year, 10, 1), 3),
    }


def owners(blocks: dict[str, tuple[dt.date, ...]]) -> dict[dt.date, str]:
    """Which festival each day belongs to. A day of two festivals at once (中秋 on 1–3 October) belongs to the
    one with more days, so 国庆节; ties go to the festival listed first."""
    owner: dict[dt.date, str] = {}
    ranked = sorted(blocks, key=lambda name: -len(blocks[name]))  # stable: ties keep their listed order
    for name in ranked:
        for day in blocks[name]:
            owner.setdefault(day, name)
    return owner


def _is_weekend(day: dt.date) -> bool:
    return day.weekday() >= 5


def _in_lieu_days(blocks: dict[str, tuple[dt.date, ...]], owner: dict[dt.date, str]) -> dict[dt.date, str]:
    """补假: for each festival, one weekday off per Saturday/Sunday among its own days, taken from the first
    Monday–Friday days after its last day that are neither holidays nor already given in lieu."""
    given: dict[dt.date, str] = {}
    # Chronological, so an earlier festival's days in lieu come first when two festivals are close together.
    for name in sorted(blocks, key=lambda n: (blocks[n][0], FESTIVALS.index(n))):
        owed = sum(1 for day in blocks[name] if owner[day] == name and _is_weekend(day))
        day = blocks[name][-1]
        while owed:
            day += _DAY
            if _is_weekend(day) or day in owner or day in given:
                continue
            given[day] = name
            owed -= 1
    return given


@cache
def _provisional(year: int) -> tuple[tuple[dt.date, DayKind, str], ...]:
    blocks = statutory_days(year)
    owner = owners(blocks)
    days = {day: (DayKind.HOLIDAY, name) for day, name in owner.items()}
    days.update({day: (DayKind.HOLIDAY, name + IN_LIEU_SUFFIX) for day, name in _in_lieu_days(blocks, owner).items()})
    return tuple((day, kind, name) for day, (kind, name) in sorted(days.items()))


def provisional_days(year: int) -> dict[dt.date, tuple[DayKind, str]]:
    """The holidays of `year` as the law alone gives them: date → (DayKind.HOLIDAY, name), in date order.

    Names are the festivals' Chinese names (元旦, 春节, …); days in lieu carry the suffix "（补假）". Every day
    lies in `year` (the earliest possible 除夕 is 20 January, the latest 补假 follows 国庆 in October). No
    make-up working days: those only come with the State Council's notice. A fresh dict on each call.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"临时节假日只推算{FIRST_YEAR}–{LAST_YEAR}年，不含{year}年 / "
                         f"provisional calendars cover {FIRST_YEAR}–{LAST_YEAR}, not {year}")
    return {day: (kind, name) for day, kind, name in _provisional(year)}
