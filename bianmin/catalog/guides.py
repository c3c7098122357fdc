"""Guides: build the published snapshot of an item and find the version in effect (SPEC §2).

Every rendering — hall board, portal page, API, printed guide, one-time notification — reads the
GuideVersion in effect on the day, so they cannot disagree.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from bianmin.core import timeutil

from .models import GuideVersion, Item

GUIDE_SCHEMA = 1


def guide_content(item: Item) -> dict:
    """The full guide of an item as plain data (stored as the version snapshot)."""
    return {
        "schema": GUIDE_SCHEMA,
        "code": item.code,
        "basic_code": item.basic_code,
        "name": item.name,
        "item_type": item.item_type,
        "item_type_label": str(item.get_item_type_display()),
        "legal_basis": item.legal_basis,
        "accepting_unit": item.accepting_unit.name,
        "channels": list(item.channels or []),
        "conditions": [c.text for c in item.conditions.all()],
        "materials": [
            {
                "name": m.name,
                "role": m.role,
                "role_label": str(m.get_role_display()),
                "form": m.form,
                "form_label": str(m.get_form_display()),
                "count": m.count,
                "template": m.template.url if m.template else "",
                "source": m.source,
                "common_mistakes": m.common_mistakes,
            }
            for m in item.materials.all()
        ],
        "procedure": list(item.procedure or []),
        "statutory_limit": {"amount": item.statutory_limit, "unit": item.statutory_unit},
        "committed_limit": {"amount": item.committed_limit, "unit": item.committed_unit},
        "fee_basis": item.fee_basis,
        "fee_standard": item.fee_standard,
        "consult_phone": item.consult_phone,
        "supervision_phone": item.supervision_phone,
        "evaluation_channels": item.evaluation_channels,
        "handling_type": item.handling_type,
        "handling_type_label": str(item.get_handling_type_display()),
        "flags": {
            "at_most_once": item.at_most_once,
            "online": item.online,
            "bookable": item.bookable,
            "tolerant": item.tolerant,
            "high_frequency": item.high_frequency,
        },
    }


@transaction.atomic
def publish_guide(item: Item, effective_date: dt.date | None = None, *, user=None, note: str = "") -> GuideVersion:
    """Snapshot the item's current guide as a new version effective from `effective_date` (default today)."""
    from .validators import validate_item_guide

    validate_item_guide(item)
    Item.objects.select_for_update().filter(pk=item.pk).first()
    last = item.versions.aggregate(n=Max("number"))["n"] or 0
    return GuideVersion.objects.create(
        item=item, number=last + 1, effective_date=effective_date or timeutil.today(),
        content=guide_content(item), change_note=note, published_by=user,
    )


def current_version(item: Item, on: dt.date | None = None) -> GuideVersion | None:
    """The version in effect on `on` (default today): the newest one already effective."""
    on = on or timeutil.today()
    return item.versions.filter(effective_date__lte=on).order_by("-effective_date", "-number").first()
