"""Third-party assessment results (第三方评估), imported from a CSV or Excel file (SPEC §5).

The file has one header row and one row per assessed unit and period:

    单位, 评估期起, 评估期止, 得分, 评估意见
    990101000, 2025-01-01, 2025-06-30, 92.50, 窗口服务规范

`单位` is the unit's 9-digit 行政区划代码 or its exact name; `评估意见` may be left out. English headers
(unit, period_start, period_end, score, remark) are accepted too. Every row is checked and every
problem is reported with its row number (the row number Excel shows, the header being row 1); the
import is all or nothing, in one transaction.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import QuerySet

from bianmin.core.errors import DomainError, InvalidInput, PermissionDenied
from bianmin.core.inputs import text as clean_text
from bianmin.orgs.models import Unit
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can

from .feedback_scope import path_in_scope
from .models import AssessmentImport, AssessmentResult

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_REMARK = 500

# Canonical column → the header texts accepted for it.
COLUMNS = {
    "unit": ("单位", "unit"),
    "period_start": ("评估期起", "period_start"),
    "period_end": ("评估期止", "period_end"),
    "score": ("得分", "score"),
    "remark": ("评估意见", "remark"),
}
REQUIRED = ("unit", "period_start", "period_end", "score")
LABELS = {"unit": ("单位", "unit"), "period_start": ("评估期起", "period start"),
          "period_end": ("评估期止", "period end"), "score": ("得分", "score"), "remark": ("评估意见", "remark")}
TEMPLATE_HEADER = [COLUMNS[c][0] for c in COLUMNS]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    zh: str
    en: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.zh, "message_en": self.en}


class FileTooLarge(DomainError):
    status = 413
    code = "too_large"


class RowsRejected(InvalidInput):
    """The file was read but some rows are wrong: nothing is stored, every problem is listed."""

    code = "invalid_rows"

    def __init__(self, errors: list[RowError]):
        n = len(errors)
        super().__init__(f"文件中有 {n} 处错误，未导入任何数据，请修改后重新上传。",
                         f"The file has {n} error(s); nothing was imported. Fix them and upload again.")
        self.errors = errors

    def as_dict(self) -> dict:
        return {**super().as_dict(), "errors": [e.as_dict() for e in self.errors]}


# ---------------------------------------------------------------- reading the file

def _read_bytes(uploaded_file) -> tuple[str, bytes]:
    if uploaded_file is None:
        raise InvalidInput("请选择要导入的文件。", "Choose a file to import.", field="file")
    name = (getattr(uploaded_file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise FileTooLarge("文件过大（上限 2 MB）。", "File too large (limit 2 MB).", field="file")
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileTooLarge("文件过大（上限 2 MB）。", "File too large (limit 2 MB).", field="file")
    if not data.strip():
        raise InvalidInput("文件是空的。", "The file is empty.", field="file")
    return name or "upload", data


def _decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput("不支持 UTF-16 编码的文件，请另存为“CSV UTF-8”或 Excel（.xlsx）。",
                           "UTF-16 files are not supported; save as CSV UTF-8 or Excel (.xlsx).", field="file")
    for encoding in ("utf-8", "gb18030"):  # GB18030 reads every GBK file
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("无法识别文件编码，请另存为“CSV UTF-8”或 GBK 编码的 CSV。",
                       "Cannot read the file's encoding; save it as CSV in UTF-8 or GBK.", field="file")


def _csv_rows(data: bytes) -> list[list]:
    content = _decode_csv(data)
    if "\x00" in content:
        raise InvalidInput("文件内容无效（不是文本格式的 CSV）。", "The file is not a text CSV file.", field="file")
    first_line = content.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        return [row for row in csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)]
    except csv.Error:
        raise InvalidInput("CSV 文件格式有误（例如引号不配对）。", "The CSV file is malformed (e.g. unbalanced quotes).",
                           field="file") from None


def _xlsx_rows(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InvalidInput("不是有效的 Excel（.xlsx）文件。", "This is not a valid Excel (.xlsx) file.", field="file")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise InvalidInput("无法读取该 Excel 文件，请检查文件是否损坏。",
                           "Cannot read this Excel file; check that it is not damaged.", field="file") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return []
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 50:  # enough to know there are too many; stop reading
                break
        return rows
    finally:
        workbook.close()


def read_rows(name: str, data: bytes) -> list[list]:
    lower = name.lower()
    if lower.endswith((".csv", ".txt")):
        return _csv_rows(data)
    if lower.endswith(".xlsx"):
        return _xlsx_rows(data)
    if lower.endswith(".xls"):
        raise InvalidInput("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV。",
                           "Old Excel (.xls) files are not supported; save as .xlsx or CSV.", field="file",
                           code="unsupported_type")
    raise InvalidInput("文件类型应为 CSV（.csv）或 Excel（.xlsx）。", "The file must be CSV (.csv) or Excel (.xlsx).",
                       field="file", code="unsupported_type")


# ---------------------------------------------------------------- checking cells

def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lstrip("\ufeff")


def _is_blank(row: list) -> bool:
    return all(_cell_text(v) == "" for v in row)


_DATE_PATTERNS = [re.compile(p) for p in (
    r"(\d{4})-(\d{1,2})-(\d{1,2})", r"(\d{4})/(\d{1,2})/(\d{1,2})", r"(\d{4})\.(\d{1,2})\.(\d{1,2})",
    r"(\d{4})年(\d{1,2})月(\d{1,2})日?", r"(\d{4})(\d{2})(\d{2})",
)]


def parse_date(value) -> dt.date | None:
    """A date cell: an Excel date, or text written 2025-01-31, 2025/1/31, 2025.1.31, 2025年1月31日, 20250131
    (a time of day after the date, as Excel writes it, is ignored)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = _cell_text(value)
    raw = raw.split(" ", 1)[0].split("T", 1)[0]
    for pattern in _DATE_PATTERNS:
        m = pattern.fullmatch(raw)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return None
    return None


