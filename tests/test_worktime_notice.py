"""The yearly holiday notice parser (bianmin/core/worktime/notice.py) against the official dates.

The notice bodies below follow the published texts; where a later notice changed a year's dates (2019's 劳动节,
2020's 春节 extended for the epidemic) the text carries the final dates, which are what chinese_calendar holds.
"""
from __future__ import annotations

import copy
import datetime as dt

import chinese_calendar
import pytest

from bianmin.core.worktime.calendar import DayKind
from bianmin.core.worktime.notice import NoticeParseError, ParsedNotice, parse_notice
from bianmin.core.worktime.seed import HOLIDAY_NAMES_ZH

NOTICES = {
    2015: """
国务院办公厅关于2015年部分节假日安排的通知
一、元旦：1月1日至3日放假调休，共3天。1月4日（星期日）上班。
二、春节：2月18日至24日放假调休，共7天。2月15日（星期日）、2月28日（星期六）上班。
三、清明节：4月5日放假，4月6日（星期一）补休。
四、劳动节：5月1日放假，与周末连休。
五、端午节：6月20日放假，6月22日（星期一）补休。
六、中秋节：9月27日放假。
七、国庆节：10月1日至7日放假调休，共7天。10月10日（星期六）上班。
""",
    2016: """
一、元旦：1月1日放假，与周末连休。
二、春节：2月7日至13日放假调休，共7天。2月6日（星期六）、2月14日（星期日）上班。
三、清明节：4月4日放假，与周末连休。
四、劳动节：5月1日放假，5月2日（星期一）补休。
五、端午节：6月9日至11日放假调休，共3天。6月12日（星期日）上班。
六、中秋节：9月15日至17日放假调休，共3天。9月18日（星期日）上班。
七、国庆节：10月1日至7日放假调休，共7天。10月8日（星期六）、10月9日（星期日）上班。
""",
    2017: """
一、元旦：1月1日放假，1月2日（星期一）补休。
二、春节：1月27日至2月2日放假调休，共7天。1月22日（星期日）、2月4日（星期六）上班。
三、清明节：4月2日至4日放假调休，共3天。4月1日（星期六）上班。
四、劳动节：5月1日放假，与周末连休。
五、端午节：5月28日至30日放假调休，共3天。5月27日（星期六）上班。
六、中秋节、国庆节：10月1日至8日放假调休，共8天。9月30日（星期六）上班。
""",
    2019: """
一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。
二、春节：2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。
三、清明节：4月5日放假，与周末连休。
四、劳动节：5月1日至4日放假调休，共4天。4月28日（星期日）、5月5日（星期日）上班。
五、端午节：6月7日放假，与周末连休。
六、中秋节：9月13日放假，与周末连休。
七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
""",
    2020: """
一、元旦：2020年1月1日放假，共1天。
二、春节：1月24日至2月2日放假调休，共10天。1月19日（星期日）上班。
三、清明节：4月4日至6日放假，共3天。
四、劳动节：5月1日至5日放假调休，共5天。4月26日（星期日）、5月9日（星期六）上班。
五、端午节：6月25日至27日放假调休，共3天。6月28日（星期日）上班。
六、国庆节、中秋节：10月1日至8日放假调休，共8天。9月27日（星期日）、10月10日（星期六）上班。
""",
    2023: """
一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。
二、春节：1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。
三、清明节：4月5日放假，共1天。
四、劳动节：4月29日至5月3日放假调休，共5天。4月23日（星期日）、5月6日（星期六）上班。
五、端午节：6月22日至24日放假调休，共3天。6月25日（星期日）上班。
六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。
""",
    2024: """
一、元旦：1月1日放假，与周末连休。
二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。
三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。
四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。
五、端午节：6月10日放假，与周末连休。
六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。
七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
""",
    # The whole notice, preamble and closing text included: they must be ignored.
    2025: """国务院办公厅关于2025年部分节假日安排的通知
国办发明电〔2024〕12号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，根据2024年11月修订的《全国年节及纪念日放假办法》，现将2025年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周三）放假1天，不调休。
　　二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
　　三、清明节：4月4日（周五）至6日（周日）放假，共3天。
　　四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
　　五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
　　六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，遇有重大突发事件，要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。

国务院办公厅
2024年11月12日
""",
    2026: """
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
""",
}

