"""Turning a record's facts into one profile's payload: the only place where outside codes are applied (DESIGN
rule 7). Pure: no database, no Django; facts come from facts.py, profiles from profiles.py.

Each field of a profile's record says where its value comes from (`source`, a fact name), how it is written
(`type`: text, int, flag, date, datetime, code, const) and its limits (`max` characters, `required`, `overflow`:
truncate or refuse). The result is the payload plus a report of what was changed or is wrong; a record with an
error is refused as a whole (it becomes a dead letter with the report, it is never sent half right).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from .profiles import Profile


@dataclass
class Problem:
    key: str
    error: bool  # True: the record cannot be sent; False: sent with a change (a truncation)
    zh: str
    en: str

    def as_dict(self) -> dict:
        return {"field": self.key, "error": self.error, "message": self.zh, "message_en": self.en}


@dataclass
class Built:
    payload: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return any(p.error for p in self.problems)

    def report(self) -> str:
        return "；".join(f"{p.key}：{p.zh}" for p in self.problems)


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def _local(moment: dt.datetime, profile: Profile) -> dt.datetime:
    """Stored moments are UTC; upstreams read wall-clock time of the profile's zone (Beijing time)."""
    return moment.astimezone(ZoneInfo(profile.timezone)) if moment.tzinfo else moment


def _write(spec: dict, value, profile: Profile, problems: list[Problem]) -> Any:
    kind = spec.get("type", "text")
    key = spec["key"]
    if kind == "const":
        return spec.get("value", "")
    if _blank(value):
        return ""
    if kind == "code":
        table = profile.codes.get(spec["codes"], {})
        code = table.get(str(value))
        if code is None:
            problems.append(Problem(key, True, f"“{value}”在代码表 {spec['codes']} 中没有对应代码",
                                    f"'{value}' has no code in table {spec['codes']}"))
            return ""
        return code
    if kind == "datetime":
        return _local(value, profile).strftime(spec.get("format", profile.datetime_format))
    if kind == "date":
        day = _local(value, profile).date() if isinstance(value, dt.datetime) else value
        return day.strftime(spec.get("format", profile.date_format))
    if kind == "flag":
        return "1" if value else "0"
    if kind == "int":
        return str(int(value))
    return str(value)


def build(profile: Profile, kind: str, facts: dict[str, Any]) -> Built:
    """The payload of a record of `kind` under `profile`, keys in the profile's order."""
    payload: dict[str, Any] = {}
    problems: list[Problem] = []
    for spec in profile.records[kind]["fields"]:
        key = spec["key"]
        value = _write(spec, facts.get(spec.get("source", "")), profile, problems)
        limit = spec.get("max")
        if limit and len(value) > limit:
            if spec.get("overflow", "truncate") == "refuse":
                problems.append(Problem(key, True, f"超过 {limit} 个字符的长度限制", f"longer than {limit} characters"))
            else:
                problems.append(Problem(key, False, f"超过 {limit} 个字符，已截断", f"cut to {limit} characters"))
                value = value[:limit]
        if spec.get("required") and value == "" and not any(p.key == key for p in problems):
            problems.append(Problem(key, True, "必填项为空", "required but empty"))
        payload[key] = value
    return Built(payload, problems)