def parse_score(value) -> Decimal | None:
    """0–100 with at most two decimals ("92.5", "92.50", "92.5分"); None when it is not such a number."""
    if isinstance(value, bool):
        return None
    raw = _cell_text(value) if not isinstance(value, float) else repr(value)
    raw = raw.removesuffix("分").strip()
    if not raw or len(raw) > 20:
        return None
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return None
    if not number.is_finite() or (number.as_tuple().exponent < -2 and number != number.quantize(Decimal("0.01"))):
        return None
    if not Decimal(0) <= number <= Decimal(100):
        return None
    return number.quantize(Decimal("0.01"))


# ---------------------------------------------------------------- the import

def _header_map(header: list, row: int) -> tuple[dict[str, int], list[RowError]]:
    wanted = {alias.lower(): key for key, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    errors = []
    for index, cell in enumerate(header):
        key = wanted.get(_cell_text(cell).lower())
        if key is None:
            continue
        if key in found:
            zh, en = LABELS[key]
            errors.append(RowError(row, zh, f"表头中“{zh}”列重复。", f"The header has the column \"{en}\" twice."))
        found[key] = index
    missing = [LABELS[k] for k in REQUIRED if k not in found]
    if missing:
        errors.append(RowError(
            row, "", "缺少必填列：" + "、".join(zh for zh, _ in missing) + "（表头应为：" + "、".join(TEMPLATE_HEADER) + "）。",
            "Missing column(s): " + ", ".join(en for _, en in missing) + " (header: " + ", ".join(TEMPLATE_HEADER) + ")."))
    return found, errors


def _lookup_units(keys: set[str]) -> dict[str, list[Unit]]:
    """Units named by code or exact name, in chunks (SQLite's variable limit)."""
    codes = [k for k in keys if re.fullmatch(r"\d{9}", k)]
    names = [k for k in keys if k not in codes]
    found: dict[str, list[Unit]] = {k: [] for k in keys}
    for field, values in (("division_code", codes), ("name", names)):
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            for unit in Unit.objects.filter(**{f"{field}__in": chunk}):
                found[getattr(unit, field)].append(unit)
    return found


def _resolve_unit(key: str, candidates: list[Unit], user, row: int) -> tuple[Unit | None, RowError | None]:
    column = "单位"
    if not key:
        return None, RowError(row, column, "请填写单位（行政区划代码或单位全称）。", "Unit is required (division code or full name).")
    if len(key) > 100:
        return None, RowError(row, column, "单位名称过长。", "Unit name too long.")
    in_scope = [u for u in candidates if path_in_scope(user, Perm.SURVEY, u.path)]
    if len(in_scope) == 1:
        return in_scope[0], None
    if len(in_scope) > 1:
        other = "单位全称" if re.fullmatch(r"\d{9}", key) else "行政区划代码"
        return None, RowError(row, column, f"“{key}”对应多个单位，请改用{other}区分。",
                              f"\"{key}\" matches several units; name the unit by its "
                              f"{'full name' if other == '单位全称' else 'division code'} instead.")
    if candidates:
        return None, RowError(row, column, f"单位“{key}”不在您的管辖范围内。", f"Unit \"{key}\" is outside your scope.")
    return None, RowError(row, column, f"找不到单位“{key}”（应为 9 位行政区划代码或单位全称）。",
                          f"No unit \"{key}\" (use the 9-digit division code or the exact unit name).")


def check_rows(rows: list[list], user) -> tuple[list[dict], list[RowError]]:
    """Validate every data row; return (clean rows, errors)."""
    # The header is the first row naming the 单位 column within the first ten rows (a title line above
    # it, as Excel reports often have, is skipped), else the first non-empty row. Row numbers count
    # from the top of the file, as Excel shows them.
    filled = [i for i, row in enumerate(rows) if not _is_blank(row)]
    if not filled:
        raise InvalidInput("文件中没有内容。", "The file has no content.", field="file")
    unit_names = {alias.lower() for alias in COLUMNS["unit"]}
    start = next((i for i in filled[:10] if any(_cell_text(v).lower() in unit_names for v in rows[i])), filled[0])
    columns, errors = _header_map(rows[start], start + 1)
    if errors:
        raise RowsRejected(errors)
    data = [(number, row) for number, row in enumerate(rows[start + 1:], start=start + 2) if not _is_blank(row)]
    if not data:
        raise InvalidInput("文件中只有表头，没有数据行。", "The file has a header but no data rows.", field="file")
    if len(data) > MAX_ROWS:
        raise InvalidInput(f"数据行过多（上限 {MAX_ROWS} 行），请分成多个文件导入。",
                           f"Too many rows (limit {MAX_ROWS}); split the file.", field="file", code="too_many_rows")

    def cell(row: list, key: str):
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    units = _lookup_units({_cell_text(cell(row, "unit")) for _, row in data} - {""})
    clean, seen = [], {}
    for number, row in data:
        key = _cell_text(cell(row, "unit"))
        unit, problem = _resolve_unit(key, units.get(key, []), user, number)
        row_errors = [problem] if problem else []
        dates = {}
        for field in ("period_start", "period_end"):
            zh, en = LABELS[field]
            raw = cell(row, field)
            if _cell_text(raw) == "":
                row_errors.append(RowError(number, zh, f"请填写{zh}。", f"{en.capitalize()} is required."))
                continue
            day = parse_date(raw)
            if day is None:
                row_errors.append(RowError(number, zh, f"{zh}“{_cell_text(raw)[:20]}”不是有效日期（如 2025-01-31）。",
                                           f"{en.capitalize()} \"{_cell_text(raw)[:20]}\" is not a valid date "
                                           "(e.g. 2025-01-31)."))
            else:
                dates[field] = day
        if len(dates) == 2 and dates["period_start"] > dates["period_end"]:
            row_errors.append(RowError(number, "评估期起", "评估期起不能晚于评估期止。",
                                       "The period start is after the period end."))
        raw_score = cell(row, "score")
        score = parse_score(raw_score)
        if _cell_text(raw_score) == "":
            row_errors.append(RowError(number, "得分", "请填写得分。", "Score is required."))
        elif score is None:
            row_errors.append(RowError(number, "得分", f"得分“{_cell_text(raw_score)[:20]}”无效：应为 0 到 100 之间、"
                                       "最多两位小数的数字。", f"Score \"{_cell_text(raw_score)[:20]}\" must be a number "
                                       "from 0 to 100 with at most two decimals."))
        remark = _cell_text(cell(row, "remark"))
        if len(remark) > MAX_REMARK:
            row_errors.append(RowError(number, "评估意见", f"评估意见过长（最多 {MAX_REMARK} 字）。",
                                       f"Remark too long (max {MAX_REMARK} characters)."))
        if unit is not None and len(dates) == 2:
            twin = (unit.pk, dates["period_start"], dates["period_end"])
            if twin in seen:
                row_errors.append(RowError(number, "单位", f"与第 {seen[twin]} 行重复（同一单位、同一评估期）。",
                                           f"Duplicates row {seen[twin]} (same unit and period)."))
            else:
                seen[twin] = number
        if row_errors:
            errors.extend(row_errors)
        else:
            clean.append({"unit": unit, "period_start": dates["period_start"], "period_end": dates["period_end"],
                          "score": score, "remark": remark})
    return clean, errors


def import_assessments(actor, uploaded_file, assessor) -> AssessmentImport:
    """Import one file of assessment results for units in the actor's SURVEY scope; all or nothing."""
    if not can(actor, Perm.SURVEY):
        raise PermissionDenied("您无权导入第三方评估结果。", "You may not import assessment results.")
    assessor = clean_text({"assessor": assessor}, "assessor", "评估机构", "Assessor", max_len=100)
    name, data = _read_bytes(uploaded_file)
    rows = read_rows(name, data)
    clean, errors = check_rows(rows, actor)
    if errors:
        raise RowsRejected(errors)
    with transaction.atomic():
        batch = AssessmentImport.objects.create(file_name=name, assessor=assessor, imported_by=actor,
                                                row_count=len(clean))
        AssessmentResult.objects.bulk_create([AssessmentResult(batch=batch, **row) for row in clean], batch_size=500)
    return batch


# ---------------------------------------------------------------- reading back

def visible_results(user) -> QuerySet[AssessmentResult]:
    return (AssessmentResult.objects.for_user(user, Perm.SURVEY)
            .select_related("unit", "batch"))


def visible_imports(user) -> QuerySet[AssessmentImport]:
    """Imports with at least one result the user may see (an import belongs to no unit itself)."""
    return (AssessmentImport.objects.filter(pk__in=visible_results(user).values("batch_id"))
            .select_related("imported_by").order_by("-imported_at", "-id"))


def template_csv() -> bytes:
    """The downloadable template: UTF-8 with a BOM so that Excel shows the Chinese header correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    # Header only: an example row left in by mistake would be imported as a real result.
    writer.writerow(TEMPLATE_HEADER)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
