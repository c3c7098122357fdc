"""Masking of personal data (SPEC §11): phone and ID numbers are shown masked by default.

The same functions mask values in templates, API schemas and log records, so there is one rule
for what a masked number looks like.
"""
from __future__ import annotations

import logging
import re

# Mainland mobile numbers, landlines with area code, and 15/18-digit resident ID numbers.
# An ID number is exactly 18 characters (17 digits and a digit or X) or, for the old cards, 15 digits; other runs of
# digits (case and ticket numbers such as ZG2026120200001, 13 digits) are not personal data.
_ID_RE = re.compile(r"(?<![\dXx])(?:\d{17}[\dXx]|\d{15})(?![\dXx])")
_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_phone(value: str | None) -> str:
    """138****1234 for mobiles; for other numbers keep the first 3 and last 4 characters."""
    if not value:
        return ""
    digits = value.strip()
    if len(digits) <= 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_id_number(value: str | None) -> str:
    """110105********1234 — region prefix and last four characters stay readable."""
    if not value:
        return ""
    v = value.strip()
    if len(v) <= 10:
        return "*" * len(v)
    return f"{v[:6]}{'*' * (len(v) - 10)}{v[-4:]}"


def mask_name(value: str | None) -> str:
    """张*明: keep the family name and, for longer names, the last character."""
    if not value:
        return ""
    if len(value) == 1:
        return value
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_text(text: str | None) -> str | None:
    """Mask any phone or ID number that appears inside free text (log lines, comments, notes, results): the one
    rule for free text shown on pages (the `pii` filter), in API answers, exports, text-message logs and logs."""
    if not text:
        return text
    text = _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE_RE.sub(lambda m: mask_phone(m.group(0)), text)


class MaskPersonalDataFilter(logging.Filter):
    """Logging filter that masks phone and ID numbers in every record before it is written: the message, and the
    traceback and stack of a logged exception (an exception's message or a local shown in it may hold a number)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is still logged, unmasked args are dropped
            message = str(record.msg)
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatted here, masked, and cached where every formatter looks for it first.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        return True
