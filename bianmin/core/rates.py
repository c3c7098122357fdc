"""A rate as the figures pages and APIs show it: numerator, denominator and the share, never a guess.

An empty denominator has no rate (None, shown "—"), not 0 % or 100 %: a unit with no bad reviews has no
rectification rate to boast or to be blamed for.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return round(self.numerator / self.denominator, 4) if self.denominator else None

    @property
    def percent(self) -> str:
        return "—" if self.value is None else f"{self.value * 100:.1f}%"

    def as_dict(self) -> dict:
        return {**asdict(self), "value": self.value}
