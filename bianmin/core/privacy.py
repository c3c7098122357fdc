"""Unmasking personal data is a logged service call (DESIGN rule 6, SPEC §11)."""
from __future__ import annotations

from .errors import InvalidInput
from .models import AuditLog


def log_unmask(user, obj, reason: str) -> None:
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise InvalidInput("查看完整信息须说明理由。", "Give a reason for viewing the full personal data.", field="reason")
    if len(reason) > 500:
        raise InvalidInput("理由过长（最多 500 字）。", "Reason too long (max 500 characters).", field="reason")
    AuditLog.objects.create(actor=user, action="unmask", object_type=obj._meta.label, object_id=str(obj.pk),
                            reason=reason)