FESTIVALS_EN = {"New Year's Day", "Spring Festival", "Tomb-sweeping Day", "Labour Day", "Dragon Boat Festival",
                "Mid-autumn Festival", "National Day"}


def _runs(days) -> list[tuple[dt.date, dt.date]]:
    """Spans of the parsed holidays, one per stretch with gaps of at most a weekend (X放假，Y补休)."""
    runs: list[list[dt.date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][1]).days <= 3:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def _official_holidays(year: int, spans) -> dict[dt.date, str]:
    """chinese_calendar's holidays inside the notice's spans, with the calendar's Chinese names."""
    return {day: HOLIDAY_NAMES_ZH[name] for day, name in chinese_calendar.holidays.items()
            if any(first <= day <= last for first, last in spans)}


def _official_workdays(year: int) -> dict[dt.date, str]:
    """chinese_calendar's make-up working days of the notice for `year`: a late-December one belongs to the next
    year's 元旦 (2018-12-29 is in the notice for 2019)."""
    return {day: HOLIDAY_NAMES_ZH[name] for day, name in chinese_calendar.workdays.items()
            if dt.date(year - 1, 12, 20) < day < dt.date(year, 12, 20) and name in FESTIVALS_EN}


def _official_weekday_holidays(year: int) -> set[dt.date]:
    """The real days off of the notice for `year`: Monday–Friday holidays of the seven festivals."""
    return {day for day, name in chinese_calendar.holidays.items()
            if dt.date(year - 1, 12, 20) < day < dt.date(year, 12, 20) and day.weekday() < 5 and name in FESTIVALS_EN}


@pytest.mark.parametrize("year", sorted(NOTICES))
def test_notice_gives_the_official_holidays_and_make_up_days(year):
    parsed = parse_notice(year, NOTICES[year])
    assert parsed.warnings == []
    assert parsed.holidays == _official_holidays(year, _runs(parsed.holidays))
    assert _official_weekday_holidays(year) <= set(parsed.holidays)
    assert parsed.workdays == _official_workdays(year)


def test_combined_national_day_and_mid_autumn_naming_follows_chinese_calendar():
    # 中秋 itself is 中秋节 (2023: 29 September); on 1 October (2020) it is one of 国庆's own days: 国庆节.
    assert parse_notice(2023, NOTICES[2023]).holidays[dt.date(2023, 9, 29)] == "中秋节"
    assert parse_notice(2023, NOTICES[2023]).holidays[dt.date(2023, 9, 30)] == "国庆节"
    assert parse_notice(2020, NOTICES[2020]).holidays[dt.date(2020, 10, 1)] == "国庆节"
    assert parse_notice(2025, NOTICES[2025]).workdays[dt.date(2025, 9, 28)] == "国庆节"


def test_range_starting_in_the_previous_year():
    parsed = parse_notice(2023, NOTICES[2023])
    assert [day for day, name in parsed.holidays.items() if name == "元旦"] == [
        dt.date(2022, 12, 31), dt.date(2023, 1, 1), dt.date(2023, 1, 2)]


def test_encouragement_to_rest_on_new_years_eve_is_no_holiday():
    assert dt.date(2024, 2, 9) not in parse_notice(2024, NOTICES[2024]).holidays


def test_half_width_punctuation_and_spaces_read_the_same():
    text = NOTICES[2025].translate(str.maketrans("（）：，；", "():,;")).replace("月", " 月 ")
    assert parse_notice(2025, text) == parse_notice(2025, NOTICES[2025])


def test_days_gives_work_calendar_kinds():
    days = parse_notice(2025, NOTICES[2025]).days()
    assert days[dt.date(2025, 1, 28)] == (DayKind.HOLIDAY, "春节")
    assert days[dt.date(2025, 1, 26)] == (DayKind.ADJUSTED_WORKDAY, "春节")
    assert list(days) == sorted(days)


