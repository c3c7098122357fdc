"""Checks for values from forms and JSON bodies: each failure is an InvalidInput naming the field,
with the message in Chinese and English (so bad input is a clear 422, never a 500)."""
from __future__ import annotations

import datetime as dt

from .errors import InvalidInput

MAX_TEXT = 2000
MAX_LIST = 30

def text(data: dict, key: str, zh: str, en: str, *, required: bool = True, max_len: int = MAX_TEXT) -> str:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(f"请填写{zh}。", f"{en} is required.", field=key)
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{zh}应为文字。", f"{en} must be text.", field=key)
    value = value.strip()
    if len(value) > max_len:
        raise InvalidInput(f"{zh}过长（最多 {max_len} 字）。", f"{en} is too long (max {max_len} characters).", field=key)
    return value


def integer(data: dict, key: str, zh: str, en: str, *, lo: int = 1, hi: int = 365, default: int | None = None) -> int:
    value = data.get(key, default)
    if value is None or value == "":
        raise InvalidInput(f"请填写{zh}。", f"{en} is required.", field=key)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{zh}应为整数。", f"{en} must be a whole number.", field=key) from None
    if not lo <= number <= hi:
        raise InvalidInput(f"{zh}应在 {lo} 到 {hi} 之间。", f"{en} must be between {lo} and {hi}.", field=key)
    return number


def date(data: dict, key: str, zh: str, en: str, *, required: bool = True) -> dt.date | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise InvalidInput(f"请填写{zh}。", f"{en} is required.", field=key)
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{zh}格式应为 YYYY-MM-DD。", f"{en} must be a date written YYYY-MM-DD.", field=key) from None


def text_list(data: dict, key: str, zh: str, en: str, *, required: bool = True) -> list[str]:
    value = data.get(key)
    if isinstance(value, str):
        value = [line for line in value.replace("；", "\n").replace(";", "\n").splitlines()]
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{zh}应为文字列表。", f"{en} must be a list of texts.", field=key)
    items = [v.strip() for v in value if v.strip()]
    if required and not items:
        raise InvalidInput(f"请逐项列出{zh}。", f"List each of the {en}.", field=key)
    if len(items) > MAX_LIST or any(len(v) > 200 for v in items):
        raise InvalidInput(f"{zh}过多或过长。", f"Too many or too long {en}.", field=key)
    return items


def choice(data: dict, key: str, choices, zh: str, en: str) -> str:
    value = data.get(key)
    if value not in choices.values:
        options = "、".join(str(label) for label in choices.labels)
        raise InvalidInput(f"请选择{zh}（{options}）。", f"Choose a valid {en}: {', '.join(choices.values)}.", field=key)
    return value
