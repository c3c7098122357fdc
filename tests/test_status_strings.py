"""No bare status strings in bianmin/ (issue 14, "Status strings"): code names a status, stage, level or outcome
by its enum member (cases.states.Status, rectification.states.Status/Outcome, hotline.states.Status,
core.models.Clock.Status, ratings.models.Level/Stage, stats.models.Dimension …), never by the string it stores.
A typo in a string filters silently to nothing; a typo in a member name fails at once.

Read with `ast`, so docstrings, comments, messages and the enums' own definitions are not findings. What is
looked at, for a field named status, stage, level or outcome (also as the last part of a lookup such as
`cases__status__in`):
- keyword arguments: `filter(status="closed")`, `Q(status__in=["replied", ...])`, `exclude(stage="followup")`;
- comparisons: `clock.status == "stopped"`, `ticket.outcome != "ledger"`, `row["status"] in ("a", "b")`;
- ORM lookups spelled as dictionary keys: `Q(**{f"{prefix}__status": "running"})`.
Migrations are left out: they keep the strings of their time.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "bianmin"
FIELDS = "status|stage|level|outcome"
LOOKUP = re.compile(rf"^(?:\w+__)?(?:{FIELDS})(?:__(?:in|exact|iexact))?$")
NAME = re.compile(rf"^(?:{FIELDS})$")
VALUE = re.compile(r"^[a-z][a-z0-9_]*$")
# The tail of an f-string key such as f"{clock}__status".
KEY_TAIL = re.compile(rf"__(?:{FIELDS})(?:__(?:in|exact|iexact))?$")


def _is_code(node: ast.AST) -> bool:
    """A literal spelled like a stored enum value ("closed", "very_dissatisfied"); "" means "none chosen"."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and bool(VALUE.match(node.value))


def _strings(node: ast.AST) -> list[ast.Constant]:
    """A code literal, or the code literals of a literal list, tuple or set."""
    elements = node.elts if isinstance(node, ast.List | ast.Tuple | ast.Set) else [node]
    return [e for e in elements if isinstance(e, ast.Constant) and _is_code(e)]


def _field_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    return None


def _key_names_a_lookup(key: ast.AST | None) -> bool:
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return "__" in key.value and bool(LOOKUP.match(key.value))
    if isinstance(key, ast.JoinedStr) and key.values:
        tail = key.values[-1]
        return isinstance(tail, ast.Constant) and bool(KEY_TAIL.search(str(tail.value)))
    return False


def bare_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for each status-like string literal in the module."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg and LOOKUP.match(node.arg):
            found += [(s.lineno, f"{node.arg}={s.value!r}") for s in _strings(node.value)]
        elif isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            names = [n for n in map(_field_name, sides) if n and NAME.match(n)]
            if names:
                found += [(s.lineno, f"{names[0]} compared with {s.value!r}") for side in sides
                          for s in _strings(side)]
        elif isinstance(node, ast.Dict):
            found += [(s.lineno, f"lookup {ast.unparse(key)}: {s.value!r}") for key, value in zip(node.keys, node.values)
                      if _key_names_a_lookup(key) for s in _strings(value)]
    return found


def findings(root: Path = ROOT) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        out += [f"{path.relative_to(root.parent)}:{line}: {what}" for line, what in sorted(bare_strings(tree))]
    return out


def test_the_scanner_finds_each_kind_of_bare_status_string():
    source = '''
Ticket.objects.filter(status="closed")
Q(status__in=["replied", "closed"])
Case.objects.filter(cases__status__in=("accepted",))
Rating.objects.exclude(stage="followup", level__in={"basic"})
if clock.status == "stopped" or ticket.outcome != "ledger" or row["status"] in ("a",):
    pass
Q(**{f"{clock}__status": "running", "clock__status": "paused"})
'''
    found = [what for _, what in bare_strings(ast.parse(source))]
    assert found.count("status='closed'") == 1
    for expected in ["status__in='replied'", "cases__status__in='accepted'", "stage='followup'",
                     "level__in='basic'", "status compared with 'stopped'", "outcome compared with 'ledger'",
                     "status compared with 'a'", "lookup f'{clock}__status': 'running'",
                     "lookup 'clock__status': 'paused'"]:
        assert expected in found


def test_enum_members_messages_and_other_fields_are_not_findings():
    source = '''
"""status="closed" in a docstring"""
Ticket.objects.filter(status=Status.CLOSED, kind="x")
if rating.level == "" or rating.stage != "Not a code":
    pass
Q(status__in=[s.value for s in OPEN])
if clock.status == Clock.Status.STOPPED:
    raise Conflict(f"办件当前状态为 {case.status}", code="illegal_transition")
answer = {"status": "closed" if closed else "open"}
'''
    assert bare_strings(ast.parse(source)) == []


def test_no_bare_status_strings_in_bianmin():
    found = findings()
    assert not found, "use the enum member (TextChoices/StrEnum) instead of the string:\n" + "\n".join(found)
