"""Seed the working-day calendar with every year the chinese-calendar package knows."""
from django.db import migrations


def seed(apps, schema_editor):
    import chinese_calendar

    from bianmin.core.worktime.seed import _zh

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    years = sorted({d.year for d in chinese_calendar.holidays})
    for year in years:
        if CalendarYear.objects.filter(year=year).exists():
            continue
        cy = CalendarYear.objects.create(year=year, source="package", note=f"chinese-calendar {chinese_calendar.__version__}")
        rows = [CalendarDay(year=cy, date=d, kind="holiday", name=_zh(n)) for d, n in chinese_calendar.holidays.items()
                if d.year == year]
        rows += [CalendarDay(year=cy, date=d, kind="adjusted_workday", name=_zh(n))
                 for d, n in chinese_calendar.workdays.items() if d.year == year]
        CalendarDay.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
