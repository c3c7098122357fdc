"""Human-readable numbers (办件编号, 文书编号) from a counter row locked for the increment."""
from __future__ import annotations

from django.db import transaction
from django.db.models import F

from .models import Sequence


def next_value(name: str) -> int:
    with transaction.atomic():
        Sequence.objects.get_or_create(name=name)
        Sequence.objects.filter(name=name).update(value=F("value") + 1)
        return Sequence.objects.select_for_update().get(name=name).value
