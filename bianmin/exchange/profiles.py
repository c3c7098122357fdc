"""Exchange profiles: versioned data files under profiles/ (`<name>.v<version>.json`), one per upstream interface.

A profile says how our records become one upstream's payloads (field names, code tables, date formats, length
limits, required fields: see mapping.py) and how they travel (transport style, paths, authentication). Files are
never edited once a version has been used: a change is a new version, and an outbox row keeps the version its
payload was built with, so what was already sent never changes (tests/test_exchange_profiles.py).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bianmin.core.errors import InvalidInput

DIRECTORY = Path(__file__).with_name("profiles")
FILE_NAME = re.compile(r"^(?P<name>[a-z0-9][a-z0-9-]*)\.v(?P<version>\d+)\.json$")


@dataclass(frozen=True)
class Profile:
    name: str
    version: int
    title: str
    title_en: str
    datetime_format: str
    date_format: str
    transport: dict
    codes: dict
    records: dict  # kind → {"table": …, "fields": [...]}
    catalogue: dict = field(default_factory=dict)
    send_default_ratings: bool = False
    timezone: str = "Asia/Shanghai"

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.records)

    def sends(self, kind: str) -> bool:
        return kind in self.records

    @property
    def style(self) -> str:
        return self.transport.get("style", "batch")

    @property
    def batch_size(self) -> int:
        return int(self.transport.get("batch_size", 50))


def _load(path: Path) -> Profile:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Profile(name=data["name"], version=int(data["version"]), title=data["title"],
                   title_en=data.get("title_en", data["title"]), datetime_format=data["datetime_format"],
                   date_format=data.get("date_format", "%Y%m%d"), transport=data["transport"],
                   codes=data.get("codes", {}), records=data.get("records", {}), catalogue=data.get("catalogue", {}),
                   send_default_ratings=bool(data.get("send_default_ratings", False)),
                   timezone=data.get("timezone", "Asia/Shanghai"))


@cache
def _all() -> dict[tuple[str, int], Profile]:
    found = {}
    for path in sorted(DIRECTORY.glob("*.json")):
        match = FILE_NAME.match(path.name)
        if match is None:
            continue
        profile = _load(path)
        if (profile.name, profile.version) != (match["name"], int(match["version"])):
            raise ValueError(f"{path.name}: name/version inside the file differ from the file name")
        found[(profile.name, profile.version)] = profile
    return found


def all_profiles() -> list[Profile]:
    return sorted(_all().values(), key=lambda p: (p.name, p.version))


def names() -> list[str]:
    return sorted({name for name, _ in _all()})


def versions(name: str) -> list[int]:
    return sorted(v for n, v in _all() if n == name)


def get(name: str, version: int | None = None) -> Profile:
    """The named profile (its newest version unless `version` is given); an unknown one is a 422."""
    known = versions(name) if isinstance(name, str) else []
    if not known:
        raise InvalidInput("未知的数据规范。", f"Unknown profile; use one of {', '.join(names())}.", field="profile")
    if version is None:
        version = known[-1]
    if version not in known:
        raise InvalidInput("该数据规范没有这个版本。", f"Profile {name} has no version {version}.", field="version")
    return _all()[(name, version)]
