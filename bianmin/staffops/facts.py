"""Deriving deductions and efficiency warnings from the facts (owner: the engine). See the issue-17 brief."""
from __future__ import annotations


def sync_recent() -> int:
    return 0
