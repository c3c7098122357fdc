"""Read the State Council General Office's yearly holiday notice into holidays and make-up working days.

The notice 《国务院办公厅关于YYYY年部分节假日安排的通知》 has one numbered line per festival, e.g.

    二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。

Everything else (title, document number, addressees, 经国务院批准…, closing paragraphs, signature, date) is
ignored. The forms of past years are accepted: full- or half-width punctuation, weekday notes such as （周三）,
（星期三） or （农历除夕、周二）, ranges with or without the month repeated (10月1日至7日), years written
out (2022年12月31日至2023年1月2日), "X放假，Y补休", "与周末连休", "不调休", and sentences that only
encourage (安排职工在除夕（2月9日）休息), which give no holiday.

Meaning of a festival line: every day of a 放假 range is a holiday, weekend days included (chinese_calendar
lists them the same way); a 补休 day is a holiday; the days before 上班 are make-up working days (调休上班).

Names: a festival's days and its make-up working days carry its Chinese name (元旦, 春节, 清明节, 劳动节, 端午节,
中秋节, 国庆节, as in seed.py). A combined line such as "国庆节、中秋节" names the 中秋 day itself 中秋节 and every
other day, and the line's make-up working days, 国庆节 — unless 中秋 falls on 1–3 October, the days of 国庆节,
where 国庆节 wins. This is how chinese_calendar names 2017, 2020, 2023 and 2025. In general: within a combined
line, a day that is a festival's own day under the law (`provisional.statutory_days`) is named after it, the
festival with more days winning a tie; any other day is named after that festival with the most days.

Problems that still leave the notice readable become warnings (in Chinese and English); text that is not such a
notice raises NoticeParseError naming the line. Pure Python: no Django, no database.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from . import provisional
from .calendar import DayKind

ENGLISH = {
    "元旦": "New Year's Day",
    "春节": "Spring Festival",
    "清明节": "Tomb-sweeping Day",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-autumn Festival",
    "国庆节": "National Day",
}

# Spellings a heading may use → the calendar's name.
ALIASES = {
    "元旦": "元旦", "新年": "元旦",
    "春节": "春节",
    "清明节": "清明节", "清明": "清明节",
    "劳动节": "劳动节", "五一劳动节": "劳动节", "国际劳动节": "劳动节", "五一": "劳动节",
    "端午节": "端午节", "端午": "端午节",
    "中秋节": "中秋节", "中秋": "中秋节",
    "国庆节": "国庆节", "国庆": "国庆节",
}

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_WEEKDAY_ZH = "一二三四五六日"
_WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")  # not locale-bound

# Lines are NFKC-normalised first, so full-width digits and punctuation (１，：（）) arrive as ASCII.
_HEADING = re.compile(r"^(?P<number>(?:[一二三四五六七八九十]+|\d+)[、.]|\((?:[一二三四五六七八九十]+|\d+)\))?"
                      r"(?P<names>[^:]+?):(?P<body>.*)$")
_TITLE_YEAR = re.compile(r"关于(\d{4})年.{0,4}节假日安排")
_DATE = re.compile(r"(?:(?P<y>\d{4})年)?(?:(?P<m>\d{1,2})月)?(?P<d>\d{1,2})日(?:\((?P<note>[^)]*)\))?")
_PAREN = re.compile(r"\([^)]*\)")
_TOKEN = re.compile(f"{_DATE.pattern}|{_PAREN.pattern}")
_RANGE_WORDS = {"至", "到", "-", "~", "〜", "—", "–", "－"}
_CLAUSE_SPLIT = re.compile(r",(?![^(]*\))")
_SENTENCE_SPLIT = re.compile(r"[。;]")
_COUNT = re.compile(r"(?:共|放假)(\d+|[零一二两三四五六七八九十]+)天")
_WEEKDAY_NOTE = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_HOLIDAY_WORDS = ("放假", "补休", "补假")
_WORK_WORD = "上班"


class NoticeParseError(ValueError):
    """The text is not a holiday notice, or one of its festival lines cannot be read."""

    def __init__(self, line_number: int, line: str, zh: str, en: str):
        shown = line.strip()
        shown = shown if len(shown) <= 60 else shown[:60] + "…"
        super().__init__(f"第{line_number}行无法识别：{zh}（{shown}） / Line {line_number} could not be read: {en} ({shown})")
        self.line_number = line_number
        self.line = line
        self.zh = zh
        self.en = en


@dataclass(frozen=True)
class ParsedNotice:
    year: int
    holidays: dict[dt.date, str] = field(default_factory=dict)  # date → festival name, in date order
    workdays: dict[dt.date, str] = field(default_factory=dict)  # make-up working days (调休上班) → festival name
    warnings: list[str] = field(default_factory=list)  # "中文 / English", in the order of the notice

    def days(self) -> dict[dt.date, tuple[DayKind, str]]:
        """Holidays and make-up working days as WorkCalendar exceptions: date → (kind, name). A day listed as both
        (already a warning) is taken as a working day: what the notice asks people to do wins over a range."""
        days = {day: (DayKind.HOLIDAY, name) for day, name in self.holidays.items()}
        days.update({day: (DayKind.ADJUSTED_WORKDAY, name) for day, name in self.workdays.items()})
        return dict(sorted(days.items()))


@dataclass
class _Line:
    """One festival line (with any continuation lines) of the notice."""

    number: int
    text: str
    festivals: tuple[str, ...]
    body: str


@dataclass
class _DateToken:
    year: int | None
    month: int | None
    day: int
    note: str
    start: int
    end: int


# ---- reading the text into festival lines -------------------------------------------------------------------


def _normalise(line: str) -> str:
    # NFKC turns full-width digits and punctuation into ASCII; Chinese text needs no spaces, so dropping them
    # makes "1 月 1 日" and "1月1日" the same.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", line))


def _festival_names(names: str) -> tuple[str, ...] | None:
    """The calendar names of a heading such as "国庆节、中秋节", or None when it is not a festival heading."""
    parts = [part for part in re.split(r"[、,和与及]", names) if part]
    if not parts or any(part not in ALIASES for part in parts):
        return None
    return tuple(dict.fromkeys(ALIASES[part] for part in parts))


def _has_date_and_keyword(text: str) -> bool:
    outside = _PAREN.sub("", text)
    return bool(_DATE.search(outside)) and any(word in outside for word in (*_HOLIDAY_WORDS, _WORK_WORD))


def _festival_lines(year: int, raw_lines: list[str], warnings: list[str]) -> list[_Line]:
    lines: list[_Line] = []
    current: _Line | None = None
    for number, raw in enumerate(raw_lines, start=1):
        text = _normalise(raw)
        if not text:
            continue
        title = _TITLE_YEAR.search(text)
        if title and int(title.group(1)) != year:
            warnings.append(f"标题中的年份{title.group(1)}与{year}年不符 / "
                            f"the title names {title.group(1)}, not {year}")
        heading = _HEADING.match(text)
        festivals = _festival_names(heading.group("names")) if heading else None
        if heading and festivals:
            current = _Line(number, raw, festivals, heading.group("body"))
            lines.append(current)
        elif heading and heading.group("number") and _has_date_and_keyword(heading.group("body")):
            raise NoticeParseError(number, raw, f"未知的节日“{heading.group('names')}”",
                                   f"unknown festival \"{heading.group('names')}\"")
        elif current and _has_date_and_keyword(text):
            # A festival line broken in two: the 上班 sentence on a line of its own.
            current.body += "。" + text
        else:
            current = None
    if not lines:
        first = next(((n, line) for n, line in enumerate(raw_lines, start=1) if line.strip()), (1, ""))
        raise NoticeParseError(*first, "未找到节假日安排（如“一、元旦：1月1日放假”）",
                               "no holiday arrangement found (such as \"一、元旦：1月1日放假\")")
    return lines


# ---- reading the dates of one line ---------------------------------------------------------------------------


def _cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(units, 0)
    return _CN_DIGITS[text]


def _tokens(clause: str) -> list[_DateToken]:
    """The dates of a clause; a parenthesis not following a date (除夕（2月9日）) is skipped with its contents."""
    tokens = []
    for match in _TOKEN.finditer(clause):
        if match.group("d") is None:
            continue
        tokens.append(_DateToken(int(match.group("y")) if match.group("y") else None,
                                 int(match.group("m")) if match.group("m") else None,
                                 int(match.group("d")), match.group("note") or "", match.start(), match.end()))
    return tokens


class _LineError(Exception):
    """A date problem inside a line; becomes NoticeParseError with the line's number."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh = zh
        self.en = en


