"""The demo catalogue's item names (bianmin/demo/items.py) as published items over tests/world.py, for the search
tests: the synonyms seeded by migration must find real demo items."""
from __future__ import annotations

from bianmin.catalog.guides import publish_guide
from bianmin.catalog.models import HandlingType, Item
from bianmin.demo.items import ITEMS

from .world import make_item


def demo_catalogue(world) -> dict[str, Item]:
    """Every public demo item, published today, accepted at world.window_a: {name: item}."""
    items = {}
    for spec in ITEMS:
        if spec.get("secret"):
            continue
        item = make_item(f"DEMO-{spec['key']}", spec["name"], world.civil_affairs, HandlingType.COMMITTED)
        publish_guide(item)
        items[item.name] = item
    world.window_a.items.add(*items.values())
    return items
