"""Helpers for the database-free tests of the pure transition tables (cases, rectification, hotline states.py)."""
from __future__ import annotations

import ast
import inspect
from collections.abc import Callable, Iterable

# The only modules a states.py may import: the tables are plain Python, tested without Django or a database.
PURE_IMPORTS = {"__future__", "enum", "dataclasses", "typing", "collections.abc"}


def imported_modules(module) -> set[str]:
    tree = ast.parse(inspect.getsource(module))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def every_pair(actions: Iterable, statuses: Iterable) -> list[tuple]:
    return [(a, s) for a in actions for s in statuses]


def reachable(start, step: Callable[[object], Iterable]) -> set:
    """Every status reachable from `start`, where step(status) gives the statuses one move away."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in step(todo.pop()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
