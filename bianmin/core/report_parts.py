"""Report sections other apps add to the periodic reports without the reports app importing them (the same pattern
as award_parts): the national exchange's monthly reconciliation (issue 19 part 3), provided by bianmin.exchange."""
from __future__ import annotations

from collections.abc import Callable

from .providers import Provider

# (unit, kind, date_from, date_to) → report sections: [{"title", "note", "headers", "widths", "rows", "empty"}]
exchange_sections: Provider[Callable[..., list[dict]]] = Provider("exchange_sections")
