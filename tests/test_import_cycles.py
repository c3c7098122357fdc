"""No import cycles in bianmin/ (issue 14, "Wiring").

The graph is read from the source with `ast`, without importing anything. An import inside a function counts
like one at the top of the module: it only defers the cycle to the first call, it does not remove the
dependency. Imports under `if TYPE_CHECKING:` are left out (they never run). When a cycle appears, move the
shared piece into its own module, or invert the dependency with a signal or a Provider (bianmin/core/providers.py,
used by bianmin/ratings/events.py and bianmin/cases/page_parts.py).
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "bianmin"


def module_names(root: Path) -> dict[str, Path]:
    """Dotted module name → file, for every module of the package at `root` except migrations."""
    names = {}
    for path in root.rglob("*.py"):
        if "migrations" in path.relative_to(root).parts:
            continue
        parts = (root.name, *path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(tree: ast.Module):
    """Every import statement of a module, top-level or nested, except those under `if TYPE_CHECKING:`."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif not _is_type_checking(node):
            stack.extend(ast.iter_child_nodes(node))


def _base(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    package = package[: len(package) - (node.level - 1)]
    return ".".join([*package, node.module] if node.module else package)


def import_graph(root: Path = ROOT) -> dict[str, dict[str, int]]:
    """module → {imported module of the same package → line of the first import}."""
    modules = module_names(root)
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        edges: dict[str, int] = {}
        is_package = path.name == "__init__.py"
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = _base(module, is_package, node)
                # `from pkg import name`: name is a submodule, or else something defined in pkg itself.
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                           for alias in node.names]
            for target in targets:
                if target in modules and target != module:
                    edges.setdefault(target, node.lineno)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def app_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def describe(graph: dict[str, dict[str, int]], component: list[str]) -> str:
    members = set(component)
    return "\n".join(f"  {module} → {target} (line {line})" for module in component
                     for target, line in sorted(graph[module].items()) if target in members)


def test_the_graph_sees_top_level_relative_and_function_level_imports():
    graph = import_graph()
    assert "bianmin.cases.views" in graph["bianmin.ratings.views_staff"]  # from bianmin.cases.views import …
    assert "bianmin.ratings.events" in graph["bianmin.rectification.apps"]  # inside ready()
    assert "bianmin.rectification.followups" in graph["bianmin.rectification.services"]  # from . import followups
    assert "bianmin.cases.models" in graph["bianmin.cases.views"]  # from .models import …


def test_the_cycle_finder_finds_cycles_and_only_cycles():
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}, "e": {}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b": 1}, "b": {}}) == []


def test_no_import_cycle_crosses_apps():
    graph = import_graph()
    crossing = [c for c in cycles(graph) if len({app_of(m) for m in c}) > 1]
    assert not crossing, "import cycles between apps:\n" + "\n\n".join(describe(graph, c) for c in crossing)


def test_no_import_cycle_inside_an_app():
    # Among others: rectification.services → rater_view → followups → services, broken by keeping the
    # follow-up's link and period in followups.py and storing the follow-up in services.py.
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n\n".join(describe(graph, c) for c in found)


def test_the_case_page_does_not_import_the_ratings_app():
    # cases/views.py ⇄ ratings/views_staff.py: the ratings app provides its panel through cases.page_parts.
    graph = import_graph()
    cases_imports = {target for module, edges in graph.items() if app_of(module) == "bianmin.cases"
                     for target in edges}
    assert not {m for m in cases_imports if app_of(m) == "bianmin.ratings"}
