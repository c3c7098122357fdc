"""Paging lists whose rows cost something to build (a clock's state, what a viewer may see)."""
from __future__ import annotations

from collections.abc import Callable


class RowsOfPage:
    """A queryset as django-ninja's paginator sees it: it counts the whole list and slices out one page, and only
    the rows of that page go through `to_row`."""

    def __init__(self, qs, to_row: Callable[[object], dict]):
        self.qs, self.to_row = qs, to_row

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, part: slice) -> list[dict]:
        return [self.to_row(row) for row in self.qs[part]]
