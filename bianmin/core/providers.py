"""One function that answers a question for one app, provided by the app that knows the answer.

An app that must not import another (the dependency points the other way) declares a `Provider`; the app that
knows the answer provides the function in its AppConfig.ready(). Used by bianmin.ratings.events (the bad-review
loop answers for the ratings app) and bianmin.cases.page_parts (the ratings app adds its panel to the case page).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Provider(Generic[F]):
    """One function, provided once, with a clear state when nobody provides it."""

    def __init__(self, name: str):
        self.name = name
        self._function: F | None = None

    def provide(self, function: F) -> None:
        if self._function is not None and self._function is not function:
            raise RuntimeError(f"{self.name} is already provided by {self._function!r}")
        self._function = function

    @property
    def available(self) -> bool:
        return self._function is not None

    def __call__(self, *args, **kwargs):
        if self._function is None:
            raise LookupError(f"nobody provides {self.name}")
        return self._function(*args, **kwargs)
