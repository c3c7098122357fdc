"""Parts of the case page and the printed receipt that other apps add, so the cases app imports none of them
(issue 14: the ratings app depends on cases, never the other way round).

Each part is a `Provider` the owning app provides in its AppConfig.ready(); a part nobody provides is left out
of the page.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bianmin.core.providers import Provider

# (user, case) → the 服务评价 panel for workbench/case.html, or None when no stage is rated (bianmin.ratings)
rating_panel: Provider[Callable[[Any, Any], dict | None]] = Provider("case rating_panel")
# case → the rating QR code printed on a 受理通知书 (bianmin.ratings)
receipt_qr: Provider[Callable[[Any], dict | None]] = Provider("case receipt_qr")
# (user, case) → the 超时说明 panel for workbench/case.html, or None when the case kept its limit (bianmin.staffops)
delay_panel: Provider[Callable[[Any, Any], dict | None]] = Provider("case delay_panel")


def part(provider: Provider, *args) -> Any:
    """The part `provider` gives for these arguments, or None when no installed app provides it."""
    return provider(*args) if provider.available else None
