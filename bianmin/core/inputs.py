"""Checks for values from forms and JSON bodies: each failure is an InvalidInput naming the field,
with the message in Chinese and English (so bad input is a clear 422, never a 500).

The end of the module holds the rules every input meets whatever the endpoint (issue 14, "safe with every
input"): no control characters in any text, integers within what a database column holds, page numbers that
stay small. They are applied once, at the boundary — core.middleware.InputBoundaryMiddleware for texts and
sizes, the API's operation decorator (bianmin/api.py) for integers — so no view has to remember them."""
from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Iterator

from pydantic import BaseModel

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


# ---------------------------------------------------------------- the boundary: rules for every input

# No text field may hold C0 control characters other than tab, line feed and carriage return, nor DEL: nobody
# types them, PostgreSQL text cannot store NUL at all (SQLite can, and the answer must not depend on the
# database), and XML — Open311's other format, exports — cannot carry the C0 ones. Lone UTF-16 surrogates (a
# JSON "\ud800") cannot be encoded for any database either.
FORBIDDEN_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

# An integer from outside must fit the widest integer column, a signed 64-bit one (every id is a BigAutoField):
# SQLite cannot bind a larger one and PostgreSQL's bigint cannot hold it. Narrower limits are each field's own.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1

# A page number of an HTML list: page × page size stays far inside a 64-bit OFFSET.
MAX_PAGE = 2**31 - 1


_MOBILE = re.compile(r"1[3-9]\d{9}")


def mobile_number(value, *, field: str = "phone", required: bool = False) -> str:
    """A mainland mobile number, as typed (spaces, dashes and +86 dropped), for the text messages sent to it
    (appointment confirmations, queue reminders); "" when none was given and none is required."""
    raw = value if isinstance(value, str) else ("" if value is None else None)
    if raw is None:
        raise InvalidInput("请输入 11 位手机号码。", "Enter an 11-digit mobile number.", field=field)
    phone = re.sub(r"[\s-]", "", raw).removeprefix("+86")
    if not phone and not required:
        return ""
    if not _MOBILE.fullmatch(phone):
        raise InvalidInput("请输入 11 位手机号码。", "Enter an 11-digit mobile number.", field=field)
    return phone


def object_id(raw) -> int | None:
    """An id from a query string or a form (a positive integer that fits a 64-bit column), or None: callers treat
    None as "no such object" (404), never as an error of their own."""
    with contextlib.suppress(TypeError, ValueError):
        value = int(str(raw))
        if 0 < value < 2**63:
            return value
    return None


def leaves(data, path: str = "") -> Iterator[tuple[str, object]]:
    """(field path, value) for every scalar in a JSON-like value or a validated schema, and for every dict key
    (a key is text too). Paths read like the input: `caller.name`, `materials.0`. Iterative, so a deeply nested
    body cannot exhaust the stack."""
    stack = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, BaseModel):
            fields = type(value).model_fields
            children = [(field.alias or name, getattr(value, name)) for name, field in fields.items()]
        elif isinstance(value, dict):
            children = list(value.items())
            for key, _ in children:
                yield _join(where, key), key
        elif isinstance(value, list | tuple):
            children = list(enumerate(value))
        else:
            yield where, value
            continue
        stack.extend((_join(where, key), child) for key, child in reversed(children))


def argument_leaves(arguments: dict) -> Iterator[tuple[str, object]]:
    """leaves() of an API operation's validated arguments, named as the client wrote them: the fields of a
    schema or object (a Query[...] filter, a JSON body) by their own names, any other argument by its name."""
    for name, value in arguments.items():
        yield from leaves(value, "" if isinstance(value, BaseModel | dict) else name)


def _join(path: str, key) -> str:
    key = FORBIDDEN_IN_TEXT.sub("?", str(key))  # a field named with a NUL is still named readably
    return f"{path}.{key}" if path else key


def refuse_control_characters(pairs: Iterable[tuple[str, object]]) -> None:
    """InvalidInput naming the first field whose text holds a character no text field may hold."""
    for field, value in pairs:
        if isinstance(value, str) and FORBIDDEN_IN_TEXT.search(value):
            raise InvalidInput(f"“{field}”含有文本中不允许的控制字符（如 NUL 空字符），请删除后重试。",
                               f"{field} contains a control character (such as NUL) that no text may hold; "
                               "remove it and retry.", code="control_character", field=field)


def refuse_huge_integers(pairs: Iterable[tuple[str, object]]) -> None:
    """InvalidInput naming the first integer outside the signed 64-bit range."""
    for field, value in pairs:
        if isinstance(value, int) and not isinstance(value, bool) and not INT_MIN <= value <= INT_MAX:
            raise InvalidInput(f"“{field}”超出允许的整数范围（-2^63 至 2^63-1）。",
                               f"{field} is outside the allowed integer range (-2^63 to 2^63-1).",
                               code="out_of_range", field=field)


def page_number(raw) -> int:
    """The page of an HTML list a `page` parameter asks for: not a whole number → the first page; beyond
    MAX_PAGE → MAX_PAGE (an empty page, as any page past the end), so no page number reaches SQL unbounded."""
    try:
        number = int(str(raw or 1).strip()[:20])
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)
