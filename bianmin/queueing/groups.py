"""Kiosk item groups: the big buttons of the ticket machine, and the letter of a ticket number (A012, B003 …).

A group is a set of windows that serve the same things, so its letter tells the citizen (and the ordering's "people
ahead") which line they are in:
- department windows (部门窗口) with the same stationed departments form one group, named after the departments
  (a department window without departments is a group of its own, named after the window);
- all comprehensive windows (综合窗口, 无差别受理) of the site form one group;
- proxy (帮办代办), complaint and guide windows form one group per kind.
Groups take letters A, B, C … in the order of their lowest window number. A comprehensive window with no items
listed serves every item of the site's windows. Secret items (涉密) never appear on the kiosk.
A ticket without an item (a question, 咨询) belongs to the guide group, else the comprehensive group.
"""
from __future__ import annotations

import string
from dataclasses import dataclass, field

from bianmin.orgs.models import Window

TAKES_NO_ITEM = (Window.Kind.GUIDE, Window.Kind.COMPREHENSIVE)


@dataclass
class KioskGroup:
    letter: str
    name: str
    items: list = field(default_factory=list)  # catalog Items, by code
    window_ids: list[int] = field(default_factory=list)
    kind: str = Window.Kind.SINGLE
    takes_no_item: bool = False  # guide / comprehensive: a ticket without an item may be taken here


def _key(window: Window) -> tuple:
    if window.kind == Window.Kind.SINGLE:
        departments = tuple(sorted(d.pk for d in window.departments.all()))
        return ("single", departments) if departments else ("window", window.pk)
    return ("kind", window.kind)


def _name(window: Window, key: tuple) -> str:
    if key[0] == "single":
        return "、".join(d.name for d in sorted(window.departments.all(), key=lambda d: d.pk))
    if key[0] == "window":
        return window.name
    return str(Window.Kind(window.kind).label)


def kiosk_groups(site) -> list[KioskGroup]:
    windows = list(Window.objects.filter(site=site).prefetch_related("departments", "items").order_by("number"))
    windows.sort(key=lambda w: (len(w.number), w.number))  # "2" before "10"
    all_items: dict[int, object] = {}
    for window in windows:
        for item in window.items.all():
            all_items[item.pk] = item
    groups: dict[tuple, KioskGroup] = {}
    for window in windows:
        key = _key(window)
        group = groups.get(key)
        if group is None:
            group = groups[key] = KioskGroup(letter="", name=_name(window, key), kind=window.kind,
                                             takes_no_item=window.kind in TAKES_NO_ITEM)
        group.window_ids.append(window.pk)
        served = window.items.all() or (all_items.values() if window.kind == Window.Kind.COMPREHENSIVE else [])
        known = {i.pk for i in group.items}
        group.items.extend(i for i in served if i.pk not in known and not i.secret)
    result = [g for g in groups.values() if g.items or g.takes_no_item]
    for index, group in enumerate(result):
        group.letter = string.ascii_uppercase[index % 26]
        group.items.sort(key=lambda i: i.code)
    return result


def letter_for(site, item=None, groups: list[KioskGroup] | None = None) -> str:
    """The letter of a ticket for `item` (None: a question without an item) at `site`."""
    groups = kiosk_groups(site) if groups is None else groups
    if item is None:
        for kind in (Window.Kind.GUIDE, Window.Kind.COMPREHENSIVE):
            for group in groups:
                if group.kind == kind:
                    return group.letter
    else:
        # A department group before the comprehensive one: the specialised line is the shorter one to explain.
        for group in sorted(groups, key=lambda g: g.kind == Window.Kind.COMPREHENSIVE):
            if any(i.pk == item.pk for i in group.items):
                return group.letter
    return groups[0].letter if groups else "A"


