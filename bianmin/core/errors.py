"""Domain errors carry one message in Chinese and one in English.

Services raise these; the API turns them into JSON with the status code below and the HTML views
show the message. One class per kind of failure keeps status codes in one place.
"""
from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, zh: str, en: str, *, code: str | None = None, field: str | None = None):
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en
        self.field = field
        if code:
            self.code = code

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": self.zh, "message_en": self.en}
        if self.field:
            body["field"] = self.field
        return body


class InvalidInput(DomainError):
    status = 422
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The request is well-formed but the record's state does not allow it."""

    status = 409
    code = "conflict"


class TooLarge(DomainError):
    """A request body over the size limit (settings.DATA_UPLOAD_MAX_MEMORY_SIZE, MAX_UPLOAD_REQUEST_BYTES), or a text
    over its own limit (a holiday notice)."""

    status = 413
    code = "too_large"


class CalendarNotCovered(InvalidInput):
    code = "calendar_not_covered"

    def __init__(self, year: int):
        super().__init__(
            f"工作日历未包含 {year} 年，请管理员先维护该年度的节假日安排。",
            f"The working-day calendar does not cover {year}; an administrator must add that year's holiday schedule first.",
        )
        self.year = year


class RateLimited(DomainError):
    """Too many requests from one address to a public endpoint."""

    status = 429
    code = "rate_limited"

    def __init__(self):
        super().__init__("操作过于频繁，请稍等一分钟后再试。", "Too many requests; please wait a minute and try again.")
