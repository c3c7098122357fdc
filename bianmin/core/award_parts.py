"""Assessment results other apps show, provided by bianmin.staffops (issue 17 §3, §7) so that the hall display
(queueing), the portal, the disclosure pages, the dashboard (stats) and the monthly report import nothing of
staffops: staffops reads stats (the rating bound breaks ties), so the dependency may only point that way.

Each is a Provider the staffops app provides in its AppConfig.ready(); `part()` gives None when it is not
installed, and the page leaves the section out."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .providers import Provider

# site → {"window", "window_number", "points", "month", "held_in", "site"} of the 流动红旗 it holds now, or None
red_flag_of_site: Provider[Callable[[Any], dict | None]] = Provider("red_flag_of_site")
# unit (None: every unit) → the 流动红旗 held now by the sites of its subtree (a bounded list of the same dicts)
red_flags_of_unit: Provider[Callable[[Any], list[dict]]] = Provider("red_flags_of_unit")
# (month, site=, unit=) → the league by points: {"month", "windows": {"entries", "lowest", "total"}, "staff": {…}}
points_league: Provider[Callable[..., dict]] = Provider("points_league")
# (unit, kind, date_from, date_to) → report sections: [{"title", "note", "headers", "widths", "rows", "empty"}]
report_sections: Provider[Callable[..., list[dict]]] = Provider("report_sections")


def part(provider: Provider, *args, **kwargs) -> Any:
    """What `provider` gives for these arguments, or None when no installed app provides it."""
    return provider(*args, **kwargs) if provider.available else None
