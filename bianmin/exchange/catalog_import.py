"""Importing the service catalogue (事项清单) from an upstream export: CSV, Excel (.xlsx) or the profile's JSON.

An export is flat like GB/T 39046 Table 4: one row per material (rows 56–64 of the table), the item's own fields
repeated on each of its rows (or only on the first one, when the exporter merged the cells). Column names come
from the profile's "catalogue" section (national: Table 4's Chinese data item names; provincial: camelCase).

    rows = read_rows(file, "csv")             # [(row number, {column: value})]
    items = group(rows, profile)              # one ImportItem per 实施编码
    report = check(items, profile)            # problems, and new / changed / unchanged / refused: the dry run
    result = apply(items, report, user)       # one transaction; writes nothing for refused items

Rules (SPEC §2, §10):
- an error refuses the item (nothing of it is written), a warning lets it in with a note;
- a new item is created; an existing one (same 实施编码) is updated and a new guide version is published
  through catalog.guides.publish_guide, so published versions are never edited; an unchanged item is left alone;
- an item whose guide cannot be published yet (a vague "等/其他" material or condition, no condition, no material;
  catalog.validators is the one place for these rules) is still imported, without a new version: the catalogue
  manager fixes the wording in the back office and publishes it there;
- the file only adds and replaces: a blank cell, or a column the file does not have, leaves the stored value as it
  is, and an item listed without conditions or materials keeps its stored ones.

Mapping decisions (the standard leaves them open):
- 事项类型代码: the profile's codes (national: A.1 via codes.item_type; provincial: catalogue.codes.item_type_code);
  Excel's "1" for "01" is accepted;
- time-limit units have no code table in the standard: 工作日 / 自然日 (日, 天) / 小时 and their English names; a
  blank unit is taken as working days, with a warning; "20个工作日" in the limit cell is read as 20 + unit;
- 实施主体 is matched to an orgs.Unit by exact name; 实施主体代码 (the unified social credit code, or a 9-digit
  行政区划代码) tells same-named units apart, and finds the unit when the export's name is not ours (a warning);
- 办件类型 is not in Table 4: a new item with a committed limit of 0 is 即办件, else 承诺件; an existing item keeps
  its own (联办件 and 上报件 cannot be told from the export);
- 是否收费 0 sets the fee standard to 不收费; 1 replaces 不收费 by "按收费依据收取" and keeps any other standard;
- 是否必备材料 1/0 → 主件/附件; 原件份数 and 复印件份数 → original, copy or both, and the larger count;
- 受理条件 and 办理流程 are itemised at line breaks, semicolons and arrows, leading numbers ("1.", "（2）") removed.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from bianmin.catalog import validators
from bianmin.catalog.guides import publish_guide
from bianmin.catalog.models import Channel, Condition, HandlingType, Item, Material
from bianmin.core.errors import DomainError, InvalidInput, TooLarge
from bianmin.core.inputs import FORBIDDEN_IN_TEXT
from bianmin.core.worktime.clock import LimitUnit
from bianmin.exchange import profiles
from bianmin.orgs.models import Unit

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
FORMATS = ("csv", "xlsx", "json")
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".json": "json"}
ERROR, WARNING = "error", "warning"
NEW, CHANGED, UNCHANGED, REFUSED = "new", "changed", "unchanged", "refused"
FEE_FREE = "不收费"
FEE_CHARGED = "按收费依据收取"

# Our field names (the keys of a profile's catalogue.fields) and their labels in problem texts.
LABELS: dict[str, tuple[str, str]] = {
    "name": ("事项名称", "item name"), "basic_code": ("基本编码", "basic code"), "code": ("实施编码", "implementation code"),
    "item_type_code": ("事项类型代码", "item type code"), "legal_basis": ("设定依据", "legal basis"),
    "accepting_unit": ("实施主体", "accepting unit"), "accepting_unit_code": ("实施主体代码", "accepting unit code"),
    "statutory_limit": ("法定办结时限", "statutory time limit"), "statutory_unit": ("法定办结时限单位", "statutory limit unit"),
    "committed_limit": ("承诺办结时限", "committed time limit"), "committed_unit": ("承诺办结时限单位", "committed limit unit"),
    "conditions": ("受理条件", "conditions"), "procedure": ("办理流程", "procedure"), "fee": ("是否收费", "fee charged"),
    "fee_basis": ("收费依据", "fee basis"), "bookable": ("是否支持预约办理", "bookable"), "online": ("是否网办", "online"),
    "consult_phone": ("咨询电话", "consultation phone"), "supervision_phone": ("监督电话", "supervision phone"),
    "material_name": ("材料名称", "material name"), "material_originals": ("原件份数", "originals"),
    "material_copies": ("复印件份数", "copies"), "material_required": ("是否必备材料", "required material"),
    "material_source": ("出具机构", "issuing agency"),
    # Not columns: labels of what an import changes or of a single condition.
    "materials": ("申请材料", "materials"), "condition": ("受理条件", "condition"),
}
MATERIAL_KEYS = ("material_name", "material_originals", "material_copies", "material_required", "material_source")
ITEM_KEYS = ("name", "basic_code", "code", "item_type_code", "legal_basis", "accepting_unit", "accepting_unit_code",
             "statutory_limit", "statutory_unit", "committed_limit", "committed_unit", "conditions", "procedure", "fee",
             "fee_basis", "bookable", "online", "consult_phone", "supervision_phone")
# Longest text our tables keep (Item, Condition, Material); longer values are refused, never cut.
MAX_LENGTH = {"name": 200, "basic_code": 10, "code": 24, "fee_basis": 500, "consult_phone": 30,
              "supervision_phone": 30, "material_name": 200, "material_source": 100, "condition": 500}
MAX_LIMIT = 9999

UNIT_WORDS = {
    LimitUnit.WORKDAYS.value: ("工作日", "个工作日", "workdays", "workday", "working days", "working day"),
    LimitUnit.DAYS.value: ("自然日", "个自然日", "日", "天", "个日", "days", "day", "calendar days", "calendar day"),
    LimitUnit.HOURS.value: ("小时", "个小时", "hours", "hour", "h"),
}
_UNIT_OF = {w: unit for unit, words in UNIT_WORDS.items() for w in words}
_LIMIT_WITH_UNIT = re.compile(r"(\d+)(?:\.0+)?\s*(.*)")
_FLAG = {"1": True, "是": True, "true": True, "y": True, "yes": True,
         "0": False, "否": False, "false": False, "n": False, "no": False}
# Items of a list cell: one a line, or separated by semicolons or arrows, or numbered inline ("。2." / "（二）").
_SPLIT = re.compile(r"\s*(?:\r?\n|\r|；|;|→|->|—>|－>)\s*|(?<=[。；;，,])\s*(?=\d{1,2}[.、．]\D)"
                    r"|\s*(?=[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）])")
_NUMBERING = re.compile(r"^(?:[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[)）]|\d{1,2}[.、．](?!\d)|[一二三四五六七八九十]{1,3}、"
                        r"|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]|第[一二三四五六七八九十\d]+步[：:、]?)\s*")


def may_import(user) -> bool:
    """Who may import: whoever edits the catalogue today. The catalogue is kept in the back office (catalog.admin)
    and orgs.roles has no catalogue action, so it is staff allowed to add and change service items, or a superuser."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or (user.is_staff and user.has_perms(["catalog.add_item", "catalog.change_item"]))


