"""English interface: the catalogue is complete and the pages really switch language.

The catalogue is bianmin/locale/en/LC_MESSAGES/django.po, compiled to django.mo next to it (both are
committed, so a fresh clone needs no gettext tools). After adding or changing interface strings:

    .venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=tests --ignore=bench
    (write the English for every new or changed entry, and drop any "#, fuzzy" flag)
    .venv/bin/python manage.py compilemessages --ignore=.venv

The .po file is read with the small parser below, so the tests need no gettext library.
"""
from __future__ import annotations

import ast
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bianmin.catalog.guides import publish_guide

LOCALE_DIR = Path(__file__).resolve().parent.parent / "bianmin" / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)  # msgctxt, msgid, msgid_plural, msgstr, msgstr[0]…

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")

    @property
    def translations(self) -> list[str]:
        return [value for key, value in self.fields.items() if key.startswith("msgstr")]


def parse_po(path: Path) -> list[Entry]:
    """Entries of a PO file, header included; obsolete (#~) entries are skipped like gettext does."""
    entries: list[Entry] = []
    current: Entry | None = None
    key: str | None = None
    keyword = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$')
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and current.fields:
                current, key = None, None  # a comment after the strings starts the next entry
            if current is None:
                current = Entry(line=number)
                entries.append(current)
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        match = keyword.match(line)
        if match:
            if current is None or (match.group(1) in ("msgctxt", "msgid") and "msgid" in current.fields):
                current = Entry(line=number)
                entries.append(current)
            key = match.group(1)
            current.fields[key] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and current is not None and key is not None:
            current.fields[key] += ast.literal_eval(line)
        else:
            raise AssertionError(f"{path.name}:{number}: cannot read {raw!r}")
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    assert PO_FILE.exists(), f"missing {PO_FILE}; run makemessages (see this module's docstring)"
    return parse_po(PO_FILE)


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    messages = [e for e in catalogue if e.msgid]
    assert len(messages) > 300  # the parser found the catalogue, not an empty file
    fuzzy = [f"line {e.line}: {e.msgid or '(header)'}" for e in catalogue if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries are ignored at run time; translate them and drop the flag: {fuzzy}"
    empty = [f"line {e.line}: {e.msgid}" for e in messages if not e.translations or not all(e.translations)]
    assert not empty, f"untranslated entries in {PO_FILE.name}: {empty}"
    plural = [e for e in messages if "msgid_plural" in e.fields]
    assert plural and all({"msgstr[0]", "msgstr[1]"} <= e.fields.keys() for e in plural)


def test_translations_keep_their_placeholders(catalogue):
    wrong = []
    for e in catalogue:
        if not e.msgid:
            continue
        for key, text in e.fields.items():
            source = e.fields.get("msgid_plural", e.msgid) if key not in ("msgstr", "msgstr[0]") else e.msgid
            if key.startswith("msgstr") and sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                wrong.append(f"line {e.line}: {e.msgid!r} → {text!r}")
    assert not wrong, wrong


def test_compiled_catalogue_is_committed_and_current(catalogue):
    """The .mo holds exactly the .po's messages (plus the header): it was compiled after the last edit."""
    assert MO_FILE.exists(), "missing django.mo; run compilemessages (see this module's docstring)"
    data = MO_FILE.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    count = struct.unpack(order + "I", data[8:12])[0]
    assert count == len([e for e in catalogue if e.msgid]) + 1


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Language"] == "en"
    return response.content.decode()


def _assert_english(html: str, english: list[str], chinese: list[str]):
    assert '<html lang="en">' in html
    for text in english:
        assert text in html, text
    for text in chinese:
        assert text not in html, text


@pytest.mark.django_db
def test_portal_home_in_english(world, client_for):
    html = _page(_english(client_for()), "/")
    _assert_english(html, ["Service guide", "Browse by department", "Staff sign-in", "Search",
                           "No service guides have been published yet."],
                    ["办事指南", "按部门查找", "工作人员登录", "搜索", "暂无已发布的办事指南"])


@pytest.mark.django_db
def test_staff_login_page_in_english(world, client_for):
    html = _page(_english(client_for()), "/accounts/login/")
    _assert_english(html, ["Staff sign-in", "Username", "Password", "Sign in"],
                    ["工作人员登录", "用户名", "密码", "登录</button>"])


@pytest.mark.django_db
def test_signed_in_workbench_in_english(world, client_for):
    html = _page(_english(client_for(world.clerk_a)), "/workbench/")
    _assert_english(html, ["My workbench", "+ Register a case", "First-contact log", "Overdue", "Due soon",
                           "Registered today", "Sign out"],
                    ["我的工作台", "登记办件", "首问登记", "已超期", "即将到期", "今日登记", "退出"])


@pytest.mark.django_db
def test_guide_labels_stored_in_chinese_are_shown_in_english(world, client_for):
    """A published guide keeps its labels as Chinese text; the English page still shows them in English."""
    publish_guide(world.item_committed)
    html = _page(_english(client_for()), f"/guides/{world.item_committed.code}/")
    _assert_english(html, ["Committed-time case", "5 working days", "Free of charge", "Conditions for acceptance",
                           "Main", "Supporting", "Original", "Copy"],
                    ["承诺件", "个工作日", "不收费", "受理条件", "主件", "复印件"])


@pytest.mark.django_db
def test_the_same_pages_stay_chinese_without_the_cookie(world, client_for):
    for url, text in [("/", "办事指南"), ("/accounts/login/", "工作人员登录")]:
        response = client_for().get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response["Content-Language"] == "zh-hans" and text in response.content.decode()
    assert "我的工作台" in client_for(world.clerk_a).get("/workbench/").content.decode()