def _make_date(year: int, month: int, day: int, token: _DateToken) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _LineError(f"日期{token.year or year}年{month}月{day}日不存在",
                         f"there is no date {token.year or year}-{month}-{day}") from None


def _resolve(year: int, festivals: tuple[str, ...], tokens: list[_DateToken]) -> list[dt.date]:
    """Dates of the tokens: a token without a month takes the month (and year) of the one before (10月1日至7日);
    one without a year is in the notice's year, except a December date on a 元旦 line, which is in the year before
    (元旦 breaks that start on 30 or 31 December)."""
    dates: list[dt.date] = []
    for token in tokens:
        if token.month is None:
            if not dates:
                raise _LineError(f"“{token.day}日”缺少月份", f"\"{token.day}日\" has no month")
            dates.append(_make_date(dates[-1].year, dates[-1].month, token.day, token))
            continue
        default = year - 1 if token.month == 12 and festivals == ("元旦",) else year
        dates.append(_make_date(token.year or default, token.month, token.day, token))
    return dates


def _is_range(clause: str, left: _DateToken, right: _DateToken) -> bool:
    return clause[left.end:right.start] in _RANGE_WORDS


def _expand(clause: str, tokens: list[_DateToken], dates: list[dt.date]) -> list[tuple[dt.date, _DateToken | None]]:
    """Every day the clause names, ranges expanded, each with the token that wrote it (for its weekday note);
    the days inside a range were not written out, so they have none."""
    days: list[tuple[dt.date, _DateToken | None]] = []
    i = 0
    while i < len(tokens):
        if i + 1 < len(tokens) and _is_range(clause, tokens[i], tokens[i + 1]):
            first, last = dates[i], dates[i + 1]
            if last < first and tokens[i + 1].year is None:
                # 12月31日至1月2日: the range runs into the next year.
                last = _make_date(last.year + 1, last.month, last.day, tokens[i + 1])
            if not first <= last <= first + dt.timedelta(days=31):
                raise _LineError(f"日期范围{first}至{last}不合理", f"the range {first} to {last} makes no sense")
            days.append((first, tokens[i]))
            days += [(first + dt.timedelta(days=n), None) for n in range(1, (last - first).days)]
            if last != first:
                days.append((last, tokens[i + 1]))
            i += 2
        else:
            days.append((dates[i], tokens[i]))
            i += 1
    return days