@pytest.mark.parametrize("text,line_number", [
    ("这不是放假通知。\n只是随便一段话。", 1),
    ("\n\n  \nhello world", 4),
    ("国务院办公厅关于2025年部分节假日安排的通知\n一、元旦：放假一天。", 2),
    ("一、元旦：1月1日放假。\n二、春节：2月30日至3月2日放假调休，共8天。", 2),
    ("一、元旦：1月1日放假。\n二、春节：\n三、清明节：4月4日放假。", 2),
    ("一、元旦：1月1日放假。\n二、春节：5日至7日放假。", 2),
    ("一、元旦：1月1日放假。\n二、春节：2月7日至1月3日放假。", 2),
    ("一、元旦：1月1日放假。\n二、植树节：3月12日放假。", 2),
])
def test_text_that_is_not_a_notice_raises_naming_the_line(text, line_number):
    with pytest.raises(NoticeParseError) as raised:
        parse_notice(2025, text)
    error = raised.value
    assert isinstance(error, ValueError)
    assert error.line_number == line_number
    assert error.line == text.splitlines()[line_number - 1]
    assert f"第{line_number}行无法识别" in str(error) and f"Line {line_number} could not be read" in str(error)


def test_wrong_day_count_warns_but_parses():
    text = NOTICES[2025].replace("共8天。1月26日", "共9天。1月26日")
    parsed = parse_notice(2025, text)
    assert parsed.holidays == parse_notice(2025, NOTICES[2025]).holidays
    assert len(parsed.warnings) == 1
    assert "共9天" in parsed.warnings[0] and "says 9 days, its dates give 8" in parsed.warnings[0]


def test_weekday_make_up_working_day_warns():
    text = NOTICES[2025].replace("4月27日（周日）上班", "4月28日（周一）上班")
    parsed = parse_notice(2025, text)
    assert dt.date(2025, 4, 28) in parsed.workdays
    assert len(parsed.warnings) == 1 and "not a Saturday or Sunday" in parsed.warnings[0]


def test_wrong_weekday_note_warns():
    parsed = parse_notice(2025, NOTICES[2025].replace("4月27日（周日）", "4月27日（周六）"))
    assert len(parsed.warnings) == 1 and "marked 周六 but is a Sunday" in parsed.warnings[0]


def test_missing_festival_warns():
    text = "\n".join(line for line in NOTICES[2025].splitlines() if "端午节：" not in line)
    parsed = parse_notice(2025, text)
    assert dt.date(2025, 5, 31) not in parsed.holidays
    assert parsed.warnings == ["通知中没有端午节 / the notice has no Dragon Boat Festival"]


def test_day_outside_the_neighbouring_years_warns():
    parsed = parse_notice(2025, NOTICES[2025].replace("1月1日（周三）放假1天", "2021年1月1日放假1天"))
    assert dt.date(2021, 1, 1) in parsed.holidays
    assert any("more than a year from 2025" in warning for warning in parsed.warnings)


def test_title_of_another_year_warns():
    parsed = parse_notice(2026, NOTICES[2025])
    assert any("the title names 2025, not 2026" in warning for warning in parsed.warnings)


def test_make_up_days_on_a_line_of_their_own_belong_to_the_festival_above():
    text = NOTICES[2026].replace("共9天。2月14日", "共9天。\n2月14日")
    assert parse_notice(2026, text) == parse_notice(2026, NOTICES[2026])


def test_parsing_is_deterministic_and_changes_nothing():
    holidays, workdays = copy.deepcopy(chinese_calendar.holidays), copy.deepcopy(chinese_calendar.workdays)
    first = parse_notice(2025, NOTICES[2025])
    first.holidays.clear()  # a caller changing one result does not change the next
    second, third = parse_notice(2025, NOTICES[2025]), parse_notice(2025, NOTICES[2025])
    assert isinstance(second, ParsedNotice) and second == third and second.holidays
    assert chinese_calendar.holidays == holidays and chinese_calendar.workdays == workdays
