"""The standard phrase library (SPEC §7, S004:L185-391): what an agent says at each step of a call.

The rows are seeded by migration 0002 and kept by managers (admin, or PATCH /api/v1/phrases/{id}); the
intake page asks `phrase_for(step)` for the lines to show beside the form at the current step.
"""
from __future__ import annotations

from django.db import transaction

from bianmin.core.errors import InvalidInput, NotFound, PermissionDenied
from bianmin.core.inputs import text
from bianmin.orgs.roles import Action as Perm
from bianmin.orgs.scoping import can

from .models import Phrase, Scenario

# The steps of an intake call in the order the page walks through them.
INTAKE_STEPS = (Scenario.OPENING, Scenario.IDENTITY_CHECK, Scenario.POLICY_CONSULTATION, Scenario.TRANSFER,
                Scenario.CLOSING)


def phrase_for(step: str) -> list[str]:
    """The active phrases of one step (scenario), in order; an unknown step has none."""
    if step not in Scenario.values:
        return []
    return list(Phrase.objects.filter(scenario=step, active=True).order_by("step").values_list("text", flat=True))


def library(*, include_inactive: bool = False) -> dict[str, list[Phrase]]:
    """Every active phrase (for the managers who keep them, every phrase) by scenario, scenarios in the order
    of Scenario."""
    out: dict[str, list[Phrase]] = {s: [] for s in Scenario.values}
    rows = Phrase.objects.all() if include_inactive else Phrase.objects.filter(active=True)
    for phrase in rows.select_related("updated_by").order_by("step"):
        out[phrase.scenario].append(phrase)
    return out


@transaction.atomic
def edit(actor, phrase_id: int, data: dict) -> Phrase:
    """A manager rewrites or switches off a phrase (kept, never deleted, so the steps stay numbered)."""
    if not can(actor, Perm.EDIT_PHRASES):
        raise PermissionDenied("只有中心负责人可以修改标准用语。", "Only managers may edit the standard phrases.")
    phrase = Phrase.objects.select_for_update().filter(pk=phrase_id).first()
    if phrase is None:
        raise NotFound("标准用语不存在。", "No such phrase.")
    fields = []
    if "text" in data:
        phrase.text = text(data, "text", "标准用语", "Phrase", max_len=1000)
        fields.append("text")
    if "title" in data:
        phrase.title = text(data, "title", "使用提示", "Title", required=False, max_len=80)
        fields.append("title")
    if "active" in data:
        if not isinstance(data["active"], bool):
            raise InvalidInput("“启用”应为是或否。", "active must be true or false.", field="active")
        phrase.active = data["active"]
        fields.append("active")
    if not fields:
        raise InvalidInput("请提供要修改的内容（text、title 或 active）。", "Send text, title or active.")
    phrase.updated_by = actor
    phrase.save(update_fields=[*fields, "updated_by", "updated_at"])
    return phrase