@dataclass
class _LineResult:
    holidays: list[dt.date] = field(default_factory=list)
    workdays: list[dt.date] = field(default_factory=list)
    claimed: int | None = None  # the 共N天 of the line
    warnings: list[str] = field(default_factory=list)


def _weekday_warning(day: dt.date, token: _DateToken | None) -> str | None:
    note = _WEEKDAY_NOTE.search(token.note) if token else None
    if not note or _WEEKDAYS[note.group(1)] == day.weekday():
        return None
    actual = _WEEKDAY_ZH[day.weekday()]
    return (f"{day.month}月{day.day}日注明周{note.group(1)}，实为周{actual} / "
            f"{day} is marked 周{note.group(1)} but is a {_WEEKDAY_EN[day.weekday()]}")


def _read_clause(year: int, festivals: tuple[str, ...], clause: str, result: _LineResult) -> None:
    outside = _PAREN.sub("", clause)
    if (count := _COUNT.search(outside)) and result.claimed is None:
        result.claimed = _cn_number(count.group(1))
    tokens = _tokens(clause)
    if not tokens:
        return
    is_holiday = any(word in outside for word in _HOLIDAY_WORDS)
    is_work = _WORK_WORD in outside
    if is_holiday and is_work:
        raise _LineError("同一句中既有放假又有上班", "one clause says both 放假 and 上班")
    days = _expand(clause, tokens, _resolve(year, festivals, tokens))
    if not (is_holiday or is_work):
        listed = "、".join(f"{day.month}月{day.day}日" for day, _ in days)
        result.warnings.append(f"未理解的日期：{listed}（“{clause}”） / dates not understood: {listed} (\"{clause}\")")
        return
    for day, token in days:
        if warning := _weekday_warning(day, token):
            result.warnings.append(warning)
    (result.holidays if is_holiday else result.workdays).extend(day for day, _ in days)