# ---------------------------------------------------------------- reading the file


@dataclass(frozen=True)
class RawRow:
    number: int  # the row Excel shows (header = 1); in JSON the position of the item in the list
    values: dict  # upstream column name → cell value
    group: int | None = None  # JSON: the item object the row came from (its materials share it)


def detect_format(name: str, fmt: str | None = None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise InvalidInput("文件格式应为 CSV、Excel（.xlsx）或 JSON。", "The format must be csv, xlsx or json.",
                               field="format")
        return fmt
    suffix = Path(name or "").suffix.lower()
    if suffix == ".xls":
        raise InvalidInput("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV。",
                           "Old Excel (.xls) files are not supported; save as .xlsx or CSV.", field="file")
    if suffix not in EXTENSIONS:
        raise InvalidInput("无法从文件名判断格式，请选择 CSV、Excel（.xlsx）或 JSON。",
                           "Cannot tell the format from the file name; choose csv, xlsx or json.", field="format")
    return EXTENSIONS[suffix]


def _too_large() -> TooLarge:
    return TooLarge(f"文件过大（上限 {MAX_BYTES // (1024 * 1024)} MB）。",
                    f"The file is too large (limit {MAX_BYTES // (1024 * 1024)} MB).", field="file")


def read_bytes(source) -> tuple[str, bytes]:
    """(file name, content) of an uploaded file or a path, refusing an empty file or one over MAX_BYTES."""
    if source is None:
        raise InvalidInput("请选择要导入的文件。", "Choose a file to import.", field="file")
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise _too_large()
            with path.open("rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError:
            raise InvalidInput("无法读取该文件。", "Cannot read the file.", field="file") from None
        name = path.name
    else:
        size = getattr(source, "size", None)
        if size is not None and size > MAX_BYTES:
            raise _too_large()
        data = source.read(MAX_BYTES + 1)
        name = (getattr(source, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    if len(data) > MAX_BYTES:
        raise _too_large()
    if not data.strip():
        raise InvalidInput("文件是空的。", "The file is empty.", field="file")
    return name[:200], data


def read_rows(source, fmt: str | None = None) -> list[RawRow]:
    """The rows of an export (an uploaded file, a path, or raw bytes with `fmt`), format by `fmt` or the name."""
    if isinstance(source, bytes):
        name, data = "", source
        if len(data) > MAX_BYTES:
            raise _too_large()
    else:
        name, data = read_bytes(source)
    fmt = detect_format(name, fmt)
    if fmt == "json":
        rows = _json_rows(data)
    else:
        rows = _table_rows(_csv_table(data) if fmt == "csv" else _xlsx_table(data))
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"行数过多（最多 {MAX_ROWS} 行）。", f"Too many rows (at most {MAX_ROWS}).", field="file")
    return rows


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput("不支持 UTF-16 编码的文件，请另存为“CSV UTF-8”或 Excel（.xlsx）。",
                           "UTF-16 files are not supported; save as CSV UTF-8 or Excel (.xlsx).", field="file")
    for encoding in ("utf-8", "gb18030"):  # GB18030 reads every GBK / GB2312 file
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("无法识别文件编码，请另存为 UTF-8 或 GBK 编码。",
                       "Cannot read the file's encoding; save it in UTF-8 or GBK.", field="file")


def _csv_table(data: bytes) -> list[list]:
    content = _decode(data)
    if "\x00" in content:
        raise InvalidInput("文件内容无效（不是文本格式的 CSV）。", "The file is not a text CSV file.", field="file")
    first_line = content.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        return list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))
    except csv.Error:
        raise InvalidInput("CSV 文件格式有误（例如引号不配对）。", "The CSV file is malformed (e.g. unbalanced quotes).",
                           field="file") from None


def _xlsx_table(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InvalidInput("不是有效的 Excel（.xlsx）文件。", "This is not a valid Excel (.xlsx) file.", field="file")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign zip
        raise InvalidInput("无法读取该 Excel 文件，请检查文件是否损坏。",
                           "Cannot read this Excel file; check that it is not damaged.", field="file") from None
    try:
        if not workbook.worksheets:
            return []
        rows = []
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 10:  # enough to know there are too many
                break
        return rows
    except Exception:
        raise InvalidInput("无法读取该 Excel 文件，请检查文件是否损坏。",
                           "Cannot read this Excel file; check that it is not damaged.", field="file") from None
    finally:
        workbook.close()


def _table_rows(table: list[list]) -> list[RawRow]:
    """Rows under the header: the first of the first ten rows that has at least two non-blank cells (a title row
    above it, as some exporters write, is skipped)."""
    header_index = next((i for i, row in enumerate(table[:10]) if sum(1 for v in row if cell_text(v)) >= 2), None)
    if header_index is None:
        raise InvalidInput("没有找到表头行。", "No header row was found.", field="file")
    header = [cell_text(v) for v in table[header_index]]
    out = []
    for index, row in enumerate(table[header_index + 1:], start=header_index + 2):
        values = {h: v for h, v in zip(header, row) if h}
        if any(cell_text(v) for v in values.values()):
            out.append(RawRow(index, values))
    return out


def _json_rows(data: bytes) -> list[RawRow]:
    try:
        parsed = json.loads(_decode(data))
    except (json.JSONDecodeError, RecursionError):
        raise InvalidInput("JSON 文件格式有误。", "The JSON file is malformed.", field="file") from None
    if isinstance(parsed, dict):
        parsed = parsed.get("items")
    if not isinstance(parsed, list):
        raise InvalidInput("JSON 应为事项列表，或 {\"items\": [...]}。",
                           "The JSON must be a list of items, or {\"items\": [...]}.", field="file")
    out: list[RawRow] = []
    for number, obj in enumerate(parsed, start=1):
        if not isinstance(obj, dict):
            raise InvalidInput(f"JSON 第 {number} 项不是对象。", f"Item {number} of the JSON is not an object.",
                               field="file")
        materials = obj.get("materials")
        own = {k: v for k, v in obj.items() if k != "materials" and not isinstance(v, dict | list)}
        if isinstance(materials, list) and materials:
            for material in materials:
                if isinstance(material, dict):
                    out.append(RawRow(number, {**own, **{k: v for k, v in material.items()
                                                        if not isinstance(v, dict | list)}}, group=number))
        else:
            out.append(RawRow(number, own, group=number))
    return out


def cell_text(value) -> str:
    """A cell as trimmed text: Excel's 20.0 is "20", True is "1", control characters are dropped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    return FORBIDDEN_IN_TEXT.sub("", str(value)).strip().lstrip("\ufeff").strip()


# ---------------------------------------------------------------- profiles and grouping


@dataclass(frozen=True)
class CatalogueProfile:
    """What the importer needs of an exchange profile: its column names and its item type codes."""

    name: str
    version: int
    title: str
    title_en: str
    columns: dict[str, str]  # our field → upstream column name
    item_types: dict[str, str]  # upstream code → ItemType value

    def column_map(self) -> dict[str, str]:
        """Upstream column name (case and spaces ignored) → our field."""
        return {_norm_header(col): key for key, col in self.columns.items()}


def _norm_header(name) -> str:
    return re.sub(r"\s+", "", cell_text(name)).casefold()


def load_profile_columns(profile_name: str) -> CatalogueProfile:
    """The catalogue section of the named exchange profile (its newest version): an unknown profile, or one
    without a catalogue section, is a 422."""
    profile = profiles.get(profile_name)
    section = profile.catalogue or {}
    columns = dict(section.get("fields") or {})
    if "code" not in columns:
        raise InvalidInput("该数据规范没有事项清单的字段对照。", f"Profile {profile.name} has no catalogue section.",
                           field="profile")
    item_types = dict((section.get("codes") or {}).get("item_type_code") or {})
    if not item_types:  # the national profile keeps A.1 with its outgoing codes: ours → theirs
        item_types = {code: ours for ours, code in (profile.codes.get("item_type") or {}).items()}
    return CatalogueProfile(profile.name, profile.version, profile.title, profile.title_en, columns, item_types)


@dataclass
class ImportItem:
    """The rows of one 实施编码 in the file."""

    code: str
    rows: list[int] = field(default_factory=list)
    values: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # item field → (row, non-blank text)
    materials: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row, material field → text)
    duplicate: bool = False  # the code comes back after other items (or as a second JSON object)


@dataclass
class Grouped:
    items: list[ImportItem]
    orphans: list[int]  # rows without 实施编码 and no item above them
    unknown_columns: list[str]


def group(rows: list[RawRow], profile: CatalogueProfile) -> Grouped:
    """Rows → items by 实施编码, materials collected from each row that names one."""
    mapping = profile.column_map()
    by_code: dict[str, ImportItem] = {}
    order: list[ImportItem] = []
    orphans: list[int] = []
    unknown: dict[str, None] = {}
    current: ImportItem | None = None
    last_group: object = object()
    code_column = False
    for row in rows:
        fields: dict[str, str] = {}
        for column, value in row.values.items():
            key = mapping.get(_norm_header(column))
            if key is None:
                if cell_text(column):
                    unknown.setdefault(cell_text(column)[:50], None)
                continue
            fields[key] = cell_text(value)
        code_column = code_column or "code" in fields
        code = fields.get("code", "")
        new_block = row.group is not None and row.group != last_group
        last_group = row.group
        if not code:
            if current is None or new_block:
                current = None
                if any(fields.values()):
                    orphans.append(row.number)
                continue
            item = current  # merged cells: the item's fields are on its first row only
        elif current is not None and current.code == code and not new_block:
            item = current
        elif code in by_code:
            item = by_code[code]
            item.duplicate = True
        else:
            item = by_code[code] = ImportItem(code)
            order.append(item)
        current = item
        if row.number not in item.rows:
            item.rows.append(row.number)
        for key in ITEM_KEYS:
            if fields.get(key):
                item.values.setdefault(key, []).append((row.number, fields[key]))
        material = {k: fields.get(k, "") for k in MATERIAL_KEYS}
        if any(material.values()):
            item.materials.append((row.number, material))
    if rows and not code_column:
        column = profile.columns["code"]
        raise InvalidInput(f"文件中没有“{column}”（实施编码）列：请核对所选的数据规范与文件的表头是否一致。",
                           f"The file has no “{column}” (implementation code) column: check that the chosen profile "
                           "matches the file's header.", field="profile")
    return Grouped(order, orphans, list(unknown))


# ---------------------------------------------------------------- checking


@dataclass(frozen=True)
class Problem:
    level: str  # ERROR refuses the item, WARNING lets it in with this note
    kind: str  # missing, unknown_code, unknown_unit, not_a_number, limit, vague, duplicate, conflict, unknown_unit_name …
    rows: tuple[int, ...]
    zh: str
    en: str
    code: str = ""  # the item's 实施编码
    field: str = ""

    @property
    def rows_text(self) -> str:
        return ", ".join(str(n) for n in self.rows)


@dataclass
class ItemReport:
    code: str
    name: str
    rows: list[int]
    status: str = NEW  # NEW, CHANGED, UNCHANGED or REFUSED
    problems: list[Problem] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # our fields that differ from the stored item
    publishable: bool = True  # False: imported without a new guide version (see the warnings)
    target: dict = field(default_factory=dict)  # the item as it will be: model fields, conditions, materials
    existing_id: int | None = None

    @property
    def refused(self) -> bool:
        return self.status == REFUSED

    @property
    def change_labels(self) -> list[tuple[str, str]]:
        return [LABELS.get(k, (k, k)) for k in self.changes]


@dataclass
class Report:
    profile: CatalogueProfile
    items: list[ItemReport]
    problems: list[Problem] = field(default_factory=list)  # file-level: rows that belong to no item
    unknown_columns: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in (NEW, CHANGED, UNCHANGED, REFUSED)}

    @property
    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for i in self.items for p in i.problems)]

    @property
    def errors(self) -> int:
        return sum(1 for p in self.all_problems if p.level == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.all_problems if p.level == WARNING)

    @property
    def to_apply(self) -> int:
        return self.count(NEW) + self.count(CHANGED)


class _Checker:
    """Builds one ItemReport: every problem of the item, then what it would become."""

    def __init__(self, item: ImportItem, profile: CatalogueProfile, existing: Item | None,
                 units_by_name: dict[str, list[Unit]], units_by_code: dict[str, list[Unit]]):
        self.item, self.profile, self.existing = item, profile, existing
        self.units_by_name, self.units_by_code = units_by_name, units_by_code
        self.report = ItemReport(code=item.code, name="", rows=sorted(item.rows))

    def problem(self, level: str, kind: str, zh: str, en: str, *, rows=None, field: str = "") -> None:
        rows = tuple(sorted(set(rows))) if rows else tuple(self.report.rows)
        self.report.problems.append(Problem(level, kind, rows, zh, en, code=self.item.code, field=field))

    def error(self, kind: str, zh: str, en: str, **kw) -> None:
        self.problem(ERROR, kind, zh, en, **kw)

    def warn(self, kind: str, zh: str, en: str, **kw) -> None:
        self.problem(WARNING, kind, zh, en, **kw)

    # -- cells

    def value(self, key: str) -> str:
        """The item's value of `key`: the one non-blank text its rows carry; conflicting texts are an error."""
        found = self.item.values.get(key, [])
        distinct = list(dict.fromkeys(text for _, text in found))
        if len(distinct) > 1:
            zh, en = LABELS[key]
            self.error("conflict", f"同一事项的各行“{zh}”不一致（{'、'.join(d[:30] for d in distinct[:3])}）。",
                       f"The rows of this item disagree on the {en}.", rows=[r for r, _ in found], field=key)
        return distinct[0] if distinct else ""

    def rows_of(self, key: str) -> list[int]:
        return [r for r, _ in self.item.values.get(key, [])] or self.report.rows

    def length_ok(self, key: str, text: str, *, rows=None) -> bool:
        limit = MAX_LENGTH[key]
        if len(text) <= limit:
            return True
        zh, en = LABELS[key]
        self.error("too_long", f"“{zh}”超过 {limit} 个字（{len(text)} 个字）。",
                   f"The {en} is longer than {limit} characters ({len(text)}).", rows=rows or self.rows_of(key),
                   field=key)
        return False

    def missing(self, key: str) -> None:
        zh, en = LABELS[key]
        self.error("missing", f"缺少“{zh}”。", f"The {en} is missing.", field=key)

    # -- the parts

    def item_type(self) -> str | None:
        raw = self.value("item_type_code")
        if not raw:
            self.missing("item_type_code")
            return None
        code = raw.zfill(2) if raw.isdigit() and len(raw) == 1 else raw
        found = self.profile.item_types.get(code)
        if found is None:
            known = "、".join(sorted(self.profile.item_types))
            self.error("unknown_code", f"未知的事项类型代码“{raw[:20]}”（可用：{known}）。",
                       f"Unknown item type code “{raw[:20]}” (known: {', '.join(sorted(self.profile.item_types))}).",
                       rows=self.rows_of("item_type_code"), field="item_type_code")
        return found

    def unit(self) -> Unit | None:
        """实施主体 by exact unit name; 实施主体代码 (credit code, or division code) tells same-named units apart, or
        finds the unit when the name is not ours."""
        name, code = self.value("accepting_unit"), self.value("accepting_unit_code")
        if not name and not code:
            self.missing("accepting_unit")
            return None
        by_name = self.units_by_name.get(name, []) if name else []
        by_code = self.units_by_code.get(code, []) if code else []
        both = [u for u in by_name if u in by_code]
        candidates = both or by_name or by_code
        if len(candidates) == 1:
            unit = candidates[0]
            if name and not by_name:
                self.warn("unit_by_code", f"没有名为“{name[:100]}”的单位，按实施主体代码对应到“{unit.name}”。",
                          f"No unit is named “{name[:100]}”; matched to “{unit.name}” by the unit code.",
                          rows=self.rows_of("accepting_unit"), field="accepting_unit")
            return unit
        if candidates:
            self.error("ambiguous_agency", f"有多个名为“{(name or code)[:100]}”的单位，请填写实施主体代码（统一社会信用代码）加以区分。",
                       f"Several units match “{(name or code)[:100]}”; give the accepting unit code (unified social "
                       "credit code) to tell them apart.", rows=self.rows_of("accepting_unit"), field="accepting_unit")
            return None
        shown = name or code
        self.error("unknown_agency", f"找不到实施主体“{shown[:100]}”：请先在单位管理中建立该单位，或核对名称。",
                   f"No unit “{shown[:100]}” was found: add it to the units first, or check the name.",
                   rows=self.rows_of("accepting_unit" if name else "accepting_unit_code"), field="accepting_unit")
        return None

    def limit(self, which: str) -> tuple[int | None, str | None]:
        limit_key, unit_key = f"{which}_limit", f"{which}_unit"
        raw, raw_unit = self.value(limit_key), self.value(unit_key)
        zh, en = LABELS[limit_key]
        if not raw:
            self.missing(limit_key)
            return None, None
        match = _LIMIT_WITH_UNIT.fullmatch(raw.replace(",", ""))
        amount = int(match.group(1)) if match else None
        inline_unit = match.group(2).strip() if match else ""
        if amount is None or (inline_unit and inline_unit.casefold() not in _UNIT_OF) or amount > MAX_LIMIT:
            self.error("not_a_number", f"“{zh}”应为 0–{MAX_LIMIT} 的整数，文件中为“{raw[:20]}”。",
                       f"The {en} must be a whole number 0–{MAX_LIMIT}; the file has “{raw[:20]}”.",
                       rows=self.rows_of(limit_key), field=limit_key)
            return None, None
        word = (raw_unit or inline_unit).casefold()
        if not word:
            self.warn("unit_assumed", f"“{zh}”未注明单位，按工作日导入。",
                      f"The {en} has no unit; imported as working days.", rows=self.rows_of(limit_key), field=unit_key)
            return amount, LimitUnit.WORKDAYS.value
        unit = _UNIT_OF.get(word)
        if unit is None or (raw_unit and inline_unit and _UNIT_OF.get(inline_unit.casefold()) != unit):
            uzh, uen = LABELS[unit_key]
            self.error("unknown_unit", f"无法识别的“{uzh}”“{(raw_unit or inline_unit)[:20]}”（可用：工作日、自然日、小时）。",
                       f"Unknown {uen} “{(raw_unit or inline_unit)[:20]}” (use working days, calendar days or hours).",
                       rows=self.rows_of(unit_key if raw_unit else limit_key), field=unit_key)
            return amount, None
        return amount, unit

    def flag(self, key: str) -> bool | None:
        raw = self.value(key)
        if not raw:
            return None
        found = _FLAG.get(raw.casefold())
        if found is None:
            zh, en = LABELS[key]
            self.warn("unknown_flag", f"“{zh}”应为 1（是）或 0（否），文件中为“{raw[:20]}”，已忽略。",
                      f"The {en} must be 1 (yes) or 0 (no); the file has “{raw[:20]}”, ignored.",
                      rows=self.rows_of(key), field=key)
        return found

    def text(self, key: str) -> str:
        value = self.value(key)
        if key in MAX_LENGTH and not self.length_ok(key, value):
            return value[: MAX_LENGTH[key]]
        return value

    def listed(self, key: str) -> list[str]:
        return split_list(self.value(key))

    def materials(self) -> list[dict] | None:
        """The materials of the file, in order (None when it lists none: the stored ones stay)."""
        out: list[dict] = []
        seen: set[str] = set()
        for row, raw in self.item.materials:
            name = raw["material_name"]
            if not name:
                self.warn("unnamed_material", "该行有材料信息但没有材料名称，已忽略。",
                          "This row has material details but no material name; ignored.", rows=[row],
                          field="material_name")
                continue
            self.length_ok("material_name", name, rows=[row])
            if name in seen:
                self.warn("duplicate_material", f"材料“{name[:50]}”重复出现，只导入第一次。",
                          f"The material “{name[:50]}” is listed twice; imported once.", rows=[row],
                          field="material_name")
                continue
            seen.add(name)
            material: dict = {"name": name, "row": row}
            if raw["material_source"]:
                self.length_ok("material_source", raw["material_source"], rows=[row])
                material["source"] = raw["material_source"]
            required = raw["material_required"]
            if required:
                flag = _FLAG.get(required.casefold())
                if flag is None:
                    self.warn("unknown_flag", f"材料“{name[:50]}”的“是否必备材料”应为 1 或 0，已忽略。",
                              f"“Required material” of “{name[:50]}” must be 1 or 0; ignored.", rows=[row],
                              field="material_required")
                else:
                    material["role"] = Material.Role.MAIN.value if flag else Material.Role.SUPPORTING.value
            counts = []
            for key in ("material_originals", "material_copies"):
                raw_count = raw[key]
                if not raw_count:
                    counts.append(None)
                    continue
                number = raw_count.removesuffix("份").strip().removesuffix(".0")
                if not number.isdigit() or int(number) > 99:
                    zh, en = LABELS[key]
                    self.warn("not_a_number", f"材料“{name[:50]}”的“{zh}”应为 0–99 的整数，已忽略。",
                              f"The {en} of “{name[:50]}” must be a whole number 0–99; ignored.", rows=[row], field=key)
                    counts.append(None)
                else:
                    counts.append(int(number))
            originals, copies = counts
            if originals or copies:
                if originals and copies:
                    material["form"], material["count"] = Material.Form.BOTH.value, max(originals, copies)
                elif originals:
                    material["form"], material["count"] = Material.Form.ORIGINAL.value, originals
                else:
                    material["form"], material["count"] = Material.Form.COPY.value, copies
            out.append(material)
        return out or None

    # -- the whole item

    def run(self) -> ItemReport:
        item, report = self.item, self.report
        if item.duplicate:
            self.error("duplicate", f"实施编码“{item.code}”在文件中出现了不止一次（不相邻的行或重复的条目）。",
                       f"The implementation code “{item.code}” appears more than once in the file.")
        self.length_ok("code", item.code)
        name = self.text("name")
        report.name = name or (self.existing.name if self.existing else "")
        if not name:
            self.missing("name")
        basic_code = self.text("basic_code")
        if not basic_code:
            self.missing("basic_code")
        item_type = self.item_type()
        unit = self.unit()
        statutory, statutory_unit = self.limit("statutory")
        committed, committed_unit = self.limit("committed")
        err = validators.limit_error(statutory, statutory_unit, committed, committed_unit)
        if err:
            self.error("limit", err.zh, err.en, rows=self.rows_of("committed_limit"), field="committed_limit")
        fields: dict = {"name": name, "basic_code": basic_code, "item_type": item_type, "accepting_unit": unit,
                        "statutory_limit": statutory, "statutory_unit": statutory_unit,
                        "committed_limit": committed, "committed_unit": committed_unit}
        for key in ("legal_basis", "fee_basis", "consult_phone", "supervision_phone"):
            text = self.text(key)
            if text:
                fields[key] = text
        procedure = self.listed("procedure")
        if procedure:
            fields["procedure"] = procedure
        for key in ("bookable", "online"):
            flag = self.flag(key)
            if flag is not None:
                fields[key] = flag
        fee = self.flag("fee")
        if fee is not None:
            current = self.existing.fee_standard if self.existing else FEE_FREE
            fields["fee_standard"] = FEE_FREE if not fee else (FEE_CHARGED if current == FEE_FREE else current)
        conditions = self.listed("conditions") or None
        for text in conditions or []:
            self.length_ok("condition", text, rows=self.rows_of("conditions"))
        materials = self.materials()
        if any(p.level == ERROR for p in report.problems):
            report.status = REFUSED
            return report
        report.target = self.target(fields, conditions, materials)
        self.publication()
        self.compare()
        return report

    def target(self, fields: dict, conditions: list[str] | None, materials: list[dict] | None) -> dict:
        """The item as it will be after the import: the file's values over the stored ones."""
        existing = self.existing
        values = dict(fields)
        if existing is None:
            values.setdefault("channels", [Channel.WINDOW.value])
            values["handling_type"] = (HandlingType.INSTANT.value if values["committed_limit"] == 0
                                       else HandlingType.COMMITTED.value)
        if "online" in values:
            channels = list(values.get("channels") or (existing.channels if existing else []) or [])
            if values["online"] and Channel.ONLINE.value not in channels:
                channels.append(Channel.ONLINE.value)
            if not values["online"] and Channel.ONLINE.value in channels:
                channels.remove(Channel.ONLINE.value)
            values["channels"] = channels
        if conditions is None:
            conditions = [c.text for c in existing.conditions.all()] if existing else []
        stored = {m.name: m for m in existing.materials.all()} if existing else {}
        if materials is None:
            target_materials = [_material_values(m) for m in stored.values()]
        else:
            target_materials = []
            for material in materials:
                base = _material_values(stored[material["name"]]) if material["name"] in stored else {
                    "name": material["name"], "role": Material.Role.MAIN.value,
                    "form": Material.Form.ORIGINAL.value, "count": 1, "source": ""}
                base.update({k: v for k, v in material.items() if k in base})
                base["row"] = material["row"]
                target_materials.append(base)
        return {"fields": values, "conditions": conditions, "materials": target_materials}

    def publication(self) -> None:
        """Warnings for what keeps the guide from being published (catalog.validators' rules)."""
        target, report = self.report.target, self.report
        conditions, materials = target["conditions"], target["materials"]
        blockers = 0
        if not conditions:
            blockers += 1
            self.warn("no_conditions", "没有受理条件：事项将导入，但须补充受理条件后才能发布指南。",
                      "No conditions: the item is imported, but its guide cannot be published until they are added.",
                      field="conditions")
        if not materials:
            blockers += 1
            self.warn("no_materials", "没有申请材料：事项将导入，但须补充申请材料后才能发布指南。",
                      "No materials: the item is imported, but its guide cannot be published until they are added.",
                      field="material_name")
        for index, text in enumerate(conditions, 1):
            err = validators.condition_error(text, index)
            if err:
                blockers += 1
                self.warn("vague", f"{err.zh}事项将导入，但暂不发布新版指南。",
                          f"{err.en} The item is imported without publishing a new guide version.",
                          rows=self.rows_of("conditions"), field="conditions")
        for index, material in enumerate(materials, 1):
            err = validators.material_error(material["name"], index)
            if err:
                blockers += 1
                self.warn("vague", f"{err.zh}事项将导入，但暂不发布新版指南。",
                          f"{err.en} The item is imported without publishing a new guide version.",
                          rows=[material["row"]] if material.get("row") else None, field="material_name")
        report.publishable = blockers == 0

    def compare(self) -> None:
        report, existing = self.report, self.existing
        if existing is None:
            report.status = NEW
            return
        report.existing_id = existing.pk
        fields = report.target["fields"]
        changes = []
        for key, value in fields.items():
            stored = existing.accepting_unit_id if key == "accepting_unit" else getattr(existing, key)
            if key == "accepting_unit":
                value = value.pk
            if stored != value:
                changes.append("accepting_unit" if key == "accepting_unit" else _change_key(key))
        if report.target["conditions"] != [c.text for c in existing.conditions.all()]:
            changes.append("conditions")
        if [_comparable(m) for m in report.target["materials"]] != [
                _comparable(_material_values(m)) for m in existing.materials.all()]:
            changes.append("materials")
        report.changes = list(dict.fromkeys(changes))
        report.status = CHANGED if changes else UNCHANGED


def _change_key(model_field: str) -> str:
    """The label key of a changed model field (item_type is shown as its code's label, fee_standard as 是否收费)."""
    return {"item_type": "item_type_code", "fee_standard": "fee", "channels": "online",
            "handling_type": "committed_limit"}.get(model_field, model_field)



def _material_values(m: Material) -> dict:
    return {"name": m.name, "role": m.role, "form": m.form, "count": m.count, "source": m.source}


def _comparable(m: dict) -> tuple:
    return (m["name"], m["role"], m["form"], m["count"], m["source"])


def split_list(text: str) -> list[str]:
    """An itemised list from one cell: lines, semicolons or arrows, leading numbers removed."""
    out = []
    for part in _SPLIT.split(text or ""):
        part = _NUMBERING.sub("", part.strip()).strip().rstrip("。").strip() if part.strip() else ""
        if part:
            out.append(part)
    return out


def _units_by_code(codes: set[str]) -> dict[str, list[Unit]]:
    """Units by 实施主体代码: the unified social credit code (GB 32100) Table 4 means, or a 9-digit division code."""
    fields = [f for f in ("credit_code", "division_code") if any(x.name == f for x in Unit._meta.get_fields())]
    found: dict[str, list[Unit]] = {}
    if not codes:
        return found
    query = Q()
    for name in fields:
        query |= Q(**{f"{name}__in": codes})
    for unit in Unit.objects.filter(query):
        for name in fields:
            value = getattr(unit, name)
            if value in codes and unit not in found.setdefault(value, []):
                found[value].append(unit)
    return found


def check(grouped: Grouped | list[ImportItem], profile: CatalogueProfile) -> Report:
    """The dry run: every item's problems and what importing it would do. Reads the database, writes nothing."""
    if isinstance(grouped, list):
        grouped = Grouped(grouped, [], [])
    codes = [i.code for i in grouped.items]
    existing = {i.code: i for i in Item.objects.filter(code__in=codes).select_related("accepting_unit")
                .prefetch_related("conditions", "materials")}
    names = {t for i in grouped.items for _, t in i.values.get("accepting_unit", [])}
    units_by_name: dict[str, list[Unit]] = {}
    for unit in Unit.objects.filter(name__in=names):
        units_by_name.setdefault(unit.name, []).append(unit)
    units_by_code = _units_by_code({t for i in grouped.items for _, t in i.values.get("accepting_unit_code", [])})
    items = [_Checker(i, profile, existing.get(i.code), units_by_name, units_by_code).run() for i in grouped.items]
    problems = []
    if grouped.orphans:
        problems.append(Problem(ERROR, "missing", tuple(grouped.orphans), "该行缺少“实施编码”，已跳过。",
                                "This row has no implementation code; skipped.", field="code"))
    if not grouped.items and not grouped.orphans:
        problems.append(Problem(ERROR, "no_items", (), "文件中没有可识别的事项：请核对所选数据规范与表头是否一致。",
                                "No items were found in the file: check that the chosen profile matches its header."))
    return Report(profile, items, problems, grouped.unknown_columns)


# ---------------------------------------------------------------- applying


@dataclass
class Applied:
    code: str
    name: str
    status: str  # NEW or CHANGED (refused and unchanged items are not written)
    item_id: int
    version: int | None  # the guide version published, None when the guide could not be published yet
    note_zh: str = ""
    note_en: str = ""


@dataclass
class ApplyResult:
    report: Report
    applied: list[Applied]

    @property
    def published(self) -> int:
        return sum(1 for a in self.applied if a.version)

    @property
    def unpublished(self) -> list[Applied]:
        return [a for a in self.applied if not a.version]


def _note(profile: CatalogueProfile) -> str:
    return f"上游事项清单导入（{profile.name} v{profile.version}）"


@transaction.atomic
def apply(grouped: Grouped | list[ImportItem], report: Report, user=None) -> ApplyResult:
    """Write the accepted items of a checked file in one transaction: create the new ones, update the changed ones,
    and publish a new guide version of each whose guide may be published. Refused and unchanged items are left
    alone; published versions are never edited (a change is a new version)."""
    from bianmin.core.models import AuditLog

    applied: list[Applied] = []
    for entry in report.items:
        if entry.status not in (NEW, CHANGED):
            continue
        values = entry.target["fields"]
        if entry.status == NEW:
            item = Item(code=entry.code)
        else:
            item = Item.objects.select_for_update().get(pk=entry.existing_id)
        for key, value in values.items():
            setattr(item, key, value)
        item.save()
        if entry.status == NEW or "conditions" in entry.changes:
            _sync_conditions(item, entry.target["conditions"])
        if entry.status == NEW or "materials" in entry.changes:
            _sync_materials(item, entry.target["materials"])
        version, note_zh, note_en = None, "", ""
        if entry.publishable:
            try:
                version = publish_guide(item, user=user if getattr(user, "pk", None) else None,
                                        note=_note(report.profile)).number
            except DomainError as exc:  # a rule added to validate_item_guide later still reaches the manager
                note_zh, note_en = exc.zh, exc.en
        else:
            note_zh, note_en = "未发布新版指南：请在后台修改后发布。", "No new guide version: edit it in the back office, then publish."
        applied.append(Applied(entry.code, item.name, entry.status, item.pk, version, note_zh, note_en))
    if applied:
        counts = report.counts
        AuditLog.objects.create(
            actor=user if getattr(user, "pk", None) else None, action="catalogue_import", object_type="catalog.Item",
            reason=(f"{report.profile.name} v{report.profile.version}: new {counts[NEW]}, changed {counts[CHANGED]}, "
                    f"unchanged {counts[UNCHANGED]}, refused {counts[REFUSED]}")[:500])
    return ApplyResult(report, applied)


def _sync_conditions(item: Item, texts: list[str]) -> None:
    item.conditions.all().delete()
    Condition.objects.bulk_create([Condition(item=item, order=i, text=t) for i, t in enumerate(texts, 1)])


def _sync_materials(item: Item, materials: list[dict]) -> None:
    """Materials by name: a kept one keeps its template file and common mistakes; one the file no longer lists goes."""
    stored = {m.name: m for m in item.materials.all()}
    gone = [m.pk for name, m in stored.items() if name not in {v["name"] for v in materials}]
    if gone:
        Material.objects.filter(pk__in=gone).delete()
    added = []
    for order, values in enumerate(materials, 1):
        wanted = {"order": order, **{key: values[key] for key in ("role", "form", "count", "source")}}
        material = stored.get(values["name"])
        if material is None:
            added.append(Material(item=item, name=values["name"], **wanted))
        elif any(getattr(material, key) != value for key, value in wanted.items()):
            for key, value in wanted.items():
                setattr(material, key, value)
            material.save(update_fields=list(wanted))
    Material.objects.bulk_create(added)


# ---------------------------------------------------------------- one call for the page and the command


def dry_run(source, profile_name: str, fmt: str | None = None) -> tuple[Grouped, Report]:
    profile = load_profile_columns(profile_name)
    grouped = group(read_rows(source, fmt), profile)
    return grouped, check(grouped, profile)
