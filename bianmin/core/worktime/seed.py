"""Seed the calendar tables from the chinese-calendar package (SPEC §3)."""
from __future__ import annotations

import chinese_calendar
from django.db import transaction

from .calendar import DayKind

# The package names holidays in English; the calendar shows the names people use.
HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def _zh(name) -> str:
    text = str(getattr(name, "value", name) or "")
    return HOLIDAY_NAMES_ZH.get(text, text)


def package_years() -> list[int]:
    return sorted({d.year for d in chinese_calendar.holidays})


@transaction.atomic
def seed_from_package(years: list[int] | None = None) -> list[int]:
    """Create calendar years the package knows and the database does not have yet.

    Years an administrator already maintains are left alone: a manual correction wins.
    """
    from bianmin.core.models import CalendarDay, CalendarYear

    wanted = years or package_years()
    existing = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    created = []
    for year in wanted:
        if year in existing:
            continue
        cy = CalendarYear.objects.create(year=year, source=CalendarYear.Source.PACKAGE,
                                         note=f"chinese-calendar {chinese_calendar.__version__}")
        rows = [CalendarDay(year=cy, date=d, kind=DayKind.HOLIDAY.value, name=_zh(name))
                for d, name in chinese_calendar.holidays.items() if d.year == year]
        rows += [CalendarDay(year=cy, date=d, kind=DayKind.ADJUSTED_WORKDAY.value, name=_zh(name))
                 for d, name in chinese_calendar.workdays.items() if d.year == year]
        CalendarDay.objects.bulk_create(rows)
        created.append(year)
    from .loader import invalidate

    invalidate()
    return created