def _read_line(year: int, line: _Line) -> _LineResult:
    result = _LineResult()
    try:
        for sentence in _SENTENCE_SPLIT.split(line.body):
            for clause in _CLAUSE_SPLIT.split(sentence):
                if clause:
                    _read_clause(year, line.festivals, clause, result)
    except _LineError as error:
        raise NoticeParseError(line.number, line.text, error.zh, error.en) from None
    if not result.holidays:
        raise NoticeParseError(line.number, line.text, "没有可识别的放假日期", "no holiday dates could be read")
    return result


# ---- naming and checks --------------------------------------------------------------------------------------


def _namer(year: int, festivals: tuple[str, ...]) -> tuple[Callable[[dt.date], str], str]:
    """How a line names its holidays, and the name of its make-up working days (the main festival).

    See the module docstring for combined lines; a single festival names everything after itself.
    """
    if len(festivals) == 1:
        return (lambda day: festivals[0]), festivals[0]
    statutory = provisional.statutory_days(year)
    own = {name: statutory[name] for name in festivals}
    owner = provisional.owners(own)
    main = max(festivals, key=lambda name: len(own[name]))  # max keeps the first of equals
    return (lambda day: owner.get(day, main)), main


def _label(festivals: tuple[str, ...]) -> tuple[str, str]:
    return "、".join(festivals), ", ".join(ENGLISH[name] for name in festivals)


def _line_warnings(year: int, line: _Line, result: _LineResult) -> list[str]:
    zh, en = _label(line.festivals)
    warnings = list(result.warnings)
    counted = len(set(result.holidays))
    if result.claimed is not None and result.claimed != counted:
        warnings.append(f"{zh}：通知写共{result.claimed}天，列出的日期为{counted}天 / "
                        f"{en}: the notice says {result.claimed} days, its dates give {counted}")
    for day in result.workdays:
        if (weekday := day.weekday()) < 5:
            warnings.append(f"{zh}：{day.month}月{day.day}日上班，但当天是周{_WEEKDAY_ZH[weekday]}而非周末 / "
                            f"{en}: make-up working day {day} is a {_WEEKDAY_EN[weekday]}, not a Saturday or Sunday")
    for day in sorted(set(result.holidays + result.workdays)):
        if abs(day.year - year) > 1:
            warnings.append(f"{zh}：{day}不在{year}年前后一年内 / {en}: {day} is more than a year from {year}")
    return warnings


def _merge(target: dict[dt.date, str], days: list[dt.date], name_of: Callable[[dt.date], str], what: tuple[str, str],
           warnings: list[str]) -> None:
    for day in days:
        if day in target:
            if target[day] != name_of(day):
                warnings.append(f"{day}重复列为{target[day]}和{name_of(day)}的{what[0]} / "
                                f"{day} is listed as {what[1]} of both {target[day]} and {name_of(day)}")
            continue
        target[day] = name_of(day)


def _always(name: str) -> Callable[[dt.date], str]:
    """A namer that gives every day the same name (a line's make-up working days all belong to its festival)."""
    return lambda day: name


def parse_notice(year: int, text: str) -> ParsedNotice:
    """Read the notice for `year`: holidays and make-up working days, each date → festival name, and warnings.

    Raises NoticeParseError (a ValueError) when no festival line is found or a festival line's dates cannot be
    read. Pure: the same text always gives an equal result, and nothing outside the result is changed.
    """
    warnings: list[str] = []
    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    seen: list[str] = []
    for line in _festival_lines(year, text.splitlines(), warnings):
        result = _read_line(year, line)
        for name in line.festivals:
            if name in seen:
                warnings.append(f"{name}出现了不止一次 / {ENGLISH[name]} appears more than once")
            seen.append(name)
        name_of, main = _namer(year, line.festivals)
        warnings += _line_warnings(year, line, result)
        _merge(holidays, result.holidays, name_of, ("放假日", "a holiday"), warnings)
        _merge(workdays, result.workdays, _always(main), ("上班日", "a working day"), warnings)
    for day in sorted(holidays.keys() & workdays.keys()):
        warnings.append(f"{day}既放假又上班 / {day} is both a holiday and a working day")
    missing = [name for name in provisional.FESTIVALS if name not in seen]
    if missing:
        warnings.append(f"通知中没有{'、'.join(missing)} / the notice has no "
                        f"{', '.join(ENGLISH[name] for name in missing)}")
    return ParsedNotice(year, dict(sorted(holidays.items())), dict(sorted(workdays.items())), warnings)
