"""What an order's output reveals to one viewer: callers masked by default, hidden entirely when confidential.

A confidential caller must not reach the department in any form (not the name, not the phone, not a masked
version, not inside a note or the citizen's own text), so for a viewer who may not see a caller, every free
text of the order is redacted of that caller's name and phone before it leaves the server. Phone numbers in
free text are masked for everyone (SPEC §11).
"""
from __future__ import annotations

from dataclasses import dataclass

from bianmin.core.masking import mask_name, mask_phone, mask_text

from . import access
from .models import WorkOrder

HIDDEN = "［保密］"


@dataclass(frozen=True)
class Caller:
    name: str
    phone: str
    callback_consent: bool
    confidential: bool


def callers_of(order: WorkOrder) -> list[Caller]:
    """The first caller, then everyone who came in through merged duplicates."""
    first = Caller(order.caller_name, order.caller_phone, order.callback_consent, order.confidential)
    return [first] + [Caller(c.name, c.phone, c.callback_consent, c.confidential) for c in order.callers.all()]


class Disclosure:
    """Built once per (viewer, order); every string the API sends about the order goes through it."""

    def __init__(self, viewer, order: WorkOrder, *, unmasked: bool = False):
        self.order = order
        self.unmasked = unmasked
        self.callers = callers_of(order)
        self.visible = [access.sees_identity(viewer, order, c.confidential) for c in self.callers]
        secrets: set[str] = set()
        for caller, visible in zip(self.callers, self.visible):
            if not visible:
                # One-character names would redact ordinary words; the phone is the identifying part then.
                names = (caller.name, mask_name(caller.name)) if len(caller.name) > 1 else ()
                secrets |= {v for v in (*names, caller.phone, mask_phone(caller.phone)) if v}
        self._secrets = sorted(secrets, key=len, reverse=True)

    def caller_rows(self) -> list[dict]:
        rows = []
        for caller, visible in zip(self.callers, self.visible):
            if not visible:
                rows.append({"name": None, "phone": None, "confidential": True, "hidden": True,
                             "callback_consent": caller.callback_consent})
                continue
            rows.append({
                "name": caller.name if self.unmasked else mask_name(caller.name),
                "phone": caller.phone if self.unmasked else mask_phone(caller.phone),
                "confidential": caller.confidential, "hidden": False, "callback_consent": caller.callback_consent,
            })
        return rows

    def text(self, value: str) -> str:
        if not value:
            return value
        for secret in self._secrets:
            value = value.replace(secret, HIDDEN)
        return mask_text(value)

    def data(self, value):
        """Redact every string inside an event's data."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v) for v in value]
        return value

    @property
    def sees_any_caller(self) -> bool:
        return any(self.visible)
