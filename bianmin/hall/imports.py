"""Reading a clock-in machine's export (CSV or .xlsx) into rows of (row number, work id, time) for
hall.services.import_punches. The file formats are read by the same code as the assessment import
(bianmin.ratings.assessments.read_rows: encodings, delimiters, old .xls refused)."""
from __future__ import annotations

from bianmin.core.errors import InvalidInput, TooLarge

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
WORK_ID_HEADERS = ("work_id", "工号", "人员编号", "编号")
TIME_HEADERS = ("time", "at", "时间", "打卡时间", "考勤时间")


def _norm(value) -> str:
    return str(value or "").strip().lower()


def rows_of_file(uploaded) -> list[tuple[int, object, object]]:
    from bianmin.ratings.assessments import read_rows

    if uploaded is None:
        raise InvalidInput("请选择要导入的文件。", "Choose a file to import.", field="file")
    if uploaded.size and uploaded.size > MAX_BYTES:
        raise TooLarge("文件过大（上限 5 MB）。", "File too large (limit 5 MB).", field="file")
    data = uploaded.read(MAX_BYTES + 1)
    if not data.strip():
        raise InvalidInput("文件是空的。", "The file is empty.", field="file")
    rows = read_rows(uploaded.name or "", data)
    if len(rows) > MAX_ROWS + 1:
        raise InvalidInput(f"行数过多（最多 {MAX_ROWS} 行）。", f"Too many rows (at most {MAX_ROWS}).", field="file")
    work_col, time_col, first = 0, 1, 1
    if rows:
        header = [_norm(v) for v in rows[0]]
        found_work = next((i for i, h in enumerate(header) if h in WORK_ID_HEADERS), None)
        found_time = next((i for i, h in enumerate(header) if h in TIME_HEADERS), None)
        if found_work is not None and found_time is not None:
            work_col, time_col, first = found_work, found_time, 2
        elif found_work is not None or found_time is not None:
            raise InvalidInput("表头应包含 work_id（工号）和 time（时间）两列。",
                               "The header must have the columns work_id and time.", field="file")
        else:
            first = 1  # no header: the first two columns are work id and time
    out = []
    for number, row in enumerate(rows[first - 1:], start=first):
        cells = list(row) + [None, None]
        if all(_norm(v) == "" for v in row):
            continue  # blank lines at the end of a sheet
        out.append((number, cells[work_col], cells[time_col]))
    return out
